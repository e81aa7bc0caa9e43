"""WHOIS parsing on every real answer in ../shared/real-samples/whois and on hand-written ones.

Expectations come from reading the answers: CNNIC times are Beijing time, gTLD times keep the
zone they were written with, placeholders are no registrant, refusals are found=False.
"""

from __future__ import annotations

import pytest

from crawler.parsers.whois import WhoisParseError, parse_whois

KEYS = ["domain", "registrar", "created", "expires", "status", "name_servers", "registrant", "found"]
GOOGLE_NS = ["ns1.google.com", "ns2.google.com", "ns3.google.com", "ns4.google.com"]
CNNIC_LOCKS = ["serverDeleteProhibited", "serverUpdateProhibited", "serverTransferProhibited"]

EXPECTED = {
    "cn-1.txt": {
        "domain": "google.cn", "registrar": "厦门易名科技股份有限公司",
        "created": "2003-03-17T12:20:05+08:00", "expires": "2023-03-17T12:48:36+08:00",
        "status": ["clientDeleteProhibited", "serverDeleteProhibited", "serverUpdateProhibited",
                   "clientTransferProhibited", "serverTransferProhibited"],
        "name_servers": ["ns2.google.com", "ns1.google.com", "ns3.google.com", "ns4.google.com"],
        "registrant": "北京谷翔信息技术有限公司", "found": True},
    "cn-2.txt": {
        "domain": "apple.cn", "registrar": "Corporation Service Company",
        "created": "2003-03-17T12:20:05+08:00", "expires": "2020-03-17T12:48:36+08:00",
        "status": ["serverDeleteProhibited", "serverUpdateProhibited", "clientTransferProhibited",
                   "serverTransferProhibited"],
        "name_servers": ["a.ns.apple.com", "b.ns.apple.com", "c.ns.apple.com", "d.ns.apple.com"],
        "registrant": "Apple Inc.", "found": True},
    "cn-4.txt": {
        "domain": "cnnic.com.cn", "registrar": "北京新网数码信息技术有限公司",
        "created": "2000-09-14T00:00:00+08:00", "expires": "2023-08-16T16:26:39+08:00",
        "status": CNNIC_LOCKS,
        "name_servers": ["a.cnnic.cn", "b.cnnic.cn", "c.cnnic.cn", "d.cnnic.cn", "e.cnnic.cn"],
        "registrant": "中国互联网络信息中心", "found": True},
    "com-1.txt": {
        "domain": "google.com", "registrar": "MARKMONITOR INC.",
        "created": "1997-09-15", "expires": "2011-09-14",
        "status": ["clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited"],
        "name_servers": GOOGLE_NS, "registrant": "Google Inc.", "found": True},
    "com-3.txt": {
        "domain": "google.com", "registrar": "MarkMonitor, Inc.",
        "created": "1997-09-15T00:00:00-07:00", "expires": "2028-09-13T00:00:00-07:00",
        "status": ["clientUpdateProhibited", "clientTransferProhibited", "clientDeleteProhibited",
                   "serverUpdateProhibited", "serverTransferProhibited", "serverDeleteProhibited"],
        "name_servers": ["ns2.google.com", "ns3.google.com", "ns4.google.com", "ns1.google.com"],
        "registrant": "Google LLC", "found": True},
    "xyz-1.txt": {
        "domain": "google.xyz", "registrar": "MarkMonitor, Inc (TLDs)",
        "created": "2014-05-20T12:04:51Z", "expires": "2022-11-26T23:59:59Z",
        "status": ["clientTransferProhibited", "clientUpdateProhibited", "clientDeleteProhibited"],
        "name_servers": GOOGLE_NS, "registrant": "Google LLC", "found": True},
}


@pytest.fixture(scope="module")
def whois_dir(real_samples):
    return real_samples / "whois"


