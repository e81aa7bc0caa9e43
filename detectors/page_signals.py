"""The page signals: one small function per idea, each returning a Reason (points from weights.toml
[page], text in Chinese and English) or None. SIGNALS lists them all, in the order reasons are shown."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from detectors.identity import icp_problem, is_government_site_code, police_problem
from detectors.names import site_key
from detectors.page_features import Form, PageFeatures
from detectors.page_words import WORDS, any_of
from detectors.reasons import Reason
from detectors.similarity import Match, PageSide
from detectors.targets import target_for_host, targets

_SELLER_STRONG = any_of(WORDS["seller"]["strong"], padded=True)
# (pattern, words one of which must be on the page before the pattern is worth running)
_SELLER_STRONG_PATTERNS = tuple((re.compile(p["pattern"]), tuple(p["needs"])) for p in WORDS["seller"]["strong_patterns"])
_CHECKABLE = re.compile("|".join([any_of(WORDS["seller"]["checkable"], padded=True).pattern]
                                 + WORDS["seller"]["checkable_patterns"]))
_SELLER_WEAK = any_of(WORDS["seller"]["weak"], padded=True)
_PRICE = re.compile(WORDS["seller"]["price_pattern"])
_CERTIFICATE_WORD = any_of(WORDS["seller"]["certificate_words"])
_TRAINING_WORD = any_of(WORDS["seller"]["training_words"])
_WARNING = any_of(WORDS["warning"]["markers"] + WORDS["warning"]["doubt"])
_DISCUSSION_TITLE = any_of(WORDS["warning"]["title_markers"])
_EDITORIAL = any_of(WORDS["editorial"]["markers"])
_CLAIM = any_of(WORDS["claims"]["official"])
_GOV_BODY = any_of(WORDS["claims"]["gov_bodies"])
_NATIONAL_PLATFORM = re.compile(WORDS["claims"]["national_platform"])
_REGIONAL_PLATFORM = re.compile(WORDS["claims"]["regional_platform"].replace(
    "{province}", "|".join(WORDS["claims"]["provinces"])))
_TOPIC = any_of(WORDS["topic"]["words"])
_RESULT_FIELDS = tuple(WORDS["result"]["fields"])
_RESULT_CLASSES = tuple(WORDS["result"]["table_classes"])
_PERSON_LABELS = tuple(WORDS["result"]["person_labels"])
_DATE = re.compile(r"(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}")
_PERSON_NUMBER = re.compile(r"(?<![0-9A-Za-z])T?\d{17}[\dXx](?![0-9A-Za-z])")
_WECHAT_BRAND = WORDS["wechat"]["brand"]
_WECHAT_BRAND_PATTERN = re.compile(re.escape(_WECHAT_BRAND))
_WECHAT_MARKUP = tuple(WORDS["wechat"]["markup"])
_WECHAT_TEXT = any_of(WORDS["wechat"]["text"])
_WECHAT_VERIFIED = tuple(WORDS["wechat"]["verified"])
_POINTER = any_of(WORDS["official_pointer"]["phrases"])
_CONTEXT = 80          # characters either side of a phrase that decide whether it is quoted
_QUOTE_REACH = 12      # how far before a phrase its opening quotation mark may stand
_OPENING_QUOTES = tuple(pair[0] for pair in WORDS["warning"]["quote_pairs"])
_CLOSING_QUOTES = tuple(pair[1] for pair in WORDS["warning"]["quote_pairs"])
_ASKING = tuple(WORDS["warning"]["asking"])
_SENTENCE_END = re.compile(r"[。!?;\n]")
_RESULT_WINDOW = 400   # characters after a 姓名 label in which a certificate result must show
_MAX_NAME_LABELS = 10
_WECHAT_HOSTS = ("mp.weixin.qq.com",)
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

    @functools.cached_property
    def text(self) -> str:
        return self.features.text

    @functools.cached_property
    def discussion(self) -> bool:
        """The page's title says it reports, warns against or asks about fakes: all it quotes is quoted."""
        return bool(_DISCUSSION_TITLE.search(self.features.title))

    def scan(self, pattern: re.Pattern, text: str) -> tuple[list[str], int]:
        """(matches of `pattern` the page says in its own name, how many others it only quotes)."""
        offered, quoted = [], 0
        for m in pattern.finditer(text):
            if self.discussion or is_quoted(text, m.start(), m.end()):
                quoted += 1
            else:
                offered.append(_unpad(m[0]))
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


