"""World folders with mistakes are reported by file name in one line; `fakegov world check/serve` on good ones."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

from fakegov.cli import main
from fakegov.errors import UserError
from fixtures.server import WorldError, load

GOOD_HOST = 'ip = "192.0.2.10"\nns = ["ns1.example.net"]\n'


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _good_world(root):
    _write(root / "hosts" / "www.example.com" / "host.toml", GOOD_HOST)
    _write(root / "hosts" / "www.example.com" / "www" / "index.html", "<html>hello</html>")
    _write(root / "hosts" / "old.example.com" / "host.toml", 'state = "blocked"\n')
    _write(root / "search" / "a.toml", '[[query]]\nq = "电工证"\nblocked = ["sogou"]\n'
                                       '[[query.result]]\nurl = "http://www.example.com/"\ntitle = "电工证查询"\n'
                                       '[[query.result]]\nurl = "http://www.example.com/ad"\ntitle = "包过"\nad = true\n')
    _write(root / "ct" / "a.json", '[{"id": 1, "name_value": "www.example.com", "common_name": "www.example.com"}]')
    _write(root / "labels" / "a.toml", '[host."www.example.com"]\nlabel = "fake"\nkind = "clone"\n')
    _write(root / "whois" / "example.com.txt", "Domain Name: EXAMPLE.COM\n")
    return root


# Each case: (file to write relative to the world, its content, words the one-line error must contain).
MISTAKES = {
    "bad toml": ("hosts/www.example.com/host.toml", 'ip = "192.0.2.10\n', ["host.toml", "not valid TOML"]),
    "unknown state": ("hosts/www.example.com/host.toml", 'ip = "192.0.2.10"\nstate = "down"\n',
                      ["host.toml", "unknown state 'down'"]),
    "no address": ("hosts/www.example.com/host.toml", 'ns = ["ns1.example.net"]\n', ["host.toml", "needs ip"]),
    "bad ip": ("hosts/www.example.com/host.toml", 'ip = "999.1.1.1"\n', ["host.toml", "not an IPv4 address"]),
    "ip and cname": ("hosts/www.example.com/host.toml", 'ip = "192.0.2.1"\ncname = "old.example.com"\n',
                     ["host.toml", "not both"]),
    "dangling cname": ("hosts/www.example.com/host.toml", 'cname = "cdn.example.net"\n',
                       ["host.toml", "not a host of this world"]),
    "typo key": ("hosts/www.example.com/host.toml", 'ip = "192.0.2.1"\nstat = "up"\n',
                 ["host.toml", "unknown key 'stat'"]),
    "bad mx": ("hosts/www.example.com/host.toml", 'ip = "192.0.2.1"\nmx = ["mx.example.com"]\n',
               ["host.toml", "mx"]),
    "bad charset": ("hosts/www.example.com/host.toml", 'ip = "192.0.2.1"\ncharset = "klingon"\n',
                    ["host.toml", "unknown charset"]),
    "bad tls dates": ("hosts/www.example.com/host.toml",
                      'ip = "192.0.2.1"\n[tls]\nnot_before = 2027-01-01\nnot_after = 2026-01-01\n',
                      ["host.toml", "not_after"]),
    "route without path": ("hosts/www.example.com/host.toml", 'ip = "192.0.2.1"\n[[routes]]\nstatus = 404\n',
                           ["host.toml route 1", "path"]),
    "route missing file": ("hosts/www.example.com/host.toml",
                           'ip = "192.0.2.1"\n[[routes]]\npath = "/q"\nfile = "nope.html"\n',
                           ["host.toml route 1", "'nope.html' not found"]),
    "route saying nothing": ("hosts/www.example.com/host.toml", 'ip = "192.0.2.1"\n[[routes]]\npath = "/q"\n',
                             ["host.toml route 1", "nothing to answer"]),
    "unknown generator": ("hosts/www.example.com/host.toml",
                          'ip = "192.0.2.1"\n[[routes]]\npath = "/q"\ngenerate = "huge"\n',
                          ["host.toml route 1", "unknown generate 'huge'"]),
    "upper-case host": ("hosts/WWW.Example.com/host.toml", GOOD_HOST, ["WWW.Example.com", "lower-case"]),
    "host without toml": ("hosts/empty.example.com/www/index.html", "x", ["empty.example.com/host.toml", "missing"]),
    "built-in host": ("hosts/www.baidu.com/host.toml", GOOD_HOST, ["www.baidu.com", "built in"]),
    "bad search toml": ("search/b.toml", "[[query]\n", ["search/b.toml", "not valid TOML"]),
    "result without url": ("search/b.toml", '[[query]]\nq = "x"\n[[query.result]]\ntitle = "t"\n',
                           ["search/b.toml query 1 result 1", "url"]),
    "unknown engine": ("search/b.toml", '[[query]]\nq = "x"\nblocked = ["google"]\n',
                       ["search/b.toml query 1", "unknown engine 'google'"]),
    "bad ct json": ("ct/b.json", "[{", ["ct/b.json", "not valid JSON"]),
    "ct entry without id": ("ct/b.json", '[{"name_value": "a.com"}]', ["ct/b.json", "entry 1"]),
    "unknown label": ("labels/b.toml", '[host."a.com"]\nlabel = "evil"\n', ["labels/b.toml", "label must be"]),
    "whois not utf-8": ("whois/bad.com.txt", None, ["whois/bad.com.txt", "UTF-8"]),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_mistakes_are_named_by_file_in_one_line(tmp_path, case):
    root = _good_world(tmp_path)
    relative, content, words = MISTAKES[case]
    if content is None:
        (root / relative).write_bytes(b"\xff\xfe\x00bad")
    else:
        _write(root / relative, content)
    with pytest.raises(WorldError) as caught:
        load(root)
    message = str(caught.value)
    assert isinstance(caught.value, UserError)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_missing_hosts_folder(tmp_path):
    with pytest.raises(WorldError, match="hosts"):
        load(tmp_path)
    with pytest.raises(WorldError, match="not a folder"):
        load(tmp_path / "nope")


def test_cname_loop_is_reported(tmp_path):
    _write(tmp_path / "hosts" / "a.example.com" / "host.toml", 'cname = "b.example.com"\n')
    _write(tmp_path / "hosts" / "b.example.com" / "host.toml", 'cname = "a.example.com"\n')
    with pytest.raises(WorldError, match="cname loop"):
        load(tmp_path)


def test_search_files_merge_by_query_and_rank(tmp_path):
    root = _good_world(tmp_path)
    _write(root / "search" / "b.toml", '[[query]]\nq = "电工证"\nblocked = ["bing"]\n'
                                       '[[query.result]]\nurl = "http://first.example/"\ntitle = "first"\nrank = 0\n'
                                       '[[query.result]]\nurl = "http://late.example/"\ntitle = "late"\nrank = 9\n'
                                       '[[query.result]]\nurl = "http://b.example/"\ntitle = "baidu only"\n'
                                       'engines = ["baidu"]\n')
    query = load(root).queries["电工证"]
    assert [r.title for r in query.results] == ["first", "电工证查询", "包过", "baidu only", "late"]
    assert query.blocked == {"sogou", "bing"}
    organic, ads = query.for_engine("sogou")
    assert [r.title for r in organic] == ["first", "电工证查询", "late"] and [r.title for r in ads] == ["包过"]


def test_world_check_prints_a_summary(tmp_path, capsys):
    assert main(["world", "check", "--world", str(_good_world(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "hosts: 2 (blocked 1, up 1)" in out
    assert "queries: 1 (2 results, 1 ads, 1 engine blocks)" in out
    assert "ct entries: 1" in out and "labels: 1 (fake 1)" in out and "whois answers: 1" in out


def test_world_check_reports_a_bad_world_without_traceback(tmp_path, capsys):
    root = _good_world(tmp_path)
    _write(root / "hosts" / "www.example.com" / "host.toml", 'state = "zombie"\nip = "192.0.2.1"\n')
    assert main(["world", "check", "--world", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fakegov: error: ") and err.count("\n") == 1 and "host.toml" in err


def _free_port_base() -> int:
    """A port N with N, N+1 (TCP and UDP) and N+2 free at the moment."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base > 65000:
            continue
        sockets = [socket.socket() for _ in range(3)] + [socket.socket(type=socket.SOCK_DGRAM)]
        try:
            for offset, sock in zip((0, 1, 2, 1), sockets):
                sock.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
        return base
    pytest.skip("no three consecutive free ports")


def test_world_serve_runs_until_sigterm(tmp_path):
    root = _good_world(tmp_path)
    base = _free_port_base()
    process = subprocess.Popen([sys.executable, "-m", "fakegov", "world", "serve", "--world", str(root),
                                "--port-base", str(base)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C stops"):
                break
        text = "".join(lines)
        assert f"proxy: http://127.0.0.1:{base}" in text and f"dns:   127.0.0.1:{base + 1}" in text
        assert f"whois: 127.0.0.1:{base + 2}" in text and "ca:    " in text
        proxy = urllib.request.ProxyHandler({"http": f"http://127.0.0.1:{base}"})
        with urllib.request.build_opener(proxy).open("http://www.example.com/", timeout=10) as response:
            assert response.read() == b"<html>hello</html>"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "world stopped" in out


def test_world_serve_rejects_a_bad_port_base(capsys):
    assert main(["world", "serve", "--port-base", "70000"]) == 2
    assert "--port-base" in capsys.readouterr().err
