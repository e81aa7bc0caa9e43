"""`fakegov demo`: the whole pipeline, as far as it is built, on the bundled simulated internet."""

from __future__ import annotations

from pathlib import Path

from fakegov import options

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_WORLD = ROOT / "fixtures" / "world"
DEMO_TIPS = ROOT / "fixtures" / "demo" / "tips.csv"
DEMO_TIMEOUT = 8        # seconds per answer: the world's slow hosts should not make the demo drag


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the whole pipeline on the bundled simulated internet",
                       description="Search the four engines, generate and resolve lookalike names, read the "
                                   "certificate logs and capture the tips, all on the bundled simulated "
                                   "internet (fixtures/world); then summarise what was found and why.")
    options.add_data(p)
    p.add_argument("--no-progress", action="store_true", help="no progress line")
    p.set_defaults(func=run)


def run(args) -> int:
    from crawler.browser import CHROMIUM, render_flagged
    from crawler.runner import CrawlJob, run_crawls
    from crawler.summary import demo_summary_lines
    from fakegov.network import open_network
    from store.store import open_store

    store, _ = open_store(args.data)
    overrides = {"DOWNLOAD_TIMEOUT": DEMO_TIMEOUT}
    if args.no_progress:
        overrides["FAKEGOV_PROGRESS"] = False
    jobs = [
        CrawlJob("search", {"pages": 2}),
        CrawlJob("permute", {}),
        CrawlJob("ct", {}),
        CrawlJob("tips", {"file": str(DEMO_TIPS)}),
    ]
    for job in jobs:
        job.record = {"args": job.spider_args, "overrides": overrides, "world": str(BUNDLED_WORLD)}
    print(f"fakegov 演示：在内置的模拟互联网（{BUNDLED_WORLD}）上依次运行 搜索、仿冒域名、证书透明度日志、举报线索 四种发现方式")
    with open_network(BUNDLED_WORLD) as network:
        run_ids = run_crawls(store, jobs, network, overrides)
        if CHROMIUM.exists():
            print("在无头浏览器中为假冒或可疑站点截图并重新评分……")
            run_ids.append(render_flagged(store, network, world=BUNDLED_WORLD))
        else:
            print(f"（未找到 {CHROMIUM}，跳过截图）")
    print("\n".join(demo_summary_lines(store, run_ids)))
    return 0
