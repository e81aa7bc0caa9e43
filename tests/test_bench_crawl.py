"""`fakegov bench crawl`: runs on a tiny world and prints its lines; what it leaves out and how it clocks."""

from __future__ import annotations

import cProfile
import json
from pathlib import Path

import pytest

from crawler import bench
from fakegov.cli import main
from fixtures.server import load


def _host(world: Path, name: str, toml: str, pages: dict[str, str]) -> None:
    folder = world / "hosts" / name
    (folder / "www").mkdir(parents=True)
    (folder / "host.toml").write_text(toml, encoding="utf-8")
    for path, text in pages.items():
        (folder / "www" / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / "www" / path).write_text(text, encoding="utf-8")


@pytest.fixture
def tiny_world(tmp_path) -> Path:
    world = tmp_path / "world"
    _host(world, "zhengshu-cx.example", 'ip = "203.0.113.10"\n', {
        "index.html": '<html><head><title>证书查询</title><link rel="stylesheet" href="/s.css"></head><body>'
                      '<a href="/cx/query.html">证书查询</a><img src="/logo.png"></body></html>',
        "cx/query.html": '<html><body><form action="/cx/result" method="get"><input name="name" placeholder="姓名">'
                         '<input name="idcard" placeholder="身份证号"></form></body></html>',
        "s.css": "body { color: #333 }",
    })
    _host(world, "news.example", 'ip = "203.0.113.11"\n', {"index.html": "<html><body>新闻</body></html>"})
    _host(world, "slow.example", 'ip = "203.0.113.12"\ndelay = 3.0\n', {"index.html": "<html></html>"})
    _host(world, "edge.example", 'cname = "slow.example"\n', {})
    return world


def test_bench_crawl_prints_both_rates_and_the_ratio(tiny_world, tmp_path, capsys):
    data = tmp_path / "bench"
    assert main(["bench", "crawl", "--world", str(tiny_world), "--data", str(data), "--seeds", "hosts",
                 "--rounds", "1", "--no-profile"]) == 0
    out = capsys.readouterr().out
    assert "slow hosts left out of the world of both runs: edge.example, slow.example" in out
    round_line = next(line for line in out.splitlines() if line.startswith("round 1: "))
    full, bare = round_line.split("; bare ")
    # Both runs fetched the same requests: the front door of each served host, the pages and assets it links.
    assert full.split(" fetches")[0].split()[-1] == bare.split(" in ")[0]
    assert int(bare.split(" in ")[0]) >= 5
    assert "median of 1: " in out and "ratio full/bare" in out
    recorded = json.loads((data / "full-1.json").read_text(encoding="utf-8"))
    urls = {entry["url"] for entry in recorded["requests"]}
    assert {"http://zhengshu-cx.example/", "http://zhengshu-cx.example/cx/query.html",
            "http://zhengshu-cx.example/s.css", "http://news.example/"} <= urls
    assert not any("slow.example" in url or "edge.example" in url for url in urls)   # not in the served world
    assert recorded["side_cpu_seconds"] > 0          # the detectors' and the writer's processes ran
    assert (data / "full-1" / "fakegov.sqlite").exists()


