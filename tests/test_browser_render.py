"""`fakegov crawl render` in a real headless Chromium: the bundled world's SPA clone is shot and its
rendered DOM shows the form; a small hostile world (blank page, endless script, dialogs and popups,
a clone built only by JavaScript, a download) never stalls the batch. Data folders are filled by
tips crawls in subprocesses (Scrapy's reactor runs once per process)."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from crawler.browser import CHROMIUM, VIEWPORT, render_flagged
from store.store import open_store

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason=f"{CHROMIUM} is absent: these tests need Debian's chromium package")]
WORLD_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "world"
FAKEGOV = [sys.executable, "-m", "fakegov"]
TIME_LIMIT = 10.0

HOSTILE_PAGES = {
    "blank-page.top": '<!DOCTYPE html><html><head><meta charset="utf-8"><title>空</title></head><body></body></html>',
    "loop-forever.top": ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>循环</title></head><body>'
                         '<p>特种作业操作证查询</p><script>while (true) {}</script></body></html>'),
    "popup-alert.top": ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>弹窗</title></head><body>'
                        '<h1>电工证 焊工证 办理</h1><script>alert("加微信 banzheng88");confirm("确定？");'
                        'for (let i = 0; i < 5; i++) window.open("http://blank-page.top/", "_blank");</script>'
                        '</body></html>'),
    # A clone whose HTML is an empty shell: only a browser sees its query form.
    "tzzy-cx.vip": ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>加载中</title></head><body>'
                    '<div id="app"></div><script src="/js/main.js"></script></body></html>'),
}
SPA_SCRIPT = """
document.title = "特种作业操作证查询";
document.getElementById("app").innerHTML =
  '<h2>特种作业操作证及安全生产知识和管理能力考核合格信息查询</h2><form>' +
  '<label>证件号码</label><input name="idcard" placeholder="请输入证件号码">' +
  '<label>姓名</label><input name="name" placeholder="请输入姓名">' +
  '<label>验证码</label><input name="code" placeholder="请输入验证码"><button type="button">查询</button></form>';
