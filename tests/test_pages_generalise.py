"""Signals that let the page detector judge pages written by other people: padded labels, pages cut
short, script-only shells, own lookups that claim the national data, platform names, and the ways a
page quotes, reports or refuses a seller's words. Each fires where it should and not on its look-alike."""

from __future__ import annotations

import pytest

from detectors.pages import score_page

LOOKALIKE = "https://tzzy-chaxun.top/"
SCHOOL = "https://www.hengan-peixun.com/"
NEWS = "https://news.example.com.cn/2026/11/02/a.html"


def page(body: str, title: str = "页面", head: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f"<body>{body}</body></html>")


def score(html: str, url: str = LOOKALIKE, encoding: str = "utf-8"):
    return score_page(html.encode(encoding), url)


def codes(result) -> set[str]:
    return {signal.code for signal in result.signals}


def shell(title: str, head: str = "", body: str = "") -> str:
    return page('<div id="app"></div><script src="/static/js/chunk-vendors.5d1c2b3a.js"></script>'
                '<script src="/static/js/app.77e1f0aa.js"></script>' + body, title, head)


# -- padded labels and pages cut short ---------------------------------------------------------------

PADDED_RESULT = """<div class="box"><h3>特种作业操作证</h3><table>
<tr><td>姓　　名</td><td>李国强</td></tr><tr><td>性　　别</td><td>男</td></tr>
<tr><td>证　　号</td><td>T330102198807152215</td></tr><tr><td>作业类别</td><td>焊接与热切割作业</td></tr>
<tr><td>准操项目</td><td>熔化焊接与热切割作业</td></tr><tr><td>初领日期</td><td>2025年03月18日</td></tr>
<tr><td>有效期限</td><td>2025年03月18日至2031年03月17日</td></tr></table></div>"""


def test_a_result_with_labels_padded_for_alignment_is_still_a_result():
    result = score(page(PADDED_RESULT, "证书信息"), "https://zs-hy.cc/view?id=3", encoding="gb18030")
    assert "certificate-result" in codes(result)
    assert result.verdict == "fake" and result.kind == "result-page"


def test_an_article_showing_a_fake_result_as_an_example_is_not_a_result_page():
    body = ("<h1>警惕假冒证书查询网站</h1><p>来源：工人日报　记者 王磊</p>"
            "<p>记者调查发现，不法分子伪造的查询网站会“查到”任何人的证书，以下是警方提供的假证截图内容，"
            "切勿上当，谨防受骗：</p>" + PADDED_RESULT)
    result = score(page(body, "警惕假冒证书查询网站"), NEWS)
    assert not {"certificate-result", "certificate-result-template"} & codes(result)
    assert result.verdict == "benign"


CUT_FORM = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>证书查询</title></head><body>'
            '<div class="title">特种作业操作证查询</div><form method="post" action="/q.php"><table>'
            '<tr><td>证件类型：</td><td><select name="zjlx"><option>身份证</option></select></td></tr>'
            '<tr><td>证件号码：</td><td><input name="zjhm" type="text"></td></tr><tr><td>姓')


def test_a_page_cut_short_inside_its_query_form_still_shows_the_form():
    result = score_page(CUT_FORM.encode(), LOOKALIKE)
    assert result.features.cut_in_form
    assert "certificate-query-form" in codes(result)


def test_a_whole_page_whose_form_asks_only_an_id_number_is_no_query_form():
    whole = CUT_FORM.replace("<tr><td>姓", "</table></form></body></html>")
    result = score_page(whole.encode(), LOOKALIKE)
    assert not result.features.cut_in_form
    assert "certificate-query-form" not in codes(result)


# -- script-only shells ----------------------------------------------------------------------------

def test_a_shell_whose_title_part_names_a_lookup_is_a_query_app_shell():
    result = score(shell("安全员证书信息查询-全国安全生产服务网"))
    assert "query-app-shell" in codes(result)


def test_a_shell_named_by_its_keywords_noscript_or_files():
    by_meta = score(shell("首页", '<meta name="keywords" content="特种作业操作证查询,电工证查询">'))
    by_noscript = score(shell("特种作业", body="<noscript>cert-query needs JavaScript</noscript>"))
    assert "query-app-shell" in codes(by_meta)
    assert "query-app-shell" in codes(by_noscript)
    assert "query-app-shell" not in codes(score(shell("特种作业培训报名")))


