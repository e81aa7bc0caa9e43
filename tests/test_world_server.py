"""The world server on a small world written here: every kind of HTTP(S) answer, DNS, WHOIS and crt.sh."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from fixtures.server import WorldError, start_world

UP_TOML = """
ip = ["203.0.113.10", "203.0.113.11"]
ipv6 = "2001:db8::10"
ns = ["ns1.dnspod.net", "ns2.dnspod.net"]
mx = ["10 mx.example.com", "20 mx2.example.com"]
[headers]
Server = "nginx/1.18.0"
[tls]
issuer = "R3"
not_before = 2026-01-01
not_after = 2027-06-01
san = ["up.example.com", "www.up.example.com"]

[[routes]]
path = "/old"
location = "https://up.example.com/new"

[[routes]]
path = "/cms/certQuery.do"
query = { method = "getCertQueryIndex" }
body = "<html>查询首页</html>"

[[routes]]
path = "/query"
file = "result.html"
template = true

[[routes]]
path = "/api/netQuery"
body = '{"code":200,"data":[]}'
content_type = "application/json"

[[routes]]
path = "/big.html"
generate = "large"
size = 300000

[[routes]]
path = "/photo.html"
generate = "binary"
size = 5000
content_type = "text/html"

[[routes]]
path = "/cal"
generate = "calendar"

[[routes]]
path = "/again"
generate = "refresh-loop"

