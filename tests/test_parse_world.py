"""The parsers read the simulated world's search engines: results, ads, paging, redirects, blocks.

A small world is written here (its search/*.toml says what each engine must show); it is
served on loopback, every engine's pages are fetched through the world's proxy, parsed, and
compared with what the toml says. Targets the page hides are resolved the way the spider does:
fetch the engine's redirect link and read its answer with `resolve_redirect_answer`.
"""

from __future__ import annotations

import http.client
import ssl
from urllib.parse import quote, urlsplit

import pytest

from crawler.parsers.serp import ENGINES, parse_serp, resolve_redirect_answer

server = pytest.importorskip("fixtures.server", reason="the simulated world (fixtures/server) is not built yet")

QUERY = "特种作业操作证查询"
BLOCKED_QUERY = "电工证 包过"
UNKNOWN_QUERY = "没有这个查询词xqzv"
ENGINE_DOMAINS = ("baidu.com", "sogou.com", "so.com", "bing.com")
SEARCH_URLS = {
    "baidu": "http://www.baidu.com/s?wd={q}",
    "sogou": "http://www.sogou.com/web?query={q}",
    "so360": "http://www.so.com/s?q={q}",
    "bing": "http://cn.bing.com/search?q={q}",
}

ORGANIC = [(f"http://fake{i:02d}-cx-mem-gov.top/index.html", f"特种作业操作证查询 官网 {i}") for i in range(1, 13)]
ADS = [("http://dgz-baoguo.xyz/", "电工证 免考 包过 全国联网可查"), ("https://tzzy-zs.com/?from=ad", "特种作业证 快速办理")]
BING_ONLY = ("https://www.mem.gov.cn/fw/cxfw/", "应急管理部 查询服务")


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _search_toml() -> str:
    lines = ["[[query]]", f"q = {_toml_string(QUERY)}", ""]
    for url, title in ADS:
        lines += ["  [[query.result]]", f"  url = {_toml_string(url)}", f"  title = {_toml_string(title)}",
                  '  snippet = "免考 包过 三天拿证"', "  ad = true", ""]
    for url, title in ORGANIC:
        lines += ["  [[query.result]]", f"  url = {_toml_string(url)}", f"  title = {_toml_string(title)}",
                  '  snippet = "全国联网可查 证书查询"', ""]
    lines += ["  [[query.result]]", f"  url = {_toml_string(BING_ONLY[0])}", f"  title = {_toml_string(BING_ONLY[1])}",
              '  snippet = "官方"', '  engines = ["bing"]', ""]
    lines += ["[[query]]", f"q = {_toml_string(BLOCKED_QUERY)}", f"blocked = {list(ENGINES)!r}".replace("'", '"'),
              "", "  [[query.result]]", '  url = "http://never-shown.top/"', '  title = "不应出现"', ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    host = root / "hosts" / "fake01-cx-mem-gov.top"
    (host / "www").mkdir(parents=True)
    (host / "host.toml").write_text('ip = ["203.0.113.10"]\n', encoding="utf-8")
    (host / "www" / "index.html").write_text("<html><body>特种作业操作证查询</body></html>", encoding="utf-8")
    (root / "search").mkdir()
    (root / "search" / "queries.toml").write_text(_search_toml(), encoding="utf-8")
    with server.start_world(root) as running:
        yield running


def fetch(network, url: str, follow: bool = False):
    """(status, headers, body, final URL) of `url` fetched through the world's proxy."""
    for _ in range(6):
        parts = urlsplit(url)
        proxy = urlsplit(network.proxy)
        path = parts.path + ("?" + parts.query if parts.query else "")
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=network.ca_cert)
            connection = http.client.HTTPSConnection(proxy.hostname, proxy.port, timeout=10, context=context)
            connection.set_tunnel(parts.hostname, parts.port or 443)
            target = path
        else:
            connection = http.client.HTTPConnection(proxy.hostname, proxy.port, timeout=10)
            target = url
        try:
            connection.request("GET", target, headers={"Host": parts.netloc})
            response = connection.getresponse()
            status, headers, body = response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()
        location = resolve_redirect_answer(status, headers, b"", base=url) if 300 <= status < 400 else None
        if not (follow and location):
            return status, headers, body, url
        url = location
    raise AssertionError(f"too many redirects from {url}")


