"""The `fakegov detect pages MANIFEST` contract of DESIGN.md, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_KEYS = {"url", "score", "verdict", "kind", "target", "signals", "reasons"}
SELLER = "<html><head><title>电工证办理</title></head><body><p>电工证免考包过，不用考试，全国联网可查。" \
         "低压电工证680元。微信：tzzy_banzheng88 QQ：2851736490</p></body></html>"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fakegov.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_detect_pages_writes_one_object_per_manifest_line(tmp_path):
    (tmp_path / "seller.html").write_text(SELLER, encoding="gbk")
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    absolute = tmp_path / "news.html"
    absolute.write_text("<html><body><p>今天天气晴。</p></body></html>", encoding="utf-8")
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join([
        json.dumps({"path": "seller.html", "url": "https://dgz-banzheng.top/"}),
        "",
        json.dumps({"path": "missing.html", "url": "https://gone.example.com/"}),
        "this line is not JSON",
        json.dumps({"path": "empty.html", "url": "https://empty.example.com/"}),
        json.dumps({"path": "logo.png", "url": "https://img.example.com/logo.png"}),
        json.dumps({"path": str(absolute), "url": "https://news.example.com/1.html"}),
    ]) + "\n", encoding="utf-8")

    done = run("detect", "pages", str(manifest))

    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["url"] for row in rows] == ["https://dgz-banzheng.top/", "https://gone.example.com/",
                                            "https://empty.example.com/", "https://img.example.com/logo.png",
                                            "https://news.example.com/1.html"]
    seller, missing, empty, logo, news = rows
    assert set(seller) == CONTRACT_KEYS
    assert seller["verdict"] == "fake" and seller["kind"] == "seller" and 60 <= seller["score"] <= 100
    assert {"code", "points", "zh", "en"} == set(seller["reasons"][0])
    assert "seller-language" in {s["code"] for s in seller["signals"]}
    assert "cannot read" in missing["error"] and "empty" in empty["error"] and "binary" in logo["error"]
    assert news["verdict"] == "benign" and news["kind"] is None
    assert "manifest.jsonl:4" in done.stderr and "Traceback" not in done.stderr


def test_a_missing_manifest_is_a_one_line_user_error(tmp_path):
    done = run("detect", "pages", str(tmp_path / "none.jsonl"))
    assert done.returncode == 2
    assert done.stderr.startswith("fakegov: error:") and len(done.stderr.strip().splitlines()) == 1
