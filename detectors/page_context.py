"""What the page signals share about one page: its features and standing, and the readings of its
text that several signals need (what it sells or only quotes, its query forms, a result it shows)."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from detectors.page_features import Form, PageFeatures
from detectors.page_words import WORDS, any_of
from detectors.similarity import Match, PageSide
from detectors.targets import targets

_SELLER_STRONG = any_of(WORDS["seller"]["strong"], padded=True)
# (pattern, words one of which must be on the page before the pattern is worth running)
_SELLER_STRONG_PATTERNS = tuple((re.compile(p["pattern"]), tuple(p["needs"]))
                                for p in WORDS["seller"]["strong_patterns"])
_SELLER_WEAK = any_of(WORDS["seller"]["weak"], padded=True)
_PRICE = re.compile(WORDS["seller"]["price_pattern"])
_CERTIFICATE_WORD = any_of(WORDS["seller"]["certificate_words"])
_TRAINING_WORD = any_of(WORDS["seller"]["training_words"])
WARNING = any_of(WORDS["warning"]["markers"] + WORDS["warning"]["doubt"])
_DISCUSSION_TITLE = any_of(WORDS["warning"]["title_markers"])
_TOPIC = any_of(WORDS["topic"]["words"])
_RESULT_FIELDS = tuple(WORDS["result"]["fields"])
_RESULT_CLASSES = tuple(WORDS["result"]["table_classes"])
_PERSON_LABELS = tuple(WORDS["result"]["person_labels"])
_DATE = re.compile(r"(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}")
_PERSON_NUMBER = re.compile(r"(?<![0-9A-Za-z])T?\d{17}[\dXx](?![0-9A-Za-z])")
_CONTEXT = 80          # characters either side of a phrase that decide whether it is quoted
_QUOTE_REACH = 12      # how far before a phrase its opening quotation mark may stand
_OPENING_QUOTES = tuple(pair[0] for pair in WORDS["warning"]["quote_pairs"])
_CLOSING_QUOTES = tuple(pair[1] for pair in WORDS["warning"]["quote_pairs"])
_ASKING = tuple(WORDS["warning"]["asking"])
_SENTENCE_END = re.compile(r"[。!?;\n]")
_RESULT_WINDOW = 400   # characters after a 姓名 label in which a certificate result must show
_MAX_NAME_LABELS = 10
_MAX_MATCHES = 40      # a phrase repeated all over a page says no more after its first few places
_FORM_CATEGORIES = ("id_number", "person_name", "captcha", "cert_type", "search", "registration")


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

    @property
    def text(self) -> str:
        return self.features.text

    @functools.cached_property
    def discussion(self) -> bool:
        """The page's title says it reports, warns against or asks about fakes: all it quotes is quoted."""
        return bool(_DISCUSSION_TITLE.search(self.features.title))

    def scan(self, pattern: re.Pattern, text: str) -> tuple[list[str], int]:
        """(matches of `pattern` the page says in its own name, how many others it only quotes)."""
        offered, quoted = [], 0
        for m in itertools.islice(pattern.finditer(text), _MAX_MATCHES):
            if self.discussion or is_quoted(text, m.start(), m.end()):
                quoted += 1
            else:
                offered.append(unpad(m[0]))
        return list(dict.fromkeys(offered)), quoted

    def offered(self, pattern: re.Pattern, text: str) -> list[str]:
        return self.scan(pattern, text)[0]

    @functools.cached_property
    def seller_terms(self) -> tuple[list[str], list[str], int]:
        """(strong terms offered, weak terms offered, how many seller phrases were only quoted)."""
        strong, quoted = self.scan(_SELLER_STRONG, self.text)
        for pattern, needs in _SELLER_STRONG_PATTERNS:
            if any(word in self.text for word in needs):
                found, also_quoted = self.scan(pattern, self.text)
                strong, quoted = strong + found, quoted + also_quoted
        weak, weak_quoted = self.scan(_SELLER_WEAK, self.text)
        return sorted(set(strong)), sorted(set(weak) - set(strong)), quoted + weak_quoted

    @functools.cached_property
    def selling(self) -> bool:
        strong, weak, _ = self.seller_terms
        return bool(strong) or len(weak) >= 2

    @functools.cached_property
    def selling_openly(self) -> bool:
        """Selling with a price on a certificate or a private contact: no warning page does that."""
        private = any(kind in ("mobile", "qq", "wechat") for kind, _ in self.features.contacts)
        return self.selling and (private or self.certificate_price is not None)

    @functools.cached_property
    def certificate_price(self) -> str | None:
        """The first price put on a certificate (not on a training course), if any."""
        for m in _PRICE.finditer(self.text):
            window = self.text[max(0, m.start() - 15):m.end() + 15]
            if _CERTIFICATE_WORD.search(window) and not _TRAINING_WORD.search(window):
                return m[0]
        return None

    @functools.cached_property
    def query_forms(self) -> list[tuple[Form, set[str]]]:
        """Forms that look a person up by identity (ID number and name; not an enrolment form that also
        asks for a phone number or a course), with their field categories."""
        found = []
        for form in self.features.forms:
            categories = form_categories(form)
            if {"id_number", "person_name"} <= categories and "registration" not in categories \
                    and not ("search" in categories and len(form.fields) < 2):
                found.append((form, categories))
        return found

    @functools.cached_property
    def on_topic(self) -> bool:
        """The page is about the certificates of a protected lookup."""
        if _TOPIC.search(self.features.title) or _TOPIC.search(self.text[:20_000]):
            return True
        return any(k in self.text for t in targets() for k in t.keywords if len(k) >= 3)

    @functools.cached_property
    def result_table(self) -> bool:
        """A table laid out like a certificate result (a result class, or four result columns)."""
        return any(_result_fields(text) + 2 * any(c in css for c in _RESULT_CLASSES) >= 4
                   for css, text in self.features.tables)

    @functools.cached_property
    def result_shown(self) -> bool:
        """A person's certificate is on the page: after a 姓名 label, result labels, a date and an
        operation category or a certificate number (in a table or in any other markup)."""
        blocks = [text for _, text in self.features.tables]
        for label in _PERSON_LABELS:
            start = 0
            for _ in range(_MAX_NAME_LABELS):
                at = self.text.find(label, start)
                if at < 0:
                    break
                blocks.append(self.text[at:at + _RESULT_WINDOW])
                start = at + len(label)
        return any(_shows_person(block) for block in blocks)

    def points(self, code: str) -> int:
        return int(self.weights[code])


