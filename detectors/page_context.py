"""What the page signals share about one page: its features and standing, and the readings of its
text that several signals need (what it sells or only quotes, its query forms, a result it shows)."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field

from detectors.page_features import Form, PageFeatures
from detectors.page_words import WORDS, any_of
from detectors.similarity import Match, PageSide
from detectors.targets import target_for_host, targets
from detectors.textnorm import distinct_lines, join_spaced_hanzi

_SELLER_STRONG = any_of(WORDS["seller"]["strong"], padded=True)
# (pattern, words one of which must be on the page before the pattern is worth running)
_SELLER_STRONG_PATTERNS = tuple((re.compile(p["pattern"]), tuple(p["needs"]))
                                for p in WORDS["seller"]["strong_patterns"])
_SELLER_WEAK = any_of(WORDS["seller"]["weak"], padded=True)
_CURRENCY_PRICE = re.compile(WORDS["seller"]["price_pattern"])
_UNIT_PRICE = re.compile(WORDS["seller"]["unit_price_pattern"])
_CURRENCY_PREFIXES = ("HK", "US", "NT")
_PADDING = re.compile(r"[\s*★☆·•_~\-]")
_CERTIFICATE_WORD = any_of(WORDS["seller"]["certificate_words"])
_TRAINING_WORD = any_of(WORDS["seller"]["training_words"])
WARNING = any_of(WORDS["warning"]["markers"] + WORDS["warning"]["doubt"])
_DISCUSSION_TITLE = any_of(WORDS["warning"]["title_markers"])
_TOPIC = any_of(WORDS["topic"]["words"])
_RESULT_FIELDS = tuple(WORDS["result"]["fields"])
_RESULT_CLASSES = tuple(WORDS["result"]["table_classes"])
_PERSON_LABELS = tuple(WORDS["result"]["person_labels"])
_CATEGORY_LABELS = tuple(WORDS["result"]["category_labels"])
# A person label as printed, padded or not ("姓名", "姓　　名", "持 证 人").
_PERSON_LABEL = re.compile("|".join(" {0,4}".join(label) for label in _PERSON_LABELS))
_DATE = re.compile(r"(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}")
_PERSON_NUMBER = re.compile(r"(?<![0-9A-Za-z])T?\d{17}[\dXx](?![0-9A-Za-z])")
# An ID number as lists print it, partly masked: 440103********1234, 4401**********123X.
_ANY_PERSON_NUMBER = re.compile(r"(?<![0-9A-Za-z])T?\d{4,6}[\d*]{8,10}\d{3}[\dXx](?![0-9A-Za-z])")
_LIST_WORDS = any_of(WORDS["result"]["list_words"])
_SAMPLE_WORDS = any_of(WORDS["result"]["sample_words"])
_MAX_PEOPLE = 2        # a lookup shows one person's certificates; a page of several people is a list
_SAMPLE_REACH = 40     # how far before a result block a "样本" label may stand
_CONTEXT = 80          # characters either side of a phrase that decide whether it is quoted
_QUOTE_REACH = 12      # how far before a phrase its opening quotation mark may stand
_OPENING_QUOTES = tuple(pair[0] for pair in WORDS["warning"]["quote_pairs"])
_CLOSING_QUOTES = tuple(pair[1] for pair in WORDS["warning"]["quote_pairs"])
_ASKING = tuple(WORDS["warning"]["asking"])
_REPORTED = tuple(WORDS["warning"]["reported"])
_NOT_REPORTED = any_of(WORDS["warning"]["not_reported"])
_REFUSALS = tuple(WORDS["warning"]["refusals"])
_NEGATIONS = tuple(WORDS["warning"]["negations"])
_BEFORE_PHRASE = " “「『‘\"'"     # what may stand between a negation and the phrase
_DENIED_WARNING = ("不", "不是", "并非", "绝非", "没有")
_POST_MARKER = any_of(WORDS["warning"]["post_markers"])
_MIN_POSTS = 2
_WARNING_PAGE_WORDS = 3
_UNREAD_TEXT = 300     # a page with less visible text than this has not shown itself yet
_HEAD_CHARS = 50_000   # how far into the text warnings, markers and people's numbers are looked for
_SENTENCE_END = re.compile(r"[。!?;\n]")
_CLAUSE_END = re.compile(r"[,。!?;:\n]")
_CLAUSE_REACH = 16     # how far back in its clause a reporting or refusing word may stand
# Reported speech: "对方表示，…", "客服称：…" earlier in the phrase's sentence.
_SPEECH_FRAME = re.compile("(?:" + "|".join(WORDS["warning"]["speech_verbs"]) + ")[,:]")
_TITLE_PARTS = re.compile(r"\s[-_|—]+\s|[_|]")
_QUESTION_END = ("?", "吗", "呢", "么")
_RESULT_WINDOW = 400   # characters after a 姓名 label in which a certificate result must show
_MAX_NAME_LABELS = 10
MAX_MATCHES = 40      # a phrase repeated all over a page says no more after its first few places
_FORM_CATEGORIES = ("id_number", "person_name", "captcha", "cert_type", "search", "registration", "exam")
_EXAM_ROUTE = any_of(WORDS["exam_route"]["phrases"])
_NOT_BEFORE_EXAM = ("不", "无", "免", "没", "不用", "无需", "不必")
_EDITORIAL = any_of(WORDS["editorial"]["markers"])


@dataclass
class PageContext:
    """One page, with what the signals share: its features, the host's standing and the best match."""

    features: PageFeatures
    side: PageSide
    match: Match | None
    official: bool
    weights: dict
    official_identity: dict          # identity number -> target key, from the reference files
    official_favicons: dict          # favicon mmh3 -> target key, from the reference files
    official_builds: dict            # target key -> hash-named build files of its official pages
    _quoted: dict = field(default_factory=dict, init=False, repr=False)

    @property
    def text(self) -> str:
        return self.features.text

    @functools.cached_property
    def discussion(self) -> bool:
        """The page's title says it reports, warns against or asks about fakes, or the page is a forum
        thread under a question: all it quotes is quoted."""
        title = self.features.title
        return bool(_DISCUSSION_TITLE.search(title)) or (self.thread and is_question(title))

    @functools.cached_property
    def head_lines(self) -> str:
        """The distinct lines of the head of the text. Sets of words found there (warnings, markers,
        numbers: none spans a line, and none is denied by what stands on the line before) are the sets
        found in the head itself."""
        return self.features.text_lines if len(self.text) <= _HEAD_CHARS else distinct_lines(self.text[:_HEAD_CHARS])

    @functools.cached_property
    def warnings(self) -> set[str]:
        """The distinct warning and doubt words of the page."""
        return set(warning_words(self.head_lines))

    @functools.cached_property
    def private_contact(self) -> bool:
        return any(kind in ("mobile", "qq", "wechat") for kind, _ in self.features.contacts)

    @functools.cached_property
    def buyable(self) -> bool:
        """A private contact on a page that is no article: its warnings count only in their own sentence."""
        return self.private_contact and len(self.editorial_markers) < 2

    @functools.cached_property
    def warning_page(self) -> bool:
        """The page warns against fakes throughout and gives no way to buy (no private contact, no price
        on a certificate): a slogan it puts in quotation marks is one it reports, even in its headline."""
        return len(self.warnings) >= _WARNING_PAGE_WORDS and not self.private_contact and self.certificate_price is None

    @functools.cached_property
    def thread(self) -> bool:
        """Several posts of a forum thread: people talking, not a shop."""
        return len(_POST_MARKER.findall(self.text[:_HEAD_CHARS])) >= _MIN_POSTS

    def quoted(self, text: str, start: int, end: int, sentence_only: bool = False) -> bool:
        """is_quoted, decided once per neighbourhood: pages repeat their slogans word for word, and
        is_quoted reads nothing further than _CONTEXT characters either side of the phrase."""
        low = max(0, start - _CONTEXT)
        key = (text[low:end + _CONTEXT], start - low, end - low, sentence_only)
        found = self._quoted.get(key)
        if found is None:
            found = self._quoted[key] = is_quoted(text, start, end, sentence_only)
        return found

    def scan(self, pattern: re.Pattern, text: str) -> tuple[list[str], int]:
        """(matches of `pattern` the page says in its own name, how many others it only quotes)."""
        offered, quoted = {}, 0
        for m in itertools.islice(pattern.finditer(text), MAX_MATCHES):
            term = unpad(m[0])
            if term in offered and quoted:
                continue        # another place of a term already offered tells nothing new
            if self.discussion or self.quoted(text, m.start(), m.end(), sentence_only=self.buyable) \
                    or (self.warning_page and in_quotation_marks(text, m.start())):
                quoted += 1
            else:
                offered[term] = True
        return list(offered), quoted

    def offered(self, pattern: re.Pattern, text: str) -> list[str]:
        return self.scan(pattern, text)[0]

    @functools.cached_property
    def seller_terms(self) -> tuple[list[str], list[str], int]:
        """(strong terms offered, weak terms offered, how many seller phrases were only quoted)."""
        strong, quoted = self.scan(_SELLER_STRONG, self.text)
        for pattern, needs in _SELLER_STRONG_PATTERNS:
            if any(word in self.features.text_lines for word in needs):
                found, also_quoted = self.scan(pattern, self.text)
                strong, quoted = strong + found, quoted + also_quoted
        weak, weak_quoted = self.scan(_SELLER_WEAK, self.text)
        return sorted(set(strong)), sorted(set(weak) - set(strong)), quoted + weak_quoted

    @functools.cached_property
    def selling(self) -> bool:
        """Strong promises, or several weak ones on a page that does not describe the exam route."""
        strong, weak, _ = self.seller_terms
        return bool(strong) or (len(weak) >= 2 and not self.exam_route)

    @functools.cached_property
    def exam_route(self) -> bool:
        """The page says the certificate comes from training and an exam (not "不用参加考试")."""
        text = self.text
        for m in itertools.islice(_EXAM_ROUTE.finditer(text), MAX_MATCHES):
            if not text[max(0, m.start() - 3):m.start()].endswith(_NOT_BEFORE_EXAM):
                return True
        return False

    @functools.cached_property
    def editorial_markers(self) -> set[str]:
        """Markers of a news article, notice, encyclopedia entry or forum thread."""
        return {m[0] for m in _EDITORIAL.finditer(self.head_lines)}

    @functools.cached_property
    def reporting(self) -> bool:
        """An article or thread about fakes: what it shows of them (a result, a form) is an example."""
        return self.discussion or (self.warning_page and len(self.editorial_markers) >= 2)

    @functools.cached_property
    def selling_openly(self) -> bool:
        """Selling with a price on a certificate or a private contact: no warning page does that."""
        return self.selling and (self.private_contact or self.certificate_price is not None)

    @functools.cached_property
    def certificate_price(self) -> str | None:
        """The first price put on a certificate (not on a training course), if any."""
        for start, end in prices(self.text):
            window = self.text[max(0, start - 15):end + 15]
            if _CERTIFICATE_WORD.search(window) and not _TRAINING_WORD.search(window):
                return self.text[start:end]
        return None

    @functools.cached_property
    def query_forms(self) -> list[tuple[Form, set[str]]]:
        """Forms that look a person up by identity (ID number and name; not an enrolment form that also
        asks for a phone number or a course), with their field categories."""
        found = []
        forms = self.features.forms
        for form in forms:
            categories = form_categories(form)
            # A page cut short inside its form lost the fields after the ID number.
            cut = self.features.cut_in_form and form is _last_real_form(forms)
            asks_person = "person_name" in categories or cut
            # A form that sends its answers to the official platform only forwards the reader there.
            to_official = bool(form.action_host) and target_for_host(form.action_host) is not None
            if "id_number" in categories and asks_person and not categories & {"registration", "exam"} \
                    and not ("search" in categories and len(form.fields) < 2) and not to_official:
                found.append((form, categories))
        return found

    @functools.cached_property
    def unread(self) -> bool:
        """Nothing to read yet: a script-only app before its script runs, or a transfer cut short
        before the page's text. What it calls itself is all it says."""
        f = self.features
        return f.app_shell or (f.cut_short and len(f.text) < _UNREAD_TEXT)

    @functools.cached_property
    def on_topic(self) -> bool:
        """The page is about the certificates of a protected lookup."""
        if _TOPIC.search(self.features.title) or _TOPIC.search(self.features.meta) or _TOPIC.search(self.text[:20_000]):
            return True
        return any(k in self.features.text_lines for t in targets() for k in t.keywords if len(k) >= 3)

    @functools.cached_property
    def people_list(self) -> bool:
        """The page publishes certificates of many people (a pass list, revoked certificates): not a
        lookup of one person."""
        if _LIST_WORDS.search(self.features.masthead):
            return True
        # The same person's number may show whole, masked and as a certificate number ("T" + ID).
        people = {(number.lstrip("T")[:4], number[-4:]) for number in _ANY_PERSON_NUMBER.findall(self.head_lines)}
        return len(people) > _MAX_PEOPLE

    @functools.cached_property
    def result_table(self) -> bool:
        """A table laid out like a certificate result (a result class, or four result columns)."""
        laid_out = any(_result_fields(text) + 2 * any(c in css for c in _RESULT_CLASSES) >= 4
                       for css, text in self.features.tables)
        return laid_out and not self.people_list

    @functools.cached_property
    def result_shown(self) -> bool:
        """A person's certificate is on the page: after a 姓名 label, result labels, a date and an
        operation category or a certificate number (in a table or in any other markup)."""
        blocks = [text for _, text in self.features.tables]
        for match in itertools.islice(_PERSON_LABEL.finditer(self.text), _MAX_NAME_LABELS):
            if not _SAMPLE_WORDS.search(self.text, max(0, match.start() - _SAMPLE_REACH), match.start()):
                blocks.append(join_spaced_hanzi(self.text[match.start():match.start() + _RESULT_WINDOW]))
        shown = any(_shows_person(block) and not _SAMPLE_WORDS.search(block) for block in blocks)
        return shown and not self.people_list

    def points(self, code: str) -> int:
        return int(self.weights[code])


