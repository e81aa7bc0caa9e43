"""The protected sites as data: order, contents, and which target a host officially belongs to."""

import re

import pytest

from detectors.targets import targets, target_for_host, vocabulary

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_cx_mem_gov_cn_comes_first():
    assert targets()[0].key == "cx.mem.gov.cn"
    assert targets()[0].hosts == ("cx.mem.gov.cn",)


def test_every_protected_site_of_the_brief_is_listed():
    hosts = {host for target in targets() for host in target.hosts}
    assert {"cx.mem.gov.cn", "www.mem.gov.cn", "www.chinasafety.gov.cn", "cnse.samr.gov.cn", "cnse.e-cqs.cn",
            "zlaq.mohurd.gov.cn", "zscx.osta.org.cn"} <= hosts


@pytest.mark.parametrize("target", targets(), ids=lambda t: t.key)
def test_each_target_is_complete(target):
    assert CJK.search(target.name) and CJK.search(target.short_name) and CJK.search(target.owner)
    assert target.hosts and all(host == host.lower() for host in target.hosts)
    assert target.keywords and all(CJK.search(word) for word in target.keywords)
    assert target.pinyin and all(word.isascii() and word == word.lower() for word in target.pinyin)
    assert target.reference.endswith(".json")
    if target.query_site:
        assert target.query_site in {t.key for t in targets()}


def test_keys_are_unique():
    keys = [target.key for target in targets()]
    assert len(keys) == len(set(keys))


def test_the_brief_s_pinyin_and_abbreviations_are_known():
    known = {word for target in targets() for word in target.pinyin} | set(vocabulary().query_pinyin)
    assert {"yjglb", "aqsc", "tzzy", "zhengshu", "chaxun", "cx", "zs", "mem", "yjgl"} <= known


@pytest.mark.parametrize("host, key", [
    ("cx.mem.gov.cn", "cx.mem.gov.cn"),
    ("https://CX.MEM.GOV.CN/special?index=0", "cx.mem.gov.cn"),
    ("www.mem.gov.cn", "mem.gov.cn"),
    ("news.mem.gov.cn", "mem.gov.cn"),                  # any host under the ministry's own domain
    ("www.chinasafety.gov.cn", "mem.gov.cn"),
    ("cnse.e-cqs.cn", "cnse.samr.gov.cn"),
    ("zscx.osta.org.cn", "zscx.osta.org.cn"),
    ("www.osta.org.cn", "zscx.osta.org.cn"),
])
def test_target_for_host(host, key):
    assert target_for_host(host).key == key


@pytest.mark.parametrize("host", ["example.com", "cx-mem-gov.com", "cx.mem.gov.cn.example.top", "samr.gov.cn",
                                  "yjgl.gd.gov.cn"])
def test_target_for_host_none(host):
    assert target_for_host(host) is None
