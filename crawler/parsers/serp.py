"""Search-result page parsers for Baidu, Sogou, 360 and Bing: results, ads, next page, blocks.

`parse_serp(engine, html, url)` reads one saved or fetched result page and says what it is:
"ok" (results found), "blocked" (the engine's captcha, antispider or bot-challenge page),
"empty" (the engine's own no-results page) or "unknown-markup" (a page that yields nothing
and is none of those: the engine changed its markup, or this is not a result page).

A result's `url` is the real target wherever the page reveals it (an attribute next to the
link, or a target encoded inside the engine's redirect link); otherwise it is the engine's
link itself. `redirect` is the engine's link when the result goes through one. Nothing is
guessed: a target the page does not reveal is left for `resolve_redirect_answer`, which reads
the engine's answer when the redirect link is fetched.
"""

from __future__ import annotations

import base64
import binascii
import functools
import html as html_entities
import re
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from crawler.parsers.encoding import decode_html

ENGINES = ("baidu", "sogou", "so360", "bing")
STATUSES = ("ok", "blocked", "empty", "unknown-markup")


@dataclass(frozen=True)
class SerpResult:
    rank: int                 # position on the page, ads included, in reading order (1 = first)
    url: str                  # the real target if the page reveals it, else the engine's link
    redirect: str | None      # the engine's link the result goes through, if any
    title: str
    ad: bool
    snippet: str = ""

    def to_dict(self) -> dict:
        """The `fakegov parse serp` contract: rank, url, redirect, title, ad."""
        return {key: value for key, value in asdict(self).items() if key != "snippet"}


@dataclass(frozen=True)
class SerpPage:
    engine: str
    status: str                          # one of STATUSES
    results: tuple[SerpResult, ...] = ()
    next_url: str | None = None
    reason: str = ""                     # what made the page blocked, empty or unknown


@dataclass
class _Found:
    """A result as read from the markup, before it gets its rank."""
    url: str
    redirect: str | None
    title: str
    ad: bool
    snippet: str


def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


# ----------------------------------------------------------------------------------------
# Helpers shared by the engines
# ----------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
# Labels the Chinese engines print on paid results ("ad", "commercial promotion").
_AD_LABELS = {"广告", "商业推广"}


# Text nodes in document order: comment contents are not text nodes, script and style are skipped.
_TEXT_NODES = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]")


def _text(element) -> str:
    """Visible text of an element, whitespace collapsed (comments, scripts and styles excluded)."""
    if element is None:
        return ""
    return _WHITESPACE.sub(" ", "".join(_TEXT_NODES(element))).strip()


def _absolute(href: str | None, base: str) -> str | None:
    """An http(s) URL for `href` relative to `base`, or None for javascript:, anchors and junk."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or re.match(r"(?i)(javascript|mailto|tel|data):", href):
        return None
    url = urljoin(base, href)
    return url if urlsplit(url).scheme in ("http", "https") else None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _on_domain(url: str, domains: tuple[str, ...]) -> bool:
    host = _host(url)
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _first_text(container, selectors: list[CSSSelector]) -> str:
    for selector in selectors:
        for element in selector(container):
            text = _text(element)
            if text:
                return text
    return ""


_AD_LABEL_ELEMENTS = etree.XPath(
    ".//*[" + " or ".join(f"normalize-space(.)='{label}'" for label in sorted(_AD_LABELS)) + "]")


def _has_ad_label(container, title_anchor) -> bool:
    """True if an element inside `container` (but outside the title) reads exactly like an ad label."""
    for element in _AD_LABEL_ELEMENTS(container):
        if title_anchor is None or (element is not title_anchor and title_anchor not in element.iterancestors()):
            return True
    return False


def _outermost(elements: list) -> list:
    """Drop elements nested inside another element of the list (document order kept)."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _anchor_around(heading):
    """The link of a heading: an <a> inside it, or the <a> that wraps it."""
    if heading is None:
        return None
    for anchor in heading.iter("a"):
        if anchor.get("href"):
            return anchor
    for ancestor in heading.iterancestors("a"):
        if ancestor.get("href"):
            return ancestor
    return None


