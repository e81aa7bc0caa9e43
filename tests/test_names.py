"""Host-name parsing: normalising, the one-site key, the government check, and no download ever."""

import subprocess
import sys

import pytest

from detectors.names import Host, HostNameError, is_gov_cn, is_ip_literal, normalize_host, site_key


@pytest.mark.parametrize("given, expected", [
    ("cx.mem.gov.cn", "cx.mem.gov.cn"),
    ("CX.MEM.GOV.CN.", "cx.mem.gov.cn"),
    ("  www.Example.com \n", "www.example.com"),
    ("https://user:pw@cx.mem.gov.cn:8443/special?index=0#top", "cx.mem.gov.cn"),
    ("http://example.com:80", "example.com"),
    ("example.com/path/only", "example.com"),
    ("ｃｘ．ｍｅｍ。gov.cn", "cx.mem.gov.cn"),          # fullwidth letters and ideographic dots, as browsers map them
    ("a_b.example.com", "a_b.example.com"),
])
def test_normalize_host_strips_and_lowercases(given, expected):
    assert normalize_host(given).ascii == expected


def test_idn_gives_both_forms_either_way():
    from_unicode = normalize_host("应急管理部.政务")
    from_punycode = normalize_host(from_unicode.ascii)
    assert from_unicode == from_punycode
    assert from_unicode.ascii.startswith("xn--") and from_unicode.ascii.endswith(".xn--zfr164b")
    assert from_unicode.unicode == "应急管理部.政务"


def test_ascii_host_has_same_forms():
    assert normalize_host("example.com") == Host("example.com", "example.com")


@pytest.mark.parametrize("given, expected", [
    ("1.2.3.4", "1.2.3.4"), ("http://1.2.3.4:8080/x", "1.2.3.4"),
    ("[2001:db8::1]:443", "2001:db8::1"), ("::1", "::1"),
])
def test_ip_literals_are_kept(given, expected):
    host = normalize_host(given)
    assert host.ascii == expected and is_ip_literal(host.ascii)


@pytest.mark.parametrize("bad", [
    "", "   ", "x" * 10_000, "a..b.com", "a b.com", "-abc.com", "ab\ufffd.com", "xn--zz.com",
    ("a" * 64) + ".com", None, b"example.com",
])
def test_garbage_raises_one_line_value_error(bad):
    with pytest.raises(ValueError) as caught:
        normalize_host(bad)
    assert isinstance(caught.value, HostNameError)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("not a host name")
    assert caught.value.zh.startswith("不是有效的域名")


@pytest.mark.parametrize("host, site", [
    ("www.example.com", "example.com"),
    ("a.b.example.co.uk", "example.co.uk"),
    ("cx.mem.gov.cn", "mem.gov.cn"),
    ("cx.mem.gov.cn.example.top", "example.top"),
    ("foo.github.io", "foo.github.io"),                 # shared hosting: the customer's host is the site
    ("www.foo.github.io", "foo.github.io"),
    ("memgov.cn.com", "memgov.cn.com"),                  # cn.com is a private suffix too
    ("https://WWW.Example.com/x", "example.com"),
    ("1.2.3.4", "1.2.3.4"),
    ("www.fake-site.test", "fake-site.test"),           # unknown suffix: the last two labels
    ("localhost", "localhost"),
])
def test_site_key(host, site):
    assert site_key(host) == site


def test_site_key_on_garbage_raises():
    with pytest.raises(ValueError):
        site_key("not a host")


@pytest.mark.parametrize("host", ["cx.mem.gov.cn", "yjgl.gd.gov.cn", "gov.cn", "WWW.GOV.CN.",
                                  "应急管理部.政务", "某某学校.公益", "https://yjj.jiangmen.gov.cn/x"])
def test_is_gov_cn_true(host):
    assert is_gov_cn(host)


@pytest.mark.parametrize("host", ["cx-mem-gov.cn", "law-gov.cn", "mem.gov.cn.com", "cx.mem.gov.cn.example.top",
                                  "gov.uk", "example.com", "xgov.cn"])
def test_is_gov_cn_false(host):
    assert not is_gov_cn(host)


def test_suffix_list_is_never_downloaded():
    """With every socket refused, importing and using the parser still works (the bundled snapshot)."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from detectors.names import site_key\n"
        "assert site_key('a.b.example.com.cn') == 'example.com.cn'\n"
        "assert site_key('x.foo.blogspot.com') == 'foo.blogspot.com'\n"
        "print('offline ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "offline ok" in done.stdout
