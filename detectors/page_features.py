"""Everything the page signals look at, read from one page in one pass over its markup (lxml):
title, visible text, structure, forms, assets, links, favicon, contacts, analytics ids, identity."""

from __future__ import annotations

import base64
import functools
import itertools
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.etree
import mmh3
import tlsh

from detectors.identity import IdentityMarkers, find_identity
from detectors.names import normalize_host, site_key
from detectors.page_contacts import find_analytics, find_contacts
from detectors.page_words import WORDS
from detectors.textnorm import distinct_lines, join_spaced_hanzi, normalize_text

# A hostile 10 MB page is read as far as a real page ever goes; the rest cannot change a verdict.
MAX_HTML_CHARS = 2_000_000
MAX_ELEMENTS = 20_000
MAX_SCRIPT_CHARS = 300_000
MAX_TABLES = 60
MAX_FIELDS = 200         # inputs looked at: no query or enrolment form has more
MAX_LABELLED_FIELDS = 40   # inputs outside any form whose label is looked up
TABLE_CHARS = 3000
MAX_MASTHEAD = 40
MASTHEAD_CHARS = 300
FOOTER_CHARS = 600       # the end of the text, where footers without a class name sit
TLSH_CHARS = 32_000      # enough markup to fingerprint a layout
_MIX = 1_000_003         # an odd multiplier that spreads the three token hashes of a shingle

_BLOCK_TAGS = frozenset("p div br li tr td th h1 h2 h3 h4 h5 h6 table ul ol dl dt dd form section article "
                        "header footer nav aside blockquote pre hr option button label title".split())
_INVISIBLE_TAGS = ("script", "style", "noscript", "template")
# The root element of a single-page app before its script runs (Vue, React, Nuxt, Next, Quasar).
_APP_ROOT_IDS = frozenset(("app", "root", "__nuxt", "__next", "q-app"))
# <meta> whose content is the name a site gives itself, and those that say what it is about.
_META_SITE_NAMES = frozenset(("og:site_name", "application-name", "sitename", "apple-mobile-web-app-title"))
_META_ABOUT = frozenset(("keywords", "description", "og:title", "og:description"))
META_CHARS = 300
_IGNORED_INPUT_TYPES = frozenset(("hidden", "submit", "button", "reset", "image", "checkbox", "radio", "file"))
# Class or id words of page headers and footers, as whole words ("topic" is no "top").
_MASTHEAD_HINTS = re.compile(r"(?:^|[\s_-])(?:header|head|logo|banner|top|topbar|topnav|title|foot|footer|"
                             r"copyright|bottom)(?:$|[\s_\d-])", re.I)
_HEADINGS = frozenset(("h1", "h2", "h3", "footer", "header"))
_HEADLINE_TAGS = frozenset(("h1", "h2"))
# ... and of the name a page gives itself: a logo, a site name, a WeChat account's nickname.
# ("hd" is the header of the YUI and WeUI conventions.)
_HEADLINE_HINTS = re.compile(r"logo|title|site-?name|brand|nickname|js_name|account_name|(?:^|[\s_-])hd(?:$|[\s_-])",
                             re.I)
_QR_HINTS = tuple(WORDS["contacts"]["qr_hints"])
_RESULT_TABLE_CLASSES = tuple(WORDS["result"]["table_classes"])

# Content hashes in bundler output (app.3f2a1b9c.js, index-BXk2_9aQ.js) vary per build; the names do not.
_ASSET_HASH = re.compile(r"[.-](?=[0-9a-z_]{8,}\.)(?=[^.]*\d)[0-9a-z_]{8,}(?=\.)|[.-][0-9a-f]{6,}(?=\.)", re.I)
# Three patterns, each starting with a literal, so the regex engine can skip ahead on long pages.
_API_PATH = re.compile(r"/(?:prod-api|dev-api)\b[\w./-]{0,80}|/(?:api|cms)/[\w./-]{3,80}")
_DO_METHOD = re.compile(r"\.do\?method=\w+")
_DO_NAME = re.compile(r"[\w/]{1,80}$")
_PROMPT = re.compile(r"请(?:输入|选择|填写)[\u4e00-\u9fff]{2,10}")
_JS_STRING = re.compile(r"""["'`]([^"'`\n<>]{0,40}[\u4e00-\u9fff][^"'`\n<>]{0,40})["'`]""")
_PHRASE_TRIM = " :：*＊·-|"
# Absolute URLs written in inline scripts whose path or host names a back end (an SPA's API base).
_SCRIPT_API_URL = re.compile(r"""["'`](?:https?:)?//([a-z0-9][a-z0-9.-]{0,80}\.[a-z]{2,24})(?::\d{1,5})?"""
                             r"""(/[^"'`\s]{0,120})?["'`]""", re.I)
