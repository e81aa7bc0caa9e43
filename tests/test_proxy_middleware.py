"""NetworkProxyMiddleware: unit behaviour, and a real Scrapy crawl of an http and an https world host."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import NetworkProxyMiddleware
from fixtures.server import start_world


def _middleware(proxy):
    return NetworkProxyMiddleware.from_crawler(get_crawler(settings_dict={"FAKEGOV_PROXY": proxy}))


def test_sets_the_proxy_on_requests_without_one():
    request = Request("https://cx.mem.gov.cn/")
    assert _middleware("http://127.0.0.1:8080").process_request(request) is None
    assert request.meta["proxy"] == "http://127.0.0.1:8080"


def test_leaves_an_explicit_proxy_alone():
    request = Request("http://example.com/", meta={"proxy": None})
    _middleware("http://127.0.0.1:8080").process_request(request)
    assert request.meta["proxy"] is None


@pytest.mark.parametrize("proxy", [None, ""])
def test_without_the_setting_requests_go_direct(proxy):
    request = Request("http://example.com/")
    _middleware(proxy).process_request(request)
    assert "proxy" not in request.meta


SPIDER = textwrap.dedent('''
    import os
    import scrapy

    class WorldSpider(scrapy.Spider):
        name = "world"
        custom_settings = {
            "FAKEGOV_PROXY": os.environ["WORLD_PROXY"],
            "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.NetworkProxyMiddleware": 740},
            "ROBOTSTXT_OBEY": False,
            "RETRY_ENABLED": False,
            "DOWNLOAD_TIMEOUT": 20,
            "LOG_LEVEL": "WARNING",
        }

        async def start(self):
            for url in ("http://plain.example.com/", "https://secure.example.com/page.html",
                        "http://dead.example.com/"):
                yield scrapy.Request(url, errback=self.failed)

        def parse(self, response):
            yield {"url": response.url, "status": response.status, "proxy": response.meta.get("proxy"),
                   "title": response.css("title::text").get()}

        def failed(self, failure):
            yield {"url": failure.request.url, "error": failure.type.__name__}
''')


def test_scrapy_fetches_http_and_https_hosts_through_the_world(tmp_path):
    world = tmp_path / "world"
    for name, files in {"plain.example.com": {"index.html": "<title>明文站点</title>"},
                        "secure.example.com": {"page.html": "<title>加密站点</title>"}}.items():
        (world / "hosts" / name / "www").mkdir(parents=True)
        (world / "hosts" / name / "host.toml").write_text('ip = "203.0.113.50"\n')
        for file, text in files.items():
            (world / "hosts" / name / "www" / file).write_text(text, encoding="utf-8")
    (world / "hosts" / "dead.example.com").mkdir(parents=True)
    (world / "hosts" / "dead.example.com" / "host.toml").write_text('ip = "203.0.113.51"\nstate = "dead"\n')
    (tmp_path / "spider.py").write_text(SPIDER)
    with start_world(world) as running:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "runspider", "spider.py", "-O", "items.json"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
            env={**os.environ, "WORLD_PROXY": running.network.proxy})
    assert result.returncode == 0, result.stderr[-2000:]
    items = {item["url"]: item for item in json.loads((tmp_path / "items.json").read_text(encoding="utf-8"))}
    assert items["http://plain.example.com/"]["title"] == "明文站点"
    assert items["https://secure.example.com/page.html"]["title"] == "加密站点"
    assert items["https://secure.example.com/page.html"]["proxy"] == running.network.proxy
    assert "error" in items["http://dead.example.com/"]
