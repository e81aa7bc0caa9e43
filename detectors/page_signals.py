"""The page signals: one small function per idea, each returning a Reason (points from weights.toml
[page], text in Chinese and English) or None. SIGNALS lists them all, in the order reasons are shown."""

from __future__ import annotations

import functools
import itertools
import re

from rapidfuzz import fuzz

from detectors.identity import icp_problem, is_government_site_code, police_problem
from detectors.names import site_key
from detectors.page_context import MAX_MATCHES, PageContext
from detectors.page_words import WORDS, any_of
from detectors.reasons import Reason
from detectors.targets import target_for_host, targets

_CHECKABLE = re.compile("|".join([any_of(WORDS["seller"]["checkable"], padded=True).pattern]
                                 + WORDS["seller"]["checkable_patterns"]))
_CLAIM = any_of(WORDS["claims"]["official"])
_GOV_BODY = any_of(WORDS["claims"]["gov_bodies"])
# A platform's name starts a line or a part of a title, after an optional greeting.
_NAME_START = r"(?:^|(?<=[\s\-_|—·:>(\[【,]))(?:欢迎(?:访问|来到|使用|登录))?"
_NATIONAL_PLATFORM = re.compile(_NAME_START + WORDS["claims"]["national_platform"], re.M)
_REGIONAL_PLATFORM = re.compile(_NAME_START + WORDS["claims"]["regional_platform"].replace(
    "{province}", "|".join(WORDS["claims"]["provinces"])), re.M)
_WECHAT_BRAND = WORDS["wechat"]["brand"]
_WECHAT_BRAND_PATTERN = re.compile(re.escape(_WECHAT_BRAND))
_WECHAT_MARKUP = tuple(WORDS["wechat"]["markup"])
_WECHAT_TEXT = any_of(WORDS["wechat"]["text"])
_WECHAT_VERIFIED = tuple(WORDS["wechat"]["verified"])
_WECHAT_HOSTS = ("mp.weixin.qq.com",)
_NATIONAL_DATA = tuple((re.compile(p["pattern"]), tuple(p["needs"])) for p in WORDS["claims"]["national_data"])
_POINTER = any_of(WORDS["official_pointer"]["phrases"])
_QUERY_SERVICE_NAME = re.compile(r"(?:查询|核验|验证|核查)(?:平台|系统|中心|网|入口)?$")
_APP_NAMES = tuple(WORDS["app"]["names"])
# Parts of a title or a keywords list: "证书查询 - 应急管理部", "安全员证查询,主要负责人证查询".
_NAME_PARTS = re.compile(r"[-_|—·:,;>()\[\]【】\s]+")
# A platform's name without its last generic word: "…信息查询平台" and "…信息查询" name the same site.
_GENERIC_SUFFIX = re.compile(r"(?:(?:服务)?(?:平台|系统|网站|官网|网))+$")
_NAME_LIKENESS = 90        # rapidfuzz ratio from which a long name is the official one, typos and all
_MIN_FUZZY_NAME = 12       # shorter names must match exactly (one character changes their meaning)
_OFFICIAL_HOST_REACH = 40  # an official claim this close to an official host name points to that host
_BODY_BEFORE_CLAIM = 12    # ... and one this close after a government body's name is that body's site


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


def api_elsewhere(ctx: PageContext) -> Reason | None:
    """The page's script sends its lookups to another site's back end (a shared query server)."""
    f = ctx.features
    if ctx.official or not (ctx.unread or ctx.query_forms) or not ctx.on_topic:
        return None
    hosts = [host for host in f.api_hosts if not target_for_host(host)]
    if not hosts:
        return None
    return _reason(ctx, "api-elsewhere", f"页面脚本把查询接口指向另一个网站 {hosts[0]}",
                   f"The page's script sends its queries to another site, {hosts[0]}")


# -- claims ---------------------------------------------------------------------------------------