def _unpad(term: str) -> str:
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
    return bool(_WARNING.search(window))


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


def _reason(ctx: PageContext, code: str, zh: str, en: str, points: int | None = None) -> Reason:
    return Reason(code, ctx.points(code) if points is None else points, zh, en)


# -- similarity to the official pages -------------------------------------------------------------

_COMPONENT_NAMES = {"title": ("标题", "title"), "text": ("文字", "text"), "structure": ("页面结构", "structure"),
                    "fields": ("表单字段", "form fields"), "assets": ("资源文件", "asset files"),
                    "phrases": ("提示语与接口路径", "prompts and API paths"), "layout": ("网页代码", "markup (TLSH)")}


def reference_similarity(ctx: PageContext) -> Reason | None:
    """Looks like an official page: points grow with the blended similarity above a floor."""
    match, w = ctx.match, ctx.weights
    if ctx.official or match is None or match.score < w["similarity_floor"]:
        return None
    share = min(1.0, (match.score - w["similarity_floor"]) / (w["similarity_full"] - w["similarity_floor"]))
    strong = match.strong_components() or [max(match.components, key=match.components.get)]
    zh = "、".join(_COMPONENT_NAMES[c][0] for c in strong if c in _COMPONENT_NAMES)
    en = ", ".join(_COMPONENT_NAMES[c][1] for c in strong if c in _COMPONENT_NAMES)
    return _reason(ctx, "reference-similarity",
                   f"页面与官方 {match.target} 页面相似（相似度 {match.score:.2f}：{zh}）",
                   f"Looks like the official {match.target} page (similarity {match.score:.2f}: {en})",
                   points=round(ctx.points("reference-similarity") * share))


def official_build(ctx: PageContext) -> Reason | None:
    """Loads the official site's own build files (hash-named bundles): a copy of its application."""
    match = ctx.match
    if ctx.official or match is None or match.components.get("assets") != 1.0 or not ctx.side.builds:
        return None
    from_official = sorted(ctx.side.builds & ctx.official_builds.get(match.target, frozenset()))
    if not from_official:
        return None
    return _reason(ctx, "official-build", f"加载官方 {match.target} 的同一版本程序文件（{from_official[0]}）",
                   f"Loads the official {match.target} build files ({from_official[0]})")


def same_favicon(ctx: PageContext) -> Reason | None:
    """Uses the official site's own favicon."""
    icon = ctx.features.favicon_mmh3
    owner = ctx.official_favicons.get(icon) if icon is not None else None
    if ctx.official or owner is None:
        return None
    return _reason(ctx, "same-favicon", f"网站图标与官方 {owner} 相同（mmh3 {icon}）",
                   f"Same favicon as the official {owner} (mmh3 {icon})")


# -- forms ----------------------------------------------------------------------------------------

def certificate_query_form(ctx: PageContext) -> Reason | None:
    """A form asking for ID number and name (and a captcha) on a certificate page: a query platform."""
    if ctx.official or not ctx.query_forms or not ctx.on_topic:
        return None
    categories = set().union(*(c for _, c in ctx.query_forms))
    asked = [zh for cat, zh in (("cert_type", "证件类型"), ("id_number", "证件号码"), ("person_name", "姓名"),
                                ("captcha", "验证码")) if cat in categories]
    bonus = ctx.points("certificate-query-captcha") if "captcha" in categories else 0
    return _reason(ctx, "certificate-query-form", f"非官方网站提供证书查询表单（{'、'.join(asked)}）",
                   f"Certificate lookup form on a non-official site ({', '.join(sorted(categories))})",
                   points=ctx.points("certificate-query-form") + bonus)


