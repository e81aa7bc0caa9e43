"""The lookalike-domain score: official names, every signal on a name that fires it and one that does not,
bad input, the result contract, and that points and thresholds come from weights.toml."""

import json
import re

import pytest

from detectors import domains
from detectors.domains import AMPLIFIERS, SIGNALS, lexicon, score_domain
from detectors.weights import weights

CJK = re.compile(r"[\u4e00-\u9fff]")


def codes(name: str) -> set[str]:
    return {reason.code for reason in score_domain(name).reasons}


# ---------------------------------------------------------------- official

@pytest.mark.parametrize("name, target", [
    ("cx.mem.gov.cn", "cx.mem.gov.cn"),
    ("https://cx.mem.gov.cn/special?index=0", "cx.mem.gov.cn"),
    ("CX.MEM.GOV.CN.", "cx.mem.gov.cn"),
    ("www.mem.gov.cn", "mem.gov.cn"),
    ("www.chinasafety.gov.cn", "mem.gov.cn"),
    ("cnse.samr.gov.cn", "cnse.samr.gov.cn"),
    ("cnse.e-cqs.cn", "cnse.samr.gov.cn"),
    ("zlaq.mohurd.gov.cn", "zlaq.mohurd.gov.cn"),
    ("zscx.osta.org.cn", "zscx.osta.org.cn"),
])
def test_official_hosts_of_targets(name, target):
    result = score_domain(name)
    assert (result.verdict, result.score, result.target) == ("official", 0, target)
    assert result.reasons[0].code == "official-host"


@pytest.mark.parametrize("name", [
    "yjgl.gd.gov.cn", "yjt.zj.gov.cn", "ajj.jiangsu.gov.cn", "www.gov.cn", "gov.cn",
    # gov.cn names that *look* like fakes are still official: only government bodies can hold them
    "cx-mem-gov.gov.cn", "cxmem-chaxun.gov.cn", "mem.gov.cn.gov.cn", "tzzy-zs.xyz.gov.cn",
    "应急管理部.政务",
])
def test_every_gov_cn_name_is_official_never_lookalike(name):
    result = score_domain(name)
    assert result.verdict == "official"
    assert result.score == 0


# ---------------------------------------------------------------- each signal: fires / does not fire

