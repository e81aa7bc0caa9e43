"""Every read and write the crawler and the reports make, in one place (sqlite-utils underneath)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import sqlite_utils

from fakegov.clock import now_utc

# Indicators that point at one operator: contacts, analytics accounts, a shared query back end.
# (ICP numbers, site codes and badge ids are copied from the official site by every clone, and
# favicons too, so they tie a clone to what it copies, not to who runs it.)
OPERATOR_KINDS = ("mobile", "landline", "qq", "wechat", "email", "baidu-tongji", "cnzz", "51la",
                  "form-action-host", "registrant")

# Statuses an analyst has set: a crawl never moves a site out of these by itself.
DECIDED = ("confirmed", "not_fake", "referred", "block_requested", "blocked", "reappeared")


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _insert(db: sqlite_utils.Database, table: str, row: dict) -> int:
    """Insert one row into a table the schema made; returns its id. A crawl writes several rows per page:
    sqlite-utils' `insert` would first look the table up again each time."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    return db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())).lastrowid


# -- crawl runs --------------------------------------------------------------------------------

def start_run(db: sqlite_utils.Database, kind: str, args: dict, pid: int, started_by: str | None = None) -> int:
    return db["crawl_runs"].insert({
        "kind": kind, "started_at": now_utc(), "status": "running", "args": as_json(args),
        "pid": pid, "started_by": started_by}).last_pk


def reopen_run(db: sqlite_utils.Database, run_id: int, pid: int) -> None:
    db.execute("UPDATE crawl_runs SET status = 'running', finished_at = NULL, pid = ? WHERE id = ?",
               [pid, run_id])


def save_run_progress(db: sqlite_utils.Database, run_id: int, counts: dict, errors: list, notes: list,
                      warc: str | None = None) -> None:
    db.execute("UPDATE crawl_runs SET counts = ?, errors = ?, notes = ?, warc = coalesce(?, warc) "
               "WHERE id = ?", [as_json(counts), as_json(errors), as_json(notes), warc, run_id])


def finish_run(db: sqlite_utils.Database, run_id: int, status: str) -> None:
    db.execute("UPDATE crawl_runs SET status = ?, finished_at = ? WHERE id = ?", [status, now_utc(), run_id])


