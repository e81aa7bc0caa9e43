"""Running one crawl in this process: settings from crawler/settings.py plus the command's options."""

from __future__ import annotations

import os
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from fakegov.errors import UserError
from fakegov.network import Network
from store import queries
from store.store import Store


def crawl_settings(data: Path, network: Network, run_id: int, overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("FAKEGOV_DATA", str(data), priority="cmdline")
    settings.set("FAKEGOV_RUN_ID", run_id, priority="cmdline")
    if network.proxy:
        settings.set("FAKEGOV_PROXY", network.proxy, priority="cmdline")
    for name, address in (("FAKEGOV_DNS", network.dns), ("FAKEGOV_WHOIS", network.whois)):
        if address:
            settings.set(name, f"{address[0]}:{address[1]}", priority="cmdline")
    # Scrapy's own log goes to a file per run; the terminal shows the progress line and the summary.
    log_dir = Path(data) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    settings.set("LOG_FILE", str(log_dir / f"run-{run_id}.log"), priority="cmdline")
    settings.set("LOG_LEVEL", "INFO", priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def spider_class(kind: str):
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["crawler.spiders"]}))
    try:
        return loader.load(kind)
    except KeyError:
        raise UserError(f"unknown crawl kind {kind!r} (known: {', '.join(sorted(loader.list()))})") from None


def run_crawl(store: Store, kind: str, spider_args: dict, network: Network, run_id: int | None = None,
              overrides: dict | None = None, record: dict | None = None) -> int:
    """Run a crawl to its end; returns the run id. `record` is what the run keeps of how it was asked."""
    spidercls = spider_class(kind)
    if run_id is None:
        run_id = queries.start_run(store.db, kind, record or {"args": spider_args}, os.getpid())
    else:
        queries.reopen_run(store.db, run_id, os.getpid())
    process = CrawlerProcess(crawl_settings(store.root, network, run_id, overrides))
    failures = []
    deferred = process.crawl(spidercls, **spider_args)
    deferred.addErrback(failures.append)
    process.start()
    if failures:
        err = failures[0].value
        queries.finish_run(store.db, run_id, "failed")
        if isinstance(err, (ValueError, UserError)):
            raise UserError(str(err)) from None
        raise err
    return run_id