FIRES = {
    "official-as-subdomain": ["cx.mem.gov.cn.example.top", "mem.gov.cn.cxzs.xyz", "cx.mem.gov.cn-query.com"],
    "dots-to-dashes": ["cx-mem-gov-cn.com", "cxmemgov.cn", "cnse-samr.com", "zlaq_mohurd.net"],
    "typo": ["cxmen.com", "chinasafty.com", "zlaqmohrud.com", "mem.gvo.cn", "ostaa.org.cn", "cx.mem.gov.cm"],
    "homoglyph": ["cх-mеm.com", "cxrnem.com", "cx-mem-g0v.com", "cx.mem.gоv.cn", "cx.mem.g0v.cn", "cnse-sannr.com"],
    "gov-suffix-in-name": ["mem.gov.cn.com", "gov-cn.top", "cxmem.gov-cn.xyz"],
    "gov-in-name": ["cx-mem-gov.com", "zhengfu-cx.top", "国家证书查询.com"],
    "combosquat": ["memchaxun.com", "tzzy-cx.com", "yjglb-zs.com", "tzzyczz.com", "特种作业证书查询.com",
                   "cx123-mem.com", "www.bzw-tzzy168.com", "tzzy-portal.com", "osta-official.com", "mem-online.cn"],
    "target-pinyin": ["yjglb.com", "aqsc-gd.cn", "chinasafety-cx.com", "sanleirenyuan.com", "jndj-zs.cn",
                      "scjg-cx.com"],                          # pinyin of the targets' Chinese keywords
    "target-chinese": ["特种作业.com", "应急管理查询.net", "特種作業證書查詢.com", "應急管理部.net"],
    "target-name": ["yjglb.vip", "yjglb-gd.net", "应急管理部.com", "yingjiguanlibu2024.top", "yjglb.com.cn"],
    "region-name": ["gd-tzzy.com", "aqsc-gd.cn", "guangdong-yjglj.net", "jstzzy-cx.com"],
    "year-name": ["tzzy2026.com", "dgz-2025.top", "2026-aqsc.cn", "yjglb2024.com"],
    "letters-apart": ["c-x-m-e-m.com", "t-z-z-y.top", "m-e-m-g-o-v.cn", "c-x-m-e-m-2026.com"],
    "tld-swap": ["mem.top", "chinasafety.com", "mohurd.net", "mem.org.cn", "samr88.com", "5188-mem.cn"],
    "lookup-words": ["zhengshuchaxun.com", "cxzs.icu", "zs-cx.top", "zhengshu-chaxun.com"],
    "tld-risk": ["tzzy-cx.top", "memchaxun.xyz"],
    "digits-hyphens": ["cx-mem-gov-2024.com", "tzzy-cx-zs.com"],
}
DOES_NOT_FIRE = {
    "official-as-subdomain": ["cx-mem-gov.com", "memgov.com", "cx.mem.gov.cn"],
    "dots-to-dashes": ["cx.mem.gov.cn.example.top", "cxmen.com", "memory.com"],
    "typo": ["cxmem.top", "memory.com", "baidu.com", "cx-mem-gov.com", "gem.gov.in", "mea.gov.in", "chinasafe.com"],
    "homoglyph": ["cx-mem.com", "learn.com", "163.com"],
    "gov-suffix-in-name": ["cx-mem-gov.com", "govcnews.com", "yjgl.gd.gov.cn"],
    "gov-in-name": ["www.gov.uk", "govinfo.gov", "govdelivery.com", "memchaxun.com", "lk21official.cc"],
    "combosquat": ["tzzy.com", "chaxun.com", "zhengshuchaxun.com", "快递查询.com", "official-online.com"],
    "target-pinyin": ["ruanjian.com", "yingjiesheng.com", "memory.com", "samrat.com"],
    "target-chinese": ["快递查询.com", "北京大学.cn"],
    "target-name": ["chinasafetynet.com", "tzzy-peixun.com", "mem.com", "tzzy-cx.com",
                    "aqsc.cn", "gd-tzzy.net", "特种作业.com"],           # a subject word alone: news, training
    "region-name": ["tzzy.com", "gd-peixun-tzzy.com", "gdtzzypx.cn", "gd-edu.com", "guangdong.com"],
    "year-name": ["tzzy.com", "tzzy168.com", "tzzy2026px.com", "2026.com", "tzzy-1999.cn"],
    "letters-apart": ["a-b-c.com", "cx-mem.com", "c-x.com", "s-e-x-y.com"],
    "tld-swap": ["mem.gov.cn", "memo.com", "cx-mem.com", "memo88.com"],
    "lookup-words": ["chaxun.com", "zhengshu.cn", "zhengshuchaxun88.com", "tzzychaxun.com"],
    "tld-risk": ["example.top", "tzzy-cx.com"],
    "digits-hyphens": ["cxmem.com", "cx-mem.com", "163.com"],
}


def test_every_signal_is_tested_both_ways():
    listed = {check.__name__.replace("_", "-") for check in SIGNALS + AMPLIFIERS}
    assert set(FIRES) == listed == set(DOES_NOT_FIRE)


@pytest.mark.parametrize("code, name", [(code, name) for code, names in FIRES.items() for name in names])
def test_signal_fires(code, name):
    assert code in codes(name)


@pytest.mark.parametrize("code, name", [(code, name) for code, names in DOES_NOT_FIRE.items() for name in names])
def test_signal_does_not_fire(code, name):
    assert code not in codes(name)


def test_signals_are_small_documented_functions():
    for check in SIGNALS + AMPLIFIERS:
        assert check.__doc__, check.__name__
        assert check.__name__ in weights("domain") or check.__name__ == "tld_risk"


# ---------------------------------------------------------------- verdicts and targets

