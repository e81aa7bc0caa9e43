"""The `fakegov init` and `fakegov backup` sub-commands."""

from __future__ import annotations

from pathlib import Path

from fakegov import options


def register(sub) -> None:
    p = sub.add_parser("init", help="create the data folder and database, or apply pending migrations",
                       description="Create the database and evidence folder in --data DIR. Safe to run "
                                   "again: it only applies migrations the database has not seen.")
    options.add_data(p)
    p.set_defaults(func=run_init)

    p = sub.add_parser("backup", help="make a consistent copy of the data folder (safe during a crawl)",
                       description="Copy the database with SQLite's online backup, then the evidence and "
                                   "WARC files, into --out DEST. A second run into the same DEST only "
                                   "copies new evidence.")
    options.add_data(p)
    p.add_argument("--out", type=Path, required=True, metavar="DEST", help="folder to write the copy to")
    p.set_defaults(func=run_backup)


def run_init(args) -> int:
    from store.db import schema_version
    from store.store import open_store

    store, applied = open_store(args.data)
    if applied:
        for name in applied:
            print(f"applied migration {name}")
    print(f"{args.data}: database at schema version {schema_version(store.db)}")
    store.close()
    return 0


def run_backup(args) -> int:
    from fakegov.errors import UserError
    from store.backup import backup
    from store.store import DB_NAME, open_store

    if not (args.data / DB_NAME).exists():
        raise UserError(f"no database in {args.data} (run `fakegov init --data {args.data}` first)")
    if args.out.resolve() == args.data.resolve():
        raise UserError("--out must be another folder than --data")
    store, _ = open_store(args.data)
    copied = backup(store, args.out)
    store.close()
    print(f"backup written to {args.out}: database, {copied['evidence']} new evidence files, "
          f"{copied['warc']} WARC files")
    return 0