def test_a_lookup_shell_sending_its_queries_to_another_site():
    config = '<script>window.CFG={baseURL:"https://api.zs-chaxun.vip/prod-api",site:"x"}</script>'
    same_site = '<script>window.CFG={baseURL:"https://api.tzzy-chaxun.top/prod-api"}</script>'
    elsewhere = score(shell("特种作业操作证查询", config))
    assert "api-elsewhere" in codes(elsewhere) and "api.zs-chaxun.vip" in elsewhere.features.api_hosts
    assert "api-elsewhere" not in codes(score(shell("特种作业操作证查询", same_site)))


def test_an_angular_root_tag_is_an_app_shell_too():
    html = page("<app-root></app-root><script src='/main.3e1a9b7c.js'></script>", "证书查询")
    assert score(html).features.app_shell


# -- own lookups and platform names ----------------------------------------------------------------

LOOKUP_FORM = ('<form action="/cx.php" method="post"><label>身份证号</label><input name="sfzh">'
               '<label>姓名</label><input name="xm"><label>验证码</label><input name="yzm"></form>')


def test_an_own_lookup_claiming_the_ministry_database_is_a_lookup_fake():
    body = ("<h1>电工证查询</h1>" + LOOKUP_FORM
            + "<p>本站数据已对接应急管理部特种作业人员数据库，查询结果与官网同步。</p>")
    result = score(page(body, "电工证查询"), "https://www.dgz-cx.net/")
    assert "national-data" in codes(result)
    assert result.verdict == "fake" and result.kind == "lookup"


def test_a_news_page_mentioning_the_ministry_database_without_a_lookup_is_not_a_data_claim():
    body = "<h1>特种作业证书信息全面上网</h1><p>各地考核发证数据已接入应急管理部数据库，可在 cx.mem.gov.cn 查询。</p>"
    assert "national-data" not in codes(score(page(body, "特种作业证书信息全面上网"), NEWS))


def test_national_platform_names_beyond_certificate_words():
    fake = score(page("<div class='logo'>全国特种作业考试查询系统</div>", "全国特种作业考试查询系统"))
    howto = score(page("<h1>如何进行全国特种作业操作证查询</h1>", "如何进行全国特种作业操作证查询"), NEWS)
    assert "national-platform" in codes(fake)
    assert "national-platform" not in codes(howto)


def test_a_subtle_provincial_exam_platform_name():
    fake = score(page("<div class='header'>湖南省特种作业考试信息管理平台</div>" + LOOKUP_FORM,
                      "湖南省特种作业考试信息管理平台"), "http://hn-tzzyks.net/")
    school = score(page("<div class='header'>湖南省特种作业培训中心</div>", "湖南省特种作业培训中心"), SCHOOL)
    assert "regional-platform" in codes(fake) and fake.kind == "provincial" and fake.verdict == "fake"
    assert "regional-platform" not in codes(school)


@pytest.mark.parametrize("title", ["特种作业操作证及安全生产知识和管理能力考核合格信息查询",
                                   "特种作业操作证及安全生产知识和管理能力考核合格信息查询系统",
                                   "特种作业操作证及安全生产知识与管理能力考核合格信息查询平台 - 首页"])
def test_the_official_name_give_or_take_a_generic_word_or_a_character(title):
    assert "official-name" in codes(score(page("<p>查询</p>", title)))


def test_the_official_name_with_a_word_added_is_a_guide_not_a_claim():
    title = "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台入口"
    assert "official-name" not in codes(score(page("<p>入口在这里</p>", title), NEWS))


def test_an_official_claim_beside_the_official_host_points_to_it():
    body = "<p>所有证件入职前均在官方平台核验（cx.mem.gov.cn），请应聘者知悉。</p>"
    assert not {"claims-official-text", "claims-official-masthead"} & codes(score(page(body, "招聘"), SCHOOL))
    assert "claims-official-text" in codes(score(page("<p>本站是唯一官方查询平台，请放心查询。</p>", "查询")))


def test_an_exam_score_lookup_is_not_a_certificate_query():
    body = ('<h1>特种作业理论考试成绩查询</h1><form action="/cj"><input name="sfzh" placeholder="身份证号">'
            '<input name="xm" placeholder="姓名"><input name="cj_type" placeholder="成绩类别"></form>')
    assert "certificate-query-form" not in codes(score(page(body, "成绩查询"), SCHOOL))


# -- quoting, reporting and refusing -------------------------------------------------------------------

def test_a_school_refusing_to_sell_certificates_is_not_selling():
    body = ("<h1>恒安安全培训学校</h1><p>本校只提供培训，不代办证书，也不受理任何形式的“包过”业务。</p>"
            "<p>报名电话：13812345678</p>")
    result = score(page(body, "恒安安全培训学校"), SCHOOL)
    assert "seller-language" not in codes(result) and result.verdict == "benign"