def prices(text: str) -> list[tuple[int, int]]:
    """(start, end) of every price in the text, in order: "680元", "1280港元", "HK$1,280", "￥680"."""
    found = [m.span() for m in _UNIT_PRICE.finditer(text)]
    for m in _CURRENCY_PRICE.finditer(text):
        start = m.start() - 2 if text[max(0, m.start() - 2):m.start()] in _CURRENCY_PREFIXES else m.start()
        found.append((start, m.end()))
    return sorted(found)


def unpad(term: str) -> str:
    return _PADDING.sub("", term)


def _result_fields(text: str) -> int:
    return sum(1 for name in _RESULT_FIELDS if name in text)


def _shows_person(text: str) -> bool:
    # Cheapest tests first: most blocks fail on the date.
    return (any(label in text for label in _PERSON_LABELS) and bool(_DATE.search(text))
            and (any(label in text for label in _CATEGORY_LABELS) or bool(_PERSON_NUMBER.search(text)))
            and _result_fields(text) >= 4)


def in_quotation_marks(text: str, start: int) -> bool:
    """An opening quotation mark stands shortly before the phrase, not closed before it."""
    before = text[max(0, start - _QUOTE_REACH):start]
    return max(before.rfind(q) for q in _OPENING_QUOTES) > max(before.rfind(q) for q in _CLOSING_QUOTES)


