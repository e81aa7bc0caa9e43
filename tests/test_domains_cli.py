"""`fakegov detect domains` as another tool calls it: a subprocess, names on stdin or in a file, JSON lines out."""

import json
import subprocess
import sys

CONTRACT_KEYS = ["domain", "score", "verdict", "target", "reasons"]


def run_detect(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fakegov", "detect", "domains", *args],
                          input=stdin, capture_output=True, timeout=120)


def json_lines(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.decode("utf-8").splitlines()]


def test_stdin_one_object_per_name_and_bad_lines_do_not_stop_the_batch():
    names = (b"cx-mem-gov.com\n"
             b"\n"                                        # empty lines are skipped
             b"cx.mem.gov.cn\n"
             b"\xff\xfe\xfd.com\n"                        # garbage bytes: decoded as U+FFFD, one result
             + b"x" * 10_000 + b"\n"
             + "特种作业证书查询.com\n".encode()
             + b"baidu.com")                               # no final newline
    done = run_detect("-", stdin=names)
    assert done.returncode == 0, done.stderr
    results = json_lines(done.stdout)
    assert [r["verdict"] for r in results] == ["lookalike", "official", "unrelated", "unrelated",
                                                "lookalike", "unrelated"]
    assert all(list(r) == CONTRACT_KEYS for r in results)
    assert results[0]["target"] == "cx.mem.gov.cn" and results[0]["score"] >= 50
    assert results[2]["reasons"][0]["code"] == "not-a-host-name"
    assert results[4]["domain"].startswith("xn--")


def test_default_is_stdin():
    done = run_detect(stdin=b"memchaxun.top\n")
    assert done.returncode == 0
    assert json_lines(done.stdout)[0]["verdict"] == "lookalike"


def test_file_argument(tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("yjglb-zs.com\nwww.mem.gov.cn\nexample.org\n", encoding="utf-8")
    done = run_detect(str(names))
    assert done.returncode == 0, done.stderr
    results = json_lines(done.stdout)
    assert [(r["domain"], r["verdict"]) for r in results] == [
        ("yjglb-zs.com", "lookalike"), ("www.mem.gov.cn", "official"), ("example.org", "unrelated")]


def test_missing_file_is_a_one_line_error(tmp_path):
    done = run_detect(str(tmp_path / "absent.txt"))
    assert done.returncode == 2
    message = done.stderr.decode().strip()
    assert len(message.splitlines()) == 1 and "absent.txt" in message
    assert "Traceback" not in message