_API_HINT = re.compile(r"^api\.|prod-api|dev-api|/api\b|query|search|cert|chaxun|/cx\b", re.I)
_FORM_OPEN = re.compile(r"<form[\s>]", re.I)
_FORM_CLOSE = re.compile(r"</form\s*>", re.I)


@dataclass
class FormField:
    tag: str
    type: str
    name: str
    id: str
    placeholder: str
    label: str          # aria-label or title attribute

    @functools.cached_property
    def tokens(self) -> frozenset[str]:
        """Its names and prompts as matched: normalised, lower case."""
        return frozenset(normalize_text(v).lower() for v in (self.name, self.id, self.placeholder, self.label) if v)


@dataclass
class Form:
    action: str          # absolute URL ("" for inputs outside any <form>)
    method: str
    action_host: str     # "" when the form posts to the page itself
    fields: list[FormField]
    text: str            # the form's visible text (its labels), normalised

    @functools.cached_property
    def tokens(self) -> frozenset[str]:
        return frozenset().union(*(f.tokens for f in self.fields))


@dataclass
class PageFeatures:
    url: str
    host: str                       # ASCII host of the URL ("" if none)
    title: str = ""
    text: str = ""                  # visible text, normalised, one line per block
    masthead: str = ""              # title, headings, header and footer: how the page presents itself
    headline: str = ""              # title, h1/h2 and logo or site-name text: the name it gives itself
    dom_shingles: frozenset[int] = frozenset()
    forms: list[Form] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)         # script/style/image paths, build hashes removed
    asset_urls: list[str] = field(default_factory=list)     # the same, as written in the page
    phrases: set[str] = field(default_factory=set)          # prompts, labels, script strings, API paths
    hrefs: list[str] = field(default_factory=list)
    link_hosts: list[str] = field(default_factory=list)     # hosts of links to other sites
    internal_links: int = 0
    favicon_href: str = ""
    favicon_mmh3: int | None = None
    tlsh: str | None = None
    qr_images: list[str] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)
    analytics: list[tuple[str, str]] = field(default_factory=list)
    identity: IdentityMarkers = field(default_factory=IdentityMarkers)
    server: str = ""                # Server and X-Powered-By response headers: a gang's stack
    markup_tokens: set[str] = field(default_factory=set)   # class and id values
    tables: list[tuple[str, str]] = field(default_factory=list)   # (class, text) of each table
    app_shell: bool = False         # an SPA before JavaScript ran: worth a browser capture (<div id="app">)
    truncated: bool = False         # longer than MAX_HTML_CHARS: only the beginning was read
    cut_short: bool = False         # the markup stops before its end (no </body>, no </html>): a transfer cut short
    cut_in_form: bool = False       # ... inside a form
    meta: str = ""                  # keywords and description meta tags, normalised: what it says it is about
    noscript: str = ""              # the text a script-only page shows without JavaScript
    api_hosts: list[str] = field(default_factory=list)   # hosts its inline scripts send queries to

    @functools.cached_property
    def text_lines(self) -> str:
        """The distinct lines of the text (textnorm.distinct_lines), for finding words and phrases."""
        return distinct_lines(self.text)

    @property
    def indicators(self) -> list[tuple[str, str]]:
        """Values that tie sites together, as (kind, value): analytics ids, identity numbers,
        form back ends, favicon hash. Contacts are kept apart in .contacts."""
        pairs = list(self.analytics) + self.identity.indicators()
        pairs += [("form-action-host", f.action_host) for f in self.forms if f.action_host]
        if self.favicon_mmh3 is not None:
            pairs.append(("favicon-mmh3", str(self.favicon_mmh3)))
        if self.server:
            pairs.append(("server", self.server))
        return list(dict.fromkeys(pairs))


@functools.lru_cache(maxsize=8192)
def host_of(url: str) -> str:
    """The ASCII host of a URL, or "" when it has none that is a valid host name."""
    try:
        netloc_host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return _ascii_host(netloc_host) if netloc_host else ""


@functools.lru_cache(maxsize=4096)
def _ascii_host(name: str) -> str:
    try:
        return normalize_host(name).ascii
    except ValueError:
        return ""


