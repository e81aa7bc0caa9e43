"""The spiders against the bundled world: each finds what the world hides for it, captures record
redirect chains, loops and hostile hosts, and a crawl killed with SIGKILL resumes without loss or
duplicates. Each crawl runs once per session, in a subprocess (Scrapy's reactor runs once per process)."""

from __future__ import annotations

import glob
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from detectors.names import site_key
pytestmark = pytest.mark.slow
WORLD_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "world"
FAKEGOV = [sys.executable, "-m", "fakegov"]
CRAWL_OPTIONS = ["--world", str(WORLD_DIR), "--timeout", "6", "--no-progress"]


def world_labels() -> dict:
    labels = {}
    for path in glob.glob(str(WORLD_DIR / "labels" / "*.toml")):
        labels.update(tomllib.loads(Path(path).read_text(encoding="utf-8")).get("host", {}))
    return labels


def world_queries() -> list[dict]:
    queries = []
    for path in sorted(glob.glob(str(WORLD_DIR / "search" / "*.toml"))):
        queries.extend(tomllib.loads(Path(path).read_text(encoding="utf-8")).get("query", []))
    return queries


def crawl(data: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(FAKEGOV + ["crawl", *args, "--data", str(data), *CRAWL_OPTIONS],
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def database(data: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(data / "fakegov.sqlite"))
    db.row_factory = sqlite3.Row
    return db


@pytest.fixture(scope="session")
def searched(tmp_path_factory):
    data = tmp_path_factory.mktemp("search")
    result = crawl(data, "search", "--pages", "2")
    return data, result.stdout


@pytest.fixture(scope="session")
def permuted(tmp_path_factory):
    data = tmp_path_factory.mktemp("permute")
    crawl(data, "permute")
    return data


@pytest.fixture(scope="session")
def ct_crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("ct")
    crawl(data, "ct")
    return data


def found_sites(data: Path, source: str) -> set[str]:
    rows = database(data).execute("SELECT DISTINCT s.site_key FROM discoveries d JOIN sites s ON s.id = d.site_id "
                                  "WHERE d.source = ?", [source])
    return {row[0] for row in rows}


def test_search_finds_every_fake_the_result_pages_list(searched):
    data, stdout = searched
    db = database(data)
    labels = world_labels()
    blocked = {(q["q"], engine) for q in world_queries() for engine in q.get("blocked", [])}
    with open(Path(__file__).resolve().parent.parent / "crawler" / "data" / "keywords.txt", encoding="utf-8") as fh:
        keywords = {line.strip() for line in fh if line.strip() and not line.startswith("#")}
    expected = set()
    for query in world_queries():
        if query["q"] not in keywords:
            continue
        ranked = query.get("result", [])
        for result in ranked:
            host = result["url"].split("/")[2].split(":")[0]
            engines = set(result.get("engines", ["baidu", "sogou", "so360", "bing"]))
            if labels.get(host, {}).get("label") == "fake" and any((query["q"], e) not in blocked for e in engines):
                expected.add(site_key(host))
    assert expected, "the world lists no fakes in its search results"
    found = {row[0] for row in db.execute(
        "SELECT DISTINCT s.site_key FROM discoveries d JOIN sites s ON s.id = d.site_id "
        "WHERE d.source = 'search' AND d.rank IS NOT NULL AND d.engine IS NOT NULL AND d.keyword IS NOT NULL")}
    assert expected <= found, f"missed: {sorted(expected - found)}"
    # every fake listed as an ad was found as an ad on some engine
    ads = {site_key(r["url"].split("/")[2]) for q in world_queries() if q["q"] in keywords
           for r in q.get("result", []) if r.get("ad")}
    marked = {row[0] for row in db.execute("SELECT DISTINCT s.site_key FROM discoveries d JOIN sites s "
                                           "ON s.id = d.site_id WHERE d.ad = 1")}
    assert ads <= marked, f"ads not marked: {sorted(ads - marked)}"
    assert not marked - ads - {site_key(r["url"].split("/")[2]) for q in world_queries() for r in q.get("result", [])
                                 if r.get("ad")}


def test_search_backs_off_after_a_captcha_and_says_so(searched):
    data, stdout = searched
    run = database(data).execute("SELECT notes, status FROM crawl_runs").fetchone()
    notes = json.loads(run["notes"])
    blocked_engines = {engine for q in world_queries() for engine in q.get("blocked", [])}
    assert blocked_engines
    for engine in blocked_engines:
        assert any(note.startswith(f"{engine}:") and "验证码" in note for note in notes), notes
        assert f"注意：{engine}:" in stdout
    assert run["status"] == "finished"


def test_search_flags_fakes_and_never_officials(searched):
    data, _ = searched
    db = database(data)
    labels = world_labels()
    verdicts = {row["site_key"]: row["verdict"] for row in db.execute("SELECT site_key, verdict FROM sites")}
    officials = {site_key(h) for h, label in labels.items() if label["label"] == "official"}
    assert not [s for s in officials if verdicts.get(s) == "fake"]
    # a fake that never answered (dead, blocked) is judged by its name only, which may say nothing
    answered = {row[0] for row in db.execute("SELECT DISTINCT s.site_key FROM captures c JOIN sites s "
                                             "ON s.id = c.site_id WHERE c.status_code IS NOT NULL")}
    fakes_seen = {site_key(h) for h, label in labels.items() if label["label"] == "fake"} & answered
    flagged = {s for s in fakes_seen if verdicts[s] in ("fake", "suspicious")}
    assert len(flagged) >= 0.9 * len(fakes_seen), sorted(fakes_seen - flagged)


def test_permute_finds_the_worlds_live_lookalike_names(permuted):
    labels = world_labels()
    dead = {"dead", "nxdomain", "blocked"}
    states = {host.name: tomllib.loads((host / "host.toml").read_text(encoding="utf-8")).get("state", "up")
              for host in (WORLD_DIR / "hosts").iterdir()}
    expected = {site_key(host) for host, label in labels.items()
                if "permute" in label.get("findable_by", []) and states.get(host, "up") not in dead}
    assert expected
    found = found_sites(permuted, "permute")
    assert expected <= found, f"missed: {sorted(expected - found)}"


def test_ct_finds_the_logged_lookalikes(ct_crawled):
    labels = world_labels()
    states = {host.name: tomllib.loads((host / "host.toml").read_text(encoding="utf-8")).get("state", "up")
              for host in (WORLD_DIR / "hosts").iterdir()}
    expected = {site_key(h) for h, label in labels.items()
                if "ct" in label.get("findable_by", []) and states.get(h, "up") == "up"}
    assert expected
    found = found_sites(ct_crawled, "ct")
    assert expected <= found, f"missed: {sorted(expected - found)}"
    # names that only share the pattern (memory companies) are not captured
    captured = {row[0] for row in database(ct_crawled).execute("SELECT site_key FROM sites")}
    unrelated = {site_key(h) for h in captured if "memory" in h or "member" in h}
    assert not unrelated


def test_capture_records_redirect_chains_loops_and_hostile_hosts(searched):
    data, _ = searched
    db = database(data)
    captures = list(db.execute("SELECT requested_url, role, status_code, location, redirects, error, body_sha256 "
                               "FROM captures"))
    by_url = {row["requested_url"]: row for row in captures}
    hops = [row for row in captures if row["role"] == "hop"]
    chains = [json.loads(row["redirects"]) for row in hops]
    assert any(len(chain) >= 2 for chain in chains), "no multi-hop redirect chain recorded"
    longest = max(chains, key=len)
    assert all(step["status"] in (301, 302, 303, 307, 308) or step["how"] != "http" for step in longest)
    assert any("redirect loop" in (row["error"] or "") for row in captures)
    assert any("larger than the download limit" in (row["error"] or "") for row in captures)
    assert any(row["error"] == "timed out" for row in captures), "the slow-drip host did not time out"
    # the calendar trap links to the next month forever: the site's page budget ends it
    calendar = [row for row in captures if "rili.tzzy-kaoshi.top" in row["requested_url"]
                and row["role"] in ("entry", "page", "hop")]
    assert 1 <= len(calendar) <= 8
    # the binary served as text/html is stored as evidence and scored without a crash
    binary = [row for row in captures if "aqsc-ziliao" in row["requested_url"] and row["role"] == "entry"]
    assert binary and binary[0]["body_sha256"]
    # every stored body is in the evidence folder under its hash
    for row in captures:
        if row["body_sha256"]:
            assert (data / "evidence" / row["body_sha256"][:2] / row["body_sha256"]).exists()
    assert by_url


def test_every_fetch_is_in_the_warc(searched):
    data, _ = searched
    db = database(data)
    records, ips = {}, {}
    for path in (data / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    records[record.rec_headers.get_header("WARC-Record-ID")] = record.rec_headers.get_header(
                        "WARC-Target-URI")
                    ips[record.rec_headers.get_header("WARC-Record-ID")] = record.rec_headers.get_header(
                        "WARC-IP-Address")
    stored = list(db.execute("SELECT warc_record, requested_url, ip FROM captures WHERE status_code IS NOT NULL"))
    assert stored
    for row in stored:
        assert records.get(row["warc_record"]) == row["requested_url"]
        assert ips.get(row["warc_record"]) == row["ip"]      # the server address, where DNS gave one


def test_whois_and_dns_are_recorded(searched):
    data, _ = searched
    db = database(data)
    assert db.execute("SELECT count(*) FROM whois WHERE found = 1 AND registrar IS NOT NULL").fetchone()[0] > 5
    assert db.execute("SELECT count(*) FROM dns_lookups WHERE rcode = 'NXDOMAIN'").fetchone()[0] >= 1
    assert db.execute("SELECT count(*) FROM captures WHERE ip IS NOT NULL").fetchone()[0] > 5
    tls = [json.loads(row[0]) for row in db.execute("SELECT tls FROM captures WHERE tls IS NOT NULL")]
    assert tls and all(cert.get("sha256") for cert in tls)


def test_tips_from_a_file_keep_source_and_contact(tmp_path):
    tips = tmp_path / "tips.csv"
    tips.write_text("url,source,reporter,contact\nhttp://cx-mem-gov.com/,12350,王女士,13900000000\n"
                    "this is not a url,12350,,\n", encoding="utf-8")
    result = crawl(tmp_path / "data", "tips", "--file", str(tips))
    db = database(tmp_path / "data")
    tip = db.execute("SELECT url, source, reporter_contact FROM tips").fetchone()
    assert tuple(tip) == ("http://cx-mem-gov.com/", "12350", "13900000000")
    assert db.execute("SELECT count(*) FROM discoveries WHERE source = 'tip'").fetchone()[0] == 1
    assert "不是网址" in result.stdout or "not a web address" in result.stdout


def test_a_broken_tip_file_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\xff\xfe garbage")
    result = subprocess.run(FAKEGOV + ["crawl", "tips", "--file", str(bad), "--data", str(tmp_path / "d")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_kill_9_mid_crawl_then_resume(tmp_path, searched):
    data = tmp_path / "data"
    process = subprocess.Popen(FAKEGOV + ["crawl", "search", "--pages", "2", "--data", str(data), *CRAWL_OPTIONS],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if (data / "fakegov.sqlite").exists():
                try:
                    count = database(data).execute("SELECT count(*) FROM captures").fetchone()[0]
                except sqlite3.OperationalError:
                    continue
                if count >= 40:
                    break
        else:
            pytest.fail("the crawl stored too little to be killed half-way")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    db = database(data)
    pending = db.execute("SELECT count(*) FROM frontier WHERE state = 'pending'").fetchone()[0]
    assert pending > 0, "the crawl had already finished: kill it earlier"
    result = subprocess.run(FAKEGOV + ["crawl", "resume", "--data", str(data), "--no-progress"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    db = database(data)
    assert db.execute("SELECT status FROM crawl_runs").fetchone()[0] == "finished"
    assert db.execute("SELECT count(*) FROM frontier WHERE state = 'pending'").fetchone()[0] == 0
    duplicates = db.execute("SELECT requested_url, count(*) FROM captures GROUP BY run_id, requested_url "
                            "HAVING count(*) > 1").fetchall()
    assert not duplicates
    # nothing lost: the same pages as the uninterrupted crawl of the same world, except where a site's page
    # budget had to choose among more links than it pays for (which ones it takes depends on timing)
    clean = database(searched[0])
    pages = ("SELECT s.site_key, c.requested_url FROM captures c JOIN sites s ON s.id = c.site_id "
             "WHERE c.role IN ('entry', 'hop', 'page', 'canary')")
    resumed, uninterrupted = set(db.execute(pages).fetchall()), set(clean.execute(pages).fetchall())
    per_site = {}
    for site, _ in uninterrupted:
        per_site[site] = per_site.get(site, 0) + 1
    missing = {(site, url) for site, url in uninterrupted - resumed if per_site[site] < 8}
    assert not missing
    assert {site for site, _ in uninterrupted} <= {site for site, _ in resumed}
    assert len(list((data / "warc").glob("run-1-*.warc.gz"))) == 2


def copy_of(data: Path, tmp_path: Path) -> Path:
    """A copy of a crawled data folder, so a test can change it without touching the session's."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    return copy


def test_pivot_follows_confirmed_fakes_to_their_sisters(searched, tmp_path):
    data = copy_of(searched[0], tmp_path)
    db = database(data)
    with db:
        # one seller is left unconfirmed: the pivot must tie it to its confirmed gang by shared contacts
        db.execute("UPDATE sites SET status = 'confirmed' WHERE verdict = 'fake' AND site_key != 'anquanzheng.cc'")
    labels = world_labels()
    before = {row[0] for row in db.execute("SELECT site_key FROM sites")}
    crawl(data, "pivot")
    db = database(data)
    pivoted = found_sites(data, "pivot")
    # sisters only reachable from a confirmed fake (by a link or a shared indicator) are found now
    pivot_only = {site_key(h) for h, label in labels.items()
                  if label.get("findable_by") == ["pivot"] and label["label"] == "fake"}
    linked = {site_key(urlsplit_host(link)) for (link,) in db.execute(
        "SELECT DISTINCT j.value FROM captures c JOIN sites s ON s.id = c.site_id, json_each(c.links) j "
        "WHERE s.status = 'confirmed'")}
    expected = pivot_only & linked
    assert expected, "no pivot-only sister is linked from a confirmed fake"
    assert expected <= pivoted, f"missed: {sorted(expected - pivoted)}"
    assert expected - before, "nothing new was found"
    shared = [json.loads(row[0]) for row in db.execute("SELECT detail FROM discoveries WHERE source = 'pivot'")]
    assert {"qq", "wechat", "mobile"} & {detail.get("shared") for detail in shared
                                         if detail.get("from") != "anquanzheng.cc"}
    tied = {row[0] for row in db.execute("SELECT s.site_key FROM discoveries d JOIN sites s ON s.id = d.site_id "
                                         "WHERE d.source = 'pivot' AND json_extract(d.detail, '$.shared') = 'qq'")}
    assert "anquanzheng.cc" in tied


def urlsplit_host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or "unknown.invalid"


def test_recheck_records_what_is_down_blocked_or_changed(searched, tmp_path):
    data = copy_of(searched[0], tmp_path)
    crawl(data, "recheck", "--status", "flagged")
    db = database(data)
    run = db.execute("SELECT counts, status FROM crawl_runs WHERE kind = 'recheck'").fetchone()
    counts = json.loads(run["counts"])
    assert run["status"] == "finished" and counts.get("recheck", 0) > 5
    assert counts.get("unchanged", 0) > 0
    blocked = [h.name for h in (WORLD_DIR / "hosts").iterdir()
               if tomllib.loads((h / "host.toml").read_text(encoding="utf-8")).get("state") == "blocked"]
    rechecked = {row[0] for row in db.execute("SELECT requested_url FROM captures WHERE role = 'recheck'")}
    for host in blocked:
        if any(f"//{host}/" in url for url in rechecked):
            assert db.execute("SELECT count(*) FROM dns_lookups WHERE name = ? AND rcode = 'NXDOMAIN'",
                              [host]).fetchone()[0] >= 1
            holds = db.execute("SELECT status FROM whois WHERE domain = ? ORDER BY id DESC", [site_key(host)]).fetchone()
            assert holds and ("serverHold" in holds[0] or "clientHold" in holds[0])
    down = db.execute("SELECT count(*) FROM sites WHERE up = 0 AND down_since IS NOT NULL").fetchone()[0]
    assert down >= 1


def test_scrapy_crawl_from_the_repository_root(tmp_path, world):
    network = world.network
    result = subprocess.run(
        [str(Path(sys.executable).parent / "scrapy"), "crawl", "tips", "-a", "url=http://cx-mem-gov.com/",
         "-s", f"FAKEGOV_DATA={tmp_path / 'data'}", "-s", f"FAKEGOV_PROXY={network.proxy}",
         "-s", f"FAKEGOV_DNS={network.dns[0]}:{network.dns[1]}", "-s", f"FAKEGOV_WHOIS={network.whois[0]}:{network.whois[1]}",
         "-s", "FAKEGOV_PROGRESS=False"],
        cwd=WORLD_DIR.parent.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    db = database(tmp_path / "data")
    assert db.execute("SELECT status FROM crawl_runs").fetchone()[0] == "finished"
    assert db.execute("SELECT verdict FROM sites WHERE site_key = 'cx-mem-gov.com'").fetchone()[0] == "fake"
