"""The four simulated search engines: result markup, ads, paging, redirect endpoints, blocks, no-results pages."""

from __future__ import annotations

import base64
import re
import ssl
import urllib.error
import urllib.request
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import lxml.html
import pytest

from fixtures.server import start_world

QUERY = "特种作业操作证查询"
BLOCKED = "电工证 包过 全国联网可查"
ENGINES = ("baidu", "sogou", "so360", "bing")


def _benign(i):
    return {"url": f"https://site{i}.example.cn/page{i}.html", "title": f"特种作业操作证查询指南 第{i}篇",
            "snippet": f"第{i}篇：如何在官方平台查询特种作业操作证。", "rank": 2 * i - 1}


def _fake(i):
    return {"url": f"http://cx-mem-gov{i}.top/", "title": f"特种作业操作证查询 - 全国联网可查 {i}",
            "snippet": "电工证 焊工证 高处作业证 官网可查", "rank": 2 * i}


BENIGN = [_benign(i) for i in range(1, 15)]
FAKES = [_fake(i) for i in range(1, 10)]
BAIDU_ONLY = {"url": "https://only.baidu.example/", "title": "只在百度出现的结果", "snippet": "", "rank": 100,
              "engines": ["baidu"]}
ADS = [{"url": f"https://ad{i}.example.com/landing?from=ad", "title": f"电工证 速成 包过 广告{i}",
        "snippet": "不用考试 全国联网可查", "ad": True, "rank": i} for i in range(1, 6)]


def _toml_results(results):
    lines = []
    for result in results:
        lines.append("[[query.result]]")
        for key, value in result.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int):
                lines.append(f"{key} = {value}")
            elif isinstance(value, list):
                lines.append(f"{key} = {value!r}".replace("'", '"'))
            else:
                lines.append(f'{key} = "{value}"')
    return "\n".join(lines)


