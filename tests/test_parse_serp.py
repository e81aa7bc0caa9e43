"""The result-page parsers on small pages written in each engine's markup: ads, real targets,
blocks, no-results pages, encodings, and the answers of the engines' redirect endpoints."""

from __future__ import annotations

import base64

import pytest

from crawler.parsers.encoding import decode_html
from crawler.parsers.serp import SerpResult, parse_serp, resolve_redirect_answer

BAIDU_WITH_ADS = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>电工证查询_百度搜索</title></head>
<body><div id="content_left">
 <div class="result c-container" id="3001">
   <h3 class="t"><a href="https://www.baidu.com/baidu.php?url=K00000abc" data-landurl="http://dgz-zs.top/">
     电工证<em>查询</em> 全国联网可查</a></h3>
   <div class="c-abstract">免考包过，三天拿证</div>
   <a class="m" data-tuiguang="f1" href="javascript:;">广告</a>
 </div>
 <div class="result c-container" id="3002">
   <h3 class="t"><a href="https://www.baidu.com/baidu.php?url=K00000def">焊工证速成</a></h3>
   <div class="c-row"><span class="ec-tuiguang">广告</span></div>
 </div>
 <div class="result c-container" id="1" mu="https://cx.mem.gov.cn/">
   <h3 class="t"><a href="http://www.baidu.com/link?url=AAA">特种作业操作证及安全生产知识和管理能力考核合格信息查询平台</a></h3>
   <div class="c-abstract">广告法规定的内容，不是广告标签</div>
 </div>
 <div class="result-op c-container" id="2" data-log="{'ensrcid':'x','mu':'https://yjt.example.gov.cn/notice.html'}">
   <h3 class="t"><a href="http://www.baidu.com/link?url=BBB">关于打击假冒证书的通知</a></h3>
 </div>
 <div class="result c-container" id="3" mu="http://nourl.ubs.baidu.com/51270">
   <h3 class="t"><a href="http://www.baidu.com/link?url=CCC">电工证查询官网</a></h3>
 </div>
</div>
<div id="page"><a href="/s?wd=x&amp;pn=0" class="n">&lt;上一页</a><a href="/s?wd=x&amp;pn=20" class="n">下一页&gt;</a></div>
</body></html>"""


def test_baidu_ads_are_kept_and_marked():
    page = parse_serp("baidu", BAIDU_WITH_ADS, url="https://www.baidu.com/s?wd=x&pn=10")
    assert page.status == "ok"
    ad1, ad2, official, notice, placeholder = page.results
    assert (ad1.ad, ad2.ad, official.ad, notice.ad, placeholder.ad) == (True, True, False, False, False)
    assert ad1.url == "http://dgz-zs.top/"
    assert ad1.redirect == "https://www.baidu.com/baidu.php?url=K00000abc"
    assert ad1.title == "电工证查询 全国联网可查"
    assert ad1.snippet == "免考包过，三天拿证"
    assert ad2.url == ad2.redirect == "https://www.baidu.com/baidu.php?url=K00000def"
    assert official.url == "https://cx.mem.gov.cn/" and official.redirect == "http://www.baidu.com/link?url=AAA"
    assert notice.url == "https://yjt.example.gov.cn/notice.html"
    # Baidu's "no destination" placeholder is not a target.
    assert placeholder.url == placeholder.redirect == "http://www.baidu.com/link?url=CCC"
    assert page.next_url == "https://www.baidu.com/s?wd=x&pn=20"


def test_contract_fields_only():
    result = SerpResult(rank=1, url="http://a/", redirect=None, title="t", ad=False, snippet="s")
    assert result.to_dict() == {"rank": 1, "url": "http://a/", "redirect": None, "title": "t", "ad": False}


# Baidu's security check, as served instead of results (title, notice and its scripts).
BAIDU_CAPTCHA = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>百度安全验证</title></head><body>
<div class="timeout hide-callback"><div class="timeout-img"></div><div class="timeout-title">网络不给力，请稍后重试</div>
<button type="button" class="timeout-button">返回首页</button></div>
<div class="timeout-feedback hide-callback"><div class="timeout-feedback-icon"></div><p class="timeout-feedback-title">问题反馈</p></div>
<script src="https://wappass.baidu.com/static/machine/js/api/mkd.js"></script></body></html>"""


def test_baidu_security_check_is_blocked():
    page = parse_serp("baidu", BAIDU_CAPTCHA)
    assert page.status == "blocked" and "百度安全验证" in page.reason


def test_baidu_redirect_to_wappass_is_blocked():
    page = parse_serp("baidu", "<html><body>loading</body></html>",
                      url="https://wappass.baidu.com/static/captcha/tuxing.html?ak=1&backurl=https%3A%2F%2Fwww.baidu.com")
    assert page.status == "blocked"