def header_value(headers, name: str) -> str | None:
    """One response header from a dict with str or bytes keys and values, or lists of them (Scrapy)."""
    for key, value in (headers or {}).items():
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key.lower() == name:
            value = value[0] if isinstance(value, (list, tuple)) and value else value
            return (value.decode("latin-1") if isinstance(value, bytes) else str(value)).strip()
    return None


def server_software(headers) -> str:
    """ "Server | X-Powered-By" from the response headers."""
    return " | ".join(v for v in (header_value(headers, "server"), header_value(headers, "x-powered-by")) if v)


def favicon_hash(data: bytes) -> int:
    """Shodan's favicon hash: MurmurHash3 (32-bit, signed) of the base64 text with its line breaks."""
    return mmh3.hash(base64.encodebytes(data))


@functools.lru_cache(maxsize=4096)
def normalize_asset(src: str, base_url: str = "") -> str:
    """An asset path without host, query and build hash, lower case: "/static/js/app.js"."""
    src = src.strip()
    try:
        absolute = src.startswith(("/", "http:", "https:")) or not base_url
        path = urlsplit(src if absolute else urljoin(base_url, src)).path.lower()
    except ValueError:
        return ""
    return _ASSET_HASH.sub("", path)


_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


def html_tlsh(html: str) -> str | None:
    """TLSH of the markup with digits and white space folded (dates and ids change, layout does not).
    The first TLSH_CHARS characters suffice to fingerprint a layout."""
    folded = b" ".join(html[:TLSH_CHARS].encode("utf-8", "replace").split()).translate(_DIGITS_TO_ZERO)
    digest = tlsh.hash(folded)
    return None if digest in ("", "TNULL") else digest


def phrases_of(values) -> set[str]:
    """Labels or prompts as compared: normalised (all in one call: it is the costly part), without
    decoration around them, of a useful length."""
    joined = normalize_text("\n".join(v.replace("\n", " ") for v in values))
    found = (line.strip(_PHRASE_TRIM) for line in joined.split("\n"))
    return {p for p in found if 2 <= len(p) <= 60}


def api_paths(source: str) -> set[str]:
    """Back-end paths named in markup or scripts: /prod-api/..., certQuery.do?method=..., /GetImg."""
    found = set(_API_PATH.findall(source))
    for match in _DO_METHOD.finditer(source):
        name = _DO_NAME.search(source, max(0, match.start() - 80), match.start())
        found.add((name[0] if name else "") + match[0])
    if "/GetImg" in source:
        found.add("/GetImg")
    return found


def script_phrases(script: str) -> set[str]:
    """Chinese string literals, prompts and API paths in JavaScript (what an SPA renders later)."""
    script = script[:MAX_SCRIPT_CHARS]
    found = phrases_of(_JS_STRING.findall(script) + _PROMPT.findall(script))
    return found | {p for p in api_paths(script) if len(p) <= 60}


# The plain etree HTML parser: lxml.html's element classes cost a Python call per element.
# (No table of ids: nothing looks elements up by id, and building it costs a tenth of the parse.)
_PARSER = lxml.etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False)


def _parse(html: str):
    """The document root, or None for markup lxml cannot make a document of (empty, binary junk)."""
    if not html.strip():
        return None
    try:
        return lxml.etree.fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except (lxml.etree.LxmlError, ValueError):
        return None