def form_posts_elsewhere(ctx: PageContext) -> Reason | None:
    """Identity data is sent to another site: a shared query back end of a gang."""
    if ctx.official:
        return None
    for form, _ in ctx.query_forms:
        host = form.action_host
        try:
            other_site = host and site_key(host) != site_key(ctx.features.host or host)
            official_target = host and target_for_host(host)
        except ValueError:
            continue
        if other_site and not official_target:
            return _reason(ctx, "form-posts-elsewhere", f"查询表单把证件号码和姓名提交到另一个网站 {host}",
                           f"The lookup form sends ID number and name to another site, {host}")
    return None


# -- claims ---------------------------------------------------------------------------------------

def claims_official(ctx: PageContext) -> Reason | None:
    """Calls itself official, the only one, a government site or "工信部已备案" without being one."""
    if ctx.official:
        return None
    in_masthead = ctx.offered(_CLAIM, ctx.features.masthead)
    in_text = ctx.offered(_CLAIM, ctx.text)
    if not in_masthead and not in_text:
        return None
    code = "claims-official-masthead" if in_masthead else "claims-official-text"
    claims = "、".join((in_masthead or in_text)[:4])
    return _reason(ctx, code, f"非政府网站自称官方（{claims}）",
                   f"A non-government site calls itself official ({claims})")


def presents_as_government(ctx: PageContext) -> Reason | None:
    """Puts a government body's name on itself (title, headings, logo) on a non-government host."""
    if ctx.official:
        return None
    bodies = ctx.offered(_GOV_BODY, ctx.features.headline)
    if not bodies:
        return None
    return _reason(ctx, "presents-as-government", f"非政府域名以政府机关名义出现（{'、'.join(bodies[:3])}）",
                   f"A non-government host presents itself as a government body ({', '.join(bodies[:3])})")


_NAME_SEPARATORS = " -_|—·:>()[]【】"


def official_name(ctx: PageContext) -> Reason | None:
    """Gives itself the full name of a protected site (its title or heading is that name)."""
    if ctx.official or ctx.discussion:
        return None
    for line in ctx.features.headline.split("\n"):
        for target in targets():
            rest = line[len(target.name):] if line.startswith(target.name) else None
            if rest is not None and (not rest or rest[0] in _NAME_SEPARATORS):
                return _reason(ctx, "official-name", f"以官方网站名称“{target.name}”自称",
                               f"Calls itself by the official name of {target.key}")
    return None


def national_platform(ctx: PageContext) -> Reason | None:
    """Presents itself as a national certificate platform ("全国特种作业操作证查询中心") of the protected kind."""
    if ctx.official or not ctx.on_topic:
        return None
    names = ctx.offered(_NATIONAL_PLATFORM, ctx.features.masthead)
    if not names:
        return None
    return _reason(ctx, "national-platform", f"非政府网站自称全国证书查询平台（{names[0]}）",
                   f"A non-government site poses as a national certificate platform ({names[0]})")


def regional_platform(ctx: PageContext) -> Reason | None:
    """Presents itself as a provincial or city certificate platform ("广东省特种作业人员证书查询平台")."""
    if ctx.official or not ctx.on_topic:
        return None
    names = ctx.offered(_REGIONAL_PLATFORM, ctx.features.headline)
    if not names:
        return None
    return _reason(ctx, "regional-platform", f"冒充地方政府证书查询平台（{names[0]}）",
                   f"Poses as a regional government certificate platform ({names[0]})")


# -- identity markers -----------------------------------------------------------------------------

def government_site_code(ctx: PageContext) -> Reason | None:
    """Shows a 政府网站标识码, which only government sites are given."""
    codes = [c for c in ctx.features.identity.site_codes if is_government_site_code(c)]
    if ctx.official or not codes:
        return None
    return _reason(ctx, "government-site-code", f"非政府域名展示政府网站标识码 {codes[0]}",
                   f"A non-government host shows a government site code ({codes[0]})")