def unpad(term: str) -> str:
    return re.sub(r"[\s*★☆·•_~\-]", "", term)


def _result_fields(text: str) -> int:
    return sum(1 for name in _RESULT_FIELDS if name in text)


def _shows_person(text: str) -> bool:
    return (any(label in text for label in _PERSON_LABELS) and _result_fields(text) >= 4 and bool(_DATE.search(text))
            and (bool(_PERSON_NUMBER.search(text)) or "作业类别" in text or "操作项目" in text))


def _in_quotes_asked(text: str, start: int, end: int) -> bool:
    """In quotation marks within a sentence that asks or reports. Quotation marks alone prove
    nothing: sellers put their own slogans in quotes too."""
    before = text[max(0, start - _QUOTE_REACH):start]
    if max(before.rfind(q) for q in _OPENING_QUOTES) <= max(before.rfind(q) for q in _CLOSING_QUOTES):
        return False
    ends_before = [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - _CONTEXT), start)]
    sentence_start = ends_before[-1] if ends_before else max(0, start - _CONTEXT)
    stop = _SENTENCE_END.search(text, end, end + _CONTEXT)
    sentence = text[sentence_start:stop.end() if stop else end + _CONTEXT]
    return any(word in sentence for word in _ASKING)


def is_quoted(text: str, start: int, end: int) -> bool:
    """A phrase is quoted (reported, warned about, asked about) rather than offered when a warning, a
    doubt or a denial stands near it in the same paragraph, or it is in quotation marks in a
    question or in reported speech."""
    if _in_quotes_asked(text, start, end):
        return True
    paragraph_start = text.rfind("\n", 0, start) + 1
    paragraph_end = text.find("\n", end)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    window = text[max(paragraph_start, start - _CONTEXT):min(paragraph_end, end + _CONTEXT)]
    return bool(WARNING.search(window))


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
