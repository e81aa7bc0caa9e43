"""A data folder: the database file, the evidence files, the WARC files and the crawl job folders."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from fakegov.clock import now_utc
from fakegov.errors import UserError
from store.db import connect, migrate
from store.evidence import Evidence, Stored

DB_NAME = "fakegov.sqlite"


class Store:
    """Everything kept in one data folder (`--data DIR`)."""

    def __init__(self, root: Path, db: sqlite_utils.Database):
        self.root = Path(root)
        self.db = db
        self.evidence = Evidence(self.root / "evidence")
        self.warc_dir = self.root / "warc"
        self.jobs_dir = self.root / "jobs"

    def put_evidence(self, data: bytes, media_type: str | None = None) -> str:
        """Store bytes as evidence and register their hashes; returns the SHA-256."""
        stored = self.evidence.put(data)
        self.register_evidence(stored, media_type)
        return stored.sha256

    def register_evidence(self, stored: Stored, media_type: str | None = None) -> None:
        """Record the hashes of a file already in the evidence folder (the file first, then its row)."""
        self.db.execute(
            "INSERT OR IGNORE INTO evidence_files (sha256, sm3, size, media_type, stored_at) "
            "VALUES (?, ?, ?, ?, ?)", [stored.sha256, stored.sm3, stored.size, media_type, now_utc()])

    def close(self) -> None:
        self.db.close()


def open_store(root: Path) -> tuple[Store, list[str]]:
    """Create the data folder if needed, apply pending migrations; return the store and what was applied."""
    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        for sub in ("evidence", "warc", "jobs"):
            (root / sub).mkdir(exist_ok=True)
        probe = root / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise UserError(f"cannot use data folder {root}: {err.strerror or err}") from None
    try:
        db = connect(root / DB_NAME)
        applied = migrate(db)
    except sqlite3.DatabaseError as err:
        raise UserError(f"cannot open database {root / DB_NAME}: {err}") from None
    sync_targets(db)
    return Store(root, db), applied


def sync_targets(db: sqlite_utils.Database) -> None:
    """Mirror detectors/data/targets.toml (the protected sites) into the database for reports to join."""
    from detectors.targets import targets

    rows = [{"key": t.key, "name": t.name, "official_hosts": json.dumps(list(t.hosts)), "updated_at": now_utc()}
            for t in targets()]
    existing = {row["key"]: row for row in db.query("SELECT key, name, official_hosts FROM targets")}
    changed = [row for row in rows if existing.get(row["key"], {}).get("official_hosts") != row["official_hosts"]
               or existing.get(row["key"], {}).get("name") != row["name"]]
    if changed:
        db["targets"].upsert_all(changed, pk="key")