@pytest.mark.parametrize("name, target", [
    ("cx-mem-gov.com", "cx.mem.gov.cn"),
    ("yjglb-zs.com", "cx.mem.gov.cn"),          # the ministry's words with query words: the lookup is faked
    ("mem.gov.cn.ltd", "mem.gov.cn"),
    ("cnse-samr.com", "cnse.samr.gov.cn"),
    ("zlaq-mohurd.com", "zlaq.mohurd.gov.cn"),
    ("osta-zscx.top", "zscx.osta.org.cn"),
    ("特种作业证书查询.com", "cx.mem.gov.cn"),
    ("zscx-gov.com", "cx.mem.gov.cn"),          # a government certificate lookup without a target's word
    ("mem.gvo.cn", "mem.gov.cn"),
    ("ostaa.org.cn", "zscx.osta.org.cn"),
    ("yjglb.com.cn", "mem.gov.cn"),
])
def test_lookalikes_and_their_targets(name, target):
    result = score_domain(name)
    assert result.verdict == "lookalike"
    assert result.target == target


def test_traditional_characters_read_as_simplified():
    result = score_domain("特種作業證書查詢.com")
    assert result.verdict == "lookalike" and result.target == "cx.mem.gov.cn"
    assert "homoglyph" not in codes("特種作業證書查詢.com")          # another script, not a disguise
    assert any("特種作業證書查詢.com" in reason.zh for reason in result.reasons)


def test_a_typo_changes_the_length_by_one_letter_at_most():
    assert "typo" in codes("chinasafty.com") and "typo" in codes("chinasaefty.com")
    assert score_domain("chinasafe.com").verdict == "unrelated"


def test_lookup_words_weigh_more_spelled_out_than_in_initials():
    spelled, initials = score_domain("zhengshu-chaxun.com"), score_domain("cxzs.com")
    assert spelled.verdict == "lookalike" and spelled.target == "cx.mem.gov.cn"
    assert initials.verdict == "unrelated"
    assert spelled.reasons[0].points == weights("domain")["lookup_words_spelled"]
    assert score_domain("quanguozhengshuchaxun.com").verdict == "lookalike"     # 全国 is filler around them
    assert "lookup-words" not in codes("chaxunchina.com")                        # one query word is no lookup name


def test_official_alone_claims_nothing_but_joins_a_target_s_word():
    assert score_domain("official-store.com").verdict == "unrelated"
    assert score_domain("osta-official.com").verdict == "lookalike"


def test_the_ministry_s_word_with_the_lookup_s_word_imitates_the_lookup():
    assert score_domain("mem-tzzy.com").target == "cx.mem.gov.cn"
    assert score_domain("mem-gov.top").target == "mem.gov.cn"


def test_numbered_names():
    assert score_domain("tzzy2026.com").verdict == "lookalike"       # a year: a dated seller's name
    assert score_domain("tzzy-1999.com").verdict == "unrelated"      # not a year sellers register names for
    assert score_domain("samr88.com").verdict == "lookalike"         # an official label, numbered
    assert score_domain("memo88.com").verdict == "unrelated"


def test_government_pretender_without_a_target():
    result = score_domain("gov-cn.top")
    assert result.verdict == "lookalike" and result.target is None


def test_digits_are_letters_only_inside_words():
    assert "homoglyph" in codes("cx-mem-g0v.com")
    assert "homoglyph" not in codes("cx-mem-2010.com")
    assert {"target-pinyin", "combosquat"} <= codes("cx123-mem.com")


@pytest.mark.parametrize("name", ["baidu.com", "memory.com", "chaxun.com", "www.gov.uk", "ruanjian.com",
                                  "chinasafetynet.com", "example.top", "快递查询.com", "mem.com", "osta.ee",
                                  "www.aqsc.cn", "zscx.cltt.org"])
def test_unrelated(name):
    assert score_domain(name).verdict == "unrelated"


def test_tld_swap_weighs_more_under_a_chinese_suffix():
    (other,) = [r for r in score_domain("mem.top").reasons if r.code == "tld-swap"]
    (chinese,) = [r for r in score_domain("mem.org.cn").reasons if r.code == "tld-swap"]
    assert chinese.points == weights("domain")["tld_swap_chinese"] > other.points == weights("domain")["tld_swap"]