def government_sponsor(ctx: PageContext) -> Reason | None:
    """Names a government body as its 主办单位 in the footer."""
    if ctx.official:
        return None
    bodies = [s for s in ctx.features.identity.sponsors if _GOV_BODY.search(s)]
    if not bodies:
        return None
    return _reason(ctx, "government-sponsor", f"非政府域名自称主办单位为 {bodies[0]}",
                   f"A non-government host names {bodies[0]} as its operator")


def copied_identity(ctx: PageContext) -> Reason | None:
    """Shows the 备案 number, site code or badge id of an official site: copied with its markup."""
    if ctx.official:
        return None
    identity = ctx.features.identity
    values = identity.icp + identity.police + identity.site_codes + identity.conac_ids
    copied = [(v, ctx.official_identity[v]) for v in values if v in ctx.official_identity]
    if not copied:
        return None
    value, owner = copied[0]
    return _reason(ctx, "copied-identity", f"使用官方网站 {owner} 的备案号或标识（{value}）",
                   f"Shows the record number or badge id of the official {owner} ({value})")


def invalid_record_number(ctx: PageContext) -> Reason | None:
    """An ICP or 公安备案 number that cannot exist (wrong form, wrong province code)."""
    identity = ctx.features.identity
    problems = [(n, icp_problem(n)) for n in identity.icp] + [(n, police_problem(n)) for n in identity.police]
    problems = [(n, p) for n, p in problems if p]
    if ctx.official or not problems:
        return None
    number, problem = problems[0]
    return _reason(ctx, "invalid-record-number", f"备案号 {number} 不可能真实：{problem}",
                   f"Record number {number} cannot be real (malformed)")


def conac_badge_misused(ctx: PageContext) -> Reason | None:
    """Shows the 党政机关 badge, which only party and government bodies may carry."""
    identity = ctx.features.identity
    if ctx.official or not identity.has_conac_badge:
        return None
    hotlinked = identity.conac_image and not identity.conac_script
    if hotlinked:
        return _reason(ctx, "conac-badge-hotlinked", "非政府域名盗链党政机关网站标识图片（无标识脚本）",
                       "A non-government host hot-links the party/government site badge picture without its script")
    return _reason(ctx, "conac-badge", "非政府域名展示党政机关网站标识", "A non-government host shows the party/government site badge")


# -- what the page does ----------------------------------------------------------------------------

def certificate_result(ctx: PageContext) -> Reason | None:
    """Shows a certificate result (name, category, dates, number): the fake "finds" a certificate."""
    if ctx.official or not (ctx.result_shown or ctx.result_table):
        return None
    if ctx.result_shown:
        return _reason(ctx, "certificate-result", "非官方网站展示证书查询结果（姓名、作业类别、有效期等）",
                       "A non-official site shows a certificate lookup result (name, category, validity)")
    return _reason(ctx, "certificate-result-template", "非官方网站含证书查询结果表格",
                   "A non-official site carries a certificate result table")


def wechat_imitation(ctx: PageContext) -> Reason | None:
    """Imitates the WeChat account "国家安全生产考试" outside WeChat."""
    f = ctx.features
    if ctx.official or f.host in _WECHAT_HOSTS or not ctx.offered(_WECHAT_BRAND_PATTERN, f.headline):
        return None
    looks_wechat = any(any(m in token for m in _WECHAT_MARKUP) for token in f.markup_tokens) or bool(
        _WECHAT_TEXT.search(ctx.text))
    if not (looks_wechat or ctx.query_forms or ctx.result_shown):
        return None
    verified = any(v in ctx.text or v in f.markup_tokens for v in _WECHAT_VERIFIED)
    mark = "" if verified else "，且无蓝色认证标志"
    return _reason(ctx, "wechat-imitation", f"在微信之外仿冒“{_WECHAT_BRAND}”公众号页面{mark}",
                   f"Imitates the WeChat account \"{_WECHAT_BRAND}\" outside WeChat"
                   + ("" if verified else ", without the verified mark"))


# -- selling --------------------------------------------------------------------------------------