BAIDU_NO_RESULTS = """<html><head><title>xqzv_百度搜索</title></head><body><div id="content_left">
<div class="content_none"><div class="nors"><p>很抱歉，没有找到与<span style="font-family:宋体">“</span><em>xqzv</em>
<span style="font-family:宋体">”</span>相关的网页。</p></div></div></div></body></html>"""


def test_baidu_no_results_page_is_empty():
    page = parse_serp("baidu", BAIDU_NO_RESULTS)
    assert page.status == "empty" and page.results == ()


# Sogou's antispider page (the form that asks for the captcha code).
SOGOU_ANTISPIDER = """<!DOCTYPE HTML><html><head><meta charset="utf-8"><title>搜狗搜索</title>
<script src="static/js/antispider.min.js?v=3"></script></head><body>
<div class="header"><div class="other"><span class="s1">您的访问出错了</span></div></div>
<div class="content-box"><p class="p2">用户您好，我们的系统检测到您网络中存在异常访问请求。</p>
<form name="authform" method="POST" id="seccodeForm" action="/">
<input type=text name="c" value="" placeholder="请输入验证码" id="seccodeInput">
<img id="seccodeImage" src="util/seccode.php?tc=1630548594"></form></div></body></html>"""


def test_sogou_antispider_is_blocked():
    assert parse_serp("sogou", SOGOU_ANTISPIDER).status == "blocked"
    redirected = parse_serp("sogou", "<html></html>", url="https://www.sogou.com/antispider/?from=%2Fweb%3Fquery%3Dx")
    assert redirected.status == "blocked"


def test_sogou_data_url_reveals_the_target():
    page = parse_serp("sogou", """<html><body><div class="results">
      <div class="vrwrap"><h3 class="vr-title"><a href="/link?url=DSOYnZ">焊工证 官网可查</a></h3>
        <div class="r-sech click-better-sugg" data-url="http://hgz-cx.xyz/"></div></div>
      <div class="rb"><h3 class="pt"><a href="/link?url=XYZ">另一个结果</a></h3></div>
    </div><a id="sogou_next" href="?query=x&amp;page=2">下一页</a></body></html>""")
    first, second = page.results
    assert first.url == "http://hgz-cx.xyz/" and first.redirect == "https://www.sogou.com/link?url=DSOYnZ"
    assert second.url == second.redirect == "https://www.sogou.com/link?url=XYZ"
    assert page.next_url == "https://www.sogou.com/web?query=x&page=2"


def test_so360_captcha_redirect_is_blocked():
    page = parse_serp("so360", "<html><body></body></html>",
                      url="http://qcaptcha.so.com/?ret=https%3A%2F%2Fwww.so.com%2Fs%3Fq%3Dx&tk=00d15352")
    assert page.status == "blocked"


def test_so360_top_ads_come_first():
    page = parse_serp("so360", """<html><body><div id="main">
      <ul id="e_idea_pp"><li><h3><a href="https://www.so.com/link?m=ad1" data-mdurl="http://aqsc-zs.com/">安全生产证 快速办理</a></h3></li></ul>
      <ul class="result"><li class="res-list"><h3 class="res-title"><a href="https://www.so.com/link?m=o1"
         data-mdurl="https://cx.mem.gov.cn/">特种作业操作证查询平台</a></h3></li></ul></div></body></html>""")
    ad, organic = page.results
    assert (ad.rank, ad.ad, ad.url) == (1, True, "http://aqsc-zs.com/")
    assert (organic.rank, organic.ad, organic.url) == (2, False, "https://cx.mem.gov.cn/")


def a1(url: str) -> str:
    return "a1" + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def test_bing_click_links_are_decoded():
    target = "https://cx-mem-gov.com/special?index=0"
    ad_target = "http://tzzy-zs.top/"
    page = parse_serp("bing", f"""<html><body><ol id="b_results">
      <li class="b_ad b_adTop"><ul><li class="b_adLastChild"><div class="sb_add"><h2>
        <a href="https://www.bing.com/aclick?ld=e8x&amp;u={a1(ad_target)}">特种作业证 官网可查</a></h2></div></li></ul></li>
      <li class="b_algo"><h2><a href="https://cn.bing.com/ck/a?!&amp;&amp;p=8a1f&amp;u={a1(target)}%3D&amp;ntb=1">
        特种作业操作证查询</a></h2><div class="b_caption"><p>全国联网可查</p></div></li>
      <li class="b_algo"><h2><a href="https://cn.bing.com/ck/a?!&amp;&amp;p=1&amp;u=a1%%%">坏链接</a></h2></li>
    </ol></body></html>""")
    ad, organic, broken = page.results
    assert ad.ad and ad.url == ad_target and ad.redirect.startswith("https://www.bing.com/aclick?")
    assert not organic.ad and organic.url == target and organic.redirect.startswith("https://cn.bing.com/ck/a?")
    assert organic.snippet == "全国联网可查"
    # Nothing invented: an undecodable click link stays the engine's link.
    assert broken.url == broken.redirect


