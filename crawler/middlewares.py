"""Scrapy downloader middlewares of the crawler."""

from __future__ import annotations


class NetworkProxyMiddleware:
    """Send every request through the proxy named by the FAKEGOV_PROXY setting.

    The simulated world (fixtures/world) is reached this way, `http` directly and `https`
    through CONNECT; with the setting empty the middleware does nothing and requests go
    to the real internet. A request that already has `meta["proxy"]` is left alone.
    It must run before Scrapy's HttpProxyMiddleware (order 750), which reads the meta key:

        DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.NetworkProxyMiddleware": 740}
    """

    def __init__(self, proxy: str | None):
        self.proxy = proxy or None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("FAKEGOV_PROXY"))

    def process_request(self, request):
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
        return None
