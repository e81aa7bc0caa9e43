"""A consistent copy of a data folder, safe while a crawl is writing to it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from fakegov.errors import UserError
from store.store import DB_NAME, Store


def backup(store: Store, dest: Path) -> dict:
    """Copy the database with SQLite's online backup, then the evidence and WARC files.

    Order matters: evidence files are written before the rows that name them, so every file the
    snapshot refers to already exists when the files are copied after it. Evidence files never
    change, so files already present at `dest` are skipped (a second backup is incremental).
    """
    dest = Path(dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        if (dest / DB_NAME).exists():
            (dest / DB_NAME).unlink()
        target = sqlite3.connect(str(dest / DB_NAME))
    except OSError as err:
        raise UserError(f"cannot write backup to {dest}: {err.strerror or err}") from None
    with target:
        store.db.conn.backup(target)
    target.close()

    copied = {"evidence": 0, "warc": 0}
    for sha256, in sqlite3.connect(str(dest / DB_NAME)).execute("SELECT sha256 FROM evidence_files"):
        source = store.evidence.path(sha256)
        out = dest / "evidence" / sha256[:2] / sha256
        if not out.exists() and source.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out)
            copied["evidence"] += 1
    for warc in sorted(store.warc_dir.glob("*.warc.gz")):
        # A WARC still being written is copied as far as it goes; its run shows as 'running' in the copy.
        out = dest / "warc" / warc.name
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(warc, out)
        copied["warc"] += 1
    return copied