def test_bing_no_results_page_is_empty():
    page = parse_serp("bing", """<html><body><ol id="b_results"><li class="b_no"><h1>There are no results for
      <strong>xqzv</strong></h1></li></ol></body></html>""")
    assert page.status == "empty"


def test_gbk_page_is_decoded():
    data = BAIDU_WITH_ADS.replace('charset="utf-8"', 'charset="gbk"').encode("gbk")
    page = parse_serp("baidu", data)
    assert page.results[2].title == "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台"


@pytest.mark.parametrize("body", [b"", b"   ", bytes(range(256)) * 40, b"<html><body><p>hello</p></body></html>",
                                  "<?xml version='1.0' encoding='utf-8'?><html><body>x</body></html>"])
def test_pages_without_results_are_unknown_markup(body):
    page = parse_serp("baidu", body)
    assert page.status == "unknown-markup" and page.results == () and page.reason


def test_another_engines_page_is_unknown_markup():
    page = parse_serp("bing", BAIDU_WITH_ADS)
    assert page.status == "unknown-markup"


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="google"):
        parse_serp("google", "<html></html>")


# --- the redirect endpoints -----------------------------------------------------------

def test_302_location():
    assert resolve_redirect_answer(302, {b"Location": [b"http://dgz-zs.top/"]}, b"") == "http://dgz-zs.top/"
    assert resolve_redirect_answer(301, {"location": "/next"}, "", base="https://www.so.com/link?m=1") \
        == "https://www.so.com/next"


def test_200_with_location_replace_and_meta_refresh():
    body = ("<html><head><meta content=\"always\" name=\"referrer\"><script>try{if(window.opener&&window.opener."
            "bds&&window.opener.bds.pdc&&window.opener.bds.pdc.sendLinkLog){window.opener.bds.pdc.sendLinkLog();}"
            "}catch(e){};window.location.replace(\"http:\\/\\/cx-mem-gov.com\\/index.html?a=1&b=2\")</script>"
            "<noscript><META http-equiv=\"refresh\" content=\"0;URL='http://cx-mem-gov.com/index.html?a=1&b=2'\">"
            "</noscript></head></html>")
    assert resolve_redirect_answer(200, {}, body.encode()) == "http://cx-mem-gov.com/index.html?a=1&b=2"
    meta_only = "<noscript><META http-equiv=\"refresh\" content=\"0;URL='http://a.example/x?y=1&amp;z=2'\"></noscript>"
    assert resolve_redirect_answer(200, {}, meta_only) == "http://a.example/x?y=1&z=2"


def test_answers_that_do_not_redirect():
    assert resolve_redirect_answer(200, {}, "<html><body>hello</body></html>") is None
    assert resolve_redirect_answer(404, {"Location": "http://x/"}, "") is None
    assert resolve_redirect_answer(302, {}, "") is None
    assert resolve_redirect_answer(200, {}, "<script>location.replace('javascript:alert(1)')</script>") is None


def test_scrapy_headers_are_understood():
    from scrapy.http.headers import Headers

    headers = Headers({"Location": "http://cx-mem-gov.com/", "Content-Type": "text/html"})
    assert resolve_redirect_answer(302, headers, b"") == "http://cx-mem-gov.com/"


# --- decoding ----------------------------------------------------------------------------

PAGE = "<html><head>{meta}<title>特种作业操作证查询</title></head><body>焊工证 镕铖 全国联网可查</body></html>"


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk", "gb18030"])
def test_chinese_labels_decode_as_gb18030(label):
    # 镕 and 铖 are outside GB2312: pages labelled GB2312 use them anyway.
    data = PAGE.format(meta=f'<meta http-equiv="Content-Type" content="text/html; charset={label}">').encode("gb18030")
    assert "镕铖" in decode_html(data)


def test_header_charset_wins_unless_it_is_the_latin1_default():
    data = PAGE.format(meta='<meta charset="utf-8">').encode("gbk")
    assert "特种作业" in decode_html(data, declared="gbk")
    assert "特种作业" in decode_html(PAGE.format(meta='<meta charset="gbk">').encode("gbk"), declared="iso-8859-1")


def test_unlabelled_gbk_and_bom():
    assert "全国联网可查" in decode_html((PAGE.format(meta="") * 5).encode("gbk"))
    assert decode_html("\ufeff<p>电工证</p>".encode("utf-8")) == "<p>电工证</p>"
    assert decode_html("<p>电工证</p>".encode("utf-16")) == "<p>电工证</p>"