def _sentence_start(text: str, start: int) -> int:
    """Where the sentence of a phrase begins (at most _CONTEXT characters before it)."""
    ends_before = [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - _CONTEXT), start)]
    return ends_before[-1] if ends_before else max(0, start - _CONTEXT)


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence a phrase stands in (at most _CONTEXT characters either side of it)."""
    stop = _SENTENCE_END.search(text, end, end + _CONTEXT)
    return text[_sentence_start(text, start):stop.end() if stop else end + _CONTEXT]


def _in_quotes_asked(text: str, start: int, end: int) -> bool:
    """In quotation marks within a sentence that asks or reports. Quotation marks alone prove
    nothing: sellers put their own slogans in quotes too."""
    return in_quotation_marks(text, start) and any(word in sentence_around(text, start, end) for word in _ASKING)


def warning_words(text: str) -> list[str]:
    """Warning and doubt words, except denied ones: a seller's "不是假证" warns against nothing
    (while "请勿上当" still warns)."""
    return [m[0] for m in WARNING.finditer(text)
            if not text[max(0, m.start() - 2):m.start()].endswith(_DENIED_WARNING)]


def _clause_before(text: str, start: int) -> str:
    """The part of its clause before a phrase (at most _CLAUSE_REACH characters)."""
    before = text[max(0, start - _CLAUSE_REACH):start]
    ends = [m.end() for m in _CLAUSE_END.finditer(before)]
    return before[ends[-1]:] if ends else before


def _reported_or_denied(text: str, start: int) -> bool:
    """Someone else's words ("网上说免考", "客服表示：可以免考") or an offer refused ("本中心不代办证书",
    "并非免考")."""
    clause = _clause_before(text, start)
    spoken = _NOT_REPORTED.sub("", clause)
    if any(word in spoken for word in _REPORTED):
        return True
    if clause.rstrip(_BEFORE_PHRASE).endswith(_NEGATIONS) or any(word in clause for word in _REFUSALS):
        return True
    return bool(_SPEECH_FRAME.search(text, _sentence_start(text, start), start))


def is_question(title: str) -> bool:
    """The title's main part (before the site name) asks a question."""
    main = _TITLE_PARTS.split(title, 1)[0].strip()
    return main.endswith(_QUESTION_END)