def _about_the_real_site(text: str, start: int, end: int) -> bool:
    """An official claim about the real site: an official host named beside it ("请在官方平台
    cx.mem.gov.cn 核验"), or a government body just before it ("应急管理部官网查询")."""
    window = text[max(0, start - _OFFICIAL_HOST_REACH):end + _OFFICIAL_HOST_REACH]
    if any(host in window for target in targets() for host in target.hosts):
        return True
    return bool(_GOV_BODY.search(text, max(0, start - _BODY_BEFORE_CLAIM), start))


def _own_claims(ctx: PageContext, text: str) -> list[str]:
    """Official claims the page makes about itself: not quoted, and not about the real site."""
    if ctx.discussion:
        return []
    claims = [m[0] for m in itertools.islice(_CLAIM.finditer(text), MAX_MATCHES)
              if not ctx.quoted(text, m.start(), m.end()) and not _about_the_real_site(text, m.start(), m.end())]
    return list(dict.fromkeys(claims))


def claims_official(ctx: PageContext) -> Reason | None:
    """Calls itself official, the only one, a government site or "工信部已备案" without being one."""
    if ctx.official:
        return None
    in_masthead = _own_claims(ctx, ctx.features.masthead)
    in_text = _own_claims(ctx, ctx.text)
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


def _name_parts(text: str) -> list[str]:
    """The lines of a title, heading or keywords list, each split into its named parts."""
    return [part for line in text.split("\n") for part in _NAME_PARTS.split(line) if part]


@functools.cache
def _name_core(name: str) -> str:
    return _GENERIC_SUFFIX.sub("", name)


def _is_official_name(part: str, name: str) -> bool:
    """The part is the official name: exactly, without its generic last words ("平台", "官网") or with
    others, or (for a long name) with a character or two changed or left out, never added ("…入口")."""
    if part == name or _name_core(part) == _name_core(name):
        return True
    # (A part shorter by more than a fifth of the name cannot be 90% like it: no need to compare.)
    fuzzy = len(name) >= _MIN_FUZZY_NAME and len(name) - len(name) // 5 <= len(part) <= len(name)
    return fuzzy and fuzz.ratio(part, name) >= _NAME_LIKENESS


def official_name(ctx: PageContext) -> Reason | None:
    """Gives itself the full name of a protected site (its title, a heading or its site-name meta is
    that name, give or take a generic word or a typo)."""
    if ctx.official or ctx.discussion:
        return None
    for part in dict.fromkeys(_name_parts(ctx.features.headline)):     # headings repeat down long pages
        for target in targets():
            if _is_official_name(part, target.name):
                return _reason(ctx, "official-name", f"以官方网站名称“{target.name}”自称（{part}）",
                               f"Calls itself by the official name of {target.key}")
    return None


def _lookup_names(ctx: PageContext) -> list[str]:
    """What a page with no text yet calls itself that names a lookup: a part of its title, headings, meta
    keywords or noscript text ending in 查询/核验 ..., or a lookup's name in its files and API paths."""
    f = ctx.features
    names = [part for part in _name_parts(f"{f.headline}\n{f.meta}\n{f.noscript}")
             if _QUERY_SERVICE_NAME.search(part)]
    files = " ".join(f.assets + sorted(p for p in f.phrases if p.startswith("/"))).lower() + " " + f.noscript.lower()
    return names + [name for name in _APP_NAMES if name in files]


def query_app_shell(ctx: PageContext) -> Reason | None:
    """A page with nothing to read yet (a script-only app, or a transfer cut short) that names itself a
    lookup of the protected certificates: the shell of a query platform, like the official SPA."""
    if ctx.official or not ctx.unread or not ctx.on_topic:
        return None
    names = _lookup_names(ctx)
    if not names:
        return None
    return _reason(ctx, "query-app-shell", f"尚无正文（仅有脚本或传输被截断）却自称证书查询的页面（{names[0]}）",
                   f"A page with no text yet (script-only or cut short) that names itself a certificate lookup "
                   f"({names[0]})")