[[routes]]
path_prefix = "/admin/"
status = 403
body = "forbidden"
"""

CT = [
    {"issuer_ca_id": 183267, "issuer_name": "C=US, O=Let's Encrypt, CN=R3", "common_name": "cx-mem-gov.com",
     "name_value": "cx-mem-gov.com\nwww.cx-mem-gov.com", "id": 9001, "entry_timestamp": "2026-10-01T08:00:00.123",
     "not_before": "2026-10-01T07:00:00", "not_after": "2026-12-30T07:00:00", "serial_number": "04ab"},
    {"issuer_ca_id": 183267, "issuer_name": "C=US, O=Let's Encrypt, CN=R3", "common_name": "memory-shop.com",
     "name_value": "MEMORY-SHOP.COM", "id": 9002, "entry_timestamp": "2026-09-01T08:00:00.123",
     "not_before": "2026-09-01T07:00:00", "not_after": "2026-11-30T07:00:00", "serial_number": "04ac"},
    {"issuer_ca_id": 1, "issuer_name": "C=CN, O=TrustAsia, CN=TrustAsia DV", "common_name": "shop.example.org",
     "name_value": "shop.example.org", "id": 9003, "entry_timestamp": "2026-08-01T08:00:00.123",
     "not_before": "2026-08-01T07:00:00", "not_after": "2027-08-01T07:00:00", "serial_number": "04ad"},
]

WHOIS_CN = "Domain Name: example.cn\nRegistration Time: 2026-03-01 10:00:00\nDomain Status: serverHold\n"


def _write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _host(root, name, toml, files=None):
    _write(root / "hosts" / name / "host.toml", toml)
    for relative, content in (files or {}).items():
        _write(root / "hosts" / name / "www" / relative, content)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    _host(root, "up.example.com", UP_TOML, {
        "index.html": "<html><head><title>首页</title></head><body>特种作业操作证查询</body></html>",
        "sub/index.html": "<html>sub</html>",
        "result.html": "<html><style>td{color:red}</style><td>{name}</td><td>T{idcard}</td><td>{missing}</td></html>",
        "js/app.js": "var a={b:1};",
    })
    _host(root, "gbk.example.cn", 'ip = "198.51.100.7"\ncharset = "gbk"\n'
          '[[routes]]\npath = "/result"\nfile = "result.html"\ntemplate = true\n',
          {"index.html": "<html><body>电工证查询</body></html>".encode("gbk"),
           "result.html": "<p>姓名：{name}</p><p>查询成功</p>".encode("gbk")})
    _host(root, "slow.example.com", 'ip = "203.0.113.20"\ndelay = 1.5\n', {"index.html": "slow"})
    _host(root, "drip.example.com", 'ip = "203.0.113.21"\ndrip = 2000\n', {"index.html": "x" * 1000})
    _host(root, "dead.example.com", 'ip = "203.0.113.30"\nstate = "dead"\n')
    _host(root, "gone.example.cn", 'state = "nxdomain"\n')
    _host(root, "held.example.cn", 'ip = "198.51.100.9"\nstate = "blocked"\n')
    _host(root, "plain.example.com", 'ip = "203.0.113.40"\nschemes = ["http"]\n', {"index.html": "plain"})
    _host(root, "alias.example.com", 'cname = "up.example.com"\n')
    _write(root / "whois" / "example.cn.txt", WHOIS_CN)
    _write(root / "ct" / "certs.json", json.dumps(CT))
    with start_world(root) as running:
        yield running


def _opener(world, context=None):
    proxy = urllib.request.ProxyHandler({"http": world.network.proxy, "https": world.network.proxy})
    handlers = [proxy, _NoRedirect()]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    return urllib.request.build_opener(*handlers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(world, url, data=None, context=None):
    """(status, headers, body) of `url` through the proxy; redirects are not followed."""
    request = urllib.request.Request(url, data=data)
    try:
        with _opener(world, context).open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _trusting(world) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=world.network.ca_cert)


# ---------------------------------------------------------------- plain HTTP answers

def test_serves_index_with_charset_and_host_headers(world):
    status, headers, body = _get(world, "http://up.example.com/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Server"] == "nginx/1.18.0"
    assert "特种作业操作证查询" in body.decode("utf-8")


def test_file_types_directories_and_404(world):
    status, headers, body = _get(world, "http://up.example.com/js/app.js")
    assert (status, headers["Content-Type"]) == (200, "application/javascript; charset=utf-8")
    assert _get(world, "http://up.example.com/sub/")[2] == b"<html>sub</html>"
    status, headers, _ = _get(world, "http://up.example.com/sub")
    assert (status, headers["Location"]) == (301, "/sub/")
    status, _, body = _get(world, "http://up.example.com/nothing.html")
    assert status == 404 and b"404 Not Found" in body
    assert _get(world, "http://up.example.com/../../etc/passwd")[0] == 404


def test_redirect_query_prefix_and_inline_routes(world):
    status, headers, _ = _get(world, "http://up.example.com/old")
    assert (status, headers["Location"]) == (302, "https://up.example.com/new")
    status, _, body = _get(world, "http://up.example.com/cms/certQuery.do?method=getCertQueryIndex&ref=ch")
    assert status == 200 and "查询首页" in body.decode("utf-8")
    assert _get(world, "http://up.example.com/cms/certQuery.do?method=other")[0] == 404
    assert _get(world, "http://up.example.com/admin/users")[:3:2] == (403, b"forbidden")
    status, headers, body = _get(world, "http://up.example.com/api/netQuery?name=x")
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(body) == {"code": 200, "data": []}


def test_template_inserts_query_and_form_values_raw(world):
    _, _, body = _get(world, "http://up.example.com/query?name=%3Cscript%3Ealert(1)%3C/script%3E&idcard=440101")
    text = body.decode("utf-8")
    assert "<td><script>alert(1)</script></td><td>T440101</td><td></td>" in text
    assert "td{color:red}" in text          # CSS braces are not placeholders
    form = "name=%E5%BC%A0%E4%B8%89&idcard=1101".encode()
    _, _, body = _get(world, "http://up.example.com/query", data=form)
    assert "<td>张三</td><td>T1101</td>" in body.decode("utf-8")


def test_generated_large_binary_calendar_and_refresh_loop(world):
    status, headers, body = _get(world, "http://up.example.com/big.html")
    assert status == 200 and len(body) == 300000 and body.startswith(b"<!DOCTYPE html>")
    _, headers, body = _get(world, "http://up.example.com/photo.html")
    assert headers["Content-Type"] == "text/html; charset=utf-8" and len(body) == 5000
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    url = "http://up.example.com/cal"
    seen = []
    for _ in range(3):
        page = _get(world, url)[2].decode("utf-8")
        seen.append(page[page.index("<title>"):page.index("</title>")])
        url = "http://up.example.com" + page.split('href="')[2].split('"')[0]
    assert seen == ["<title>活动日历 2026年11月", "<title>活动日历 2026年12月", "<title>活动日历 2027年01月"]
    page = _get(world, "http://up.example.com/again?n=1")[2].decode("utf-8")
    assert 'http-equiv="refresh" content="0;url=/again?n=1"' in page


def test_charset_names_the_files_encoding(world):
    _, headers, body = _get(world, "http://gbk.example.cn/")
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert "电工证查询" in body.decode("gbk")


def test_template_keeps_the_files_charset_and_escapes_what_it_cannot_hold(world):
    _, headers, body = _get(world, "http://gbk.example.cn/result?name=%E5%BC%A0%E4%B8%89%F0%9F%98%80")
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert body.decode("gbk") == "<p>姓名：张三&#128512;</p><p>查询成功</p>"


def test_paths_with_nul_bytes_are_not_found(world):
    assert _get(world, "http://up.example.com/index.html%00.js")[0] == 404


def test_origin_form_request_with_host_header_and_keep_alive(world):
    _, port = world.network.proxy.rsplit(":", 1)
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    for path in ("/", "/sub/"):
        connection.request("GET", path, headers={"Host": "up.example.com"})
        response = connection.getresponse()
        assert response.status == 200 and response.read()
    connection.request("HEAD", "/", headers={"Host": "up.example.com"})
    response = connection.getresponse()
    assert response.status == 200 and int(response.headers["Content-Length"]) > 0 and response.read() == b""
    connection.close()


@pytest.mark.parametrize("url", ["http://dead.example.com/", "http://gone.example.cn/", "http://held.example.cn/",
                                 "http://nowhere.example.net/", "https://dead.example.com/",
                                 "https://plain.example.com/", "https://nowhere.example.net/"])
def test_unreachable_hosts_close_without_an_answer(world, url):
    with pytest.raises((urllib.error.URLError, http.client.RemoteDisconnected, ConnectionError, OSError)) as caught:
        _get(world, url, context=_trusting(world))
    assert not isinstance(caught.value, urllib.error.HTTPError)


def test_schemes_limit_what_answers(world):
    assert _get(world, "http://plain.example.com/")[2] == b"plain"


def test_cname_alias_without_files_shows_its_target(world):
    assert _get(world, "http://alias.example.com/sub/")[2] == b"<html>sub</html>"


# ---------------------------------------------------------------- slow hosts

def test_delay_holds_the_answer_and_others_keep_being_served(world):
    finished = {}

    def slow():
        finished["slow"] = _get(world, "http://slow.example.com/")
    thread = threading.Thread(target=slow)
    started = time.monotonic()
    thread.start()
    time.sleep(0.1)
    assert _get(world, "http://up.example.com/")[0] == 200
    assert thread.is_alive(), "the fast host answered only after the slow one"
    thread.join(10)
    assert finished["slow"][2] == b"slow"
    assert time.monotonic() - started >= 1.4


def test_drip_sends_the_body_slowly_but_completely(world):
    started = time.monotonic()
    status, headers, body = _get(world, "http://drip.example.com/")
    assert status == 200 and body == b"x" * 1000 and headers["Content-Length"] == "1000"
    assert time.monotonic() - started >= 0.4


# ---------------------------------------------------------------- HTTPS through CONNECT

def _peer_certificate(world, host):
    _, port = world.network.proxy.rsplit(":", 1)
    connection = http.client.HTTPSConnection("127.0.0.1", int(port), context=_trusting(world), timeout=10)
    connection.set_tunnel(host, 443)
    connection.request("GET", "/")
    response = connection.getresponse()
    der = connection.sock.getpeercert(binary_form=True)
    body = response.read()
    connection.close()
    return response.status, x509.load_der_x509_certificate(der), body


def test_https_certificate_follows_host_toml_and_verifies_against_the_world_ca(world):
    status, cert, body = _peer_certificate(world, "up.example.com")
    assert status == 200 and "特种作业操作证查询" in body.decode("utf-8")
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "up.example.com"
    assert cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "R3"
    assert cert.not_valid_before_utc.date().isoformat() == "2026-01-01"
    assert cert.not_valid_after_utc.date().isoformat() == "2027-06-01"
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["up.example.com", "www.up.example.com"]


def test_https_default_certificate_and_builtin_hosts(world):
    _, cert, _ = _peer_certificate(world, "gbk.example.cn")
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["gbk.example.cn"]
    status, cert, body = _peer_certificate(world, "crt.sh")
    assert status == 200 and b"crt.sh" in body
    assert _get(world, "https://up.example.com/old", context=_trusting(world))[0] == 302


# ---------------------------------------------------------------- crt.sh

def test_crtsh_json_filters_with_wildcards_case_insensitively(world):
    def ids(query):
        status, headers, body = _get(world, f"https://crt.sh/?q={query}&output=json", context=_trusting(world))
        assert status == 200 and headers["Content-Type"] == "application/json"
        return [e["id"] for e in json.loads(body)]
    assert ids("%25mem%25") == [9001, 9002]
    assert ids("www.CX-MEM-gov.com") == [9001]
    assert ids("%25.example.org") == [9003]
    assert ids("nothing.example") == []
    entry = json.loads(_get(world, "http://crt.sh/?q=cx-mem-gov.com&output=json")[2])[0]
    assert entry == CT[0]


def test_crtsh_html_pages(world):
    page = _get(world, "http://crt.sh/?q=%25mem%25")[2].decode("utf-8")
    assert page.count("<tr>") == 3 and "cx-mem-gov.com<br>www.cx-mem-gov.com" in page
    assert "Certificates: None" in _get(world, "http://crt.sh/?q=zzz")[2].decode("utf-8")
    assert 'name="q"' in _get(world, "http://crt.sh/")[2].decode("utf-8")


# ---------------------------------------------------------------- WHOIS

def _whois(world, line: bytes) -> str:
    with socket.create_connection(world.network.whois, timeout=10) as sock:
        sock.sendall(line)
        chunks = []
        while chunk := sock.recv(4096):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.parametrize("line", [b"example.cn\r\n", b"EXAMPLE.CN\n", b"=example.cn\r\n", b"domain example.cn.\r\n"])
def test_whois_serves_the_world_file(world, line):
    assert _whois(world, line) == WHOIS_CN


def test_whois_not_found_texts_follow_the_registry(world):
    assert _whois(world, b"missing.com.cn\r\n") == "No matching record.\r\n"
    assert _whois(world, b"missing.top\r\n") == 'No match for "MISSING.TOP".\r\n'


# ---------------------------------------------------------------- DNS

def _dns(world, name, rdtype, tcp=False):
    query = dns.message.make_query(name, rdtype)
    host, port = world.network.dns
    send = dns.query.tcp if tcp else dns.query.udp
    return send(query, host, port=port, timeout=5)


def _values(answer, rdtype):
    return sorted(item.to_text() for rrset in answer.answer if rrset.rdtype == rdtype for item in rrset)


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_dns_records(world, tcp):
    answer = _dns(world, "up.example.com", "A", tcp)
    assert _values(answer, dns.rdatatype.A) == ["203.0.113.10", "203.0.113.11"]
    assert _values(_dns(world, "up.example.com", "AAAA", tcp), dns.rdatatype.AAAA) == ["2001:db8::10"]
    answer = _dns(world, "alias.example.com", "A", tcp)
    assert _values(answer, dns.rdatatype.CNAME) == ["up.example.com."]
    assert _values(answer, dns.rdatatype.A) == ["203.0.113.10", "203.0.113.11"]
    assert _values(_dns(world, "example.com", "NS", tcp), dns.rdatatype.NS) == ["ns1.dnspod.net.", "ns2.dnspod.net."]
    assert _values(_dns(world, "example.com", "MX", tcp), dns.rdatatype.MX) == ["10 mx.example.com.",
                                                                                "20 mx2.example.com."]
    assert _values(_dns(world, "www.baidu.com", "A", tcp), dns.rdatatype.A) == ["198.18.0.10"]
    assert _values(_dns(world, "dead.example.com", "A", tcp), dns.rdatatype.A) == ["203.0.113.30"]


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
@pytest.mark.parametrize("name", ["gone.example.cn", "held.example.cn", "nowhere.example.net", "missing.top"])
def test_dns_nxdomain_carries_an_soa(world, name, tcp):
    answer = _dns(world, name, "A", tcp)
    assert answer.rcode() == dns.rcode.NXDOMAIN
    assert not answer.answer
    assert answer.authority and answer.authority[0].rdtype == dns.rdatatype.SOA


@pytest.mark.parametrize("name, rdtype", [("gbk.example.cn", "AAAA"), ("example.cn", "A"), ("up.example.com", "TXT")])
def test_dns_name_without_that_record_type_is_nodata(world, name, rdtype):
    answer = _dns(world, name, rdtype)
    assert answer.rcode() == dns.rcode.NOERROR and not answer.answer
    assert answer.authority[0].rdtype == dns.rdatatype.SOA


# ---------------------------------------------------------------- lifecycle

def test_stop_releases_every_port(tmp_path):
    _host(tmp_path, "a.example.com", 'ip = "192.0.2.1"\n', {"index.html": "a"})
    running = start_world(tmp_path)
    proxy_port = int(running.network.proxy.rsplit(":", 1)[1])
    running.stop()
    running.stop()
    for port in (proxy_port, running.ports["whois"], running.ports["dns"]):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_taken_port_is_a_one_line_error(tmp_path):
    _host(tmp_path, "a.example.com", 'ip = "192.0.2.1"\n', {"index.html": "a"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(WorldError, match="cannot listen on 127.0.0.1"):
            start_world(tmp_path, ports={"proxy": taken.getsockname()[1]})


def test_template_reads_form_values_in_the_pages_own_charset(tmp_path):
    """A browser on a GBK page submits GBK bytes; the world echoes them as the page's characters."""
    import urllib.parse
    import urllib.request

    from fixtures.server import start_world

    host = tmp_path / "hosts" / "gbk.example"
    (host / "www").mkdir(parents=True)
    (host / "host.toml").write_text('ip = "203.0.113.9"\ncharset = "gbk"\n[[routes]]\npath = "/q"\n'
                                    'file = "r.html"\ntemplate = true\n', encoding="utf-8")
    (host / "www" / "r.html").write_bytes("<p>姓名：{name}</p>".encode("gbk"))
    with start_world(tmp_path) as running:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": running.network.proxy}))
        for encoding in ("gbk", "utf-8"):
            query = urllib.parse.urlencode({"name": "张三"}, encoding=encoding)
            body = opener.open(f"http://gbk.example/q?{query}", timeout=10).read()
            assert body.decode("gbk") == "<p>姓名：张三</p>"