def read(whois_dir, name):
    return (whois_dir / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_full_records(whois_dir, name):
    assert parse_whois(read(whois_dir, name)) == EXPECTED[name]


def test_every_sample_parses_to_the_contract(whois_dir):
    names = sorted(p.name for p in whois_dir.glob("*.txt"))
    assert len(names) == 14
    for name in names:
        record = parse_whois(read(whois_dir, name))
        assert list(record) == KEYS, name
        assert isinstance(record["status"], list) and isinstance(record["name_servers"], list)


def test_cn_3_snapshot_of_google_cn(whois_dir):
    record = parse_whois(read(whois_dir, "cn-3.txt"), domain="google.cn")
    assert record["expires"] == "2021-03-17T12:48:36+08:00"
    assert record["registrant"] == "北京谷翔信息技术有限公司"


def test_com_2_registry_and_registrar_records_merge(whois_dir):
    record = parse_whois(read(whois_dir, "com-2.txt"), domain="ROCKCREEKCC.COM")
    assert record["domain"] == "rockcreekcc.com"
    assert record["created"] == "2002-07-12T15:48:26Z"          # the registry's, written with Z
    assert record["expires"] == "2022-07-12T15:48:26Z"
    assert record["status"] == ["clientTransferProhibited", "clientUpdateProhibited"]
    assert record["name_servers"] == ["ns1.sterlink.net", "ns2.sterlink.net"]
    assert record["registrar"] in ("Tucows Domains Inc.", "TUCOWS, INC.")
    assert record["registrant"] is None                         # REDACTED FOR PRIVACY


def test_top_answers(whois_dir):
    business = parse_whois(read(whois_dir, "top-1.txt"))
    assert (business["domain"], business["registrar"]) == ("business.top", "Dynadot LLC")
    assert business["created"] == "2017-03-28T07:04:16Z"
    assert business["name_servers"] == ["ns1.sedoparking.com", "ns2.sedoparking.com"]
    assert business["registrant"] is None and business["status"] == ["clientTransferProhibited"]
    google = parse_whois(read(whois_dir, "top-2.txt"))
    assert google["created"] == "2015-04-09T07:34:13-07:00"
    assert google["expires"] == "2020-04-09T00:00:00-07:00"
    assert google["registrant"] == "Google LLC"


def test_xyz_through_a_chinese_registrar(whois_dir):
    record = parse_whois(read(whois_dir, "xyz-2.txt"))
    assert record["domain"] == "git.xyz"
    assert record["registrar"] == "Chengdu west dimension digital technology Co., LTD"
    assert record["expires"] == "2020-01-19T23:59:59Z"
    assert record["status"] == ["ok"]
    assert record["registrant"] is None


def test_thin_com_ignores_the_lookalike_server_records(whois_dir):
    text = read(whois_dir, "com-1.txt")
    assert "GOOGLE.COM.ZZZZZ.GET.LAID" in text
    record = parse_whois(text, domain="google.com")
    assert record["registrar"] == "MARKMONITOR INC."
    assert record["name_servers"] == GOOGLE_NS


@pytest.mark.parametrize("name, reason", [("cn-notfound-1.txt", "not found"), ("cn-prohibited-1.txt", "prohibited"),
                                          ("cn-reserved-1.txt", "reserved")])
def test_cnnic_refusals(whois_dir, name, reason):
    record = parse_whois(read(whois_dir, name), domain="Example.CN")
    assert record == {"domain": "example.cn", "registrar": None, "created": None, "expires": None,
                      "status": [reason], "name_servers": [], "registrant": None, "found": False}


# --- hand-written answers --------------------------------------------------------------

HELD_CN = """Domain Name: cx-mem-gov.cn
ROID: 20260301s10001s12345678-cn
Domain Status: serverHold
Domain Status: clientTransferProhibited
Registrant: 张三
Registrant Contact Email: zs@example.com
Sponsoring Registrar: 阿里云计算有限公司（万网）
Name Server: DNS1.HICHINA.COM.
Name Server: dns2.hichina.com
Registration Time: 2026-03-01 10:00:00
Expiration Time: 2027-03-01 10:00:00
DNSSEC: unsigned
"""


def test_server_hold_and_beijing_time():
    record = parse_whois(HELD_CN)
    assert record["status"] == ["serverHold", "clientTransferProhibited"]
    assert record["created"] == "2026-03-01T10:00:00+08:00"
    assert record["name_servers"] == ["dns1.hichina.com", "dns2.hichina.com"]
    assert record["registrant"] == "张三" and record["found"] is True


def test_chinese_idn_is_cnnic_time():
    text = HELD_CN.replace("cx-mem-gov.cn", "xn--fiq228c5hs.xn--fiqs8s")
    record = parse_whois(text, domain="xn--fiq228c5hs.xn--fiqs8s")
    assert record["domain"] == "xn--fiq228c5hs.xn--fiqs8s"
    assert record["expires"] == "2027-03-01T10:00:00+08:00"


def test_registrar_time_without_zone_is_utc_and_fractions_kept():
    record = parse_whois("Domain Name: memgov.top\nRegistrar: West263\nCreation Date: 2026-03-01T02:00:00\n"
                         "Registry Expiry Date: 2027-03-01T02:00:00.250Z\nName Server: ns1.example.net\n")
    assert record["created"] == "2026-03-01T02:00:00Z"
    assert record["expires"] == "2027-03-01T02:00:00.250000Z"


def test_verisign_not_found():
    record = parse_whois('No match for "CX-MEM-GOV.COM".\r\n>>> Last update of whois database: 2026-03-01T00:00:00Z <<<\r\n',
                         domain="cx-mem-gov.com")
    assert record["found"] is False and record["status"] == ["not found"] and record["domain"] == "cx-mem-gov.com"


@pytest.mark.parametrize("text", ["", "   \n", "Queried interval is too short.\n", "<html><body>502</body></html>"])
def test_answers_that_are_no_record_raise(text):
    with pytest.raises(WhoisParseError):
        parse_whois(text)


def test_registry_record_with_a_failed_registrar_referral_is_found():
    text = ("   Domain Name: MEMGOV-CX.COM\n   Registrar: Alibaba Cloud Computing (Beijing) Co., Ltd.\n"
            "   Creation Date: 2026-02-11T03:04:05Z\n   Registry Expiry Date: 2027-02-11T03:04:05Z\n"
            "   Domain Status: clientHold https://icann.org/epp#clientHold\n   Name Server: NS1.ALIDNS.COM\n"
            'No match for "MEMGOV-CX.COM".\n')
    record = parse_whois(text, domain="memgov-cx.com")
    assert record["found"] is True and record["status"] == ["clientHold"]
    assert record["registrar"] == "Alibaba Cloud Computing (Beijing) Co., Ltd."


def test_python_whois_not_found_markers_of_other_registries():
    record = parse_whois("Domain: fake-mem.de\nStatus: free\n", domain="fake-mem.de")
    assert record["found"] is False and record["status"] == ["not found"]
    with pytest.raises(WhoisParseError, match="no WHOIS server"):
        parse_whois("This TLD has no whois server, but you can access the whois database at\nhttp://x/\n",
                    domain="a.example")