def test_the_profile_is_told_by_component(tmp_path):
    from crawler.items import Fetch
    from crawler.scoring import score_fetch

    page = ("<html><head><title>特种作业操作证查询</title></head><body>免考 包过 全国联网可查 QQ 12345678"
            "</body></html>").encode("utf-8")
    fetch = Fetch(fingerprint="f", role="entry", url="http://zhengshu-cx.example/", host="zhengshu-cx.example",
                  site_key="zhengshu-cx.example", status=200, headers={"Content-Type": "text/html"}, body=page)
    profiler = cProfile.Profile()
    profiler.runcall(score_fetch, fetch)
    profiler.dump_stats(tmp_path / "p.pstats")
    profile = bench.time_by_component(tmp_path / "p.pstats")
    assert profile["parts"]["detection (detectors on every page)"] > 0
    assert profile["parts"]["storage (SQLite rows of each fetch)"] == 0
    full = {"fetched": 10, "waited": [], "seconds": 2.0, "cpu_seconds": 1.5, "side_cpu_seconds": 1.0, "per_s": 5.0}
    bare = {"fetched": 10, "waited": [], "seconds": 1.0, "cpu_seconds": 0.5, "side_cpu_seconds": 0.0, "per_s": 10.0}
    faster = dict(full, seconds=1.25, per_s=8.0)
    rounds = [{"full": full, "bare": bare, "ratio": 0.5}, {"full": faster, "bare": bare, "ratio": 0.8},
              {"full": full, "bare": bare, "ratio": 0.5}]
    lines = bench.report_lines(Path("w"), {"seeds": "hosts", "excluded": [], "load": 0.5, "rounds": rounds,
                                           "ratio": 0.5, "profile": profile})
    assert any(line.endswith("detection (detectors on every page)") for line in lines)
    assert any(line.startswith("round 2: full 10 fetches in 1.25 s = 8.0 pages/s") for line in lines)
    assert any(line.startswith("median of 3: full 5.0 pages/s, bare 10.0 pages/s, ratio full/bare 0.50")
               for line in lines)


def test_slow_hosts_include_the_names_that_lead_to_them(tiny_world):
    assert bench.slow_hosts(load(tiny_world)) == ["edge.example", "slow.example"]


def test_world_copy_leaves_out_only_the_named_hosts(tiny_world, tmp_path):
    copy = bench.copy_without(tiny_world, ["slow.example", "edge.example"], tmp_path / "copy")
    assert sorted(p.name for p in (copy / "hosts").iterdir()) == ["news.example", "zhengshu-cx.example"]
    assert (copy / "hosts" / "zhengshu-cx.example" / "www" / "cx" / "query.html").exists()


def test_a_run_is_clocked_to_its_last_item_that_did_not_wait_out_the_timeout(tmp_path):
    record = tmp_path / "run.json"
    record.write_text(json.dumps({
        "requests": [{"url": u, "method": "GET", "body": "", "content_type": ""} for u in ("http://a/", "http://b/",
                                                                                            "https://gone/")],
        "waited": ["https://gone/"],
        "items": [[0.5, 0.4, "http://a/"], [2.0, 1.0, "http://b/"], [40.0, 1.2, "https://gone/"]],
        "reason": "finished"}), encoding="utf-8")
    run = bench._read(record)
    assert run["fetched"] == 2 and run["seconds"] == 2.0 and run["cpu_seconds"] == 1.0
    assert run["per_s"] == pytest.approx(1.0)
    assert run["waited"] == ["https://gone/"]


def test_the_bare_spider_skips_what_waited_out_the_timeout(tmp_path):
    record = tmp_path / "run.json"
    record.write_text(json.dumps({
        "requests": [{"url": "http://a/", "method": "GET", "body": "", "content_type": ""},
                     {"url": "http://a/q", "method": "POST", "body": "name=%E7%94%B2",
                      "content_type": "application/x-www-form-urlencoded"},
                     {"url": "https://gone/", "method": "GET", "body": "", "content_type": ""}],
        "waited": ["https://gone/"], "items": [], "reason": "finished"}), encoding="utf-8")
    spider = bench.BareSpider(record=str(record))
    assert [entry["url"] for entry in spider.recorded] == ["http://a/", "http://a/q"]


def test_a_used_data_folder_is_refused(tiny_world, tmp_path, capsys):
    used = tmp_path / "used"
    used.mkdir()
    (used / "fakegov.sqlite").write_bytes(b"")
    assert main(["bench", "crawl", "--world", str(tiny_world), "--data", str(used)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["bench", "crawl", "--world", str(tiny_world), "--rounds", "0"]) == 2
    assert "--rounds" in capsys.readouterr().err
