"""Reference fingerprints: the shipped stand-ins, and `capture_reference` against the simulated world."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from detectors.reference import (
    REFERENCE_DIR, STANDIN_NOTE, capture_reference, fetch_view, load_views, store_view,
)
from detectors.targets import target_by_key, targets
from fakegov.errors import UserError
from fakegov.network import Network

ROOT = Path(__file__).resolve().parent.parent


def test_every_target_ships_a_standin_reference_that_says_so():
    for target in targets():
        document = json.loads((REFERENCE_DIR / target.reference).read_text("utf-8"))
        assert document["target"] == target.key and document["standin"] is True
        assert document["note"] == STANDIN_NOTE
        for view in document["views"]:
            assert view["standin"] is True and view["captured_at"].endswith("+08:00")
            assert view["title"] and view["tlsh"]


def test_the_spa_reference_carries_what_its_javascript_renders():
    spa = next(v for v in load_views() if v.target == "cx.mem.gov.cn" and v.url.endswith("cx.mem.gov.cn/"))
    assert {"请输入证件号码", "请输入验证码", "请选择证件类型"} <= spa.phrases
    assert spa.builds and all("." in name for name in spa.builds)
    document = json.loads((REFERENCE_DIR / "cx.mem.gov.cn.json").read_text("utf-8"))
    identity = next(v for v in document["views"] if v["url"] == spa.url)["identity"]
    assert identity["icp"] and identity["site_codes"]


def test_capture_refuses_a_host_that_is_not_official(tmp_path):
    with pytest.raises(UserError, match="not an official host"):
        capture_reference("https://cx-mem-gov.com/", Network(), tmp_path)


def test_capture_of_an_unreachable_official_page_is_a_user_error(tmp_path):
    # A proxy on a port nothing listens on: the fetch fails at once, without leaving the machine.
    with pytest.raises(UserError, match="cannot fetch"):
        capture_reference("http://cx.mem.gov.cn/", Network(proxy="http://127.0.0.1:9"), tmp_path)


@pytest.fixture(scope="module")
def running_world(request):
    pytest.importorskip("fixtures.server", reason="the simulated world's servers (fixtures.server) are not built yet")
    return request.getfixturevalue("world")


def test_capture_from_the_world_is_a_standin_captured_in_beijing_time(running_world, tmp_path):
    path = capture_reference("https://cx.mem.gov.cn/", running_world.network, tmp_path)
    document = json.loads(path.read_text("utf-8"))
    assert path == tmp_path / "cx.mem.gov.cn.json"
    assert document["standin"] is True and document["note"] == STANDIN_NOTE
    view = document["views"][0]
    assert view["standin"] is True and view["captured_at"].endswith("+08:00")
    assert "请输入证件号码" in view["phrases"] and view["builds"] and view["favicon_mmh3"] is not None

    again = capture_reference("https://cx.mem.gov.cn/cms/html/certQuery/certQuery.do?method=getCertQueryIndex&ref=ch",
                              running_world.network, tmp_path)
    views = json.loads(again.read_text("utf-8"))["views"]
    assert len(views) == 2 and {"certnum", "passcode"} <= set(views[1]["fields"])

    capture_reference("https://cx.mem.gov.cn/", running_world.network, tmp_path)
    recaptured = json.loads(path.read_text("utf-8"))["views"]
    assert [v["url"] for v in recaptured] == [v["url"] for v in views]     # replaced in place


def test_a_real_capture_replaces_the_standin_view_and_clears_the_note(running_world, tmp_path):
    target = target_by_key("cx.mem.gov.cn")
    capture_reference("https://cx.mem.gov.cn/", running_world.network, tmp_path)
    _, view = fetch_view("https://cx.mem.gov.cn/", running_world.network)
    path = store_view(target, "https://cx.mem.gov.cn/", view, standin=False, reference_dir=tmp_path)
    document = json.loads(path.read_text("utf-8"))
    assert document["standin"] is False and "note" not in document and len(document["views"]) == 1


def test_reference_capture_command_refuses_a_fake_host(running_world):
    # The command stores into the shipped reference folder, so only its refusal is run end to end.
    done = subprocess.run([sys.executable, "-m", "fakegov.cli", "reference", "capture", "https://cx-mem-gov.com/",
                           "--world", str(ROOT / "fixtures" / "world")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and "not an official host" in done.stderr