class _Walk:
    """The one pass over the elements: collects what needs the markup before text is taken out."""

    def __init__(self, features: PageFeatures):
        self.features = features
        self.tokens: list[str] = []
        self.fields_outside_forms: list[FormField] = []
        self.outside_labels: list[str] = []     # the text next to each of them (their label)
        self.forms: list[tuple[lxml.etree._Element, list[FormField]]] = []
        self.masthead: list[lxml.etree._Element] = []
        self.headline: list[lxml.etree._Element] = []
        self.tables: list[lxml.etree._Element] = []
        self.scripts: list[str] = []
        self.site_names: list[str] = []          # from <meta>: part of the headline
        self.about: list[str] = []               # keywords and description
        self.noscript: list[str] = []
        self.app_root = False
        self.title: lxml.etree._Element | None = None      # the first <title> below the root
        self.form_fields: dict = {}
        self.seen_fields: set = set()
        self.seen_images: set[str] = set()

    def run(self, root) -> None:
        handlers = {"script": self._on_script, "link": self._on_link, "img": self._on_img, "a": self._on_a,
                    "table": self.tables.append, "form": self._on_form, "meta": self._on_meta,
                    "noscript": self._on_noscript, "app-root": self._on_app_root_tag, "title": self._on_title,
                    "input": self._on_field, "select": self._on_field, "textarea": self._on_field}
        roles = {}
        # Bound once: this loop runs for every element of the page.
        role_of, handler_of, new_role = roles.get, handlers.get, self._role
        add_token, add_masthead, add_headline = self.tokens.append, self.masthead.append, self.headline.append
        for el in itertools.islice(root.iter(lxml.etree.Element), MAX_ELEMENTS):
            tag = el.tag
            key = (tag, el.get("class"), el.get("id"))
            role = role_of(key)
            if role is None:
                role = roles[key] = new_role(*key)
            token, block, masthead, headline = role
            add_token(token)
            if block:
                # A line break after each block, unless the markup already starts the next line.
                tail = el.tail
                if not tail or not tail.lstrip(" \t\r").startswith("\n"):
                    el.tail = "\n" + (tail or "")
            handler = handler_of(tag)
            if handler:
                handler(el)
            if masthead:
                add_masthead(el)
                if headline:
                    add_headline(el)

    def _role(self, tag: str, css: str | None, ident: str | None) -> tuple[str, bool, bool, bool]:
        """(structure token, block?, masthead?, headline?) of elements with this tag, class and id.
        Pages repeat the same combinations hundreds of times: each is decided once."""
        classes = css.split() if css else ()
        self.features.markup_tokens.update(classes)
        if ident:
            self.features.markup_tokens.add(ident)
            self.app_root = self.app_root or ident in _APP_ROOT_IDS
        names = f"{css or ''} {ident or ''}"
        headline = tag in _HEADLINE_TAGS or bool(_HEADLINE_HINTS.search(names))
        masthead = headline or tag in _HEADINGS or bool(_MASTHEAD_HINTS.search(names))
        return (f"{tag}.{classes[0]}" if classes else tag), tag in _BLOCK_TAGS, masthead, headline

    def _on_form(self, el):
        self.form_fields[el] = []
        self.forms.append((el, self.form_fields[el]))

    def _add_asset(self, src: str) -> None:
        self.features.asset_urls.append(src)
        self.features.assets.append(normalize_asset(src, self.features.url))

    def _on_script(self, el):
        if el.get("src"):
            self._add_asset(el.get("src"))
        elif el.text:
            self.scripts.append(el.text)

    def _on_link(self, el):
        rel = el.get("rel", "").lower()
        href = el.get("href", "")
        if "icon" in rel and href and not self.features.favicon_href:
            self.features.favicon_href = urljoin(self.features.url, href)
        elif "stylesheet" in rel and href:
            self._add_asset(href)

    def _on_meta(self, el):
        name = (el.get("name") or el.get("property") or "").lower()
        content = el.get("content")
        if content and name in _META_SITE_NAMES:
            self.site_names.append(content[:META_CHARS])
        elif content and name in _META_ABOUT:
            self.about.append(content[:META_CHARS])

    def _on_noscript(self, el):
        self.noscript.append(_text_prefix(el, META_CHARS))

    def _on_title(self, el):
        if self.title is None and el.getparent() is not None:
            self.title = el

    def _on_app_root_tag(self, el):
        self.app_root = True

    def _on_img(self, el):
        src = el.get("src", "") or el.get("data-src", "")
        if not src or src.startswith("data:") or src in self.seen_images:
            return
        self.seen_images.add(src)
        self._add_asset(src)
        hint = f'{src.rsplit("/", 1)[-1]} {el.get("alt", "")} {el.get("title", "")}'.lower()
        if any(h in hint for h in _QR_HINTS):
            self.features.qr_images.append(urljoin(self.features.url, src))

    def _on_a(self, el):
        href = el.get("href", "").strip()
        if href:
            self.features.hrefs.append(href)

    def _on_field(self, el):
        attrib = el.attrib
        kind = attrib.get("type", "text" if el.tag == "input" else el.tag).lower()
        if kind in _IGNORED_INPUT_TYPES or len(self.seen_fields) + len(self.outside_labels) >= MAX_FIELDS:
            return
        form = next(el.iterancestors("form"), None)
        values = (el.tag, kind, attrib.get("name", ""), attrib.get("id", ""), attrib.get("placeholder", ""),
                  attrib.get("aria-label", "") or attrib.get("title", ""))
        # A page that repeats its form (a long list of copies) asks nothing new after the first; an
        # input known by nothing but its label is told apart by the label.
        if any(values[2:]):
            key = (None if form is None else form.get("action", ""), values)
            if key in self.seen_fields:
                return
            self.seen_fields.add(key)
        elif len(self.outside_labels) >= MAX_LABELLED_FIELDS:
            return
        found = FormField(*values)
        if form in self.form_fields:
            self.form_fields[form].append(found)
            return
        self.fields_outside_forms.append(found)
        self.outside_labels.append(_nearby_label(el) if len(self.outside_labels) < MAX_LABELLED_FIELDS else "")