"""


def crawl_tips(data: Path, world: Path, urls: list[str]) -> None:
    tips = data.parent / f"{data.name}-tips.txt"
    tips.write_text("\n".join(urls) + "\n", "utf-8")
    result = subprocess.run(FAKEGOV + ["crawl", "tips", "--file", str(tips), "--data", str(data), "--world", str(world),
                                       "--timeout", "6", "--no-progress", "--no-canary"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def write_hostile_world(root: Path) -> Path:
    for number, (host, html) in enumerate(HOSTILE_PAGES.items(), 1):
        www = root / "hosts" / host / "www"
        www.mkdir(parents=True)
        (root / "hosts" / host / "host.toml").write_text(f'ip = ["192.0.2.{number}"]\nschemes = ["http"]\n', "utf-8")
        (www / "index.html").write_text(html, "utf-8")
    (root / "hosts" / "tzzy-cx.vip" / "www" / "js").mkdir()
    (root / "hosts" / "tzzy-cx.vip" / "www" / "js" / "main.js").write_text(SPA_SCRIPT, "utf-8")
    download = root / "hosts" / "download-only.top"
    download.mkdir(parents=True)
    (download / "host.toml").write_text(
        'ip = ["192.0.2.9"]\nschemes = ["http"]\n\n[[routes]]\npath = "/"\ngenerate = "binary"\nsize = 65536\n'
        'content_type = "application/zip"\n', "utf-8")
    return root


def database(data: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(data / "fakegov.sqlite"))
    db.row_factory = sqlite3.Row
    return db


def entry_of(db: sqlite3.Connection, url: str) -> sqlite3.Row:
    return db.execute("SELECT * FROM captures WHERE requested_url = ? AND role = 'entry'", [url]).fetchone()


def run_row(db: sqlite3.Connection, run_id: int) -> dict:
    row = dict(db.execute("SELECT * FROM crawl_runs WHERE id = ?", [run_id]).fetchone())
    return {**row, "counts": json.loads(row["counts"]), "errors": json.loads(row["errors"]),
            "notes": json.loads(row["notes"])}


def signals_of(db: sqlite3.Connection, capture_id: int) -> dict[tuple[str, str], str]:
    return {(row["detector"], row["code"]): row["zh"] for row in db.execute(
        "SELECT detector, code, zh FROM signals WHERE capture_id = ?", [capture_id])}


# -- the bundled world ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spa_render(world, tmp_path_factory):
    data = tmp_path_factory.mktemp("spa") / "data"
    crawl_tips(data, WORLD_DIR, ["https://memgov.cn.com/"])
    store, _ = open_store(data)
    run_id = render_flagged(store, world.network, time_limit=15)
    store.close()
    return data, run_id


def test_spa_clone_is_shot_and_its_rendered_dom_shows_the_form(spa_render):
    data, run_id = spa_render
    db = database(data)
    capture = entry_of(db, "https://memgov.cn.com/")
    evidence = data / "evidence"
    raw = (evidence / capture["body_sha256"][:2] / capture["body_sha256"]).read_bytes().decode("utf-8")
    dom = (evidence / capture["dom_sha256"][:2] / capture["dom_sha256"]).read_bytes().decode("utf-8")
    assert "请输入证件号码" not in raw and "queryBtn" not in raw       # the served HTML is an empty shell
    for placeholder in ("请输入证件号码", "请输入姓名", "请输入验证码"):
        assert f'placeholder="{placeholder}"' in dom
    assert "queryBtn" in dom
    with Image.open(io.BytesIO((evidence / capture["screenshot_sha256"][:2] / capture["screenshot_sha256"])
                               .read_bytes())) as shot:
        assert shot.format == "PNG" and shot.width == VIEWPORT["width"] and shot.height >= VIEWPORT["height"]
    assert db.execute("SELECT count(*) FROM indicators WHERE kind = 'phash' AND capture_id = ?",
                      [capture["id"]]).fetchone()[0] == 1
    assert "cx.mem.gov.cn" in signals_of(db, capture["id"])[("visual", "visual-similarity")]
    run = run_row(db, run_id)
    assert run["kind"] == "render" and run["status"] == "finished" and run["errors"] == []
    assert run["counts"]["rendered"] >= 1 and capture["id"] in json.loads(run["args"])["args"]["captures"]
    assert "Chromium" in run["notes"][0] and "zh-CN" in run["notes"][0] and "Asia/Shanghai" in run["notes"][0]


def test_a_second_render_finds_nothing_left_to_shoot(spa_render, world):
    data, _ = spa_render
    store, _ = open_store(data)
    run_id = render_flagged(store, world.network, time_limit=15)
    store.close()
    run = run_row(database(data), run_id)
    assert run["counts"] == {} and json.loads(run["args"])["args"]["captures"] == []


# -- a hostile world ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_render(tmp_path_factory):
    from fixtures.server import start_world

    world_dir = write_hostile_world(tmp_path_factory.mktemp("hostile-world"))
    data = tmp_path_factory.mktemp("hostile") / "data"
    urls = [f"http://{host}/" for host in [*HOSTILE_PAGES, "download-only.top"]]
    crawl_tips(data, world_dir, urls)
    store, _ = open_store(data)
    with start_world(world_dir) as running:
        run_id = render_flagged(store, running.network, sites=sorted([*HOSTILE_PAGES, "download-only.top"]),
                                time_limit=TIME_LIMIT)
    store.close()
    return data, run_id


def test_an_endless_script_times_out_with_one_error_and_the_batch_goes_on(hostile_render):
    data, run_id = hostile_render
    db = database(data)
    run = run_row(db, run_id)
    assert run["status"] == "finished"
    looped = [line for line in run["errors"] if line.startswith("http://loop-forever.top/")]
    assert len(looped) == 1 and f"within {TIME_LIMIT:g} s" in looped[0] and "\n" not in looped[0]
    assert entry_of(db, "http://loop-forever.top/")["screenshot_sha256"] is None
    for host in ("blank-page.top", "popup-alert.top", "tzzy-cx.vip"):
        assert entry_of(db, f"http://{host}/")["screenshot_sha256"], host
    assert run["counts"]["rendered"] == 3 and run["counts"]["error"] == 2


def test_a_blank_page_is_noted_and_gets_no_visual_hash(hostile_render):
    data, run_id = hostile_render
    db = database(data)
    capture = entry_of(db, "http://blank-page.top/")
    assert "空白" in signals_of(db, capture["id"])[("render", "blank-screenshot")]
    assert db.execute("SELECT count(*) FROM indicators WHERE kind = 'phash' AND capture_id = ?",
                      [capture["id"]]).fetchone()[0] == 0
    assert run_row(db, run_id)["counts"]["blank"] == 1


def test_a_clone_built_by_javascript_is_rescored_from_its_rendered_dom(hostile_render):
    data, _ = hostile_render
    db = database(data)
    capture = entry_of(db, "http://tzzy-cx.vip/")
    signals = signals_of(db, capture["id"])
    assert ("rendered", "certificate-query-form") in signals
    assert ("page", "certificate-query-form") not in signals            # the crawler saw an empty shell
    site = db.execute("SELECT score, verdict, status, verdict_capture_id FROM sites WHERE site_key = 'tzzy-cx.vip'"
                      ).fetchone()
    assert capture["verdict"] == site["verdict"] == "fake" and site["status"] == "flagged"
    assert site["score"] == capture["score"] and site["verdict_capture_id"] == capture["id"]


def test_dialogs_and_popups_are_dismissed_and_noted(hostile_render):
    data, _ = hostile_render
    db = database(data)
    notes = signals_of(db, entry_of(db, "http://popup-alert.top/")["id"])
    assert "2 个对话框" in notes[("render", "dialogs")] and "banzheng88" in notes[("render", "dialogs")]
    assert "5 个新窗口" in notes[("render", "popups")]


def test_a_download_is_refused_with_one_error(hostile_render):
    data, run_id = hostile_render
    errors = run_row(database(data), run_id)["errors"]
    assert any(line.startswith("http://download-only.top/") and "download" in line for line in errors)