def on_engine(url: str) -> bool:
    """The engines' own cards (news boxes, encyclopedias) point back at the engine itself."""
    host = urlsplit(url).hostname or ""
    return any(host == domain or host.endswith("." + domain) for domain in ENGINE_DOMAINS)


def real_target(network, result) -> str:
    """The result's target: given by the page, or read from the answer of its redirect link."""
    if result.url != result.redirect:
        return result.url
    status, headers, body, _ = fetch(network, result.redirect)
    target = resolve_redirect_answer(status, headers, body, base=result.redirect)
    assert target, f"{result.redirect} answered {status} without a target"
    return target


def all_pages(network, engine: str, q: str):
    url = SEARCH_URLS[engine].format(q=quote(q))
    pages = []
    while url and len(pages) < 5:
        status, _, body, final = fetch(network, url, follow=True)
        assert status == 200
        page = parse_serp(engine, body, url=final)
        pages.append(page)
        url = page.next_url
    return pages


@pytest.mark.parametrize("engine", ENGINES)
def test_every_result_and_ad_is_found_with_its_target(small_world, engine):
    network = small_world.network
    pages = all_pages(network, engine, QUERY)
    assert len(pages) == 2 and all(page.status == "ok" for page in pages)
    organic, ads = [], []
    for page in pages:
        assert [r.rank for r in page.results] == list(range(1, len(page.results) + 1))
        for result in page.results:
            target = real_target(network, result)
            if on_engine(target) and not result.ad:
                continue
            (ads if result.ad else organic).append((target, result.title))
    expected = ORGANIC + ([BING_ONLY] if engine == "bing" else [])
    assert [url for url, _ in organic] == [url for url, _ in expected]
    assert [title for _, title in organic] == [title for _, title in expected]
    assert sorted(url for url, _ in ads) == sorted(url for url, _ in ADS)


@pytest.mark.parametrize("engine", ENGINES)
def test_blocked_query_is_recognised(small_world, engine):
    url = SEARCH_URLS[engine].format(q=quote(BLOCKED_QUERY))
    _, _, body, final = fetch(small_world.network, url, follow=True)
    assert parse_serp(engine, body, url=final).status == "blocked"
    # Saved without its URL, the page alone must still say it is a block.
    assert parse_serp(engine, body).status == "blocked"


@pytest.mark.parametrize("engine", ENGINES)
def test_unknown_query_gives_the_engines_no_results_page(small_world, engine):
    url = SEARCH_URLS[engine].format(q=quote(UNKNOWN_QUERY))
    status, _, body, final = fetch(small_world.network, url, follow=True)
    page = parse_serp(engine, body, url=final)
    assert (status, page.status) == (200, "empty"), page.reason


def test_bundled_world_first_pages(world):
    """Every query of the bundled world, on every engine: blocks, results and ads as its search toml says."""
    queries = world.world.queries
    if not queries:
        pytest.skip("the bundled world has no search/*.toml yet")
    for q, query in queries.items():
        for engine in ENGINES:
            url = SEARCH_URLS[engine].format(q=quote(q))
            _, _, body, final = fetch(world.network, url, follow=True)
            page = parse_serp(engine, body, url=final)
            organic, ads = query.for_engine(engine)
            if engine in query.blocked:
                assert page.status == "blocked", (q, engine)
                continue
            if not organic and not ads:
                assert page.status == "empty", (q, engine)
                continue
            assert page.status == "ok", (q, engine, page.reason)
            found = [(real_target(world.network, r), r.ad) for r in page.results]
            found = [(target, ad) for target, ad in found if ad or not on_engine(target)]
            expected = [r.url for r in organic[:10] if not on_engine(r.url)]
            assert [t for t, ad in found if not ad] == expected, (q, engine)
            assert sorted(t for t, ad in found if ad) == sorted(r.url for r in ads[:3]), (q, engine)
