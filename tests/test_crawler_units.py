"""The crawler's pure parts: page outlines, the canary identity, tip files, lookalike names, CT names."""

import pytest

from crawler.capture import CANARY_ID, CANARY_NAME, canary_formdata, canary_id_number
from crawler.engines import redirect_is_block, result_page_url
from crawler.outline import read_outline
from crawler.permute import FUZZERS, lookalike_names
from crawler.spiders.ct import ct_names
from crawler.tipfile import normalize_url, read_tips
from fakegov.errors import UserError

LEGACY_FORM = """<html><body>
<form action="/cms/html/certQuery/certQuery.do?method=getCertQueryResult" method="post">
 <select id="certtype_code" name="certtype_code"><option value="01">身份证</option></select>
 <input id="certnum" name="certnum" type="text"><input id="name" name="name" type="text">
 <input id="passcode" name="passcode" type="text"><input type="submit" value="查询">
 <input type="hidden" name="token" value="abc">
</form></body></html>"""


def test_canary_id_is_a_well_formed_id_number():
    assert CANARY_ID == canary_id_number() and len(CANARY_ID) == 18
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert "10X98765432"[sum(int(d) * w for d, w in zip(CANARY_ID, weights)) % 11] == CANARY_ID[-1]
    assert CANARY_ID[6:14] == "19000101"


def test_outline_reads_forms_links_frames_icons_and_redirects():
    outline = read_outline(LEGACY_FORM, "http://fake.top/index.html")
    form = outline.forms[0]
    assert form["method"] == "POST"
    assert form["action"] == "http://fake.top/cms/html/certQuery/certQuery.do?method=getCertQueryResult"
    data = canary_formdata(form)
    assert data == {"certtype_code": "01", "certnum": CANARY_ID, "name": CANARY_NAME, "passcode": "1234",
                    "token": "abc"}
    page = read_outline("""<html><head><link rel="shortcut icon" href="/i.ico"><link rel=stylesheet href=a.css>
        <script src="/app.js"></script></head><body><a href="/cx.html">证书查询</a><a href="mailto:x@y">m</a>
        <a href="javascript:void(0)">j</a><iframe src="q.html"></iframe><img src="//cdn.x/qr.png"></body></html>""",
                        "https://fake.top/dir/")
    assert page.icons == ["https://fake.top/i.ico"]
    assert page.frames == ["https://fake.top/dir/q.html"]
    assert page.links == [("https://fake.top/cx.html", "证书查询")]
    assert set(page.resources) == {"https://fake.top/dir/a.css", "https://fake.top/app.js", "https://cdn.x/qr.png"}
    js = read_outline('<html><body><script>window.location.replace("https://next.top/a")</script></body></html>',
                      "http://a.top/")
    assert (js.refresh, js.refresh_how) == ("https://next.top/a", "script")
    meta = read_outline('<meta http-equiv="Refresh" content="0; URL=\'/b\'">', "http://a.top/x/")
    assert (meta.refresh, meta.refresh_how) == ("http://a.top/b", "meta-refresh")


@pytest.mark.parametrize("html", ["", "   ", "\x00\x01binary\xff", "<html><body>" * 5000, "<a href='http://[::1'>x</a>"])
def test_outline_never_fails_on_hostile_markup(html):
    read_outline(html, "http://a.top/")


def test_a_search_form_is_not_a_certificate_query():
    search = read_outline('<form action="/s"><input name="wd"><input name="name"></form>', "http://a.top/")
    assert canary_formdata(search.forms[0]) is None


def test_tip_files(tmp_path):
    csv = tmp_path / "tips.csv"
    csv.write_text("网址,来源,举报人,联系方式\nfake-one.top,12350,张先生,13800000000\nnot a url at all,110,,\n"
                   "https://fake-two.xyz/query?x=1,分析员,,\n", encoding="utf-8")
    tips, warnings = read_tips(csv)
    assert [t.url for t in tips] == ["http://fake-one.top/", "https://fake-two.xyz/query?x=1"]
    assert tips[0].source == "12350" and tips[0].contact == "13800000000"
    assert len(warnings) == 1 and ":3:" in warnings[0]
    txt = tmp_path / "tips.txt"
    txt.write_bytes("# 群众举报\nhttp://甲.top/\nfake-three.cc\n".encode("gb18030"))
    assert [t.url for t in read_tips(txt)[0]] == ["http://甲.top/", "http://fake-three.cc/"]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UserError):
        read_tips(empty)
    with pytest.raises(UserError):
        read_tips(tmp_path / "missing.csv")
    assert normalize_url("javascript:alert(1)") is None


def test_lookalike_names_cover_every_shape_and_never_official():
    names = dict(lookalike_names())
    assert {fuzzer.__name__ for fuzzer in FUZZERS} == set(names.values())
    for expected in ("cx-mem-gov-cn.com", "cxmemgov.top", "cx.mem.gov.cn.com", "memgov.com", "mem.com.cn",
                     "tzzycx.com", "yjglb-zhengshu.top", "cxmemgv.com"):
        assert expected in names, expected
    assert any(name.startswith("xn--") for name, fuzzer in names.items() if fuzzer == "chinese_idn")
    assert not [n for n in names if n.endswith(".gov.cn") or n in ("cx.mem.gov.cn", "www.mem.gov.cn")]
    assert len(dict(lookalike_names(limit=100))) == 100


def test_ct_names_split_and_strip_wildcards():
    entries = [{"id": 1, "name_value": "*.cx-mem-gov.com\ncx-mem-gov.com", "common_name": "cx-mem-gov.com"},
               {"id": 2, "name_value": "memory.example", "common_name": "memory.example"}, "junk"]
    assert sorted(ct_names(entries)) == ["cx-mem-gov.com", "memory.example"]


def test_engine_urls_and_block_redirects():
    assert result_page_url("baidu", "电工证 查询", 2) == "https://www.baidu.com/s?wd=%E7%94%B5%E5%B7%A5%E8%AF%81%20%E6%9F%A5%E8%AF%A2&pn=10"
    assert result_page_url("bing", "x", 3).endswith("first=21")
    assert redirect_is_block("https://wappass.baidu.com/static/captcha/tuxing.html?x")
    assert redirect_is_block("http://www.sogou.com/antispider/?from=%2Fweb")
    assert not redirect_is_block("https://www.baidu.com/s?wd=x&pn=10")
