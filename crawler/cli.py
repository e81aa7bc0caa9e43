"""The `fakegov crawl KIND` sub-commands, and `fakegov crawl resume` after a crawl was killed."""

from __future__ import annotations

import os
from pathlib import Path

from fakegov import options
from fakegov.cli import group
from fakegov.errors import UserError


def _common(parser) -> None:
    options.add_data(parser)
    options.add_world(parser)
    parser.add_argument("--site-pages", type=int, default=None, metavar="N",
                        help="HTML pages captured per site (default 8)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="give up on an answer after this long (default 20)")
    parser.add_argument("--no-canary", action="store_true",
                        help="do not submit the made-up identity to query forms")
    parser.add_argument("--no-progress", action="store_true", help="no progress line")


def register(sub) -> None:
    crawl = group(sub, "crawl", "find candidate sites and capture them as evidence")

    p = crawl.add_parser("search", help="ask Baidu, Sogou, 360 and Bing; capture every result's site")
    p.add_argument("--keywords", type=Path, default=None, metavar="FILE",
                   help="one query per line (default: crawler/data/keywords.txt)")
    p.add_argument("--engines", default="baidu,sogou,so360,bing", help="comma-separated (default: all four)")
    p.add_argument("--pages", type=int, default=2, metavar="N", help="result pages per engine and keyword")
    _common(p)
    p.set_defaults(func=run_kind, kind="search", spider_args=lambda a: {
        "keywords": str(a.keywords) if a.keywords else None, "engines": a.engines, "pages": a.pages})

    p = crawl.add_parser("permute", help="generate lookalike names of the targets, resolve them, capture live ones")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N generated names")
    _common(p)
    p.set_defaults(func=run_kind, kind="permute", spider_args=lambda a: {"limit": a.limit})

    p = crawl.add_parser("ct", help="search certificate-transparency logs (crt.sh) for the targets' names")
    p.add_argument("--pattern", action="append", default=None, metavar="P",
                   help="crt.sh pattern such as %%mem%% (repeatable; default: crawler/data/ct_patterns.txt)")
    _common(p)
    p.set_defaults(func=run_kind, kind="ct", spider_args=lambda a: {"patterns": ",".join(a.pattern or []) or None})

    p = crawl.add_parser("tips", help="capture URLs reported by the public or an analyst")
    p.add_argument("url", nargs="?", help="one reported URL")
    p.add_argument("--file", type=Path, default=None, help="CSV or TXT file of reported URLs")
    p.add_argument("--source", help="where the tip came from (12350, 110, 分析员, 公开报道 ...)")
    p.add_argument("--reporter", help="who reported it")
    p.add_argument("--contact", help="the reporter's contact")
    p.add_argument("--note")
    _common(p)
    p.set_defaults(func=run_kind, kind="tips", spider_args=lambda a: {
        "url": a.url, "file": str(a.file) if a.file else None, "source": a.source, "reporter": a.reporter,
        "contact": a.contact, "note": a.note})

    p = crawl.add_parser("recheck", help="revisit known sites: record changes and whether they are down")
    p.add_argument("--status", default=None, help="only sites with these statuses (comma-separated)")
    _common(p)
    p.set_defaults(func=run_kind, kind="recheck", spider_args=lambda a: {"status": a.status})

    p = crawl.add_parser("pivot", help="from confirmed fakes: follow their links and shared contacts, ids and IPs")
    _common(p)
    p.set_defaults(func=run_kind, kind="pivot", spider_args=lambda a: {})

    p = crawl.add_parser("render", help="screenshot and rendered DOM of flagged sites in Chromium; rescore them",
                         description="Render the entry and hop pages of flagged sites (fake or suspicious, or the "
                                     "sites given) that have no screenshot yet in Debian's Chromium: full-page "
                                     "screenshot and rendered DOM kept as evidence, blank pages noted, perceptual "
                                     "hash and likeness to the official pages, the rendered page rescored.")
    p.add_argument("--run", type=int, default=None, metavar="ID", help="only captures of this crawl run")
    p.add_argument("--min-score", type=int, default=None, metavar="N", help="only sites scored N or more")
    p.add_argument("--site", action="extend", nargs="+", default=None, metavar="KEY",
                   help="render these sites (site keys or host names) whatever their verdict")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="hard time limit per page (default 20)")
    p.add_argument("--references", action="store_true",
                   help="instead: render the official pages of detectors/data/reference/pages.toml and store "
                        "their hashes in detectors/data/reference/*.visual.json")
    p.add_argument("--no-progress", action="store_true", help="no line per page")
    options.add_data(p)
    options.add_world(p)
    p.set_defaults(func=lambda args: __import__("crawler.browser", fromlist=["run_render"]).run_render(args))

    p = crawl.add_parser("resume", help="continue a crawl that was killed or interrupted")
    p.add_argument("--run", type=int, default=None, metavar="ID", help="the run to resume (default: the latest)")
    options.add_data(p)
    options.add_world(p)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=run_resume)

    bench = group(sub, "bench", "measure speed")
    p = bench.add_parser("crawl", help="pages/s of a full crawl of a world against a bare Scrapy spider",
                         description="Crawl a world with everything on, fetch the same URLs with a bare Scrapy "
                                     "spider, print both pages/s, their ratio and where the full crawl's time goes.")
    p.add_argument("--world", type=Path, default=None, metavar="DIR", help="the world (default: the bundled one)")
    p.add_argument("--data", type=Path, default=None, metavar="DIR",
                   help="an empty folder that keeps the crawls' data (default: a temporary folder)")
    p.add_argument("--seeds", choices=("search", "hosts"), default="search",
                   help="search: the default search crawl; hosts: a tips crawl of every host of the world")
    p.add_argument("--rounds", type=int, default=3, metavar="N",
                   help="full and bare crawls N times each, alternately; the median counts (default 3)")
    p.add_argument("--no-profile", action="store_true", help="skip the profiled extra run")
    p.set_defaults(func=run_bench)


