"""Each page signal fires on a page that should fire it and stays quiet on the look-alike that should not."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.pages import score_page
from detectors.reference import official_identity

WORLD_CX = Path(__file__).resolve().parent.parent / "fixtures" / "world" / "hosts" / "cx.mem.gov.cn" / "www"
FAKE_HOST = "https://cx-mem-gov.com/"
SHOP_HOST = "https://www.xinda-hanjie.com/"


def page(body: str, title: str = "页面", head: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f"<body>{body}</body></html>")


def score(html: str, url: str = FAKE_HOST, **kwargs):
    return score_page(html.encode("utf-8"), url, **kwargs)


def codes(result) -> set[str]:
    return {signal.code for signal in result.signals}


LEGACY_FORM = """
<div class="query_title">特种作业操作证查询</div>
<form id="queryForm" method="get" action="{action}">
 <table class="query_table">
  <tr><td class="tdlabel">证件类型：</td><td><select id="certtype_code" name="certtype_code"><option>身份证</option></select></td></tr>
  <tr><td class="tdlabel">证件号码：</td><td><input id="certnum" name="certnum" type="text"></td></tr>
  <tr><td class="tdlabel">姓　　名：</td><td><input id="name" name="name" type="text"></td></tr>
  <tr><td class="tdlabel">验 证 码：</td><td><input id="passcode" name="passcode"><img src="/GetImg?date=1573520400">点我刷新</td></tr>
 </table>
 <input type="submit" value="查 询">
</form>
<p>本系统提供全国特种作业操作证信息查询，查询时请输入持证人的证件号码和姓名。</p>"""

RESULT_TABLE = """
<div class="title">查询结果</div>
<table class="datalist">
 <tr><th>姓名</th><th>性别</th><th>作业类别</th><th>操作项目</th><th>初次发证日期</th><th>应复审日期</th><th>有效期结束时间</th></tr>
 <tr><td>张伟</td><td>男</td><td>电工作业</td><td>低压电工作业</td><td>2023-05-10</td><td>2026-05-10</td><td>2029-05-09</td></tr>
</table>
<p>证书编号：T440103199001011234</p>
<p>以上信息仅供参考，如有疑问请与发证机关联系！</p>"""

SELLER = """
<div class="header"><h1>鑫达证书服务中心</h1></div>
<p>电工证、焊工证、高处作业证 免考包过，不用考试，全国联网可查，官网可查！</p>
<p>低压电工证 680元，焊工证 720元，资料齐全即可拿证。</p>
<p>咨询电话：13800138000　微信：tzzy_banzheng88　QQ：2851736490</p>
<img src="/images/kefu-qrcode.png" alt="扫码加微信">"""

NEWS_WARNING = """
<div class="article">
 <h1>警惕！“免考包过”的电工证是假证</h1>
 <p class="info">来源：南方日报　发布时间：2026-10-12　责任编辑：李明</p>
 <p>近期，一些不法分子在网上打着“免考”“包过”“全国联网可查”的旗号兜售假冒特种作业操作证，
    声称“不用考试，官网可查”，收取费用680元至2000元不等。</p>
 <p>应急管理部门提醒：特种作业操作证须经培训考试合格后取得，切勿轻信网上的办证广告。
    唯一官方查询网址为 cx.mem.gov.cn，请登录官方平台查询，谨防上当受骗。</p>
