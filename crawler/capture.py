"""The capture of a candidate site, shared by every spider: the page it was found at, every redirect
hop, the pages that matter (query form, result, contact; bounded depth and count), the favicon,
hashes of linked resources, and one query with a made-up identity to see whether the site "finds"
a certificate for anybody. Each request ends in exactly one Fetch item."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from urllib.parse import urlencode, urljoin, urlsplit

import scrapy
from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import TextResponse
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler import context, frontier
from crawler.items import Fetch
from crawler.outline import read_outline
from crawler.tls import certificate_facts
from detectors.names import is_gov_cn, site_key
from detectors.targets import target_for_host
from store import queries

# Links worth following from a candidate's page: the query form, results, contacts, "about".
KEY_LINK = re.compile(r"查询|证书|证件|验证|核验|联系|客服|关于|办理|报名|价格|收费|cert|query|search|chaxun|"
                      r"zhengshu|contact|about|kefu|lxwm|price|/cx|/zs", re.I)
CANARY_NAME = "甄实验"


def canary_id_number() -> str:
    """A well-formed ID number no living person holds (born 1900-01-01): the query's made-up identity."""
    body = "110101" + "19000101" + "001"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


CANARY_ID = canary_id_number()


def describe_failure(failure) -> str:
    """One line a user understands, for any way a fetch can fail."""
    err = failure.value
    if failure.check(IgnoreRequest):
        return str(err) or "skipped"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "DNS lookup failed (no such host)"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection refused"
    if failure.check(TunnelError):
        return "could not connect (the proxy found no way to the host)"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timed out"
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    if failure.check(ResponseNeverReceived, ConnectionLost, ResponseFailed, ResponseDataLossError) or (
            failure.check(DownloadFailedError) and ("ConnectionDone" in text or "ConnectionLost" in text)):
        return "connection closed without an answer"
    if "maxsize" in text or "larger than download max size" in text:
        return "answer larger than the download limit; cut off"
    return f"{type(err).__name__}: {text}"[:300]


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _is_official(host: str) -> bool:
    return is_gov_cn(host) or target_for_host(host) is not None


