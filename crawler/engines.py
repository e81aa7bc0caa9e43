"""The search engines the search spider asks, and the back-off after one of them shows a captcha."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.context import CrawlerComponent

ENGINES = {
    "baidu": lambda q, page: f"https://www.baidu.com/s?wd={quote(q)}&pn={(page - 1) * 10}",
    "sogou": lambda q, page: f"https://www.sogou.com/web?query={quote(q)}&page={page}",
    "so360": lambda q, page: f"https://www.so.com/s?q={quote(q)}&pn={page}",
    "bing": lambda q, page: f"https://cn.bing.com/search?q={quote(q)}&first={(page - 1) * 10 + 1}",
}
ENGINE_HOSTS = ("baidu.com", "sogou.com", "so.com", "bing.com")
# Click-through paths: organic links, and the ad links (Sogou /bill_cpc, Bing /aclk, Baidu /baidu.php, 360 eclk).
REDIRECT_PATHS = ("/link", "/ck/a", "/url", "/aclk", "/aclick", "/bill_cpc", "/baidu.php", "/search/eclk")
_BLOCK_MARKS = ("wappass.baidu.com", "/antispider", "captcha", "qcaptcha", "/verify", "sorry")


def result_page_url(engine: str, query: str, page: int) -> str:
    return ENGINES[engine](query, page)


def is_engine_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in ENGINE_HOSTS)


def is_redirect_link(url: str) -> bool:
    """An engine's click-through link, which answers with the real result's address."""
    return is_engine_url(url) and urlsplit(url).path in REDIRECT_PATHS


def redirect_is_block(location: str) -> bool:
    """An engine answering with a redirect to its captcha or antispider page."""
    return any(mark in location.lower() for mark in _BLOCK_MARKS)


def backed_off(crawler) -> set[str]:
    """The engines this crawl stopped asking after they showed a captcha."""
    return crawler.__dict__.setdefault("fakegov_backed_off", set())


class EngineBackoffMiddleware(CrawlerComponent):
    """Drops requests to an engine that has shown a captcha: asking again only prolongs the block."""

    def process_request(self, request, spider=None):
        engine = request.meta.get("engine")
        if engine and engine in backed_off(self.crawler):
            raise IgnoreRequest(f"skipped: {engine} backed off after a captcha")
        return None
