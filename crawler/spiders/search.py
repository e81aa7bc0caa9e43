"""search: asks Baidu, Sogou, 360 and Bing for each keyword, records every result with its rank and
ad mark, and captures every result's site. A captcha makes that engine back off for the rest of the
run; a page that yields nothing and is no captcha is kept and reported as a markup change."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import scrapy

from crawler import context
from crawler.capture import CaptureSpider
from crawler.engines import (
    ENGINES,
    backed_off,
    is_engine_url,
    is_redirect_link,
    redirect_is_block,
    result_page_url,
)
from crawler.side import beside
from fakegov.errors import UserError
from fakegov.textfile import read_user_text

DEFAULT_KEYWORDS = Path(__file__).resolve().parent.parent / "data" / "keywords.txt"


def read_keywords(path: Path) -> list[str]:
    """One query per line; blank lines and lines starting with # are skipped."""
    text = read_user_text(path, "keyword file")
    keywords = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not keywords:
        raise UserError(f"keyword file {path} holds no query")
    return keywords


class SearchSpider(CaptureSpider):
    name = "search"

    def __init__(self, keywords: str | None = None, engines: str | None = None, pages: str | int = 2, **kwargs):
        super().__init__(**kwargs)
        self.keywords = read_keywords(Path(keywords) if keywords else DEFAULT_KEYWORDS)
        self.engines = [e.strip() for e in (engines or ",".join(ENGINES)).split(",") if e.strip()]
        unknown = [e for e in self.engines if e not in ENGINES]
        if unknown:
            raise ValueError(f"unknown search engine {unknown[0]!r} (known: {', '.join(ENGINES)})")
        self.pages = int(pages)

    async def seeds(self):
        for keyword in self.keywords:
            for engine in self.engines:
                yield self.serp_request(engine, keyword, 1)

    def serp_request(self, engine: str, keyword: str, page: int):
        return scrapy.Request(result_page_url(engine, keyword, page), callback=self.on_serp, errback=self.on_error,
                              priority=10, meta={"engine": engine, "fg": {"role": "serp"},
                                                 "serp": {"engine": engine, "keyword": keyword, "page": page}})

    async def on_serp(self, response):
        from crawler.parsers.serp import parse_serp

        serp = response.meta["serp"]
        engine, keyword, page = serp["engine"], serp["keyword"], serp["page"]
        item = self.fetch_item(response, "serp", **self.answer_fields(response))
        location = response.headers.get("Location", b"").decode("latin-1")
        if 300 <= response.status < 400 and redirect_is_block(location):
            status, parsed = "blocked", None
        elif 300 <= response.status < 400:
            status, parsed = "unknown-markup", None
            item.error = f"unexpected redirect to {location}"
        else:
            parsed = await beside(self.crawler, parse_serp, engine, response.body, response.url)
            status = parsed.status
        results = []
        if status == "blocked":
            backed_off(self.crawler).add(engine)
            context.note(self.crawler, f"{engine}: 验证码/反爬页面（关键词“{keyword}”第{page}页），本次运行对该引擎停止请求 "
                                       f"(captcha or antispider answer; backed off for the rest of this run)")
            item.error = "captcha or antispider answer"
        elif status == "unknown-markup":
            digest = hashlib.sha256(response.body).hexdigest()
            context.note(self.crawler, f"{engine}: 结果页无法解析，疑似页面结构变化，页面已保存 sha256 {digest} "
                                       f"(no results and no captcha: markup change? page kept)")
            item.error = item.error or "results page yielded nothing: markup change?"
        elif status == "ok":
            for result in parsed.results:
                if is_engine_url(result.url) and not is_redirect_link(result.url):
                    continue  # the engine's own pages (news, images, related searches)
                host = (urlsplit(result.url).hostname or "").lower()
                results.append({"rank": result.rank, "url": result.url, "host": host, "title": result.title,
                                "ad": result.ad, "redirect": result.redirect})
                discovery = {"source": "search", "recorded": True, "engine": engine, "keyword": keyword,
                             "rank": result.rank, "ad": result.ad}
                if is_engine_url(result.url):
                    yield scrapy.Request(result.url, callback=self.on_link, errback=self.on_error,
                                         meta={"fg": {"role": "link"}, "discovery": discovery})
                else:
                    request = self.capture(result.url, discovery)
                    if request is not None:
                        yield request
            if page < self.pages and parsed.results:
                yield self.serp_request(engine, keyword, page + 1)
        item.extra = {"engine": engine, "keyword": keyword, "page": page, "status": status,
                      "results": [r for r in results if not is_engine_url(r["url"])]}
        yield item

    def on_link(self, response):
        """An engine's redirect link: its answer names the real result, which is recorded and captured."""
        from crawler.parsers.serp import resolve_redirect_answer

        item = self.fetch_item(response, "link", **self.answer_fields(response))
        target = resolve_redirect_answer(response.status, response.headers, response.body, base=response.url)
        if target:
            discovery = dict(response.meta["discovery"], detail={"redirect": response.url})
            item.extra = {"resolved": target, "discovery": discovery}
            request = self.capture(target, discovery)
            if request is not None:
                yield request
        else:
            item.error = "the engine's redirect link did not name a target"
        yield item
