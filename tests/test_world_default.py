"""The bundled world (fixtures/world) loads, and every host in it answers over HTTP and DNS as its state says."""

from __future__ import annotations

import http.client
import socket
from concurrent.futures import ThreadPoolExecutor

import dns.message
import dns.query
import dns.rcode
import pytest

from fixtures.cli import DEFAULT_WORLD

pytestmark = pytest.mark.skipif(not (DEFAULT_WORLD / "hosts").is_dir(),
                                reason="fixtures/world/hosts does not exist yet (the default world's content)")


def _status_line(proxy: str, host: str, scheme: str) -> str | None:
    """The first line a HEAD of the host's home page gets through the proxy, or None if it hangs up."""
    _, port = proxy.rsplit(":", 1)
    try:
        if scheme == "https":
            connection = http.client.HTTPSConnection("127.0.0.1", int(port), timeout=30,
                                                     context=_unverified())
            connection.set_tunnel(host, 443)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
        connection.request("HEAD", f"http://{host}/" if scheme == "http" else "/", headers={"Host": host})
        response = connection.getresponse()
        connection.close()
        return f"{response.status} {response.reason}"
    except (OSError, http.client.HTTPException):
        return None


def _unverified():
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_default_world_hosts_answer_as_their_state_says(world):
    hosts = list(world.world.hosts.values())
    assert hosts, "the default world has no hosts"
    checks = [(h, scheme) for h in hosts for scheme in ("http", "https")]
    with ThreadPoolExecutor(max_workers=16) as pool:
        lines = list(pool.map(lambda check: _status_line(world.network.proxy, check[0].name, check[1]), checks))
    wrong = [f"{host.name} ({scheme}, {host.state}): {line or 'no answer'}"
             for (host, scheme), line in zip(checks, lines)
             if (line is not None) != host.answers(scheme)]
    assert not wrong, "hosts that do not answer as their host.toml says:\n" + "\n".join(wrong)


def test_default_world_names_resolve_as_their_state_says(world):
    host, port = world.network.dns
    wrong = []
    for name, spec in world.world.hosts.items():
        answer = dns.query.udp(dns.message.make_query(name, "A"), host, port=port, timeout=5)
        gone = answer.rcode() == dns.rcode.NXDOMAIN
        if gone != (spec.state in ("nxdomain", "blocked")):
            wrong.append(f"{name} ({spec.state}): {dns.rcode.to_text(answer.rcode())}")
    assert not wrong, "\n".join(wrong)


def test_default_world_whois_answers_every_file(world):
    for domain, text in world.world.whois.items():
        with socket.create_connection(world.network.whois, timeout=10) as sock:
            sock.sendall(f"{domain}\r\n".encode())
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
        assert received == text, domain
