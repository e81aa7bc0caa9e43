"""`fakegov demo` runs the whole pipeline on the bundled world and says what it found and why."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_finds_and_explains(tmp_path):
    result = subprocess.run([sys.executable, "-m", "fakegov", "demo", "--data", str(tmp_path / "data"),
                             "--no-progress"], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for section in ("== 各次运行 ==", "== 发现途径（站点数）==", "== 判定（站点数）==", "== 假冒或可疑站点",
                    "== 团伙线索", "== 证据 =="):
        assert section in out
    db = sqlite3.connect(str(tmp_path / "data" / "fakegov.sqlite"))
    runs = db.execute("SELECT kind, status FROM crawl_runs ORDER BY id").fetchall()
    assert runs[:4] == [("search", "finished"), ("permute", "finished"), ("ct", "finished"), ("tips", "finished")]
    if Path("/usr/bin/chromium").exists():
        assert runs[4] == ("render", "finished")
        assert db.execute("SELECT count(*) FROM captures WHERE screenshot_sha256 IS NOT NULL").fetchone()[0] >= 10
    flagged = db.execute("SELECT count(*) FROM sites WHERE verdict = 'fake'").fetchone()[0]
    assert flagged >= 15
    assert db.execute("SELECT count(*) FROM sites WHERE verdict = 'fake' AND site_key LIKE '%gov.cn'").fetchone()[0] == 0
    # every flagged site in the summary carries at least one reason in Chinese
    lines = [line for line in out.splitlines() if line.startswith("  ") and ("假冒" in line or "可疑" in line)]
    assert lines and all("；" in line or "：" in line for line in lines)