def _expected(engine):
    """(organic, ads) as `engine` must show them: merged by rank, filtered by engine."""
    merged = sorted(BENIGN + FAKES + [BAIDU_ONLY], key=lambda r: r["rank"])
    organic = [r for r in merged if engine in r.get("engines", ENGINES)]
    return organic, ADS


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("serp-world")
    (root / "hosts" / "cx-mem-gov1.top").mkdir(parents=True)
    (root / "hosts" / "cx-mem-gov1.top" / "host.toml").write_text('ip = "203.0.113.1"\n')
    (root / "search").mkdir()
    (root / "search" / "benign.toml").write_text(
        f'[[query]]\nq = "{QUERY}"\n{_toml_results(BENIGN)}\n', encoding="utf-8")
    (root / "search" / "fakes.toml").write_text(
        f'[[query]]\nq = "{QUERY}"\n{_toml_results(FAKES + [BAIDU_ONLY] + ADS)}\n\n'
        f'[[query]]\nq = "{BLOCKED}"\nblocked = ["baidu", "sogou", "so360", "bing"]\n{_toml_results(FAKES[:2])}\n',
        encoding="utf-8")
    with start_world(root) as running:
        yield running


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _fetch(world, url):
    """(status, headers, text) without following redirects."""
    proxy = urllib.request.ProxyHandler({"http": world.network.proxy, "https": world.network.proxy})
    context = ssl.create_default_context(cafile=world.network.ca_cert)
    opener = urllib.request.build_opener(proxy, _NoRedirect(), urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode("utf-8", "replace")


def _search_url(engine, q, page=1):
    return {"baidu": f"https://www.baidu.com/s?wd={quote(q)}&pn={(page - 1) * 10}",
            "sogou": f"https://www.sogou.com/web?query={quote(q)}&page={page}",
            "so360": f"https://www.so.com/s?q={quote(q)}&pn={page}",
            "bing": f"https://cn.bing.com/search?q={quote(q)}&first={(page - 1) * 10 + 1}"}[engine]


# Where each engine puts what (the markup documented in fixtures/world/README.md).
MARKUP = {
    "baidu": {"organic": "#content_left > div.result.c-container", "ads": "#content_left > div.EC_result",
              "title": "h3 a", "next": "#page a.n", "related": "#rs a", "empty": "#content_left .nors"},
    "sogou": {"organic": "div.results > div.vrwrap, div.results > div.rb",
              "ads": "#promotion_adv_container div.biz_rb", "title": "h3 a", "next": "#sogou_next",
              "related": "#hint_container a", "empty": "#noresult_part1_container"},
    "so360": {"organic": "ul.result > li.res-list", "ads": "ul#e_idea_pp > li.res-list", "title": "h3.res-title a",
              "next": "#snext", "related": "#rs a", "empty": "#no-result"},
    "bing": {"organic": "#b_results > li.b_algo", "ads": "#b_results > li.b_ad > ul > li", "title": "h2 a",
             "next": "a.sb_pagN", "related": ".b_rs a", "empty": "#b_results > li.b_no"},
}


def _page(world, engine, url):
    status, _, text = _fetch(world, url)
    assert status == 200
    return lxml.html.document_fromstring(text)


def _blocks(doc, engine, kind):
    return doc.cssselect(MARKUP[engine][kind])


def _title(block, engine):
    return block.cssselect(MARKUP[engine]["title"])[0].text_content().strip()


def _walk(world, engine, q):
    """Every result page of `q`, following the next-page links from page 1."""
    url, docs = _search_url(engine, q), []
    while url and len(docs) < 10:
        doc = _page(world, engine, url)
        docs.append(doc)
        links = [a for a in _blocks(doc, engine, "next") if "上一页" not in a.text_content()]
        url = urljoin(url, links[0].get("href")) if links else None
    return docs


@pytest.mark.parametrize("engine", ENGINES)
def test_results_ads_and_paging_follow_the_world(world, engine):
    organic, ads = _expected(engine)
    docs = _walk(world, engine, QUERY)
    assert len(docs) == 3
    shown = [[_title(b, engine) for b in _blocks(doc, engine, "organic")] for doc in docs]
    assert [len(titles) for titles in shown] == [10, 10, len(organic) - 20]
    assert sum(shown, []) == [r["title"] for r in organic]
    shown_ads = [[_title(b, engine) for b in _blocks(doc, engine, "ads")] for doc in docs]
    assert shown_ads == [[a["title"] for a in ads[:3]], [a["title"] for a in ads[3:]], []]
    for doc in docs[:2]:
        for block in _blocks(doc, engine, "ads"):
            assert "广告" in block.text_content()
        for block in _blocks(doc, engine, "organic"):
            assert "广告" not in block.text_content()


@pytest.mark.parametrize("engine", ENGINES)
def test_pages_carry_realistic_noise(world, engine):
    doc = _page(world, engine, _search_url(engine, QUERY))
    assert doc.xpath("//script") and doc.xpath("//style")
    assert len(_blocks(doc, engine, "related")) >= 6
    assert QUERY in doc.findtext(".//title")
    assert doc.xpath("//em|//strong"), "query words are highlighted"


def test_baidu_news_card_sits_among_results(world):
    doc = _page(world, "baidu", _search_url("baidu", QUERY))
    card = doc.cssselect("#content_left > div.result-op.c-container")[0]
    assert card.get("tpl") == "sp_realtime_bigpic5" and "tn=news" in card.get("mu")


def _resolve(world, href):
    """The target an engine's redirect endpoint sends the browser to, and how ("302" or "script")."""
    status, headers, text = _fetch(world, href)
    if status in (301, 302):
        return headers["Location"], "302"
    assert status == 200
    refresh = re.search(r"""URL='([^']+)'""", text)
    return lxml.html.fromstring(f"<p>{refresh.group(1)}</p>").text_content(), "script"


def _hrefs(world, engine, kind):
    hrefs = []
    for doc in _walk(world, engine, QUERY):
        for block in _blocks(doc, engine, kind):
            hrefs.append(urljoin(_search_url(engine, QUERY), block.cssselect(MARKUP[engine]["title"])[0].get("href")))
    return hrefs


@pytest.mark.parametrize("engine", ENGINES)
def test_every_link_resolves_to_the_real_url(world, engine):
    organic, ads = _expected(engine)
    kinds = set()
    for hrefs, expected in ((_hrefs(world, engine, "organic"), organic), (_hrefs(world, engine, "ads"), ads)):
        assert len(hrefs) == len(expected)
        for href, result in zip(hrefs, expected):
            if urlsplit(href).hostname == urlsplit(result["url"]).hostname:
                kinds.add("direct")
                assert href == result["url"]
                continue
            target, kind = _resolve(world, href)
            kinds.add(kind)
            assert target == result["url"]
    assert kinds == {"baidu": {"302", "script"}, "sogou": {"302", "script"}, "so360": {"script"},
                     "bing": {"302", "direct"}}[engine]


def test_attributes_reveal_targets_where_the_real_engines_do(world):
    organic, ads = _expected("baidu")
    doc = _page(world, "baidu", _search_url("baidu", QUERY))
    mus = [b.get("mu") for b in _blocks(doc, "baidu", "organic")]
    assert mus.count(None) == 3 and [m for m in mus if m] == [r["url"] for i, r in enumerate(organic[:10], 1)
                                                               if i % 3]
    assert [a.cssselect("h3 a")[0].get("data-landurl") for a in _blocks(doc, "baidu", "ads")] == \
        [a["url"] for a in ads[:3]]
    organic, _ = _expected("so360")
    doc = _page(world, "so360", _search_url("so360", QUERY))
    anchors = [b.cssselect("h3 a")[0] for b in _blocks(doc, "so360", "organic")]
    assert [a.get("data-mdurl") or a.get("data-url") for a in anchors] == [r["url"] for r in organic[:10]]
    organic, _ = _expected("sogou")
    doc = _page(world, "sogou", _search_url("sogou", QUERY))
    revealed = [b.cssselect("div.r-sech[data-url]") for b in _blocks(doc, "sogou", "organic")]
    assert [r[0].get("data-url") for r in revealed if r] == [r["url"] for i, r in enumerate(organic[:10])
                                                             if i % 5 != 4 and i % 3 != 2]
    organic, _ = _expected("bing")
    doc = _page(world, "bing", _search_url("bing", QUERY))
    for block, result in zip(_blocks(doc, "bing", "organic"), organic):
        href = block.cssselect("h2 a")[0].get("href")
        if "/ck/a" in href:
            u = parse_qs(urlsplit(href).query)["u"][0]
            assert u.startswith("a1")
            assert base64.urlsafe_b64decode(u[2:] + "=" * (-len(u[2:]) % 4)).decode() == result["url"]


def test_engines_list_limits_where_a_result_shows(world):
    for engine in ENGINES:
        titles = [_title(b, engine) for doc in _walk(world, engine, QUERY) for b in _blocks(doc, engine, "organic")]
        assert (BAIDU_ONLY["title"] in titles) == (engine == "baidu")


def test_baidu_blocks_with_a_redirect_to_the_wappass_captcha(world):
    status, headers, _ = _fetch(world, _search_url("baidu", BLOCKED))
    location = headers["Location"]
    assert status == 302 and location.startswith("https://wappass.baidu.com/static/captcha/tuxing.html?")
    assert quote(BLOCKED) in parse_qs(urlsplit(location).query)["backurl"][0]
    doc = _page(world, "baidu", location)
    assert doc.findtext(".//title") == "百度安全验证" and "网络不给力" in doc.text_content()


def test_sogou_blocks_with_its_antispider_page(world):
    status, headers, _ = _fetch(world, _search_url("sogou", BLOCKED))
    location = urljoin(_search_url("sogou", BLOCKED), headers["Location"])
    assert status == 302 and urlsplit(location).path == "/antispider/"
    assert parse_qs(urlsplit(location).query)["from"][0].startswith("/web?query=")
    doc = _page(world, "sogou", location)
    assert doc.cssselect("#seccodeInput") and "异常访问请求" in doc.text_content()


def test_so360_blocks_with_a_redirect_to_qcaptcha(world):
    status, headers, _ = _fetch(world, _search_url("so360", BLOCKED))
    location = headers["Location"]
    assert status == 302 and urlsplit(location).hostname == "qcaptcha.so.com"
    assert parse_qs(urlsplit(location).query)["ret"][0].startswith("https://www.so.com/s?q=")
    assert "访问异常" in _page(world, "so360", location).text_content()


def test_bing_blocks_with_the_one_last_step_challenge(world):
    doc = _page(world, "bing", _search_url("bing", BLOCKED))
    assert doc.cssselect("div.captcha div.captcha_header")[0].text == "One last step"
    assert not doc.cssselect("li.b_algo")


@pytest.mark.parametrize("engine", ENGINES)
def test_unknown_queries_get_the_engines_no_results_page(world, engine):
    doc = _page(world, engine, _search_url(engine, "完全没有结果的查询词"))
    assert _blocks(doc, engine, "empty")
    assert not _blocks(doc, engine, "organic") and not _blocks(doc, engine, "next")


def test_bad_redirect_tokens_are_not_found(world):
    assert _fetch(world, "http://www.baidu.com/link?url=garbage")[0] == 404
    assert _fetch(world, "http://www.sogou.com/link?url=garbage")[0] == 404
    assert _fetch(world, "http://www.so.com/link?m=garbage")[0] == 404
    assert _fetch(world, "http://www.bing.com/ck/a?!&&u=zz&ntb=1")[0] == 404