def national_platform(ctx: PageContext) -> Reason | None:
    """Presents itself as a national certificate platform ("全国特种作业操作证查询中心") of the protected kind."""
    if ctx.official or not ctx.on_topic or ctx.discussion:
        return None
    f = ctx.features
    # A page with nothing to read yet says what it is in its meta description, if anywhere.
    presented = f"{f.masthead}\n{f.headline}" + (f"\n{f.meta}" if ctx.unread else "")
    names = ctx.offered(_NATIONAL_PLATFORM, presented)
    if not names:
        return None
    return _reason(ctx, "national-platform", f"非政府网站自称全国证书查询平台（{names[0]}）",
                   f"A non-government site poses as a national certificate platform ({names[0]})")


def national_data(ctx: PageContext) -> Reason | None:
    """A query service of its own that says its answers come from the ministry's or the nation's
    database ("已接入应急管理部数据库", "与国家平台一致"): only the official platform has them."""
    if ctx.official or not (ctx.query_forms or ctx.result_shown or ctx.unread) or not ctx.on_topic:
        return None
    claims = [claim for pattern, needs in _NATIONAL_DATA if any(word in ctx.features.text_lines for word in needs)
              for claim in ctx.offered(pattern, ctx.text)]
    if not claims:
        return None
    return _reason(ctx, "national-data", f"非官方查询服务自称数据来自国家或应急管理部（{claims[0]}）",
                   f"A non-official lookup claims the ministry's or the national data ({claims[0]})")


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
    if ctx.official or ctx.reporting or not (ctx.result_shown or ctx.result_table):
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
        _WECHAT_TEXT.search(f.text_lines))
    if not (looks_wechat or ctx.query_forms or ctx.result_shown):
        return None
    verified = any(v in f.text_lines or v in f.markup_tokens for v in _WECHAT_VERIFIED)
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
    if ctx.selling_openly or (quoted < 1 and len(ctx.warnings) < 3):
        return None
    return _reason(ctx, "warning-context", "页面在警示或询问假证、假网站（引用的说法不计为兜售）",
                   "The page warns against or asks about fake certificates and sites (quoted slogans not counted)")


def editorial_page(ctx: PageContext) -> Reason | None:
    """Has the structure of a news article, notice, encyclopedia entry or forum thread."""
    if len(ctx.editorial_markers) < 2 or ctx.query_forms or ctx.selling_openly:
        return None
    return _reason(ctx, "editorial-page", "新闻、公告、百科或论坛页面的结构",
                   "Structure of a news article, notice, encyclopedia entry or forum")


def points_to_official(ctx: PageContext) -> Reason | None:
    """Sends readers to the official platform instead of querying itself."""
    if ctx.official or ctx.query_forms or ctx.result_shown or ctx.selling:
        return None
    hosts = [h for t in targets() for h in t.hosts if h in ctx.features.text_lines]
    for host in hosts:
        at = ctx.text.find(host)
        if _POINTER.search(ctx.text[max(0, at - 30):at + len(host) + 30]):
            return _reason(ctx, "points-to-official", f"页面引导读者到官方平台 {host} 查询",
                           f"Sends readers to the official {host}")
    return None


SIGNALS = (
    reference_similarity, official_build, same_favicon,
    certificate_query_form, form_posts_elsewhere, api_elsewhere, certificate_result, wechat_imitation,
    official_name, query_app_shell, regional_platform, national_platform, national_data, presents_as_government,
    claims_official,
    government_site_code, government_sponsor, copied_identity, conac_badge_misused, invalid_record_number,
    seller_language, seller_prices, seller_contacts,
    warning_context, editorial_page, points_to_official,
)


def page_signals(ctx: PageContext) -> list[Reason]:
    """Every signal that fires on the page, in SIGNALS order."""
    return [reason for signal in SIGNALS if (reason := signal(ctx)) is not None and reason.points != 0]
