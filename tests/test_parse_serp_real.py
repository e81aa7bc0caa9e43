"""The result-page parsers on every real page in ../shared/real-samples/serp (read in place).

Expectations were written by reading each page's markup by hand: how many results it shows,
where each engine hides the real target, and a few exact titles and URLs per file.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest

from crawler.parsers.serp import parse_serp

# file -> (engine, status, number of results, number of them that are ads)
PAGES = {
    "baidu-1.html": ("baidu", "ok", 10, 0),
    "baidu-2.html": ("baidu", "ok", 10, 0),
    "baidu-3.html": ("baidu", "ok", 10, 0),
    "sogou-1.html": ("sogou", "ok", 10, 0),
    "sogou-2.html": ("sogou", "ok", 10, 0),
    "sogou-3.html": ("sogou", "empty", 0, 0),
    # 360's right column holds one entry in its ad slot (360's own "advertise with us" line).
    "so360-1.html": ("so360", "ok", 11, 1),
    "so360-2.html": ("so360", "ok", 10, 0),
    "so360-3.html": ("so360", "ok", 11, 1),
    "bing-1.html": ("bing", "ok", 6, 0),
    "bing-2.html": ("bing", "blocked", 0, 0),
}


@pytest.fixture(scope="module")
def serp_dir(real_samples):
    return real_samples / "serp"


def parsed(serp_dir, name):
    engine = PAGES[name][0]
    return parse_serp(engine, (serp_dir / name).read_bytes())


def test_every_sample_is_listed(serp_dir):
    assert sorted(p.name for p in serp_dir.glob("*.html")) == sorted(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_status_counts_and_ranks(serp_dir, name):
    engine, status, count, ads = PAGES[name]
    page = parsed(serp_dir, name)
    assert (page.engine, page.status) == (engine, status), page.reason
    assert len(page.results) == count
    assert sum(r.ad for r in page.results) == ads
    assert [r.rank for r in page.results] == list(range(1, count + 1))
    assert all(r.title for r in page.results)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_nothing_is_invented(serp_dir, name):
    """Every URL given is written in the page (absolute, or as the relative link it resolves)."""
    raw = html.unescape((serp_dir / name).read_text(encoding="utf-8"))
    for result in parsed(serp_dir, name).results:
        for url in filter(None, (result.url, result.redirect)):
            parts = urlsplit(url)
            relative = parts.path + ("?" + parts.query if parts.query else "")
            assert url in raw or relative in raw, url


def test_baidu_1_links_go_through_baidu_because_the_page_never_shows_the_target(serp_dir):
    page = parsed(serp_dir, "baidu-1.html")
    first = page.results[0]
    assert first.title == "月子中心推广-骐扬全网营销-专业从事月子会所精准客户宣传推广!"
    assert first.redirect == ("http://www.baidu.com/link?url=jeV0NQCH2RHB4swmfQTDjb9z1LnCMKMH5WcZS56Xv"
                              "Er50j3ox9yERNH6CPGFYruc")
    assert first.url == first.redirect
    assert all(r.url == r.redirect and r.url.startswith("http://www.baidu.com/link?url=") for r in page.results)
    assert page.results[6].title == "重庆月子中心-重庆高端月子会所价格-宽仁妇孺照护中心(官网)"
    assert "pn=10" in page.next_url and page.next_url.startswith("https://www.baidu.com/s?")


def test_baidu_2_keeps_mojibake_titles_as_written(serp_dir):
    page = parsed(serp_dir, "baidu-2.html")
    assert page.results[6].title == "有没办法判断输入汉字的笔划数?"
    assert page.results[1].title.endswith("_百度贴吧")


def test_baidu_3_reads_mu_and_data_url_of_cards(serp_dir):
    results = parsed(serp_dir, "baidu-3.html").results
    disease_card, news_card, ask_doctor = results[0], results[1], results[3]
    assert disease_card.title == "新型冠状病毒肺炎"
    assert disease_card.url.startswith("https://expert.baidu.com/med/template/#/pages/speTopic/dict/index?"
                                       "tab=%E6%A6%82%E8%BF%B0")
    assert disease_card.redirect.startswith("http://www.baidu.com/link?url=kgcVvOvar38xruBDhkdCqvSgbZTRp")
    assert news_card.title == "新冠的最新相关信息"
    assert news_card.url == "https://www.baidu.com/s?tn=news&rtt=1&bsst=1&wd=%E6%96%B0%E5%86%A0&cl=2"
    assert news_card.redirect.startswith("http://www.baidu.com/link?url=TykTiehYuw6PT6DEcruBkJ")
    assert ask_doctor.title == "新冠？_新型肺炎免费问医生_百度健康_问医生"
    assert results[2].title == "美疾控中心:计划通过污水检测监控新冠病毒的传播"
    assert results[2].url == results[2].redirect


def test_sogou_1_relative_links_made_absolute(serp_dir):
    page = parsed(serp_dir, "sogou-1.html")
    first = page.results[0]
    assert first.title == "台湾504把有杀伤力气枪销往德国遭退货被警方查获-中新网"
    assert first.url == first.redirect == ("https://www.sogou.com/link?url=hedJjaC291Osj6fmiZw1ZvXUlQL07XXmGE95qG"
                                           "cU4mXghylvexw11GoyHo00P8ru59_LYbDRQcmt5pUc3zy0dg..")
    # The red-highlight comments inside the title are not text.
    assert page.results[1].title == "警方缴获各类气枪及弹药近3吨__中国青年网"
    assert page.next_url == ("https://www.sogou.com/web?query=%E6%8F%90%E4%BE%9B%E8%BF%9B%E5%8F%A3%E6%B0%94"
                             "%E6%9E%AA&page=2&ie=utf8")


def test_sogou_2_zhihu_cards_are_results(serp_dir):
    results = parsed(serp_dir, "sogou-2.html").results
    assert results[0].title == "源码泄露_热门回答_知乎"
    assert all(r.title.endswith("知乎") for r in results)
    assert all(r.redirect and r.redirect.startswith("https://www.sogou.com/link?url=") for r in results)


def test_sogou_3_not_indexed_domain_is_an_empty_page(serp_dir):
    page = parsed(serp_dir, "sogou-3.html")
    assert page.status == "empty" and "no-results" in page.reason


def test_so360_1_real_targets_from_data_mdurl(serp_dir):
    results = parsed(serp_dir, "so360-1.html").results
    assert results[0].title == "四川甘孜州泸定县发生6.8级地震"
    assert results[0].url == ("https://www.360kuai.com/pc/9c08808ec289c183b?kuai_so=1&sign=360_6aa05217&cota=3"
                              "&refer_scene=so_52")
    assert results[0].redirect.startswith("https://www.so.com/link?m=bpxoK92oDQOZI1TD2g")
    # A news box that links straight to 360's news search: no redirect involved.
    assert results[1].url.startswith("http://news.so.com/ns?q=") and results[1].redirect is None
    assert results[8].url == "http://society.sohu.com/a/582624123_120640988"
    ad = results[10]
    assert ad.ad and ad.title == "想在360搜索推广您的产品服务吗？" and ad.url.startswith("https://e.360.cn/")
    assert not any(r.ad for r in results[:10])


def test_so360_2_nested_markup_gives_each_result_its_own_title(serp_dir):
    results = parsed(serp_dir, "so360-2.html").results
    assert results[0].url == "https://baike.so.com/doc/5341317-5576760.html"
    assert results[5].url == "https://www.zhihu.com/question/19762278"
    assert results[6].title == "21天减肥法高清在线观看_360视频"
    assert results[7].title == "21天减肥法(食谱参照)。_360问答"
    assert results[9].url == "http://fitness.39.net/a/140612/4402999.html"
    assert len({r.title for r in results[6:]}) == 4


def test_so360_3_older_layout_falls_back_to_data_url(serp_dir):
    assert b"data-mdurl" not in (serp_dir / "so360-3.html").read_bytes()
    results = parsed(serp_dir, "so360-3.html").results
    assert results[1].url == "http://www.exam8.com/file/falvwenshu/bilu/201001/1812826.html"
    assert results[1].redirect.startswith("https://www.so.com/link?m=aDh1")
    assert results[2].url == "http://www.fabang.com/a/20140925/672445.html"
    assert results[4].url == "http://wenshu.110.com/wenshu_324.html"
    assert results[0].url == "https://wenku.baidu.com/view/e897aa86d4d8d15abe234e9e.html"
    assert results[0].redirect is None


def test_bing_1_direct_links_and_next_page(serp_dir):
    page = parsed(serp_dir, "bing-1.html")
    assert [r.url for r in page.results] == [
        "https://jingyan.baidu.com/article/f00622284e8e14fbd2f0c871.html",
        "https://www.cnblogs.com/xuanbjut/p/12240015.html",
        "http://www.shangdixinxi.com/detail-1268664.html",
        "https://www.jb51.net/os/win10/711621.html",
        "http://www.winwin7.com/JC/18776.html",
        "https://shicixuexi.com/scxGarnrmx4lgM/",
    ]
    assert all(r.redirect is None for r in page.results)
    # The meta charset comes after <title>: the title must still decode as UTF-8.
    assert page.results[0].title == "Win10正式版官方iso镜像文件如何下载-百度经验"
    assert "first=7" in page.next_url


def test_bing_2_bot_challenge_is_a_block_not_an_empty_page(serp_dir):
    page = parsed(serp_dir, "bing-2.html")
    assert page.status == "blocked" and "challenge" in page.reason


def test_page_url_is_the_base_for_relative_links(serp_dir):
    page = parse_serp("sogou", (serp_dir / "sogou-1.html").read_bytes(), url="http://www.sogou.com/web?query=x")
    assert page.results[0].url.startswith("http://www.sogou.com/link?url=")