def seller_language(ctx: PageContext) -> Reason | None:
    """Offers what no honest school offers: 免考, 包过, 不用考试, 办证 ... (quoted phrases do not count)."""
    strong, weak, _ = ctx.seller_terms
    if not ctx.selling:
        return None
    w = ctx.weights
    points = min(w["seller-strong-max"], w["seller-strong-each"] * len(strong))
    points += min(w["seller-weak-max"], w["seller-weak-each"] * len(weak))
    if strong and ctx.offered(_CHECKABLE, ctx.text):
        points += w["seller-checkable"]        # a certificate without an exam that is "checkable online"
    terms = "、".join((strong + weak)[:6])
    return _reason(ctx, "seller-language", f"兜售证书的用语：{terms}", f"Sales talk for certificates: {terms}",
                   points=int(points))


def seller_prices(ctx: PageContext) -> Reason | None:
    """Puts a price on a certificate (not on a training course)."""
    if not ctx.selling or ctx.certificate_price is None:
        return None
    price = ctx.certificate_price
    return _reason(ctx, "seller-prices", f"为证书标价（{price}）", f"Prices a certificate ({price})")


def seller_contacts(ctx: PageContext) -> Reason | None:
    """Asks buyers to get in touch privately: mobile, QQ, WeChat id, QR code."""
    private = [value for kind, value in ctx.features.contacts if kind in ("mobile", "qq", "wechat")]
    if not ctx.selling or not (private or ctx.features.qr_images):
        return None
    shown = "、".join(private[:3]) or "二维码"
    return _reason(ctx, "seller-contacts", f"留下私人联系方式招揽买家（{shown}）",
                   f"Private contacts for buyers ({shown or 'QR code'})")


# -- benign context (negative points) -------------------------------------------------------------

def warning_context(ctx: PageContext) -> Reason | None:
    """Quotes the sellers' slogans to warn against them (news, notices, forum questions)."""
    _, _, quoted = ctx.seller_terms
    warnings = {m[0] for m in _WARNING.finditer(ctx.text[:50_000])}
    if ctx.selling_openly or (quoted < 1 and len(warnings) < 3):
        return None
    return _reason(ctx, "warning-context", "页面在警示或询问假证、假网站（引用的说法不计为兜售）",
                   "The page warns against or asks about fake certificates and sites (quoted slogans not counted)")


def editorial_page(ctx: PageContext) -> Reason | None:
    """Has the structure of a news article, notice, encyclopedia entry or forum thread."""
    markers = {m[0] for m in _EDITORIAL.finditer(ctx.text[:50_000])}
    if len(markers) < 2 or ctx.query_forms or ctx.selling_openly:
        return None
    return _reason(ctx, "editorial-page", "新闻、公告、百科或论坛页面的结构", "Structure of a news article, notice, encyclopedia entry or forum")


def points_to_official(ctx: PageContext) -> Reason | None:
    """Sends readers to the official platform instead of querying itself."""
    if ctx.official or ctx.query_forms or ctx.result_shown or ctx.selling:
        return None
    hosts = [h for t in targets() for h in t.hosts if h in ctx.text]
    for host in hosts:
        at = ctx.text.find(host)
        if _POINTER.search(ctx.text[max(0, at - 30):at + len(host) + 30]):
            return _reason(ctx, "points-to-official", f"页面引导读者到官方平台 {host} 查询",
                           f"Sends readers to the official {host}")
    return None


SIGNALS = (
    reference_similarity, official_build, same_favicon, certificate_query_form, form_posts_elsewhere, certificate_result,
    wechat_imitation, official_name, regional_platform, national_platform, presents_as_government, claims_official, government_site_code,
    government_sponsor, copied_identity, conac_badge_misused, invalid_record_number,
    seller_language, seller_prices, seller_contacts,
    warning_context, editorial_page, points_to_official,
)


def page_signals(ctx: PageContext) -> list[Reason]:
    """Every signal that fires on the page, in SIGNALS order."""
    return [reason for signal in SIGNALS if (reason := signal(ctx)) is not None and reason.points != 0]