</div>"""

FORUM_THREAD = """
<div class="thread"><h1>这个特种作业证查询网站是真的吗？</h1>
<div class="post">楼主 发表于 2026-09-01<br>
朋友给了个网站 cx-mem-gov.com，上面说电工证免考包过，全国联网可查，这是真的吗？有没有人知道？</div>
<div class="post">回复：肯定是骗子，正规的只能在 cx.mem.gov.cn 查，别上当。</div></div>"""

TRAINING_SCHOOL = """
<div class="header"><h1>东莞市鑫达职业技能培训学校</h1></div>
<p>低压电工作业培训班：理论 + 实操 共 80 课时，学费 1200元，每月 15 日开班。</p>
<p>培训结束后参加应急管理部门统一组织的考试，考试合格后发证，证书可在 cx.mem.gov.cn 查询。</p>
<p>报名电话：0769-88886666　地址：东莞市长安镇振安中路 68 号</p>
<p>粤ICP备2021012345号-1　粤公网安备44190002003456号</p>"""


# -- forms --------------------------------------------------------------------------------------

def test_certificate_query_form_fires_on_a_legacy_copy():
    result = score(page(LEGACY_FORM.format(action="/cms/html/certQuery/certQuery.do"), "特种作业操作证查询"))
    assert "certificate-query-form" in codes(result)


@pytest.mark.parametrize("body,title", [
    ('<form action="/score"><input name="zkzh" placeholder="准考证号"><input name="xm" placeholder="姓名">'
     '<input name="yzm" placeholder="验证码"></form><p>2026年普通话水平测试成绩查询</p>', "成绩查询"),
    ('<form action="/book"><input name="guest" placeholder="入住人姓名"><input name="idcard" placeholder="身份证号">'
     '</form><p>预订酒店客房，入住需登记身份证。</p>', "酒店预订"),
    ('<form action="/search"><input name="keyword" placeholder="请输入关键词"></form><p>特种作业操作证培训</p>', "搜索"),
])
def test_certificate_query_form_ignores_forms_of_other_kinds(body, title):
    assert "certificate-query-form" not in codes(score(page(body, title), SHOP_HOST))


def test_form_posting_to_another_site_is_flagged_but_a_local_action_is_not():
    elsewhere = score(page(LEGACY_FORM.format(action="https://api.certcx.xyz/query"), "特种作业操作证查询"))
    local = score(page(LEGACY_FORM.format(action="/query"), "特种作业操作证查询"))
    assert "form-posts-elsewhere" in codes(elsewhere)
    assert "form-posts-elsewhere" not in codes(local)


# -- results and WeChat --------------------------------------------------------------------------

def test_fabricated_result_page_is_a_fake_result_page():
    result = score(page(RESULT_TABLE, "特种作业操作证查询结果"), "https://zscx-cha.top/result")
    assert "certificate-result" in codes(result)
    assert result.verdict == "fake" and result.kind == "result-page"


def test_encyclopedia_table_of_operation_categories_is_not_a_result():
    table = ("<table><tr><th>作业类别</th><th>操作项目</th></tr><tr><td>电工作业</td><td>低压电工作业</td></tr>"
             "<tr><td>焊接与热切割作业</td><td>熔化焊接与热切割作业</td></tr></table>")
    result = score(page("<h1>特种作业操作证</h1><p>特种作业目录如下。</p>" + table, "特种作业操作证_百科"),
                   "https://baike.example.com/item/1")
    assert not {"certificate-result", "certificate-result-template"} & codes(result)


WECHAT_PAGE = """
<div class="rich_media"><div class="wx-header"><span class="profile_nickname">国家安全生产考试</span></div>
<h2 class="rich_media_title">证书查询</h2>
<form action="/cx"><input name="sfzh" placeholder="请输入身份证号"><input name="xm" placeholder="请输入姓名"></form>
<p>功能介绍：特种作业操作证查询服务</p></div>"""


def test_fake_wechat_page_outside_wechat_is_flagged_and_misses_the_verified_mark():
    result = score(page(WECHAT_PAGE, "国家安全生产考试"), "https://wx.gjaqscks.cn/")
    wechat = [s for s in result.signals if s.code == "wechat-imitation"]
    assert wechat and "无蓝色认证标志" in wechat[0].zh
    assert result.kind == "wechat"


def test_news_telling_readers_to_follow_the_real_account_is_not_a_wechat_imitation():
    body = '<h1>证书如何查询？</h1><p>持证人可关注微信公众号“国家安全生产考试”或登录 cx.mem.gov.cn 查询。</p>'
    assert "wechat-imitation" not in codes(score(page(body, "证书如何查询"), "https://news.example.com/a.html"))


# -- how the page presents itself ----------------------------------------------------------------

def test_regional_platform_name_fires_but_a_howto_title_does_not():
    fake = score(page("<h1>广东省特种作业人员证书查询平台</h1>", "广东省特种作业人员证书查询平台"), "https://gdtzzycx.com/")
    howto = score(page("<h1>广东省特种作业证书查询方法</h1>", "广东省特种作业证书查询方法"), "https://news.example.com/")
    assert "regional-platform" in codes(fake)
    assert "regional-platform" not in codes(howto)


def test_ministry_name_in_the_header_of_a_non_government_host():
    claims = score(page("<div class='header'><h1>应急管理部特种作业操作证查询中心</h1></div>"), "https://yjglb.vip/")
    warning = score(page("<h1>应急管理部提醒：谨防假冒证书查询网站</h1>"), "https://news.example.com/")
    assert "presents-as-government" in codes(claims)
    assert "presents-as-government" not in codes(warning)


def test_official_claims_count_unless_they_are_quoted_in_a_warning():
    banner = score(page("<div class='top-banner'>工信部已备案，唯一官方认证查询平台</div>"), "https://zhengshu-wang.top/")
    warning = score(page("<p>这类网站所谓“唯一官方认证”“工信部已备案”都是骗局，切勿相信。</p>"), "https://news.example.com/")
    assert "claims-official-masthead" in codes(banner)
    assert not {"claims-official-masthead", "claims-official-text"} & codes(warning)


# -- identity markers ----------------------------------------------------------------------------

def test_government_site_code_and_sponsor_on_a_commercial_host():
    footer = "<div class='footer'>主办单位：应急管理部　网站标识码 bm64000002</div>"
    result = score(page(footer), "https://cx-mem-gov.com/")
    assert {"government-site-code", "government-sponsor"} <= codes(result)
    school = score(page("<div class='footer'>主办单位：鑫达焊接技术培训学校</div>"), SHOP_HOST)
    assert not {"government-site-code", "government-sponsor"} & codes(school)


def test_an_official_record_number_copied_onto_another_host():
    numbers = [value for value in official_identity() if "ICP" in value]
    if not numbers:
        pytest.skip("the shipped reference fingerprints carry no ICP number")
    result = score(page(f"<div class='footer'>{numbers[0]}</div>"), "https://memgov.cn.com/")
    assert "copied-identity" in codes(result)


def test_impossible_record_numbers_are_flagged_and_valid_ones_are_not():
    bad = score(page("<p>备案号：京ICP备2021号　京公网安备44010402000000号</p>"), SHOP_HOST)
    good = score(page("<p>粤ICP备2021012345号-1　粤公网安备44190002003456号</p>"), SHOP_HOST)
    assert "invalid-record-number" in codes(bad)
    assert "invalid-record-number" not in codes(good)


def test_conac_badge_on_a_non_government_host_hotlinked_or_scripted():
    hotlinked = score(page('<a href="https://bszs.conac.cn/sitename?method=show&id=8C2D5E7A1F3B4C09E053022819ACB4D2">'
                           '<img src="https://dcs.conac.cn/image/red.png"></a>'), "https://yjglb-zs.cn/")
    scripted = score(page('<span id="_ideConac"></span><script src="https://dcs.conac.cn/js/33/000/0000/60429971/CA330000000604299710001.js"></script>'),
                     "https://yjglb-zs.cn/")
    assert "conac-badge-hotlinked" in codes(hotlinked)
    assert "conac-badge" in codes(scripted)
    assert not {"conac-badge", "conac-badge-hotlinked"} & codes(score(page(TRAINING_SCHOOL), SHOP_HOST))


# -- selling -----------------------------------------------------------------------------------

def test_seller_page_fires_language_prices_and_contacts():
    result = score(page(SELLER, "电工证办理 免考包过"), "https://dgz-banzheng.top/")
    assert {"seller-language", "seller-prices", "seller-contacts"} <= codes(result)
    assert result.verdict == "fake" and result.kind == "seller"


def test_padded_slogans_are_still_read():
    result = score(page("<p>电工证 免 考 包★过，不用考试，联系QQ：2851736490</p>"), "https://dgz-banzheng.top/")
    language = [s for s in result.signals if s.code == "seller-language"]
    assert language and "免考" in language[0].zh and "包过" in language[0].zh


def test_training_school_that_points_to_the_official_platform_is_benign():
    result = score(page(TRAINING_SCHOOL, "东莞电工证培训"), SHOP_HOST)
    assert not {"seller-language", "seller-prices", "seller-contacts"} & codes(result)
    assert "points-to-official" in codes(result)
    assert result.verdict == "benign"


def test_news_warning_quoting_the_slogans_is_benign():
    result = score(page(NEWS_WARNING, "警惕“免考包过”假证"), "https://news.example.com.cn/2026/10/12/a.html")
    assert "seller-language" not in codes(result)
    assert {"warning-context", "editorial-page", "points-to-official"} <= codes(result)
    assert result.verdict == "benign" and result.kind is None


def test_forum_thread_asking_whether_a_site_is_real_is_benign():
    result = score(page(FORUM_THREAD, "这个网站是真的吗"), "https://bbs.example.com/thread-1.html")
    assert "seller-language" not in codes(result)
    assert result.verdict == "benign"


def test_a_seller_disguised_as_an_article_keeps_its_seller_points():
    body = ("<p>来源：考证网 发布时间：2026-10-21 浏览：3826次</p>"
            "<p>我们提供“免考包过”绿色通道：不用考试，最快7天出证，低压电工证680元。</p>"
            "<p>温馨提示：市面上很多机构办的是“假证”，我们办理的证书全国联网可查。</p>"
            "<p>咨询电话：15913745826 微信：tzzy_banzheng88</p>")
    result = score(page(body, "电工证免考包过多少钱"), "https://www.kaozheng888.com/news/1.html")
    assert "seller-language" in codes(result)
    assert not {"warning-context", "editorial-page"} & codes(result)
    assert result.verdict == "fake"


# -- similarity to the official pages -------------------------------------------------------------

def _world_file(relative: str) -> bytes:
    path = WORLD_CX / relative
    if not path.exists():
        pytest.skip(f"the world's stand-in {relative} is not there")
    return path.read_bytes()


def test_copy_of_the_legacy_page_on_another_host_is_a_clone():
    result = score_page(_world_file("cms/html/certQuery/certQueryIndex.html"), "https://cx-mem-gov.com/cms/html/certQuery/")
    assert "reference-similarity" in codes(result)
    assert result.verdict == "fake" and result.kind == "clone" and result.target == "cx.mem.gov.cn"


def test_copy_of_the_spa_shell_with_the_official_build_and_favicon():
    shell = _world_file("index.html")
    favicon = _world_file("favicon.ico")
    result = score_page(shell, "https://hecha-cert.com/", favicon=favicon)
    assert {"official-build", "same-favicon", "reference-similarity"} <= codes(result)
    assert result.verdict == "fake"


def test_an_unrelated_vue_app_shell_is_not_similar():
    shell = ('<div id="app"></div><script src="/static/js/chunk-vendors.1a2b3c4d.js"></script>'
             '<script src="/static/js/app.9f8e7d6c.js"></script>')
    result = score(page(shell, "鲜花速递 - 同城配送"), "https://flowers.example.com/")
    assert not {"reference-similarity", "official-build"} & codes(result)
    assert result.verdict == "benign"


# -- official hosts --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://yjj.jiangmen.gov.cn/tzgg/1.html", "https://cx.mem.gov.cn/",
                                 "https://cnse.e-cqs.cn/"])
def test_official_hosts_are_never_fake_whatever_they_quote(url):
    result = score(page(SELLER + RESULT_TABLE + LEGACY_FORM.format(action="/q"), "特种作业操作证查询"), url)
    assert result.verdict == "official" and result.score == 0 and result.kind is None
    assert result.signals[0].code == "official-host"


# -- kinds of fakes beyond the examples above ------------------------------------------------------

def test_fake_of_the_special_equipment_lookup_is_a_fake():
    body = ("<div class='header'><h1>全国特种设备作业人员证查询</h1></div>"
            "<form action='/search'><input name='idcard' placeholder='请输入身份证号'>"
            "<input name='xingming' placeholder='请输入姓名'><input name='yzm' placeholder='验证码'></form>"
            "<p>叉车证、锅炉证、电梯证等特种设备作业人员证书全国联网查询。</p>")
    result = score(page(body, "全国特种设备作业人员证查询"), "https://tzsb-zscx.com/")
    assert {"certificate-query-form", "national-platform"} <= codes(result)
    assert result.verdict == "fake"


def test_a_training_centre_looking_up_its_own_course_certificates_is_at_most_suspicious():
    body = ("<h1>鑫安安全培训中心 学员培训合格证查询</h1><form action='/px/cx'><input name='sfzh' placeholder='身份证号'>"
            "<input name='xm' placeholder='姓名'></form><p>本中心安全生产培训学员可查询本中心颁发的培训合格证明。</p>")
    result = score(page(body, "学员培训合格证查询"), "https://www.xinan-px.com/cx")
    assert result.verdict in ("benign", "suspicious")


def test_an_enrolment_form_is_not_a_certificate_query():
    body = ("<h1>特种作业培训在线报名</h1><form action='/bm'><input name='name' placeholder='姓名'>"
            "<input name='idcard' placeholder='身份证号'><input name='mobile' placeholder='手机号'></form>")
    assert "certificate-query-form" not in codes(score(page(body, "在线报名"), SHOP_HOST))


def test_a_hong_kong_report_quoting_slogans_in_corner_brackets_is_benign():
    body = ("<h1>內地假證網站呃港人</h1><p>記者發現，有網站聲稱「免考包過」「全國聯網可查」，收費港幣1,280元，"
            "警方提醒市民切勿上當。</p>")
    result = score_page(page(body, "內地假證網站呃港人").encode("big5hkscs"), "https://news.example.hk/a.html")
    assert "seller-language" not in codes(result) and result.verdict == "benign"


def test_a_seller_pricing_certificates_with_a_private_contact_is_fake_without_exam_talk():
    body = ("<h1>东莞电工证焊工证快速拿证</h1><p>报名简单，拿证快，证书全国联网可查，官网可查。</p>"
            "<p>低压电工证：650元　焊工证：700元　高处作业证：600元</p><p>联系人：王老师 13926845512（微信同号）</p>")
    result = score(page(body, "东莞电工证怎么考"), "https://www.dg-kaozheng.cn/")
    assert {"seller-language", "seller-prices", "seller-contacts"} <= codes(result)
    assert result.verdict == "fake"


def test_a_rebuilt_spa_shell_under_the_official_name_on_a_lookalike_host_is_fake():
    shell = ('<div id="app"></div><script src="/js/chunk-vendors.8f1e2d3c.js"></script>'
             '<script src="/js/app.5a6b7c8d.js"></script>')
    result = score(page(shell, "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台"), "https://cxmem-gov.cc/")
    assert "official-name" in codes(result) and result.verdict == "fake"
    assert result.features.app_shell


def test_a_script_only_page_naming_itself_a_certificate_lookup():
    shell = '<div id="app"></div><script src="/js/app.1234abcd.js"></script>'
    lookup = score(page(shell, "特种作业操作证查询"), "https://tzzy-cx.com/")
    shop = score(page(shell, "鲜花速递 - 同城配送"), "https://flowers.example.com/")
    assert "query-app-shell" in codes(lookup) and "query-app-shell" not in codes(shop)


def test_inputs_outside_a_form_are_read_with_their_labels():
    items = "".join(f'<div class="el-form-item"><label>{label}</label><div class="el-form-item__content">'
                    f'<div class="el-input"><input class="el-input__inner"></div></div></div>'
                    for label in ("证件号码", "姓名"))
    result = score(page(f'<div class="el-form">{items}<button>查询</button></div><p>特种作业操作证查询</p>',
                        "证书查询"), "https://aqks-cx.cn/")
    assert "certificate-query-form" in codes(result)


def test_a_wechat_account_name_in_its_nickname_markup_is_its_headline():
    body = ('<div class="rich_media"><h1 class="rich_media_title">证书查询结果</h1>'
            '<a id="js_name">国家安全生产考试</a><form action="/cx"><input name="sfzh" placeholder="身份证号">'
            '<input name="xm" placeholder="姓名"></form></div>')
    assert "wechat-imitation" in codes(score(page(body, "证书查询"), "https://wx.aqks-cx.cn/"))
