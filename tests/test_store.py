"""The data folder: migrations, append-only decisions, content-addressed evidence, init and backup."""

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from fakegov.errors import UserError
from store.db import connect, migrate, schema_version
from store.schema import MIGRATIONS
from store.store import DB_NAME, open_store

FAKEGOV = [sys.executable, "-m", "fakegov"]


def test_migrations_on_empty_database(tmp_path):
    db = connect(tmp_path / "x.sqlite")
    applied = migrate(db)
    assert len(applied) == len(MIGRATIONS)
    assert schema_version(db) == len(MIGRATIONS)
    for table in ("sites", "urls", "captures", "signals", "indicators", "whois", "decisions",
                  "referrals", "crawl_runs", "schedules", "manual_stats", "users", "tips", "targets"):
        assert table in db.table_names()
    assert "contacts" in db.view_names()
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_on_existing_database_apply_only_new_ones(tmp_path):
    db = connect(tmp_path / "x.sqlite")
    migrate(db)
    db["sites"].insert({"site_key": "a.top", "first_seen": "t", "last_seen": "t"})
    extra = MIGRATIONS + [("add a column", "ALTER TABLE sites ADD COLUMN remark TEXT;")]
    assert migrate(db, extra) == [f"{len(extra)}: add a column"]
    assert migrate(db, extra) == []
    assert db.execute("SELECT site_key, remark FROM sites").fetchall() == [("a.top", None)]


def test_failed_migration_rolls_back(tmp_path):
    db = connect(tmp_path / "x.sqlite")
    migrate(db)
    broken = MIGRATIONS + [("half", "CREATE TABLE half (x);\nCREATE TABLE sites (y);")]
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, broken)
    assert "half" not in db.table_names()
    assert schema_version(db) == len(MIGRATIONS)


def test_decisions_are_append_only(tmp_path):
    store, _ = open_store(tmp_path / "d")
    site = store.db["sites"].insert({"site_key": "a.top", "first_seen": "t", "last_seen": "t"}).last_pk
    store.db["decisions"].insert({"site_id": site, "action": "confirm", "to_status": "confirmed",
                                  "decided_at": "t"})
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE decisions SET note = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM decisions")


def test_foreign_keys_are_enforced(tmp_path):
    store, _ = open_store(tmp_path / "d")
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("INSERT INTO urls (url, host, site_id, first_seen, last_seen) "
                         "VALUES ('http://a/', 'a', 999, 't', 't')")


def test_evidence_is_content_addressed_and_never_overwritten(tmp_path):
    store, _ = open_store(tmp_path / "d")
    sha = store.put_evidence(b"<html>fake</html>", "text/html")
    assert sha == hashlib.sha256(b"<html>fake</html>").hexdigest()
    path = store.evidence.path(sha)
    assert path.read_bytes() == b"<html>fake</html>"
    before = path.stat().st_mtime_ns
    assert store.put_evidence(b"<html>fake</html>") == sha
    assert path.stat().st_mtime_ns == before
    assert store.evidence.verify(sha)
    row = store.db["evidence_files"].get(sha)
    assert row["size"] == 17 and row["media_type"] == "text/html"
    if row["sm3"] is not None:
        assert len(row["sm3"]) == 64
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]


def test_evidence_concurrent_writers_of_same_bytes(tmp_path):
    store, _ = open_store(tmp_path / "d")
    data = os.urandom(200_000)
    results = []
    threads = [threading.Thread(target=lambda: results.append(store.evidence.put(data).sha256))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1
    assert store.evidence.read(results[0]) == data


def test_evidence_rejects_bad_names(tmp_path):
    store, _ = open_store(tmp_path / "d")
    with pytest.raises(ValueError):
        store.evidence.path("../../etc/passwd")


def test_init_is_idempotent(tmp_path):
    data = tmp_path / "data"
    first = subprocess.run(FAKEGOV + ["init", "--data", str(data)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "applied migration 1" in first.stdout
    second = subprocess.run(FAKEGOV + ["init", "--data", str(data)], capture_output=True, text=True)
    assert second.returncode == 0
    assert "applied migration" not in second.stdout
    assert (data / DB_NAME).exists() and (data / "evidence").is_dir()


def test_unwritable_data_folder_is_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = subprocess.run(FAKEGOV + ["init", "--data", str(blocker / "data")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("fakegov: error: cannot use data folder")
    assert len(result.stderr.strip().splitlines()) == 1
    with pytest.raises(UserError):
        open_store(blocker / "data")


def test_corrupt_database_is_one_line_error(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    result = subprocess.run(FAKEGOV + ["init", "--data", str(data)], capture_output=True, text=True)
    assert result.returncode == 2 and "cannot open database" in result.stderr
    assert "Traceback" not in result.stderr


def test_backup_while_writing(tmp_path):
    store, _ = open_store(tmp_path / "data")
    stop = threading.Event()

    def writer():
        writer_store, _ = open_store(tmp_path / "data")
        n = 0
        while not stop.is_set():
            sha = writer_store.put_evidence(f"page {n}".encode())
            writer_store.db["sites"].insert({"site_key": f"s{n}.top", "first_seen": sha,
                                             "last_seen": "t"})
            n += 1
        writer_store.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(3):
            result = subprocess.run(FAKEGOV + ["backup", "--data", str(tmp_path / "data"),
                                               "--out", str(tmp_path / "copy")],
                                    capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(str(tmp_path / "copy" / DB_NAME))
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Every evidence row of the copy has its file in the copy, with the right bytes.
    for sha, in copy.execute("SELECT sha256 FROM evidence_files"):
        data = (tmp_path / "copy" / "evidence" / sha[:2] / sha).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
    assert copy.execute("SELECT count(*) FROM sites").fetchone()[0] > 0
    store.close()


def test_backup_without_database_is_one_line_error(tmp_path):
    result = subprocess.run(FAKEGOV + ["backup", "--data", str(tmp_path / "none"),
                                       "--out", str(tmp_path / "copy")], capture_output=True, text=True)
    assert result.returncode == 2 and "no database" in result.stderr


def test_targets_are_mirrored_from_the_data_file(tmp_path):
    from detectors.targets import targets

    store, _ = open_store(tmp_path / "d")
    rows = {row["key"]: row for row in store.db.query("SELECT * FROM targets")}
    assert list(rows) == [t.key for t in targets()]
    assert "cx.mem.gov.cn" in rows["cx.mem.gov.cn"]["official_hosts"]