def _last_real_form(forms: list[Form]) -> Form | None:
    """The last <form> element of the page (not the inputs gathered from outside any form)."""
    real = [form for form in forms if form.method]
    return real[-1] if real else None


def is_quoted(text: str, start: int, end: int, sentence_only: bool = False) -> bool:
    """A phrase is quoted (reported, warned about, asked about) rather than offered when a warning or a
    doubt stands near it in its paragraph (or only in its sentence, for a page that gives a private
    way to buy: sellers put "谨防假冒" beside their own promises), someone else's words or a refusal
    lead up to it, or it is in quotation marks in a question or in reported speech."""
    if _in_quotes_asked(text, start, end) or _reported_or_denied(text, start):
        return True
    if sentence_only:
        return bool(warning_words(sentence_around(text, start, end)))
    paragraph_start = text.rfind("\n", 0, start) + 1
    paragraph_end = text.find("\n", end)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    return bool(warning_words(text[max(paragraph_start, start - _CONTEXT):min(paragraph_end, end + _CONTEXT)]))


def _field_pattern(words: list[str]) -> re.Pattern:
    """Matches a field token that names one of `words`: anywhere for Chinese or long words, only at
    an edge for short ones ("xm", "sfz"), so that "xml" or "sfzz" do not count."""
    anywhere = [re.escape(w) for w in words if not w.isascii() or len(w) >= 4]
    edge = "|".join(re.escape(w) for w in words if w.isascii() and len(w) < 4)
    parts = anywhere + ([f"^(?:{edge})", f"(?:{edge})$"] if edge else [])
    return re.compile("|".join(parts))


_FIELD_PATTERNS = {category: _field_pattern(WORDS["form"][category]) for category in _FORM_CATEGORIES}
_LABEL_PATTERNS = {category: any_of([w for w in WORDS["form"][category] if not w.isascii()])
                   for category in _FORM_CATEGORIES}


def form_categories(form: Form) -> set[str]:
    """What a form asks for (id_number, person_name, captcha, cert_type, search, registration), from
    its fields and labels."""
    return {category for category in _FORM_CATEGORIES
            if any(_FIELD_PATTERNS[category].search(token) for token in form.tokens)
            or _LABEL_PATTERNS[category].search(form.text)}
