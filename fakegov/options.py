"""Options shared by many commands (`--data`, `--world`), declared once."""

from __future__ import annotations

from pathlib import Path

DEFAULT_DATA = "fakegov-data"


def add_data(parser) -> None:
    parser.add_argument("--data", type=Path, default=Path(DEFAULT_DATA), metavar="DIR",
                        help=f"database and evidence folder (default: ./{DEFAULT_DATA})")


def add_world(parser) -> None:
    parser.add_argument("--world", type=Path, default=None, metavar="DIR",
                        help="use the simulated internet in DIR instead of the real one "
                             "(the bundled one is fixtures/world)")
