"""The `fakegov` command: each room registers its own sub-commands; this only wires them together."""

from __future__ import annotations

import argparse
import importlib
import sys

from fakegov.errors import UserError

# Each module has `register(subparsers)`; handlers are set with `parser.set_defaults(func=...)`.
ROOMS = ["store.cli", "fixtures.cli", "detectors.cli", "crawler.parsers.cli", "crawler.cli", "fakegov.demo"]

_groups: dict[str, argparse._SubParsersAction] = {}


def group(subparsers, name: str, help: str):
    """The sub-command group `name` (e.g. `detect`, `parse`, `bench`), shared by several rooms."""
    if name not in _groups:
        parser = subparsers.add_parser(name, help=help, description=help)
        _groups[name] = parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")
    return _groups[name]


def build_parser() -> argparse.ArgumentParser:
    _groups.clear()
    parser = argparse.ArgumentParser(
        prog="fakegov",
        description="Find, prove and track websites that impersonate cx.mem.gov.cn "
                    "or sell forged safety certificates.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in ROOMS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except UserError as err:
        print(f"fakegov: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fakegov: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
