"""`fakegov demo`: the whole pipeline, as far as it is built, on the bundled world."""

from __future__ import annotations

from pathlib import Path

from fakegov import options

BUNDLED_WORLD = Path(__file__).resolve().parent.parent / "fixtures" / "world"


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the whole pipeline on the bundled simulated internet",
                       description="Run discovery, capture and detection on the bundled simulated "
                                   "internet and summarise what was found and why.")
    options.add_data(p)
    p.set_defaults(func=run)


def run(args) -> int:
    print("demo: nothing built yet")
    return 0