def _nearby_label(field, levels: int = 4, limit: int = 40) -> str:
    """The label of an input that sits in no <form> (script-driven pages): the text of the nearest
    enclosing element that has any, such as an Element-UI form item around its <label>."""
    for ancestor in itertools.islice(field.iterancestors(), levels):
        text = _text_prefix(ancestor, limit).strip()
        if text:
            return text
    return ""


def _label_text(el, limit: int) -> str:
    """An element's text as its labels are read: normalised, padded labels joined ("姓　名")."""
    return join_spaced_hanzi(normalize_text(_text_prefix(el, limit)))


def _raw_text(el) -> str:
    # lxml's text serialiser: several times faster than joining itertext() in Python.
    return lxml.etree.tostring(el, method="text", encoding=str, with_tail=False)


def _text_prefix(el, limit: int) -> str:
    """The first `limit` characters of an element's text, without joining all of it (a layout table
    or a "header" class can wrap the whole page)."""
    parts, size = [], 0
    for part in el.itertext():
        parts.append(part)
        size += len(part)
        if size >= limit:
            break
    return "".join(parts)[:limit]


def _title(walk: _Walk, root) -> str:
    """The text of the page's first <title>, as findtext(".//title") gives it. Taken from the walk:
    findtext looks through the whole page for a second one before it answers."""
    if walk.title is None and len(walk.tokens) >= MAX_ELEMENTS:
        return root.findtext(".//title") or ""          # the walk stopped early: the title may lie beyond
    return (walk.title.text if walk.title is not None else "") or ""


def _tables(tables) -> list[tuple[str, str]]:
    """(class, text) of the tables that could hold a person's certificate: a result class, or a
    姓名 column (the same characters in both scripts, so the raw text can be tested before the
    costly normalisation)."""
    found = []
    normalized: dict[str, str] = {}      # pages repeat their tables: each text normalised once
    for table in tables:
        css = table.get("class", "")
        raw = _text_prefix(table, TABLE_CHARS)
        if "姓" in raw or any(hint in css for hint in _RESULT_TABLE_CLASSES):
            if raw not in normalized:
                normalized[raw] = join_spaced_hanzi(normalize_text(raw))
            found.append((css, normalized[raw]))
    return found


def _forms(walk: _Walk, url: str, page_host: str) -> list[Form]:
    forms = []
    joined: dict[str, str] = {}      # urljoin costs tens of microseconds, and pages repeat their forms
    for el, fields in walk.forms:
        written = el.get("action", "")
        if url and written not in joined:
            joined[written] = urljoin(url, written.strip())
        action = joined[written] if url else written
        action_host = host_of(action) if written.strip() else ""
        forms.append(Form(action=action, method=el.get("method", "get").lower(),
                          action_host="" if action_host == page_host else action_host,
                          fields=fields, text=_label_text(el, 2000) if fields else ""))
    if walk.fields_outside_forms:
        labels = join_spaced_hanzi(normalize_text("\n".join(walk.outside_labels)))
        forms.append(Form(action="", method="", action_host="", fields=walk.fields_outside_forms, text=labels))
    return forms


def _link_hosts(hrefs: list[str], page_host: str) -> tuple[list[str], int]:
    """Hosts of links to other sites, and how many links stay on this one."""
    page_site = _site(page_host)
    external, internal = [], 0
    for href in dict.fromkeys(hrefs):
        if not href.lower().startswith(("http://", "https://", "//")):
            internal += not href.lower().startswith(("javascript:", "mailto:", "tel:", "#"))
            continue
        host = host_of(href)
        if host and _site(host) != page_site:
            external.append(host)
        else:
            internal += 1
    return list(dict.fromkeys(external)), internal


@functools.lru_cache(maxsize=4096)
def _site(host: str) -> str:
    try:
        return site_key(host) if host else ""
    except ValueError:
        return host


