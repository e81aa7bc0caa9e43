"""The WHOIS client against small WHOIS servers on loopback: pinned server, IDN, errors, timeouts."""

from __future__ import annotations

import re
import socket
import socketserver
import threading

import pytest

from crawler.parsers.whois import parse_whois
from crawler.whois import PinnedWhoisClient, WhoisLookupError, fetch_whois
from fakegov.network import Network

ISO_WITH_ZONE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")

ANSWERS = {
    "cx-mem-gov.cn": "Domain Name: cx-mem-gov.cn\r\nDomain Status: ok\r\nSponsoring Registrar: 测试注册商\r\n"
                     "Name Server: ns1.example.cn\r\nRegistration Time: 2026-03-01 10:00:00\r\n",
}


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        query = self.rfile.readline().decode("utf-8").strip()
        self.server.queries.append(query)
        if query == "silent.cn":
            return                                   # closes without a word
        self.wfile.write(ANSWERS.get(query, "No matching record.\r\n").encode("utf-8"))


@pytest.fixture
def whois_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.queries = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_pinned_server_answers_and_parses(whois_server):
    raw = fetch_whois("CX-MEM-GOV.CN.", Network(whois=whois_server.server_address))
    assert whois_server.queries == ["cx-mem-gov.cn"]
    record = parse_whois(raw, domain="cx-mem-gov.cn")
    assert record["registrar"] == "测试注册商" and record["created"] == "2026-03-01T10:00:00+08:00"


def test_unicode_names_are_asked_in_punycode(whois_server):
    raw = fetch_whois("应急管理.中国", Network(whois=whois_server.server_address))
    assert whois_server.queries == ["xn--extu8ah31brfh.xn--fiqs8s"]
    assert parse_whois(raw)["found"] is False


def test_pinned_client_never_looks_elsewhere(whois_server):
    # .top is not in python-whois's table: unpinned, it would ask whois.iana.org first.
    client = PinnedWhoisClient(whois_server.server_address)
    assert client.choose_server("memgov.top") == "127.0.0.1"
    fetch_whois("memgov.top", Network(whois=whois_server.server_address))
    assert whois_server.queries == ["memgov.top"]


def test_empty_answer_is_an_error(whois_server):
    with pytest.raises(WhoisLookupError, match="empty answer"):
        fetch_whois("silent.cn", Network(whois=whois_server.server_address))


def test_refused_connection_is_an_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = probe.getsockname()
    with pytest.raises(WhoisLookupError, match="silent.cn"):
        fetch_whois("silent.cn", Network(whois=address), timeout=2)


def test_a_server_that_never_answers_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with pytest.raises(WhoisLookupError, match="timed out"):
            fetch_whois("slow.cn", Network(whois=listener.getsockname()), timeout=0.3)


@pytest.mark.parametrize("name", ["", "  ", "a..b.cn"])
def test_bad_names_are_refused_before_any_query(name):
    with pytest.raises(WhoisLookupError):
        fetch_whois(name, Network(whois=("127.0.0.1", 9)))


def test_every_answer_of_the_bundled_world(world):
    """Each whois/<domain>.txt of the bundled world comes back verbatim and parses as that domain."""
    if not world.world.whois:
        pytest.skip("the bundled world has no whois/ answers yet")
    for domain, answer in world.world.whois.items():
        raw = fetch_whois(domain, world.network)
        assert raw == answer.decode("utf-8"), domain
        record = parse_whois(raw, domain=domain)
        assert record["domain"] == domain and record["found"] is True, domain
        assert ISO_WITH_ZONE.fullmatch(record["created"]), (domain, record["created"])
        if domain.endswith(".cn"):
            assert record["created"].endswith("+08:00"), domain


def test_blocked_hosts_show_server_hold(world):
    held = [name for name, host in world.world.hosts.items() if host.state == "blocked"]
    if not held:
        pytest.skip("the bundled world has no blocked hosts yet")
    for name in held:
        record = parse_whois(fetch_whois(name, world.network), domain=name)
        assert "serverHold" in record["status"], name


def test_world_without_an_answer_says_not_found(world):
    for name in ("no-such-fake-xqzv.cn", "no-such-fake-xqzv.com"):
        record = parse_whois(fetch_whois(name, world.network), domain=name)
        assert record["found"] is False and record["status"] == ["not found"]
