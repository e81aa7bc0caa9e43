"""The default world's official stand-ins and benign look-alikes keep the properties the detectors and spiders rely on."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import tldextract

from fixtures.server.messages import Request
from fixtures.server.sites import serve
from fixtures.server.world import load_world

WORLD_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "world"
CAPTCHA_API = "/prod-api/certsearch/code"
NET_QUERY = "/prod-api/certsearch/certInfo/netQuery"
LEGACY = "/cms/html/certQuery/certQuery.do"
SLOGANS = ("免考", "包过", "全国联网可查")


@pytest.fixture(scope="module")
def loaded():
    """The default world read from disk; pages are answered in-process, without sockets."""
    return load_world(WORLD_DIR)


@pytest.fixture(scope="module")
def labels():
    with open(WORLD_DIR / "labels" / "benign.toml", "rb") as fh:
        return tomllib.load(fh)["host"]


def fetch(world, url: str):
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return serve(world.hosts[parts.hostname], Request("GET", parts.scheme, parts.hostname, target))


def text_of(world, url: str) -> str:
    response = fetch(world, url)
    assert response.status == 200, url
    return response.body.decode(world.hosts[urlsplit(url).hostname].charset)


def net_query(world, **params) -> dict:
    return json.loads(fetch(world, f"https://cx.mem.gov.cn{NET_QUERY}?{urlencode(params)}").body)


def test_every_labelled_host_exists_with_whois_for_its_domain(loaded, labels):
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
    missing = [host for host in labels if host not in loaded.hosts]
    no_whois = [host for host in labels if extract(host).top_domain_under_public_suffix not in loaded.whois]
    assert not missing and not no_whois, f"missing hosts {missing}, no WHOIS {no_whois}"
    assert {spec["label"] for spec in labels.values()} <= {"official", "benign", "special"}
    assert sum(spec["label"] == "benign" for spec in labels.values()) >= 15


def test_every_gov_cn_host_is_labelled_official(labels):
    wrong = [host for host, spec in labels.items() if host.endswith(".gov.cn") and spec["label"] != "official"]
    assert not wrong


def test_every_benign_search_result_is_served(loaded):
    with open(WORLD_DIR / "search" / "benign.toml", "rb") as fh:
        queries = tomllib.load(fh)["query"]
    known = {line.strip() for line in (Path(__file__).resolve().parent.parent / "crawler" / "data" / "keywords.txt")
             .read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}
    assert {query["q"] for query in queries} == known
    broken = []
    for query in queries:
        for result in query["result"]:
            host = loaded.hosts.get(urlsplit(result["url"]).hostname)
            if host is None or not host.answers(urlsplit(result["url"]).scheme) or fetch(loaded, result["url"]).status != 200:
                broken.append(result["url"])
    assert not broken


def test_official_captcha_api_gives_an_image_and_uuid(loaded):
    answer = json.loads(fetch(loaded, f"https://cx.mem.gov.cn{CAPTCHA_API}").body)
    assert answer["code"] == 200 and re.fullmatch(r"[0-9a-f]{32}", answer["uuid"])
    assert answer["img"].startswith("iVBORw0KGgo")          # base64 of the PNG signature


@pytest.mark.parametrize("code", ["8K3N", "8k3n"])
def test_official_net_query_finds_a_known_holder(loaded, code):
    uuid = json.loads(fetch(loaded, f"https://cx.mem.gov.cn{CAPTCHA_API}").body)["uuid"]
    answer = net_query(loaded, name="李建国", idcardNum="440703198507120315", idcardTypeCode="01",
                       code=code, uuid=uuid, personTypeCode="03")
    assert answer["code"] == 200
    assert [record["operItemName"] for record in answer["data"]] == ["低压电工作业", "熔化焊接与热切割作业"]


def test_official_net_query_finds_nobody_else_and_refuses_a_wrong_captcha(loaded):
    uuid = json.loads(fetch(loaded, f"https://cx.mem.gov.cn{CAPTCHA_API}").body)["uuid"]
    stranger = net_query(loaded, name="张三", idcardNum="110101199003071234", idcardTypeCode="01",
                         code="8K3N", uuid=uuid, personTypeCode="03")
    assert stranger == {"msg": "查询成功", "code": 200, "data": []}
    wrong = net_query(loaded, name="李建国", idcardNum="440703198507120315", code="ABCD", uuid=uuid, personTypeCode="03")
    assert wrong["code"] == 500


def test_official_spa_shell_is_served_on_both_routes(loaded):
    for path in ("/", "/special?index=0", "/safety?index=1"):
        page = text_of(loaded, f"https://cx.mem.gov.cn{path}")
        assert "<div id=app>" in page and "app.7a2e6d91.js" in page


def test_legacy_layout_has_the_form_ids_and_the_result_table(loaded):
    form = text_of(loaded, f"http://cx.mem.gov.cn{LEGACY}?method=getCertQueryIndex&ref=ch")
    for element_id in ("certtype_code", "certnum", "name", "passcode"):
        assert f'id="{element_id}"' in form
    assert "/GetImg?date=" in form and "点我刷新" in form
    frame = text_of(loaded, "http://cx.mem.gov.cn/cms/html/certQuery/index.html")
    assert "certQuery.do?method=getCertQueryIndex&amp;ref=ch" in frame
    query = urlencode({"method": "getCertQueryResult", "certtype_code": "1", "certnum": "440703198507120315",
                       "name": "李建国", "passcode": "4729"})
    result = text_of(loaded, f"http://cx.mem.gov.cn{LEGACY}?{query}")
    assert 'class="datalist"' in result and "以上信息仅供参考，如有疑问请与发证机关联系！" in result
    for column in ("姓名", "性别", "作业类别", "操作项目", "初次发证日期", "应复审日期", "有效期结束时间"):
        assert f"<th>{column}</th>" in result
    assert fetch(loaded, "http://cx.mem.gov.cn/GetImg?date=1795000000").body[:2] == b"\xff\xd8"


@pytest.mark.parametrize("url", [
    "https://yjgl.gd.gov.cn/xw/tzgg/content/post_4418203.html",
    "https://yjgl.sz.gov.cn/xw/tzgg/content/post_10482611.html",
    "https://yjj.jiangmen.gov.cn/xw/tzgg/content/post_2471939.html",
    "https://yjt.zj.gov.cn/art/2026/10/15/art_1228978419_59170452.html",
    "https://ajj.jiangsu.gov.cn/art/2022/3/8/art_77261_10381744.html",
    "https://yjglj.beijing.gov.cn/sy/tzgg/202306/t20230602_3125517.html",
])
def test_government_notices_quote_the_slogans_and_point_to_the_platform(loaded, url):
    page = text_of(loaded, url)
    assert "cx.mem.gov.cn" in page
    assert sum(slogan in page for slogan in SLOGANS) >= 2


@pytest.mark.parametrize("url, charset, phrase", [
    ("http://www.jmnews.com.cn/news/2026-10/19/content_3306472.htm", "gbk", "全国联网可查"),
    ("http://bbs.diangongwu.com/thread-123845-1-1.html", "gbk", "这个查询网站是真的吗"),
    ("http://www.chinasafety.gov.cn/zfxxgk/tzgg/202305/t20230516_451208.htm", "gbk", "国家安全生产监督管理总局"),
    ("https://news.mingpao.com/pns/china/article/20230603/s00013/1685730012345", "big5", "全國聯網可查"),
])
def test_legacy_encodings_are_real_bytes_not_utf8(loaded, url, charset, phrase):
    body = fetch(loaded, url).body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert phrase in body.decode(charset)
    assert loaded.hosts[urlsplit(url).hostname].charset == charset


def test_forum_thread_links_the_fake_it_asks_about(loaded, labels):
    page = text_of(loaded, "http://bbs.diangongwu.com/thread-123845-1-1.html")
    assert '<a href="http://cx-mem-gov.com/"' in page
    assert labels["bbs.diangongwu.com"]["label"] == "benign"


@pytest.mark.slow
def test_official_spa_renders_and_queries_in_chromium(world):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"],
                                    proxy={"server": world.network.proxy})
        page = browser.new_context(ignore_https_errors=True, locale="zh-CN").new_page()
        page.goto("https://cx.mem.gov.cn/")
        page.wait_for_selector("button.queryBtn")
        assert page.url.endswith("/special?index=0")
        placeholders = page.eval_on_selector_all("input.el-input__inner", "els => els.map(e => e.placeholder)")
        assert placeholders == ["请选择证件类型", "请输入证件号码", "请输入姓名", "请输入验证码"]
        page.wait_for_function("document.querySelector('img.yzm-style-img').src.startsWith('data:image/png')")
        page.fill("input[placeholder=请输入证件号码]", "440703198507120315")
        page.fill("input[placeholder=请输入姓名]", "李建国")
        page.fill("input[placeholder=请输入验证码]", "8K3N")
        page.click("button.queryBtn")
        page.wait_for_selector("table.el-descriptions__table")
        assert "低压电工作业" in page.inner_text(".query-result")
        page.fill("input[placeholder=请输入姓名]", "张三")
        page.click("button.queryBtn")
        page.wait_for_selector(".el-empty")
        assert "没有查询到相关证件信息！" in page.inner_text(".el-empty")
        assert "bm64000002" in page.inner_text(".footer")
        browser.close()