def _shingles(tokens: list[str]) -> frozenset[int]:
    """Hashes of every run of three consecutive element tokens (tag.class) in document order.
    Tokens are hashed once each (mmh3: stable across runs, unlike hash()), and each distinct run is
    combined once: pages repeat the same few runs thousands of times."""
    ids = {token: mmh3.hash(token, signed=False) for token in set(tokens)}
    runs = set(zip(tokens, tokens[1:], tokens[2:]))
    return frozenset(((ids[a] * _MIX ^ ids[b]) * _MIX ^ ids[c]) & 0xFFFFFFFF for a, b, c in runs)


def _phrases(walk: _Walk, html: str) -> set[str]:
    fields = [f for _, form_fields in walk.forms for f in form_fields] + walk.fields_outside_forms
    found = phrases_of([f.placeholder for f in fields if f.placeholder] + _PROMPT.findall(html))
    found |= {p for p in api_paths(html) if len(p) <= 60}
    for script in dict.fromkeys(walk.scripts):      # a script repeated down the page says nothing new
        found |= script_phrases(script)
    return found


def _api_hosts(scripts: list[str], page_host: str) -> list[str]:
    """Other sites that inline scripts name as a back end ("API_BASE": "https://api.example.top/prod-api")."""
    page_site = _site(page_host)
    found = []
    for script in dict.fromkeys(scripts):
        if "//" not in script:
            continue
        for host, path in _SCRIPT_API_URL.findall(script[:MAX_SCRIPT_CHARS]):
            host = _ascii_host(host.lower())
            if host and _site(host) != page_site and _API_HINT.search(f"{host}{path}"):
                found.append(host)
    return list(dict.fromkeys(found))


def _cut_short(html: str) -> bool:
    """The markup stops before the end of its body and document: a transfer cut short."""
    tail = html[-2000:].lower()
    return "</html" not in tail and "</body" not in tail


def _cut_in_form(html: str) -> bool:
    """A page cut short before the end of its last form."""
    opened = [m.start() for m in _FORM_OPEN.finditer(html)]
    closed = [m.start() for m in _FORM_CLOSE.finditer(html)]
    return bool(opened) and (not closed or opened[-1] > closed[-1])


def extract_features(html: str, url: str, headers: dict | None = None, favicon: bytes | None = None) -> PageFeatures:
    """The features of one decoded page (and its response headers and favicon bytes, when known).
    Never raises on hostile markup: junk gives empty features."""
    features = PageFeatures(url=url or "", host=host_of(url or ""), truncated=len(html) > MAX_HTML_CHARS,
                            server=server_software(headers))
    html = html[:MAX_HTML_CHARS]
    if favicon:
        features.favicon_mmh3 = favicon_hash(favicon)
    root = _parse(html)
    if root is None:
        return features
    walk = _Walk(features)
    walk.run(root)
    features.title = normalize_text(_title(walk, root))
    features.phrases = _phrases(walk, html)
    lxml.etree.strip_elements(root, *_INVISIBLE_TAGS, with_tail=False)
    features.text = normalize_text(_raw_text(root))
    shown = {el: _text_prefix(el, MASTHEAD_CHARS) for el in walk.masthead[:MAX_MASTHEAD] + walk.headline[:MAX_MASTHEAD]}
    features.masthead = normalize_text("\n".join([features.title] + [shown[el] for el in walk.masthead[:MAX_MASTHEAD]]))
    features.headline = normalize_text("\n".join(
        [features.title] + walk.site_names + [shown[el] for el in walk.headline[:MAX_MASTHEAD]]))
    features.meta = normalize_text("\n".join(walk.about))
    features.noscript = normalize_text("\n".join(walk.noscript))
    features.api_hosts = _api_hosts(walk.scripts, features.host)
    features.cut_short = _cut_short(html)
    features.cut_in_form = features.cut_short and _cut_in_form(html)
    features.forms = _forms(walk, features.url, features.host)
    features.dom_shingles = _shingles(walk.tokens)
    features.link_hosts, features.internal_links = _link_hosts(features.hrefs, features.host)
    features.tables = _tables(walk.tables[:MAX_TABLES])
    features.tlsh = html_tlsh(html)
    features.contacts = find_contacts(features.text, [h for h in features.hrefs if ":" in h[:12]])
    features.analytics = find_analytics(html)
    footer = features.masthead + "\n" + features.text[-FOOTER_CHARS:]
    features.identity = find_identity(features.text, html, footer=footer)
    features.app_shell = walk.app_root and len(features.text) < 300 and len(walk.tokens) < 400
    features.assets = list(dict.fromkeys(features.assets))
    return features