def get_run(db: sqlite_utils.Database, run_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM crawl_runs WHERE id = ?", [run_id]))
    if not rows:
        return None
    run = rows[0]
    for key in ("args", "counts", "errors", "notes"):
        run[key] = json.loads(run[key])
    return run


def last_unfinished_run(db: sqlite_utils.Database) -> dict | None:
    # A render batch is not resumed: running `crawl render` again takes what has no screenshot yet.
    rows = list(db.query("SELECT id FROM crawl_runs WHERE status IN ('running', 'interrupted') "
                         "AND kind != 'render' ORDER BY id DESC LIMIT 1"))
    return get_run(db, rows[0]["id"]) if rows else None


# -- frontier (see schema migration 2) ---------------------------------------------------------

def frontier_add(db: sqlite_utils.Database, run_id: int, fingerprint: str, url: str,
                 site_key: str | None, request: bytes) -> bool:
    """Record a scheduled request; False if this run has scheduled it before."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO frontier (run_id, fingerprint, url, site_key, request) VALUES (?, ?, ?, ?, ?)",
        [run_id, fingerprint, url, site_key, request])
    return cursor.rowcount == 1


def frontier_done(db: sqlite_utils.Database, run_id: int, fingerprint: str) -> None:
    db.execute("UPDATE frontier SET state = 'done' WHERE run_id = ? AND fingerprint = ?", [run_id, fingerprint])


def frontier_pending(db: sqlite_utils.Database, run_id: int) -> Iterator[bytes]:
    for (blob,) in db.execute("SELECT request FROM frontier WHERE run_id = ? AND state = 'pending' ORDER BY id",
                              [run_id]).fetchall():
        yield blob


def frontier_budgets(db: sqlite_utils.Database, run_id: int) -> dict[str, set[str]]:
    """The page URLs each site's budget has paid for in this run."""
    budgets: dict[str, set[str]] = {}
    for site, url in db.execute("SELECT site_key, url FROM frontier WHERE run_id = ? AND site_key IS NOT NULL",
                                [run_id]).fetchall():
        budgets.setdefault(site, set()).add(url)
    return budgets


# -- sites, urls, discoveries ------------------------------------------------------------------

def site_id(db: sqlite_utils.Database, site_key: str) -> int:
    """The id of the site, created on first sight."""
    now = now_utc()
    return db.execute("INSERT INTO sites (site_key, first_seen, last_seen) VALUES (?, ?, ?) "
                      "ON CONFLICT(site_key) DO UPDATE SET last_seen = excluded.last_seen RETURNING id",
                      [site_key, now, now]).fetchone()[0]


def url_id(db: sqlite_utils.Database, url: str, host: str, site: int) -> int:
    now = now_utc()
    return db.execute("INSERT INTO urls (url, host, site_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
                      "ON CONFLICT(url) DO UPDATE SET last_seen = excluded.last_seen RETURNING id",
                      [url, host, site, now, now]).fetchone()[0]


def add_discovery(db: sqlite_utils.Database, site: int, url: int | None, run_id: int | None, source: str,
                  engine: str | None = None, keyword: str | None = None, rank: int | None = None,
                  ad: bool | None = None, detail: dict | None = None) -> int:
    return _insert(db, "discoveries", {
        "site_id": site, "url_id": url, "run_id": run_id, "source": source, "engine": engine,
        "keyword": keyword, "rank": rank, "ad": None if ad is None else int(ad),
        "detail": as_json(detail or {}), "found_at": now_utc()})


def add_tip(db: sqlite_utils.Database, url: str, source: str | None, reporter: str | None,
            contact: str | None, note: str | None, run_id: int | None) -> int:
    return db["tips"].insert({"url": url, "source": source, "reporter": reporter, "reporter_contact": contact,
                              "note": note, "received_at": now_utc(), "run_id": run_id}).last_pk


# -- captures and what was read from them -------------------------------------------------------

def add_capture(db: sqlite_utils.Database, row: dict) -> int | None:
    """Insert a capture; None if this run already holds one for the URL (a resumed crawl)."""
    row = {key: (as_json(value) if isinstance(value, (dict, list)) else value) for key, value in row.items()}
    row.setdefault("fetched_at", now_utc())
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = db.execute(f"INSERT OR IGNORE INTO captures ({columns}) VALUES ({marks})", list(row.values()))
    return cursor.lastrowid if cursor.rowcount == 1 else None


def add_signals(db: sqlite_utils.Database, capture: int | None, site: int, detector: str,
                reasons: Iterable[dict], version: str) -> None:
    db.conn.executemany(
        "INSERT INTO signals (capture_id, site_id, detector, code, points, zh, en, detector_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(capture, site, detector, r["code"], r["points"], r["zh"], r["en"], version) for r in reasons])


def add_indicators(db: sqlite_utils.Database, site: int, capture: int | None,
                   pairs: Iterable[tuple[str, str]]) -> None:
    now = now_utc()
    db.conn.executemany(
        "INSERT OR IGNORE INTO indicators (site_id, capture_id, kind, value, first_seen) VALUES (?, ?, ?, ?, ?)",
        [(site, capture, kind, value, now) for kind, value in pairs if value])


def update_site_verdict(db: sqlite_utils.Database, site: int, run_id: int | None) -> None:
    """The site takes the verdict of its highest-scoring capture of this run (kept as `verdict_capture_id`);
    the status follows, unless an analyst has decided it."""
    best = db.execute(
        "SELECT id, score, verdict, kind, target FROM captures WHERE site_id = ? AND run_id IS ? "
        "AND score IS NOT NULL ORDER BY score DESC, "
        "CASE verdict WHEN 'fake' THEN 0 WHEN 'suspicious' THEN 1 WHEN 'official' THEN 2 ELSE 3 END, id LIMIT 1",
        [site, run_id]).fetchone()
    if best is None:
        return
    best_capture, score, verdict, kind, target = best
    status = {"official": "official", "fake": "flagged", "suspicious": "flagged"}.get(verdict, "discovered")
    db.execute(
        "UPDATE sites SET score = ?, verdict = ?, kind = ?, target = ?, verdict_capture_id = ?, "
        f"status = CASE WHEN status IN ({', '.join('?' * len(DECIDED))}) THEN status ELSE ? END WHERE id = ?",
        [score, verdict, kind, target, best_capture, *DECIDED, status, site])


def mark_site_reachability(db: sqlite_utils.Database, site: int, up: bool) -> None:
    """Track outages: `down_since` is the first failed check of the current outage."""
    if up:
        db.execute("UPDATE sites SET up = 1, down_since = NULL WHERE id = ?", [site])
    else:
        db.execute("UPDATE sites SET up = 0, down_since = coalesce(down_since, ?) WHERE id = ?", [now_utc(), site])


# -- DNS and WHOIS ---------------------------------------------------------------------------

def record_dns(db: sqlite_utils.Database, name: str, answers: dict, rcode: str, resolver: str | None) -> None:
    _insert(db, "dns_lookups", {"name": name, "answers": as_json(answers), "rcode": rcode, "resolver": resolver,
                                "looked_up_at": now_utc()})


def record_whois(db: sqlite_utils.Database, domain: str, parsed: dict | None, raw_sha256: str | None,
                 error: str | None = None) -> None:
    parsed = parsed or {}
    _insert(db, "whois", {
        "domain": domain, "fetched_at": now_utc(), "raw_sha256": raw_sha256, "found": parsed.get("found"),
        "registrar": parsed.get("registrar"), "created": parsed.get("created"), "expires": parsed.get("expires"),
        "status": as_json(parsed.get("status") or []), "name_servers": as_json(parsed.get("name_servers") or []),
        "registrant": parsed.get("registrant"), "error": error})


def whois_fetched_since(db: sqlite_utils.Database, domain: str, since: str) -> bool:
    return db.execute("SELECT 1 FROM whois WHERE domain = ? AND fetched_at >= ? AND error IS NULL LIMIT 1",
                      [domain, since]).fetchone() is not None


def shared_indicators(db: sqlite_utils.Database, kinds: tuple[str, ...], verdicts=("fake", "suspicious")) -> list[dict]:
    """Indicator values that two or more judged sites share: the threads that tie sites into gangs."""
    kind_marks, verdict_marks = ", ".join("?" * len(kinds)), ", ".join("?" * len(verdicts))
    rows = db.execute(f"""
        SELECT i.kind, i.value, group_concat(DISTINCT s.site_key) FROM indicators i JOIN sites s ON s.id = i.site_id
        WHERE i.kind IN ({kind_marks}) AND s.verdict IN ({verdict_marks})
        GROUP BY i.kind, i.value HAVING count(DISTINCT s.id) > 1 ORDER BY count(DISTINCT s.id) DESC, i.kind""",
                      list(kinds) + list(verdicts)).fetchall()
    return [{"kind": kind, "value": value, "sites": sorted(sites.split(","))} for kind, value, sites in rows]