def test_a_seller_that_uses_negations_of_its_own_keeps_its_seller_points():
    body = "<p>不会考试也能拿证，电工证免考包过！不是假证，全国联网可查。微信：banzheng_vip8</p>"
    result = score(page(body, "电工证办理"), "https://dgz-kuaiban.top/")
    assert "seller-language" in codes(result) and result.verdict == "fake"


def test_words_someone_else_said_are_reported_not_offered():
    reported = score(page("<p>朋友在网上看到，有人说电工证免考包过，官网可查，是真的吗？</p>", "请教"), NEWS)
    offered = score(page("<p>听说考证很难？我们电工证免考包过，全国联网可查。QQ：2851736490</p>", "电工证"),
                    "https://dgz-kuaiban.top/")
    assert "seller-language" not in codes(reported)
    assert "seller-language" in codes(offered)


THREAD = """<div class="post"><b>阿强</b> 发表于 2026-5-3 21:10<p>网上见到话电工证免考包过，官网可查，一千蚊搞掂。</p></div>
<div class="post"><b>老陈</b> 发表于 2026-5-3 22:41<p>肯定系假嘢，正规要喺 cx.mem.gov.cn 查。</p></div>
<div class="post"><b>阿强</b> 发表于 2026-5-4 08:02<p>明白，多谢。</p></div>"""


def test_a_forum_thread_under_a_question_quotes_what_it_discusses():
    result = score(page(THREAD, "电工证免考包过 系咪真? - 讨论区"), "https://forum.example.hk/t/8812")
    assert "seller-language" not in codes(result) and result.verdict == "benign"


def test_a_seller_with_a_question_title_but_no_thread_is_still_a_seller():
    body = "<p>电工证免考包过，全国联网可查，七天出证。</p><p>联系电话：13912345678（微信同号）</p>"
    result = score(page(body, "电工证哪里可以办?"), "https://dgz-kuaiban.top/")
    assert "seller-language" in codes(result) and result.verdict == "fake"


def test_a_warning_article_quoting_slogans_in_its_headline_is_benign():
    body = ("<h1>港人网购「免考包过」内地证书 中伏</h1><p>有师傅透露，网上卖家声称「免考包过」、「官网可查」。</p>"
            "<p>记者发现，所谓的「官网」是仿冒的网站。警方提醒切勿相信，谨防受骗。</p>")
    result = score(page(body, "网购「免考包过」证书 中伏"), "https://news.example.hk/a/1.html")
    assert "seller-language" not in codes(result) and result.verdict == "benign"


def test_a_seller_quoting_its_own_slogans_beside_warnings_keeps_them_when_it_gives_a_contact():
    body = ("<p>认准本站，谨防假冒！电工证、焊工证“免考包过”“官网可查”，不是假证。</p>"
            "<p>微信：tzzy_zheng66　电话：13712345678</p>")
    result = score(page(body, "电工证办理"), "https://dgz-kuaiban.top/")
    assert "seller-language" in codes(result) and result.verdict == "fake"


def test_weak_sales_words_of_a_school_that_describes_the_exam_are_not_selling():
    body = ("<h1>低压电工速成班</h1><p>15天拿证：理论培训加实操训练，参加应急管理部门统一考试，考试合格后发证。</p>"
            "<p>学费 1200元　报名电话 13812345678</p>")
    school = score(page(body, "低压电工速成班"), SCHOOL)
    no_exam = score(page("<h1>低压电工速成</h1><p>快速拿证，拿证快，证书网上可查。电话 13812345678</p>", "电工证"),
                    "https://dgz-kuaiban.top/")
    assert "seller-language" not in codes(school) and school.verdict == "benign"
    assert "seller-language" in codes(no_exam)


def test_a_script_only_lookup_is_suspicious_alone_and_fake_when_its_description_claims_the_nation():
    plain = score(shell("特种作业操作证查询"), "https://www.zsfw-center.com/")
    national = score(shell("证书查询", '<meta name="description" content="全国特种作业操作证在线查询，安全员证查询">'),
                     "https://www.zsfw-center.com/")
    assert plain.verdict == "suspicious"
    assert "national-platform" in codes(national) and national.verdict == "fake"


def test_a_job_advert_that_refuses_bought_certificates_and_names_a_wage_is_benign():
    body = ("<h1>招聘电工 5名</h1><p>要求：持有效特种作业操作证（低压电工），证书须能在应急管理部官网查询，"
            "拒收免考证。</p><p>薪资 8000-12000元/月</p><p>联系电话：13512345678</p>")
    result = score(page(body, "招聘电工"), "https://jobs.example.com/j/1")
    assert not {"seller-language", "seller-prices", "claims-official-text"} & codes(result)
    assert result.verdict == "benign"


