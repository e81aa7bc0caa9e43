"""`fakegov parse serp` and `fakegov parse whois`, run as a user runs them (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from test_parse_serp import BAIDU_CAPTCHA, BAIDU_NO_RESULTS, BAIDU_WITH_ADS
from test_whois_parse import HELD_CN


def fakegov(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "fakegov", *map(str, args)], input=stdin,
                          capture_output=True, timeout=60)


@pytest.fixture
def saved(tmp_path):
    def save(name: str, content: str | bytes):
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path
    return save


def test_serp_prints_one_json_object_per_result(saved):
    done = fakegov("parse", "serp", "--engine", "baidu", saved("baidu.html", BAIDU_WITH_ADS))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [list(row) for row in rows] == [["rank", "url", "redirect", "title", "ad"]] * 5
    assert rows[0] == {"rank": 1, "url": "http://dgz-zs.top/", "redirect": "https://www.baidu.com/baidu.php?url=K00000abc",
                       "title": "电工证查询 全国联网可查", "ad": True}
    assert rows[2]["url"] == "https://cx.mem.gov.cn/" and rows[2]["ad"] is False
    assert done.stderr == b""


def test_serp_real_sample(real_samples):
    done = fakegov("parse", "serp", "--engine", "so360", real_samples / "serp" / "so360-3.html")
    assert done.returncode == 0
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert rows[1]["url"] == "http://www.exam8.com/file/falvwenshu/bilu/201001/1812826.html"


def test_serp_from_stdin():
    done = fakegov("parse", "serp", "--engine", "baidu", "-", stdin=BAIDU_WITH_ADS.encode("gb18030"))
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 5


def test_blocked_empty_and_unknown_pages_exit_differently(saved):
    blocked = fakegov("parse", "serp", "--engine", "baidu", saved("captcha.html", BAIDU_CAPTCHA))
    empty = fakegov("parse", "serp", "--engine", "baidu", saved("none.html", BAIDU_NO_RESULTS))
    unknown = fakegov("parse", "serp", "--engine", "bing", saved("other.html", BAIDU_WITH_ADS))
    assert (blocked.returncode, empty.returncode, unknown.returncode) == (3, 1, 4)
    assert blocked.stdout == empty.stdout == unknown.stdout == b""
    assert b"blocked" in blocked.stderr
    assert b"no results" in empty.stderr
    assert b"unknown markup" in unknown.stderr
    for done in (blocked, empty, unknown):
        assert len(done.stderr.splitlines()) == 1 and b"Traceback" not in done.stderr


def test_unreadable_file_is_a_one_line_error(tmp_path):
    for target in (tmp_path / "missing.html", tmp_path):
        done = fakegov("parse", "serp", "--engine", "sogou", target)
        assert done.returncode == 2
        assert done.stderr.decode().startswith("fakegov: error: cannot read")
        assert len(done.stderr.splitlines()) == 1


def test_bad_engine_is_refused_by_the_option_parser(saved):
    done = fakegov("parse", "serp", "--engine", "google", saved("x.html", "<html></html>"))
    assert done.returncode == 2 and b"invalid choice" in done.stderr


def test_whois_prints_the_record(saved):
    done = fakegov("parse", "whois", saved("held.txt", HELD_CN), "--domain", "cx-mem-gov.cn")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert list(record) == ["domain", "registrar", "created", "expires", "status", "name_servers", "registrant",
                            "found"]
    assert record["created"] == "2026-03-01T10:00:00+08:00" and "serverHold" in record["status"]


def test_whois_gbk_answer(saved):
    done = fakegov("parse", "whois", saved("gbk.txt", HELD_CN.encode("gbk")))
    assert done.returncode == 0 and json.loads(done.stdout)["registrant"] == "张三"


def test_whois_real_not_found(real_samples):
    done = fakegov("parse", "whois", real_samples / "whois" / "cn-reserved-1.txt", "--domain", "beijing.cn")
    assert done.returncode == 0
    assert json.loads(done.stdout) == {"domain": "beijing.cn", "registrar": None, "created": None, "expires": None,
                                       "status": ["reserved"], "name_servers": [], "registrant": None,
                                       "found": False}


def test_whois_garbage_is_a_one_line_error(saved):
    done = fakegov("parse", "whois", saved("junk.bin", bytes(range(256))))
    assert done.returncode == 2
    assert done.stderr.decode().startswith("fakegov: error:") and len(done.stderr.splitlines()) == 1


def test_help():
    for args in (("parse", "--help"), ("parse", "serp", "--help"), ("parse", "whois", "--help")):
        done = fakegov(*args)
        assert done.returncode == 0 and b"usage:" in done.stdout
