"""What extract_features reads from a page: forms, contacts, analytics ids, identity markers, assets."""

from __future__ import annotations

import base64

import mmh3

from detectors.identity import icp_problem, is_government_site_code, police_problem
from detectors.page_features import extract_features, favicon_hash, normalize_asset

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>特种作业操作证查询</title>
<link rel="icon" href="/favicon.ico"><link rel="stylesheet" href="/static/css/app.3b7d0a5c.css">
<script src="/static/js/app.7a2e6d91.js"></script>
<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");
hm.src="https://hm.baidu.com/hm.js?3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5";})();</script>
<script src="https://s4.cnzz.com/z_stat.php?id=1281234567&web_id=1281234567"></script>
<script src="//js.users.51.la/21876543.js"></script>
<script>var api = "/prod-api/certsearch/certInfo/netQuery"; var tip = "没有查询到相关证件信息！";</script>
</head><body>
<div class="header"><h1>特种作业操作证查询</h1></div>
<form action="https://api.certcx.xyz/query" method="post">
  <input name="certnum" id="certnum" placeholder="请输入证件号码">
  <input name="name" placeholder="请输入姓名"><input type="hidden" name="t" value="1">
  <input name="code" placeholder="请输入验证码">
</form>
<p>客服电话：138 0013 8000，座机 (020)12345678，热线 400-800-1234</p>
<p>QQ：2851736490　微信号：tzzy_banzheng88　邮箱 kefu@zhengshu.example.com</p>
<a href="tencent://message/?uin=998877665&Site=x">在线客服</a>
<img src="/images/wx_qrcode.png" alt="扫码咨询"><img src="/images/logo.png">
<a href="https://www.example.org/about">友情链接</a><a href="/news/1.html">新闻</a>
<div class="footer">主办单位：应急管理部　网站标识码：bm64000002　京ICP备18052345号-3　京公网安备 11010102005127号
<span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=8c2d5e7a1f3b4c09e053022819acb4d2">
<img src="https://dcs.conac.cn/image/red.png"></a></span></div>
</body></html>"""


def features():
    return extract_features(PAGE, "https://cx-mem-gov.com/index.html")


def test_forms_keep_action_host_and_fields_but_not_hidden_ones():
    form = features().forms[0]
    assert form.action == "https://api.certcx.xyz/query" and form.action_host == "api.certcx.xyz"
    assert [f.name for f in form.fields] == ["certnum", "name", "code"]
    assert "请输入证件号码" in form.tokens


def test_contacts_come_out_normalised_as_kind_value_pairs():
    found = set(features().contacts)
    assert {("mobile", "13800138000"), ("landline", "020-12345678"), ("landline", "4008001234"),
            ("qq", "2851736490"), ("qq", "998877665"), ("wechat", "tzzy_banzheng88"),
            ("email", "kefu@zhengshu.example.com")} <= found


def test_long_numbers_are_not_read_as_phone_numbers():
    found = extract_features("<p>证书编号 T440103199001011234，日期 2023-05-10</p>", "https://a.example.com/").contacts
    assert not [value for kind, value in found if kind in ("mobile", "landline")]


def test_analytics_ids_and_identity_numbers_are_indicators():
    indicators = set(features().indicators)
    assert {("baidu-tongji", "3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5"), ("cnzz", "1281234567"), ("51la", "21876543"),
            ("icp", "京ICP备18052345号-3"), ("police-record", "京公网安备11010102005127号"),
            ("site-code", "bm64000002"), ("conac-id", "8C2D5E7A1F3B4C09E053022819ACB4D2"),
            ("form-action-host", "api.certcx.xyz")} <= indicators


def test_identity_markers_and_badge_parts():
    identity = features().identity
    assert identity.sponsors == ["应急管理部"]
    assert identity.conac_span and identity.conac_image and not identity.conac_script


def test_record_number_checks():
    assert icp_problem("京ICP备05070218号") is None
    assert icp_problem("粤ICP备2021012345号-1") is None
    assert icp_problem("京ICP证030173号") is None
    assert icp_problem("京ICP备2021号") and icp_problem("部ICP备12345678号")
    assert police_problem("京公网安备11010202000001号") is None
    assert "44" in police_problem("京公网安备44010402000000号")
    assert is_government_site_code("bm01000001") and is_government_site_code("4403000002")
    assert not is_government_site_code("12345")


def test_assets_phrases_and_qr_images():
    f = features()
    assert "/static/js/app.js" in f.assets and "/static/css/app.css" in f.assets
    assert "/static/js/app.7a2e6d91.js" in f.asset_urls
    assert "/prod-api/certsearch/certInfo/netQuery" in f.phrases
    assert "没有查询到相关证件信息!" in f.phrases        # from a script string, NFKC-normalised
    assert f.qr_images == ["https://cx-mem-gov.com/images/wx_qrcode.png"]
    assert f.favicon_href == "https://cx-mem-gov.com/favicon.ico"
    assert f.link_hosts == ["www.example.org", "bszs.conac.cn"] and f.internal_links >= 1


def test_masthead_and_visible_text_leave_scripts_out():
    f = features()
    assert f.title == "特种作业操作证查询"
    assert "主办单位:应急管理部" in f.masthead
    assert "_hmt" not in f.text and "客服电话" in f.text


def test_favicon_hash_is_shodans():
    data = b"\x00\x00\x01\x00fake icon bytes" * 20
    assert favicon_hash(data) == mmh3.hash(base64.encodebytes(data))
    assert extract_features("<p>x</p>", "https://a.example.com/", favicon=data).favicon_mmh3 == favicon_hash(data)


def test_asset_names_lose_their_build_hash_and_relative_paths_resolve():
    assert normalize_asset("/static/js/chunk-vendors.5e3a9f1b.js") == "/static/js/chunk-vendors.js"
    assert normalize_asset("../images/base.css", "https://www.shanxi.gov.cn/a/b/c.html") == "/a/images/base.css"
    assert normalize_asset("https://cdn.example.com/js/index-BXk2_9aQ.js?v=3") == "/js/index.js"


def test_a_single_page_app_shell_is_recognised():
    shell = '<html><head><title>x</title></head><body><div id="app"></div><script src="/js/app.js"></script></body></html>'
    assert extract_features(shell, "https://a.example.com/").app_shell
    assert not features().app_shell


def test_server_software_from_headers_is_an_indicator():
    headers = {b"Server": [b"Microsoft-IIS/7.5"], b"X-Powered-By": [b"ASP.NET"]}
    found = extract_features("<p>x</p>", "https://a.example.com/", headers=headers)
    assert ("server", "Microsoft-IIS/7.5 | ASP.NET") in found.indicators
    assert not [k for k, _ in extract_features("<p>x</p>", "https://a.example.com/").indicators if k == "server"]


def test_meta_names_noscript_and_api_hosts_of_a_script_only_page():
    shell = ('<html><head><title>首页</title><meta name="keywords" content="电工证查询,焊工证查询">'
             '<meta property="og:site_name" content="全国特种作业证书查询中心">'
             '<script>var API_BASE = "https://api.query-zs.top/prod-api"; var CDN = "https://cdn.example.com/x.png";'
             '</script></head><body><noscript>cert-query needs JavaScript</noscript><div id="app"></div></body></html>')
    f = extract_features(shell, "https://tzzy-cx.com/")
    assert f.meta == "电工证查询,焊工证查询"
    assert "全国特种作业证书查询中心" in f.headline.split("\n")
    assert f.noscript == "cert-query needs JavaScript"
    assert f.api_hosts == ["api.query-zs.top"]
    assert "/prod-api" in f.phrases and f.app_shell


def test_a_form_repeated_down_a_long_page_is_read_once():
    form = '<form action="/q"><input name="sfzh" placeholder="身份证号"><input name="xm" placeholder="姓名"></form>'
    f = extract_features(f"<html><body>{form * 300}</body></html>", "https://a.example.com/")
    assert sum(len(form.fields) for form in f.forms) == 2


def test_a_page_cut_in_the_middle_of_a_form_is_told_from_a_whole_one():
    cut = '<html><body><form action="/q"><input name="sfzh"><label>姓'
    whole = '<html><body><form action="/q"><input name="sfzh"></form><p>x</p></body></html>'
    assert extract_features(cut, "https://a.example.com/").cut_in_form
    assert not extract_features(whole, "https://a.example.com/").cut_in_form


def test_the_title_is_the_first_one_even_beyond_the_elements_read():
    svg_title = '<svg><title>图标</title></svg>'
    assert extract_features(f"<html><head><title>证书查询</title></head><body>{svg_title}</body></html>",
                            "http://a.example/").title == "证书查询"
    # a page whose title stands after more elements than are walked still has it read
    late = "<html><body>" + "<i>x</i>" * 20_001 + "<title>证书查询</title></body></html>"
    assert extract_features(late, "http://a.example/").title == "证书查询"
    assert extract_features("<html><body><p>无标题</p></body></html>", "http://a.example/").title == ""