PASS_ROWS = "".join(f"<tr><td>{name}</td><td>男</td><td>4401{i:02d}********{1000 + i}</td><td>电工作业</td>"
                    f"<td>低压电工作业</td><td>2024-05-{i + 1:02d}</td></tr>"
                    for i, name in enumerate(["张伟", "李强", "王军", "陈刚", "刘洋"]))
PASS_TABLE = ("<table><tr><th>姓名</th><th>性别</th><th>身份证号</th><th>作业类别</th><th>操作项目</th>"
              f"<th>取证日期</th></tr>{PASS_ROWS}</table>")


def test_a_school_publishing_the_certificates_of_many_people_shows_a_list_not_a_result():
    listed = score(page(f"<h1>第三期学员取证情况</h1>{PASS_TABLE}", "学员取证情况"), SCHOOL)
    named = score(page(f"<h1>2024年第三期考试合格人员名单</h1>{PASS_TABLE}", "合格人员名单"), SCHOOL)
    assert not {"certificate-result", "certificate-result-template"} & (codes(listed) | codes(named))


def test_a_specimen_certificate_in_an_encyclopedia_is_not_a_result():
    body = ("<h1>特种作业操作证</h1><p>证书样本：</p><p>姓名：张三 性别：男 证号：T110101199001011234 作业类别：电工作业 "
            "操作项目：低压电工作业 初领日期：2020-01-01 有效期：2020-01-01至2026-01-01</p>")
    assert "certificate-result" not in codes(score(page(body, "特种作业操作证_百科"), "https://baike.example.com/x"))


def test_a_special_equipment_result_names_its_work_item():
    body = ("<h2>查询结果</h2><table><tr><td>姓名</td><td>王强</td></tr><tr><td>证书编号</td><td>TS3201234567</td></tr>"
            "<tr><td>作业项目</td><td>叉车司机</td></tr><tr><td>发证日期</td><td>2023-01-01</td></tr>"
            "<tr><td>有效期至</td><td>2027-01-01</td></tr></table>")
    assert "certificate-result" in codes(score(page(body, "特种设备作业人员证查询"), "http://tzsb-cx.top/r"))


def test_a_form_that_sends_to_the_official_platform_is_a_shortcut_not_a_lookup():
    form = ('<form action="{action}" method="get"><input name="certnum" placeholder="证件号码">'
            '<input name="name" placeholder="姓名"></form><p>特种作业操作证查询</p>')
    shortcut = score(page(form.format(action="https://cx.mem.gov.cn/cms/html/certQuery/certQuery.do"), "证书查询"), SCHOOL)
    own = score(page(form.format(action="/cx.php"), "证书查询"), SCHOOL)
    assert "certificate-query-form" not in codes(shortcut)
    assert "certificate-query-form" in codes(own)


def test_a_price_on_a_question_bank_is_no_certificate_price():
    body = "<p>电工证题库 68元，包过！</p><p>客服微信：tiku_kefu88</p>"
    assert "seller-prices" not in codes(score(page(body, "电工证考试题库"), "https://www.tiku-app.com/"))


def test_what_a_sellers_staff_told_a_reporter_is_reported_speech():
    body = "<p>记者以求职者身份联系了一家机构。</p><p>客服表示，电工证可以免考，一周出证。</p><p>编辑：李明</p>"
    assert "seller-language" not in codes(score(page(body, "电工证"), NEWS))
    assert "seller-language" in codes(score(page("<p>本店承诺，电工证可以免考，一周出证。</p>", "电工证"), NEWS))


def test_an_investigation_headline_makes_the_page_a_report():
    body = "<p>网上办证广告铺天盖地，号称免考包过。</p>"
    assert "seller-language" not in codes(score(page(body + "<p>办证</p>", "记者暗访网上办证乱象"), NEWS))


def test_do_not_be_fooled_still_warns_while_not_fake_does_not():
    from detectors.page_context import warning_words
    assert warning_words("请勿上当受骗") and not warning_words("我们不是假证")


def test_a_lookup_cut_short_before_its_body_is_read_like_a_script_only_page():
    cut = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>特种作业操作证查询平台</title>'
           '<link rel="stylesheet" href="/css/main.css"><script>var a = 1;')
    result = score_page(cut.encode(), "https://www.zsfw-center.com/")
    assert result.features.cut_short and "query-app-shell" in codes(result)
    whole = cut + "</script></head><body><p>本站介绍特种作业操作证的考试科目。</p></body></html>"
    assert "query-app-shell" not in codes(score_page(whole.encode(), "https://www.zsfw-center.com/"))