def _overrides(args) -> dict:
    overrides = {}
    if getattr(args, "site_pages", None):
        overrides["FAKEGOV_SITE_PAGES"] = args.site_pages
    if getattr(args, "timeout", None):
        overrides["DOWNLOAD_TIMEOUT"] = args.timeout
    if getattr(args, "no_canary", False):
        overrides["FAKEGOV_CANARY_QUERY"] = False
    if args.no_progress:
        overrides["FAKEGOV_PROGRESS"] = False
    return overrides


def run_kind(args) -> int:
    from crawler.runner import run_crawl
    from crawler.summary import print_summary
    from fakegov.network import open_network
    from store.store import open_store

    spider_args = {k: v for k, v in args.spider_args(args).items() if v is not None}
    if args.kind == "tips" and not (args.url or args.file):
        raise UserError("give a URL or --file with reported URLs")
    if args.kind == "tips" and args.file:
        from crawler.tipfile import read_tips

        read_tips(args.file)  # a broken file is reported before anything starts
    store, _ = open_store(args.data)
    record = {"args": spider_args, "overrides": _overrides(args),
              "world": str(args.world.resolve()) if args.world else None}
    with open_network(args.world) as network:
        run_id = run_crawl(store, args.kind, spider_args, network, overrides=_overrides(args), record=record)
    print_summary(store, run_id)
    return 0


def run_resume(args) -> int:
    from crawler.runner import run_crawl
    from crawler.summary import print_summary
    from fakegov.network import open_network
    from store import queries
    from store.store import open_store

    store, _ = open_store(args.data)
    run = queries.get_run(store.db, args.run) if args.run else queries.last_unfinished_run(store.db)
    if run is None:
        raise UserError("no such run" if args.run else "no unfinished crawl run to resume")
    if run["status"] == "finished":
        raise UserError(f"run {run['id']} has finished; nothing to resume")
    if run["status"] == "running" and run.get("pid") and _alive(run["pid"]):
        raise UserError(f"run {run['id']} is still running (process {run['pid']})")
    world = args.world or (Path(run["args"]["world"]) if run["args"].get("world") else None)
    overrides = dict(run["args"].get("overrides", {}))
    if args.no_progress:
        overrides["FAKEGOV_PROGRESS"] = False
    print(f"resuming run {run['id']} ({run['kind']})")
    with open_network(world) as network:
        run_crawl(store, run["kind"], run["args"].get("args", {}), network, run_id=run["id"], overrides=overrides)
    print_summary(store, run["id"])
    return 0


def run_bench(args) -> int:
    from crawler.bench import run_command
    from fixtures.cli import DEFAULT_WORLD

    for line in run_command(args.world or DEFAULT_WORLD, args.data, args.seeds, args.rounds, not args.no_profile):
        print(line)
    return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed but not yet reaped) is not running
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True