@pytest.mark.parametrize("name", ["www.mem.gov.cn.w.cdngslb.com", "www.gov.cn.a.bdydns.com",
                                  "yjt.zj.gov.cn.wsglb0.com", "cx.mem.gov.cn.edgekey.net"])
def test_cdn_aliases_of_official_hosts_are_not_lookalikes(name):
    result = score_domain(name)
    assert (result.verdict, result.score) == ("unrelated", 0)
    assert [reason.code for reason in result.reasons] == ["cdn-alias"]


def test_the_same_shape_on_an_impersonator_s_domain_is_a_lookalike():
    assert score_domain("www.mem.gov.cn.w.cdn-gslb.top").verdict == "lookalike"


@pytest.mark.parametrize("name", ["www.chinasafety.ac.cn", "cx-mem-gov.edu.cn", "tzzy-cx.xyz.ac.cn",
                                  "zs.cqu.edu.cn"])
def test_vetted_chinese_suffixes_are_never_lookalikes(name):
    result = score_domain(name)
    assert result.verdict == "unrelated"
    assert [reason.code for reason in result.reasons] == ["vetted-suffix"]


def test_score_is_the_clipped_sum_of_reason_points_and_points_come_from_weights():
    domain_weights = weights("domain")
    for name in ["cx-mem-gov-cn.com", "memchaxun.xyz", "cxmen.com", "mem.top", "tzzy.com"]:
        result = score_domain(name)
        assert result.score == max(0, min(100, sum(reason.points for reason in result.reasons)))
        for reason in result.reasons:
            expected = domain_weights["tld_risk"] if reason.code == "tld-risk" else None
            points = domain_weights.get(reason.code.replace("-", "_"), expected)
            if reason.code == "tld-risk":
                assert reason.points in domain_weights["tld_risk"].values()
            else:
                assert reason.points == points


def test_threshold_lives_in_weights(monkeypatch):
    assert score_domain("memchaxun.com").verdict == "lookalike"
    monkeypatch.setitem(lexicon().weights, "lookalike_threshold", 101)
    assert score_domain("memchaxun.com").verdict == "unrelated"


def test_reasons_are_strongest_first_and_bilingual():
    result = score_domain("cx-mem-gov-cn.top")
    points = [reason.points for reason in result.reasons]
    assert points == sorted(points, reverse=True)
    for reason in result.reasons:
        assert CJK.search(reason.zh) and reason.en.isascii() is not None and reason.en


# ---------------------------------------------------------------- contract and bad input

def test_to_dict_is_exactly_the_contract():
    as_dict = score_domain("cx-mem-gov.com").to_dict()
    assert list(as_dict) == ["domain", "score", "verdict", "target", "reasons"]
    assert as_dict["domain"] == "cx-mem-gov.com"
    assert all(set(reason) == {"code", "points", "zh", "en"} for reason in as_dict["reasons"])
    json.dumps(as_dict, ensure_ascii=False)


def test_idn_result_names_the_punycode_and_reads_the_unicode():
    result = score_domain("特种作业证书查询.com")
    assert result.domain.startswith("xn--")
    assert any("特种作业证书查询.com" in reason.zh for reason in result.reasons)


@pytest.mark.parametrize("bad, code", [
    ("", "not-a-host-name"),
    ("   ", "not-a-host-name"),
    ("x" * 10_000, "not-a-host-name"),
    ("cx-mem-gov.com" * 1000, "not-a-host-name"),
    ("\ufffd\ufffd.com", "not-a-host-name"),
    ("a b c", "not-a-host-name"),
    ("xn--zz.com", "not-a-host-name"),
    ("1.2.3.4", "ip-literal"),
    ("[2001:db8::1]", "ip-literal"),
    ("http://10.0.0.1:8080/cx.mem.gov.cn", "ip-literal"),
])
def test_bad_input_gives_unrelated_with_a_reason(bad, code):
    result = score_domain(bad)
    assert (result.verdict, result.score, result.target) == ("unrelated", 0, None)
    assert [reason.code for reason in result.reasons] == [code]
    assert len(result.domain) <= domains.ECHO_LIMIT + 1
    json.dumps(result.to_dict(), ensure_ascii=False)
