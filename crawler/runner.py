"""Running one crawl in this process: settings from crawler/settings.py plus the command's options."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor
from twisted.internet import defer

from fakegov.errors import UserError
from fakegov.network import Network
from store import queries
from store.store import Store


def crawl_settings(data: Path, network: Network, run_id: int, overrides: dict | None = None) -> Settings:
    """One crawl's settings: crawler/settings.py, then where the data and the network are, then options."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("FAKEGOV_DATA", str(data), priority="cmdline")
    settings.set("FAKEGOV_RUN_ID", run_id, priority="cmdline")
    if network.proxy:
        settings.set("FAKEGOV_PROXY", network.proxy, priority="cmdline")
    for name, address in (("FAKEGOV_DNS", network.dns), ("FAKEGOV_WHOIS", network.whois)):
        if address:
            settings.set(name, f"{address[0]}:{address[1]}", priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def process_settings(store: Store, first_run: int) -> Settings:
    """What the process sets up once, logging and the reactor. Scrapy's own log goes to a file; the
    terminal shows the progress line and the summary. The crawls' own settings (run ids) stay theirs:
    Scrapy merges a runner's settings into its crawlers, so they must not be here."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    log_dir = store.root / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    settings.set("LOG_FILE", str(log_dir / f"run-{first_run}.log"), priority="project")
    settings.set("LOG_LEVEL", "INFO", priority="project")
    return settings


def spider_class(kind: str):
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["crawler.spiders"]}))
    try:
        return loader.load(kind)
    except KeyError:
        raise UserError(f"unknown crawl kind {kind!r} (known: {', '.join(sorted(loader.list()))})") from None


@dataclass
class CrawlJob:
    kind: str
    spider_args: dict
    record: dict | None = None      # what the run keeps of how it was asked (for `crawl resume`)
    run_id: int | None = None       # an existing run to resume


def run_crawl(store: Store, kind: str, spider_args: dict, network: Network, run_id: int | None = None,
              overrides: dict | None = None, record: dict | None = None) -> int:
    """Run one crawl to its end; returns the run id."""
    return run_crawls(store, [CrawlJob(kind, spider_args, record, run_id)], network, overrides)[0]


def run_crawls(store: Store, jobs: list[CrawlJob], network: Network, overrides: dict | None = None) -> list[int]:
    """Run crawls one after another in this process (Scrapy's reactor runs once per process)."""
    classes = [spider_class(job.kind) for job in jobs]
    for job, spidercls in zip(jobs, classes):
        try:  # bad arguments (a missing keyword file, an unknown engine) are said before anything starts
            spidercls(**job.spider_args)
        except (ValueError, UserError) as err:
            raise UserError(str(err)) from None
    run_ids: list[int] = []

    def run_for(job: CrawlJob) -> int:
        if job.run_id is None:
            return queries.start_run(store.db, job.kind, job.record or {"args": job.spider_args}, os.getpid())
        queries.reopen_run(store.db, job.run_id, os.getpid())
        return job.run_id

    run_ids.append(run_for(jobs[0]))
    settings = process_settings(store, run_ids[0])
    install_reactor(settings["TWISTED_REACTOR"])
    process = CrawlerProcess(settings)
    failures = []

    @defer.inlineCallbacks
    def one_after_another():
        try:
            for number, (job, spidercls) in enumerate(zip(jobs, classes)):
                if number:
                    run_ids.append(run_for(job))
                crawler = Crawler(spidercls, crawl_settings(store.root, network, run_ids[-1], overrides))
                try:
                    yield process.crawl(crawler, **job.spider_args)
                except Exception as err:  # reported after the reactor stops
                    queries.finish_run(store.db, run_ids[-1], "failed")
                    failures.append(err)
                    break
        finally:
            reactor.stop()

    from twisted.internet import reactor

    reactor.callWhenRunning(one_after_another)
    process.start(stop_after_crawl=False)
    if failures:
        err = failures[0]
        if isinstance(err, (ValueError, UserError)):
            raise UserError(str(err)) from None
        raise err
    return run_ids
