"""The `fakegov parse` sub-commands: the same parsers the spiders use, for whoever maintains them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fakegov.cli import group
from fakegov.errors import UserError

# Exit codes of `parse serp` for pages that give no results (2 is a user mistake, as everywhere).
EXIT_EMPTY = 1
EXIT_BLOCKED = 3
EXIT_UNKNOWN_MARKUP = 4


def register(sub) -> None:
    """Add `fakegov parse serp` and `fakegov parse whois`."""
    from crawler.parsers.serp import ENGINES

    parse = group(sub, "parse", "read saved search-result pages and WHOIS answers with the crawler's parsers")
    p = parse.add_parser(
        "serp", help="list the results of a saved search-result page",
        description="Print one JSON object per result: rank, url (the real target where the page reveals "
                    "it, else the engine's link), redirect (the engine's link, if any), title, ad.",
        epilog=f"Exit status: 0 results found; {EXIT_EMPTY} the engine's no-results page; "
               f"{EXIT_BLOCKED} a captcha/antispider/bot-challenge page; {EXIT_UNKNOWN_MARKUP} a page whose "
               "markup yields nothing (the parser needs updating); 2 unreadable file.")
    p.add_argument("--engine", required=True, choices=ENGINES)
    p.add_argument("--url", default=None,
                   help="the URL the page was fetched from (resolves relative links; default: the engine's "
                        "search URL)")
    p.add_argument("file", help="saved page (any encoding), or - for standard input")
    p.set_defaults(func=run_parse_serp)

    p = parse.add_parser(
        "whois", help="parse a saved WHOIS answer",
        description="Print one JSON object: domain, registrar, created, expires, status, name_servers, "
                    "registrant, found. Dates are ISO 8601 with their time zone (CNNIC: Beijing time).")
    p.add_argument("file", help="saved WHOIS answer, or - for standard input")
    p.add_argument("--domain", default=None, help="the domain that was queried (picks the record and format)")
    p.set_defaults(func=run_parse_whois)


def _read_bytes(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as err:
        raise UserError(f"cannot read {name}: {err.strerror or err}") from None


def run_parse_serp(args) -> int:
    from crawler.parsers.serp import parse_serp

    page = parse_serp(args.engine, _read_bytes(args.file), url=args.url)
    for result in page.results:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    if page.status == "ok":
        return 0
    if page.status == "empty":
        print(f"fakegov: {args.file}: no results: {page.reason}", file=sys.stderr)
        return EXIT_EMPTY
    if page.status == "blocked":
        print(f"fakegov: {args.file}: blocked: {page.reason}", file=sys.stderr)
        return EXIT_BLOCKED
    print(f"fakegov: {args.file}: unknown markup, not a {args.engine} result page the parser knows: "
          f"{page.reason}", file=sys.stderr)
    return EXIT_UNKNOWN_MARKUP


def run_parse_whois(args) -> int:
    from crawler.parsers.whois import WhoisParseError, parse_whois

    data = _read_bytes(args.file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Chinese registrars that do not answer in UTF-8 answer in GBK.
        text = data.decode("gb18030", errors="replace")
    try:
        record = parse_whois(text, domain=args.domain)
    except WhoisParseError as err:
        raise UserError(f"{args.file}: {err}") from None
    print(json.dumps(record, ensure_ascii=False))
    return 0
