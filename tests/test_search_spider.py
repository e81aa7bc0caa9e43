"""The search spider's reading of result pages: results, captchas (back off) and markup changes (kept, said)."""

import asyncio

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler import context
from crawler.engines import backed_off
from crawler.items import Fetch
from crawler.spiders.search import SearchSpider


@pytest.fixture
def spider(tmp_path):
    crawler = get_crawler(SearchSpider, {"FAKEGOV_DATA": str(tmp_path / "data")})
    return SearchSpider.from_crawler(crawler)


def answer(spider, engine: str, body: str, status: int = 200, headers=None):
    request = spider.serp_request(engine, "特种作业操作证查询", 1)
    response = HtmlResponse(request.url, status=status, body=body.encode("utf-8"), headers=headers or {},
                            request=request, encoding="utf-8")
    async def collect():
        return [output async for output in spider.on_serp(response)]

    return asyncio.run(collect())


def test_a_page_that_yields_nothing_is_a_markup_change_and_is_kept(spider):
    output = answer(spider, "baidu", "<html><body><div id='wrapper'>页面改版了</div></body></html>")
    (item,) = [o for o in output if isinstance(o, Fetch)]
    assert item.role == "serp" and item.body and "markup change" in item.error
    assert any("疑似页面结构变化" in note and "sha256" in note for note in context.notes_of(spider.crawler))
    assert not backed_off(spider.crawler)


def test_a_captcha_redirect_backs_the_engine_off(spider):
    output = answer(spider, "baidu", "", status=302,
                    headers={"Location": "https://wappass.baidu.com/static/captcha/tuxing.html?ak=x"})
    assert backed_off(spider.crawler) == {"baidu"}
    assert [o.error for o in output if isinstance(o, Fetch)] == ["captcha or antispider answer"]
    assert any(note.startswith("baidu:") for note in context.notes_of(spider.crawler))


def test_results_become_captures_and_the_next_page(spider):
    page = """<html><body><div id="content_left">
      <div class="result c-container" mu="http://cx-mem-gov.com/"><h3 class="t"><a href="http://www.baidu.com/link?url=abc">特种作业操作证查询</a></h3></div>
      <div class="result c-container"><h3 class="t"><a href="http://www.baidu.com/link?url=def">电工证查询官网</a></h3></div>
    </div><div id="page"><a class="n" href="/s?wd=x&pn=10">下一页&gt;</a></div></body></html>"""
    output = answer(spider, "baidu", page)
    requests = [o for o in output if isinstance(o, Request)]
    urls = {r.url for r in requests}
    assert "http://cx-mem-gov.com/" in urls                          # the real URL, captured directly
    assert "http://www.baidu.com/link?url=def" in urls               # the redirect link, resolved first
    assert any("pn=10" in url for url in urls)                       # page 2
    (item,) = [o for o in output if isinstance(o, Fetch)]
    assert [r["url"] for r in item.extra["results"]] == ["http://cx-mem-gov.com/"]