class CaptureSpider(scrapy.Spider):
    """Base of every fakegov spider: `capture(url, discovery)` fixes a candidate site as evidence."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_pages: dict[str, set[str]] = {}     # page URLs each site's budget has paid for
        self.site_resources: Counter = Counter()
        self.canaried: set[str] = set()
        self.expanded: set[tuple[str, bytes]] = set()  # (site, body digest) whose links were followed

    # -- starting ---------------------------------------------------------------------------

    async def start(self):
        """On a resumed run, first what was scheduled and not finished; then the seeds again (the
        frontier drops the ones already scheduled, so a seed the kill cut off is not lost)."""
        self.site_pages = queries.frontier_budgets(context.store(self.crawler).db, context.run_id(self.crawler))
        for request in frontier.pending_requests(self.crawler):
            yield request
        async for request in self.seeds():
            yield request

    async def seeds(self):
        """The spider's own starting requests."""
        return
        yield  # pragma: no cover

    def setting(self, name: str):
        return self.crawler.settings.get(name)

    # -- requests ---------------------------------------------------------------------------

    def capture(self, url: str, discovery: dict, role: str = "entry", priority: int = 0):
        """The request that starts capturing the site at `url`."""
        return self._page_request(url, role=role, depth=0, chain=[], discovery=discovery, priority=priority)

    def _page_request(self, url, role, depth, chain, discovery=None, priority=0, method="GET", formdata=None,
                      encoding="utf-8"):
        host = _host(url)
        try:
            key = site_key(host)
        except ValueError:
            return None
        paid = self.site_pages.setdefault(key, set())
        if role in ("page", "canary") and url not in paid and \
                len(paid) >= self.crawler.settings.getint("FAKEGOV_SITE_PAGES"):
            return None
        paid.add(url)
        meta = {"fg": {"role": role, "depth": depth, "chain": chain, "discovery": discovery, "site_key": key,
                       "budget": key}}
        if formdata is not None:
            return scrapy.FormRequest(url, method=method, formdata=formdata, callback=self.on_page,
                                      errback=self.on_error, meta=meta, priority=priority, encoding=encoding)
        return scrapy.Request(url, callback=self.on_page, errback=self.on_error, meta=meta, priority=priority)

    def _asset_request(self, url: str, role: str, parent_url: str):
        key = site_key(_host(url)) if _host(url) else None
        if key is None:
            return None
        if role == "resource":
            if self.site_resources[key] >= self.crawler.settings.getint("FAKEGOV_SITE_RESOURCES"):
                return None
            self.site_resources[key] += 1
        meta = {"fg": {"role": role, "parent": parent_url, "site_key": key}}
        return scrapy.Request(url, callback=self.on_asset, errback=self.on_error, meta=meta, priority=-10)

    # -- answers ----------------------------------------------------------------------------

    def fetch_item(self, response_or_request, role: str, **fields) -> Fetch:
        request = getattr(response_or_request, "request", None) or response_or_request
        fg = request.meta.get("fg", {})
        return Fetch(fingerprint=frontier.fingerprint(self.crawler, request), role=role, url=request.url,
                     host=_host(request.url), site_key=fg.get("site_key"), chain=fg.get("chain", []),
                     discovery=fg.get("discovery"), parent_url=fg.get("parent"), method=request.method,
                     request_headers={k.decode("latin-1"): b", ".join(v).decode("latin-1")
                                      for k, v in request.headers.items()},
                     request_body=request.body, **fields)

    def answer_fields(self, response) -> dict:
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        return {"status": response.status, "headers": headers, "body": response.body,
                "tls": certificate_facts(response.certificate)}

    async def on_page(self, response):
        fg = response.meta["fg"]
        item = self.fetch_item(response, fg["role"], **self.answer_fields(response))
        chain = fg.get("chain", [])
        if 300 <= response.status < 400 and "Location" in response.headers:
            target = urljoin(response.url, response.headers.get("Location").decode("latin-1").strip())
            for request in self._follow_hop(item, target, "http", chain, fg):
                yield request
        elif isinstance(response, TextResponse):
            outline = read_outline(response.text, response.url)
            item.forms, item.links = outline.forms, [url for url, _ in outline.links][:200]
            if outline.refresh and outline.text_length < 300:
                follow = self._follow_hop(item, outline.refresh, outline.refresh_how, chain, fg)
            else:
                follow = self._follow_page(response, outline, fg)
            for request in follow:
                yield request
        yield item

    def _follow_hop(self, item: Fetch, target: str, how: str, chain: list, fg: dict):
        item.location = target
        hop = {"url": item.url, "status": item.status, "location": target, "how": how}
        seen = {step["url"] for step in chain} | {item.url}
        if target in seen:
            item.error = f"redirect loop: {target} was already visited in this chain"
        elif len(chain) + 1 >= self.crawler.settings.getint("FAKEGOV_MAX_REDIRECTS"):
            item.error = f"too many redirects (more than {len(chain)})"
        else:
            request = self._page_request(target, "hop", fg.get("depth", 0), chain + [hop], fg.get("discovery"))
            if request is not None:
                yield request

    def _follow_page(self, response, outline, fg: dict):
        # The same page under many URLs of one site (session ids, tracking parameters) is followed once;
        # the same page on another site (a faithful clone) is that site's evidence and followed again.
        seen = (fg["site_key"], hashlib.sha256(response.body).digest())
        if seen in self.expanded:
            return
        self.expanded.add(seen)
        host = _host(response.url)
        official = _is_official(host)
        # Headless browsers never fetch the favicon; its hash ties clones to their original.
        icon = outline.icons[0] if outline.icons else urljoin(response.url, "/favicon.ico")
        request = self._asset_request(icon, "favicon", response.url)
        if request is not None:
            yield request
        if official or fg["role"] in ("canary", "recheck"):
            return
        depth = fg.get("depth", 0)
        if depth < self.crawler.settings.getint("FAKEGOV_SITE_DEPTH"):
            same_site = [url for url, text in outline.links
                         if _host(url) and site_key(_host(url)) == fg["site_key"] and KEY_LINK.search(text + " " + url)]
            for url in outline.frames + same_site:
                request = self._page_request(url, "page", depth + 1, [], fg.get("discovery"))
                if request is not None:
                    yield request
        for url in outline.resources:
            request = self._asset_request(url, "resource", response.url)
            if request is not None:
                yield request
        if self.crawler.settings.getbool("FAKEGOV_CANARY_QUERY"):
            yield from self._canary(outline.forms, fg, response.encoding)

    def _canary(self, forms: list, fg: dict, encoding: str):
        """Submit one made-up identity to a certificate-query form: a genuine register finds nobody.
        The values are encoded in the page's charset, as a browser would send them."""
        if fg["site_key"] in self.canaried:
            return
        for form in forms:
            formdata = canary_formdata(form)
            if formdata is None or _is_official(_host(form["action"])):
                continue
            self.canaried.add(fg["site_key"])
            if form["method"] == "POST":
                request = self._page_request(form["action"], "canary", 99, [], fg.get("discovery"),
                                             method="POST", formdata=formdata, encoding=encoding)
            else:
                separator = "&" if urlsplit(form["action"]).query else "?"
                url = form["action"].split("#")[0] + separator + urlencode(formdata, encoding=encoding,
                                                                           errors="xmlcharrefreplace")
                request = self._page_request(url, "canary", 99, [], fg.get("discovery"))
            if request is not None:
                yield request
            return

    def on_asset(self, response):
        yield self.fetch_item(response, response.meta["fg"]["role"], **self.answer_fields(response))

    def on_error(self, failure):
        request = failure.request
        role = request.meta.get("fg", {}).get("role", "page")
        yield self.fetch_item(request, role, error=describe_failure(failure))


_ID_FIELD = re.compile(r"证件号|身份证|idcard|id_card|certnum|cert_no|zjhm|sfz|idno|证号", re.I)
_NAME_FIELD = re.compile(r"姓名|^name$|realname|xingming|^xm$|username", re.I)
_CODE_FIELD = re.compile(r"验证码|captcha|yzm|passcode|verify|^code$|checkcode", re.I)


def canary_formdata(form: dict) -> dict | None:
    """Form values with the made-up identity, or None if this is not a certificate-query form."""
    data, has_id, has_name = {}, False, False
    for field_ in form["inputs"]:
        name = field_.get("name")
        if not name or field_.get("type") in ("submit", "button", "image", "reset", "file"):
            continue
        labels = [str(field_[k]) for k in ("name", "id", "placeholder") if field_.get(k)]
        if any(_ID_FIELD.search(label) for label in labels):
            data[name], has_id = CANARY_ID, True
        elif any(_NAME_FIELD.search(label) for label in labels):
            data[name], has_name = CANARY_NAME, True
        elif any(_CODE_FIELD.search(label) for label in labels):
            data[name] = "1234"
        elif field_.get("tag") == "select":
            data[name] = (field_.get("options") or [""])[0]
        else:
            data[name] = field_.get("value", "")
    return data if has_id and has_name else None
