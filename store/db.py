"""Opening the database (WAL, foreign keys, busy timeout) and applying pending migrations."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import sqlite_utils

from fakegov.clock import now_utc
from store.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 30_000


def connect(path: Path) -> sqlite_utils.Database:
    """A connection with the settings every user of the database needs (several processes write at once)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = sqlite_utils.Database(conn)
    if db.journal_mode != "wal":
        db.enable_wal()
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    if "_migrations" not in db.table_names():
        return 0
    return db.execute("SELECT coalesce(max(version), 0) FROM _migrations").fetchone()[0]


def migrate(db: sqlite_utils.Database, migrations=MIGRATIONS) -> list[str]:
    """Apply the migrations this database has not seen, each in its own transaction; return their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations "
               "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    applied = []
    for version, (name, sql) in enumerate(migrations, 1):
        if version <= schema_version(db):
            continue
        with transaction(db):
            # Statements one by one: executescript() would commit the open transaction.
            for statement in _statements(sql):
                db.execute(statement)
            db.execute("INSERT INTO _migrations VALUES (?, ?, ?)", [version, name, now_utc()])
        applied.append(f"{version}: {name}")
    return applied


def _statements(sql: str):
    """Split a migration into complete statements (triggers contain semicolons, so ask SQLite)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:60]}")


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database):
    """One write transaction (the connection is in autocommit mode otherwise)."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