def _heading_title(heading, anchor) -> str:
    """A result's title: its link's text when the link sits inside the heading, else the heading's
    text (some cards wrap the heading and a whole summary in one link)."""
    if anchor is not None and heading is not None and anchor in heading.iterancestors():
        return _text(heading)
    return _text(anchor) or _text(heading)


_REFERENCING_ATTRIBUTES = ("href", "src", "action", "data-src")


@functools.cache
def _references_to(fragments: tuple[str, ...]) -> etree.XPath:
    tests = " or ".join(f"contains(., '{fragment}')" for fragment in fragments)
    return etree.XPath(" | ".join(f"//@{name}[{tests}]" for name in _REFERENCING_ATTRIBUTES))


def _any_reference(doc, fragments: tuple[str, ...]) -> str | None:
    """The first href/src/action in the page that contains one of `fragments`."""
    hits = _references_to(fragments)(doc)
    return str(hits[0]) if hits else None


def _unbase64(value: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _title_of(doc) -> str:
    title = doc.find(".//title")
    return _text(title)


def _parse_document(text: str):
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


# ----------------------------------------------------------------------------------------
# The engines
# ----------------------------------------------------------------------------------------

class _Engine:
    """What one engine's result pages look like. Subclasses fill in the selectors and rules."""

    name: str
    search_url: str                 # base for the page's relative links when its URL is unknown
    domains: tuple[str, ...]        # hosts that belong to the engine itself
    redirect_paths: tuple[str, ...] # paths of its click-through redirect links
    next_link: CSSSelector
    next_text: str = ""             # the next-page link's text, where previous-page links look the same
    snippet: list[CSSSelector]

    def block_reason(self, doc, url: str | None) -> str | None:
        raise NotImplementedError

    def results(self, doc, base: str) -> list[_Found]:
        raise NotImplementedError

    def empty_reason(self, doc) -> str | None:
        raise NotImplementedError

    def next_url(self, doc, base: str) -> str | None:
        for anchor in self.next_link(doc):
            if self.next_text not in _text(anchor):
                continue
            url = _absolute(anchor.get("href"), base)
            if url:
                return url
        return None

    def is_redirect(self, url: str) -> bool:
        """True for the engine's click-through endpoints (as opposed to its own content pages)."""
        return _on_domain(url, self.domains) and urlsplit(url).path in self.redirect_paths

    def found(self, container, anchor, title: str, target: str | None, base: str, ad: bool) -> _Found | None:
        """One result from its title link and, where the page reveals it, the real target."""
        href = _absolute(anchor.get("href"), base) if anchor is not None else None
        if not title or not (href or target):
            return None
        redirect = href if href and self.is_redirect(href) else None
        url = target or (self.decoded_target(redirect) if redirect else None) or href
        return _Found(url=url, redirect=redirect, title=title, ad=ad, snippet=_first_text(container, self.snippet))

    def decoded_target(self, href: str) -> str | None:
        """The real target encoded inside one of the engine's redirect links, if it carries one."""
        return None


class _Baidu(_Engine):
    name = "baidu"
    search_url = "https://www.baidu.com/s"
    domains = ("baidu.com",)
    redirect_paths = ("/link", "/baidu.php")
    containers = _css("#content_left .result, #content_left .result-op, #content_left .c-container, "
                      "#content_left [data-tuiguang]")
    next_link = _css("#page a.n, #page a")
    next_text = "下一页"
    snippet = [_css(s) for s in (".c-abstract", "[class*=summary-text]", "[class*=content-right]",
                                 "[class*=abstract]", ".c-span-last")]
    # `mu` and `data-url` carry the target; ads carry `data-landurl`; some templates keep it in data-log.
    _DATA_LOG_MU = re.compile(r"""["']mu["']\s*:\s*["']([^"']+)""")
    _NO_TARGET = ("nourl.ubs.baidu.com",)
    _NO_RESULTS = _css("#content_left .nors, .content_none .nors")

    def block_reason(self, doc, url):
        if url and (_host(url) == "wappass.baidu.com" or "/static/captcha" in urlsplit(url).path):
            return f"redirected to Baidu's captcha ({url})"
        if _title_of(doc) == "百度安全验证":
            return "Baidu's security check page (百度安全验证)"
        reference = _any_reference(doc, ("wappass.baidu.com/static/captcha", "seccaptcha.baidu.com"))
        if reference:
            return f"Baidu's captcha page ({reference})"
        return None

    def results(self, doc, base):
        found = []
        for container in _outermost(self.containers(doc)):
            heading = container.find(".//h3")
            anchor = _anchor_around(heading)
            title = _heading_title(heading, anchor)
            is_ad = self._is_ad(container, anchor)
            result = self.found(container, anchor, title, self._target(container, anchor), base, is_ad)
            if result:
                found.append(result)
        return found

    def _is_ad(self, container, anchor) -> bool:
        if container.get("data-tuiguang") is not None or container.find(".//*[@data-tuiguang]") is not None:
            return True
        return _has_ad_label(container, anchor)

    def _target(self, container, anchor) -> str | None:
        data_log = container.get("data-log") or ""
        match = self._DATA_LOG_MU.search(data_log)
        candidates = [container.get("mu"), container.get("data-url"),
                      anchor.get("data-url") if anchor is not None else None,
                      anchor.get("data-landurl") if anchor is not None else None,
                      container.get("data-landurl"), match.group(1) if match else None]
        for candidate in candidates:
            url = _absolute(html_entities.unescape(candidate), self.search_url) if candidate else None
            if url and not _on_domain(url, self._NO_TARGET) and not self.is_redirect(url):
                return url
        return None

    def empty_reason(self, doc):
        if self._NO_RESULTS(doc):
            return "Baidu's no-results page"
        if re.search(r"很?抱歉[，,]?\s*没有找到与", _text(doc.find(".//body"))):
            return "Baidu says no results were found"
        return None


class _Sogou(_Engine):
    name = "sogou"
    search_url = "https://www.sogou.com/web"
    domains = ("sogou.com",)
    redirect_paths = ("/link", "/bill_cpc")
    containers = _css("div.vrwrap, div.rb")
    next_link = _css("#sogou_next")
    snippet = [_css(s) for s in (".space-txt", ".str_info", ".str-text-info", "[class*=text-layout]",
                                 ".ft", "p")]
    _NO_RESULTS = _css("#noresult_part1_container, #noresult_part2_container, #noresult_frontbl_container")
    _CAPTCHA_FORM = _css("#seccodeForm, #seccodeImage, #seccodeInput")
    _AD_HINT = re.compile(r"(biz|sponsor|promotion)", re.IGNORECASE)

    def block_reason(self, doc, url):
        if url and urlsplit(url).path.startswith("/antispider"):
            return f"redirected to Sogou's antispider page ({url})"
        if self._CAPTCHA_FORM(doc):
            return "Sogou's antispider captcha (seccodeForm)"
        reference = _any_reference(doc, ("antispider",))
        if reference:
            return f"Sogou's antispider page ({reference})"
        return None

    def results(self, doc, base):
        found = []
        for container in _outermost(self.containers(doc)):
            if "hintBox" in (container.get("class") or ""):
                continue
            heading = container.find(".//h3")
            anchor = _anchor_around(heading)
            title = _heading_title(heading, anchor)
            is_ad = bool(self._AD_HINT.search(" ".join(filter(None, (container.get("class"), container.get("id")))))) \
                or _has_ad_label(container, anchor)
            result = self.found(container, anchor, title, self._target(container, base), base, is_ad)
            if result:
                found.append(result)
        return found

    def _target(self, container, base) -> str | None:
        for element in container.iterfind(".//*[@data-url]"):
            url = _absolute(element.get("data-url"), base)
            if url and not _on_domain(url, self.domains):
                return url
        return None

    def empty_reason(self, doc):
        if self._NO_RESULTS(doc):
            return "Sogou's no-results page"
        return None


class _So360(_Engine):
    name = "so360"
    search_url = "https://www.so.com/s"
    domains = ("so.com",)
    redirect_paths = ("/link",)
    organic = _css("li.res-list")
    ads = _css("[id^=e_idea] li, .e-buss li, .spread li")
    next_link = _css("#snext")
    snippet = [_css(s) for s in (".res-desc", ".res-rich", ".mh-desc", ".mh-abstract", "[class*=desc]",
                                 ".res-comm-con", "p")]
    # 360's own cards have no <h3> link; their title link is marked in the click-log attribute.
    _CARD_TITLE = _css("a[data-md*='\"p\":\"title\"']")
    _NO_RESULTS = _css("#no-result, .no-result")

    def block_reason(self, doc, url):
        if url and _host(url) == "qcaptcha.so.com":
            return f"redirected to 360's captcha ({url})"
        reference = _any_reference(doc, ("qcaptcha",))
        if reference or doc.get_element_by_id("qcaptcha", None) is not None:
            return f"360's captcha page ({reference or 'qcaptcha'})"
        return None

    def results(self, doc, base):
        ads = set(self.ads(doc))
        listed = ads | set(self.organic(doc))
        found = []
        for container in (e for e in doc.iter("li") if e in listed):
            anchor = self._title_anchor(container, listed)
            if anchor is None:
                continue
            is_ad = container in ads or _has_ad_label(container, anchor)
            result = self.found(container, anchor, _text(anchor), self._target(anchor, base), base, is_ad)
            if result:
                found.append(result)
        return found

    def _title_anchor(self, container, listed: set):
        """The result's own title link: the markup can nest one result inside another, so a link
        belongs to the innermost listed <li> around it."""
        def own(anchor) -> bool:
            return next((li for li in anchor.iterancestors("li") if li in listed), None) is container
        for heading in container.iter("h3"):
            anchor = _anchor_around(heading)
            if anchor is not None and own(anchor):
                return anchor
        return next((anchor for anchor in self._CARD_TITLE(container) if own(anchor)), None)

    def _target(self, anchor, base) -> str | None:
        for attribute in ("data-mdurl", "data-url"):
            url = _absolute(anchor.get(attribute), base)
            if url:
                return url
        return None

    def empty_reason(self, doc):
        if self._NO_RESULTS(doc):
            return "360's no-results page"
        if re.search(r"抱歉[，,]?\s*未找到和|找不到和您查询的", _text(doc.find(".//body"))):
            return "360 says no results were found"
        return None


class _Bing(_Engine):
    name = "bing"
    search_url = "https://cn.bing.com/search"
    domains = ("bing.com",)
    redirect_paths = ("/ck/a", "/aclick")
    entries = _css("#b_results > li")
    _CHALLENGE = _css("#turnstile-widget, .captcha .captcha_header, #b_captcha")
    _NO_RESULTS = _css("li.b_no")
    next_link = _css("a.sb_pagN, a[title='Next page'], a[title='下一页']")
    snippet = [_css(s) for s in (".b_caption p", "p[class*=b_lineclamp]", ".b_algoSlug", "p")]

    def block_reason(self, doc, url):
        if url and urlsplit(url).path.startswith(("/turing/captcha", "/challenge")):
            return f"redirected to Bing's challenge ({url})"
        if self._CHALLENGE(doc):
            return "Bing's bot challenge (One last step)"
        reference = _any_reference(doc, ("challenges.cloudflare.com/turnstile",))
        if reference:
            return f"Bing's bot challenge ({reference})"
        return None

    def results(self, doc, base):
        found = []
        for entry in self.entries(doc):
            classes = (entry.get("class") or "").split()
            if "b_algo" in classes:
                blocks, is_ad = [entry], False
            elif "b_ad" in classes:
                blocks, is_ad = [li for li in entry.iterdescendants("li") if li.find(".//h2") is not None] or [entry], True
            else:
                continue
            for block in blocks:
                heading = block.find(".//h2")
                anchor = _anchor_around(heading)
                title = _heading_title(heading, anchor)
                result = self.found(block, anchor, title, None, base, is_ad)
                if result:
                    found.append(result)
        return found

    def decoded_target(self, href):
        """Bing's click links carry the target in `u`: /ck/a as "a1" + base64url, /aclick as base64
        of the (percent-encoded) URL. Only a decoded value that is an http(s) URL is taken."""
        for value in parse_qs(urlsplit(href).query).get("u", []):
            payload = value[2:] if value.startswith("a1") else value
            for candidate in (value, _unbase64(payload)):
                candidate = unquote(candidate) if candidate and candidate[:8].lower().startswith("http%3a") else candidate
                if candidate and urlsplit(candidate).scheme in ("http", "https") and urlsplit(candidate).netloc:
                    return candidate
        return None

    def empty_reason(self, doc):
        if self._NO_RESULTS(doc):
            return "Bing's no-results page"
        return None


_ENGINES: dict[str, _Engine] = {engine.name: engine for engine in (_Baidu(), _Sogou(), _So360(), _Bing())}


# ----------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------

def parse_serp(engine: str, html: str | bytes, url: str | None = None) -> SerpPage:
    """Parse one result page of `engine` (baidu | sogou | so360 | bing).

    `html` may be bytes in any charset. `url` is the page's own (final) URL if known: it resolves
    relative links and reveals blocks that arrive as redirects (wappass, antispider, qcaptcha).
    """
    markup = _ENGINES.get(engine)
    if markup is None:
        raise ValueError(f"unknown engine {engine!r} (expected one of: {', '.join(ENGINES)})")
    text = decode_html(html) if isinstance(html, bytes) else html
    doc = _parse_document(text)
    if doc is None:
        return SerpPage(engine, "unknown-markup", reason="the page is empty")
    reason = markup.block_reason(doc, url)
    if reason:
        return SerpPage(engine, "blocked", reason=reason)
    base = url or markup.search_url
    found = markup.results(doc, base)
    if found:
        results = tuple(SerpResult(rank=rank, url=f.url, redirect=f.redirect, title=f.title, ad=f.ad,
                                   snippet=f.snippet) for rank, f in enumerate(found, 1))
        return SerpPage(engine, "ok", results, markup.next_url(doc, base))
    reason = markup.empty_reason(doc)
    if reason:
        return SerpPage(engine, "empty", reason=reason)
    return SerpPage(engine, "unknown-markup",
                    reason=f"no {engine} results, no block and no no-results notice in a page titled "
                           f"{_title_of(doc)[:80]!r}")


# Tried in this order: a page may also assign location.href for tracking before it jumps.
_LOCATION_REPLACE = re.compile(r"""location\.replace\(\s*(["'])(.+?)\1\s*\)""")
_LOCATION_ASSIGN = re.compile(r"""location(?:\.href)?\s*=\s*(["'])(.+?)\1""")
_META_REFRESH = re.compile(r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*>""", re.IGNORECASE)
_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?([^'">\s]+)""", re.IGNORECASE)


def resolve_redirect_answer(status: int, headers, body: bytes | str, base: str | None = None) -> str | None:
    """The target an engine's redirect endpoint (e.g. baidu.com/link?url=…) sends the browser to.

    Reads a 3xx `Location` header, or a 200 page that moves on with `window.location.replace("…")`
    or a `<meta http-equiv="refresh">` (or, failing both, `location.href = "…"`). `headers` may be
    any mapping (Scrapy's bytes headers too); `base` resolves relative targets. None if the answer
    does not redirect.
    """
    if 300 <= status < 400:
        location = _header(headers, "location")
        return _absolute(location, base or "") if location else None
    if status != 200:
        return None
    text = decode_html(body) if isinstance(body, bytes) else body
    match = _LOCATION_REPLACE.search(text)
    if match:
        return _absolute(_unescape_js(match.group(2)), base or "")
    for tag in _META_REFRESH.findall(text):
        content = re.search(r"""content\s*=\s*(["'])(.*?)\1""", tag, re.IGNORECASE | re.DOTALL)
        target = _REFRESH_URL.search(html_entities.unescape(content.group(2))) if content else None
        if target:
            return _absolute(target.group(1), base or "")
    match = _LOCATION_ASSIGN.search(text)
    return _absolute(_unescape_js(match.group(2)), base or "") if match else None


def _header(headers, name: str) -> str | None:
    for key, value in (headers or {}).items():
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key.lower() != name:
            continue
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return value
    return None


def _unescape_js(value: str) -> str:
    """Undo the escapes a JavaScript string literal may use for a URL (\\/, \\xNN, \\uNNNN)."""
    return re.sub(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)) if (m.group(1) or m.group(2)) else m.group(3),
                  value)
