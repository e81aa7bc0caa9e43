"""The browser capture without a browser: blank detection, perceptual hashes and the visual likeness,
the rejudging of rendered pages, which captures are chosen, how a render is stored, the command's
one-line errors and the shipped visual references."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tomllib

import imagehash
import pytest
from PIL import Image, ImageDraw

from crawler.browser import (MAX_SCREENSHOT_HEIGHT, VISUAL_SUFFIX, Rendered, VisualMatch, VisualView, blank_reason,
                             captures_to_render, look_of, rejudge, store_render, visual_match, visual_references)
from detectors.pages import score_text
from detectors.reasons import Reason
from detectors.reference import PAGES_FILE, REFERENCE_DIR
from detectors.targets import target_by_key
from detectors.weights import weights
from store import queries
from store.store import open_store

SHELL = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>加载中</title></head>'
         '<body><div id="app"></div><script src="/js/main.js"></script></body></html>')
RENDERED_FORM = ('<!DOCTYPE html><html><head><meta charset="gbk"><title>特种作业操作证查询</title></head><body>'
                 '<div id="app"><h2>特种作业操作证及安全生产知识和管理能力考核合格信息查询</h2><form>'
                 '<label>证件号码</label><input name="idcard" placeholder="请输入证件号码">'
                 '<label>姓名</label><input name="name" placeholder="请输入姓名">'
                 '<label>验证码</label><input name="code" placeholder="请输入验证码"><button>查询</button>'
                 '</form></div></body></html>')


def png_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def busy_page(height: int = 900) -> Image.Image:
    """A screenshot-like image: a blue header, grey panels and dark text bars on white."""
    image = Image.new("RGB", (1366, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1366, 90), fill="#1b5fb4")
    for row in range(8):
        draw.rectangle((200, 140 + row * 70, 1166, 190 + row * 70), fill="#eef1f6")
        draw.rectangle((230, 155 + row * 70, 230 + 60 * (row + 3), 175 + row * 70), fill="#303133")
    return image


def flipped(phash: str, bits: int) -> str:
    """The same hash with its first `bits` bits inverted (Hamming distance `bits`)."""
    value = int(phash, 16) ^ int("1" * bits + "0" * (64 - bits), 2)
    return f"{value:016x}"


# -- blank screenshots and hashes ---------------------------------------------------------------------

def test_a_white_page_is_blank_and_gets_no_hash():
    look = look_of(png_of(Image.new("RGB", (1366, 768), "white")))
    assert look.phash is None
    assert "#ffffff" in look.blank and "空白" in look.blank


def test_one_short_line_on_white_still_counts_as_blank():
    image = Image.new("RGB", (1366, 768), "white")
    ImageDraw.Draw(image).text((8, 8), "404 page not found", fill="black")
    assert blank_reason(image) is not None


def test_a_loader_screen_of_one_colour_is_blank():
    assert blank_reason(Image.new("RGB", (1366, 768), "#1b5fb4")) is not None


def test_a_page_with_content_gets_a_64_bit_hash_of_its_first_screen():
    look = look_of(png_of(busy_page()))
    assert look.blank is None
    assert len(look.phash) == 16
    # Content below the first screen does not change the hash: pages of any length compare.
    taller = busy_page(3000)
    ImageDraw.Draw(taller).rectangle((0, 1200, 1366, 2900), fill="black")
    assert look_of(png_of(taller)).phash == look.phash


def test_a_tall_page_is_still_checked_for_blankness():
    tall = Image.new("RGB", (1366, MAX_SCREENSHOT_HEIGHT), "white")
    assert blank_reason(tall) is not None
    ImageDraw.Draw(tall).rectangle((0, 0, 1366, 4000), fill="#1b5fb4")
    assert blank_reason(tall) is None


# -- visual likeness ----------------------------------------------------------------------------------

def test_visual_match_within_the_threshold_names_the_official_page():
    official = look_of(png_of(busy_page())).phash
    references = (VisualView("cx.mem.gov.cn", "https://cx.mem.gov.cn/", imagehash.hex_to_hash(official)),)
    limit = weights("visual")["max_distance"]
    match = visual_match(flipped(official, limit), references)
    assert match.target == "cx.mem.gov.cn" and match.distance == limit
    assert match.reason.code == "visual-similarity"
    assert match.reason.points == weights("visual")["visual-similarity"]
    assert "https://cx.mem.gov.cn/" in match.reason.zh
    assert visual_match(flipped(official, limit + 1), references) is None
    assert visual_match(official, ()) is None


def test_the_nearest_official_page_wins():
    base = "b565673564a740b9"
    references = (VisualView("mem.gov.cn", "https://www.mem.gov.cn/", imagehash.hex_to_hash(flipped(base, 6))),
                  VisualView("cx.mem.gov.cn", "https://cx.mem.gov.cn/", imagehash.hex_to_hash(flipped(base, 2))))
    assert visual_match(base, references).target == "cx.mem.gov.cn"


def test_shipped_visual_references_cover_every_target_page_and_say_they_are_stand_ins():
    with open(PAGES_FILE, "rb") as fh:
        pages = tomllib.load(fh)["pages"]
    for key, urls in pages.items():
        path = REFERENCE_DIR / (target_by_key(key).reference.removesuffix(".json") + VISUAL_SUFFIX)
        document = json.loads(path.read_text("utf-8"))
        assert document["target"] == key and document["standin"] is True and "note" in document
        assert sorted(view["url"] for view in document["views"]) == sorted(urls)
        for view in document["views"]:
            assert view["phash"] if "phash" in view else view["blank"]
            assert view["browser"].startswith("Chromium ")
    assert {view.target for view in visual_references()} == set(pages)


# -- rejudging a rendered page ------------------------------------------------------------------------

def test_a_rendered_form_beats_an_empty_shell():
    raw = score_text(SHELL, "utf-8", "https://tzzy-cx.vip/")
    rendered = score_text(RENDERED_FORM, "utf-8", "https://tzzy-cx.vip/")
    judged = rejudge(raw.score, raw.target, raw.signals, rendered, None, "tzzy-cx.vip")
    assert judged.score == rendered.score > raw.score
    assert judged.verdict == rendered.verdict
    assert "certificate-query-form" in {s.code for s in judged.rendered_signals}


def test_a_rendered_page_never_lowers_the_raw_judgement():
    raw = score_text(RENDERED_FORM, "utf-8", "https://tzzy-cx.vip/")
    shell = score_text(SHELL, "utf-8", "https://tzzy-cx.vip/")
    assert rejudge(raw.score, raw.target, raw.signals, shell, None, "tzzy-cx.vip") is None


def test_visual_likeness_adds_to_the_better_judgement():
    raw = score_text(SHELL, "utf-8", "https://tzzy-cx.vip/")
    shell = score_text(SHELL, "utf-8", "https://tzzy-cx.vip/")
    reason = Reason("visual-similarity", 40, "像", "alike")
    judged = rejudge(raw.score, raw.target, raw.signals, shell, VisualMatch("cx.mem.gov.cn", 0, reason), "tzzy-cx.vip")
    # The host's lookalike reason is counted once, not once from the stored signals and once again.
    assert judged.score == raw.score + 40
    assert judged.target == "cx.mem.gov.cn"
    assert judged.rendered_signals == []


def test_an_official_page_is_never_rejudged():
    official = score_text(RENDERED_FORM, "utf-8", "https://cx.mem.gov.cn/")
    assert official.verdict == "official"
    assert rejudge(None, None, [], official, None, "cx.mem.gov.cn") is None


# -- choosing and storing ------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path):
    opened, _ = open_store(tmp_path / "data")
    yield opened
    opened.close()


def add_capture(store, run: int, url: str, host: str, role: str = "entry", status: int | None = 200,
                location: str | None = None, html: str = SHELL, flagged: bool = True) -> int:
    db = store.db
    site = queries.site_id(db, ".".join(host.split(".")[-2:]))
    url_row = queries.url_id(db, url, host, site)
    result = score_text(html, "utf-8", url)
    capture = queries.add_capture(db, {
        "run_id": run, "site_id": site, "url_id": url_row, "role": role, "requested_url": url, "status_code": status,
        "location": location, "body_sha256": store.put_evidence(html.encode()), "score": result.score,
        "verdict": result.verdict, "kind": result.kind, "target": result.target})
    queries.add_signals(db, capture, site, "page", [s.to_dict() for s in result.signals], "test")
    db.execute("UPDATE sites SET score = ?, verdict = ? WHERE id = ?",
               [result.score, "suspicious" if flagged else result.verdict, site])
    return capture


def test_only_newest_own_pages_of_flagged_sites_without_a_screenshot_are_chosen(store):
    run1 = queries.start_run(store.db, "tips", {}, 1)
    run2 = queries.start_run(store.db, "tips", {}, 1)
    old = add_capture(store, run1, "http://flag-a.top/", "flag-a.top")
    new = add_capture(store, run2, "http://flag-a.top/", "flag-a.top")
    add_capture(store, run2, "http://flag-a.top/go", "flag-a.top", role="hop", status=302, location="/")
    add_capture(store, run2, "http://flag-b.top/", "flag-b.top", status=None)
    add_capture(store, run2, "http://flag-a.top/about", "flag-a.top", role="page")
    add_capture(store, run2, "http://quiet.top/", "quiet.top", flagged=False)
    assert [c["id"] for c in captures_to_render(store.db)] == [new]
    assert [c["id"] for c in captures_to_render(store.db, run_id=run1)] == [old]
    assert [c["requested_url"] for c in captures_to_render(store.db, sites=["quiet.top"])] == ["http://quiet.top/"]
    assert captures_to_render(store.db, min_score=101) == []
    store.db.execute("UPDATE captures SET screenshot_sha256 = body_sha256 WHERE id = ?", [new])
    assert captures_to_render(store.db) == []


def test_storing_a_render_keeps_evidence_rescores_and_moves_the_site(store):
    run = queries.start_run(store.db, "tips", {}, 1)
    capture_id = add_capture(store, run, "https://tzzy-cx.vip/", "tzzy-cx.vip")
    queries.update_site_verdict(store.db, queries.site_id(store.db, "tzzy-cx.vip"), run)
    capture = captures_to_render(store.db, sites=["tzzy-cx.vip"])[0]
    png = png_of(busy_page())
    references = (VisualView("cx.mem.gov.cn", "https://cx.mem.gov.cn/", imagehash.hex_to_hash(look_of(png).phash)),)
    rendered = Rendered(url=capture["requested_url"], final_url="https://tzzy-cx.vip/#/query", status=200, png=png,
                        dom=RENDERED_FORM, height=900, dialogs=["alert: 加微信"], popups=[])
    outcomes = store_render(store, capture, rendered, references)
    assert sorted(outcomes) == ["rendered", "rescored", "visual"]
    row = store.db.execute("SELECT * FROM captures WHERE id = ?", [capture_id]).fetchone()
    columns = [d[0] for d in store.db.execute("SELECT * FROM captures LIMIT 0").description]
    row = dict(zip(columns, row))
    assert store.evidence.read(row["screenshot_sha256"]) == png
    assert store.evidence.read(row["dom_sha256"]).decode("utf-8") == RENDERED_FORM
    assert row["score"] > capture["score"] and row["verdict"] == "fake"
    detectors = {(r[0], r[1]) for r in store.db.execute("SELECT detector, code FROM signals WHERE capture_id = ?",
                                                        [capture_id])}
    assert ("rendered", "certificate-query-form") in detectors
    assert ("visual", "visual-similarity") in detectors
    assert ("render", "dialogs") in detectors
    assert ("page", "lookalike-domain") in detectors            # the raw judgement stays readable
    assert ("render", "rescored") in detectors
    site = store.db.execute("SELECT score, verdict, status FROM sites WHERE site_key = 'tzzy-cx.vip'").fetchone()
    assert site == (row["score"], "fake", "flagged")
    assert store.db.execute("SELECT value FROM indicators WHERE kind = 'phash'").fetchone()[0] == look_of(png).phash
    media = dict(store.db.execute("SELECT sha256, media_type FROM evidence_files").fetchall())
    assert media[row["screenshot_sha256"]] == "image/png"
    assert media[row["dom_sha256"]] == "text/html; charset=utf-8"


def test_a_blank_render_is_noted_and_not_hashed(store):
    run = queries.start_run(store.db, "tips", {}, 1)
    capture_id = add_capture(store, run, "http://flag-blank.top/", "flag-blank.top")
    capture = captures_to_render(store.db)[0]
    rendered = Rendered(url=capture["requested_url"], final_url="http://elsewhere.top/", status=404,
                        png=png_of(Image.new("RGB", (1366, 768), "white")), dom=SHELL, height=768)
    assert store_render(store, capture, rendered, visual_references()) == ["rendered", "blank"]
    notes = dict(store.db.execute("SELECT code, zh FROM signals WHERE detector = 'render' AND capture_id = ?",
                                  [capture_id]).fetchall())
    assert "空白" in notes["blank-screenshot"]
    assert "elsewhere.top" in notes["browser-redirect"]
    assert "404" in notes["status-differs"] and "200" in notes["status-differs"]
    assert store.db.execute("SELECT count(*) FROM indicators WHERE kind = 'phash'").fetchone()[0] == 0


# -- the command ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--site", "no-such-site.top"], "no such site in the store: no-such-site.top"),
    (["--run", "99"], "no crawl run 99"),
])
def test_bad_options_are_one_line_errors(tmp_path, args, message):
    from crawler.browser import chromium_missing

    if chromium_missing():
        pytest.skip(chromium_missing())
    result = subprocess.run([sys.executable, "-m", "fakegov", "crawl", "render", "--data", str(tmp_path / "d"),
                             *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
