"""Scrapy extensions: the crawl run's record in the database, and a progress line on the terminal."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from twisted.internet import task

from crawler import context
from store import queries

MAX_ERRORS_KEPT = 500


def counts_of(crawler) -> dict:
    prefix = "fakegov/"
    return {key[len(prefix):]: value for key, value in crawler.stats.get_stats().items() if key.startswith(prefix)}


def record_error(crawler, line: str) -> None:
    errors = crawler.__dict__.setdefault("fakegov_errors", [])
    if len(errors) < MAX_ERRORS_KEPT:
        errors.append(line)


class RunRecorder(context.CrawlerComponent):
    """Keeps the crawl_runs row current: counts, errors and notes every few seconds, status at the end."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.loop = task.LoopingCall(self.save)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    def opened(self, spider):
        context.run_id(self.crawler)
        self.loop.start(5.0, now=False)

    def save(self):
        warc = getattr(self.crawler, "fakegov_warc", None)
        store = context.store(self.crawler)
        queries.save_run_progress(store.db, context.run_id(self.crawler), counts_of(self.crawler),
                                  getattr(self.crawler, "fakegov_errors", []), context.notes_of(self.crawler),
                                  str(warc.relative_to(store.root)) if warc else None)

    def closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        self.save()
        status = {"finished": "finished", "shutdown": "interrupted"}.get(reason, "failed")
        queries.finish_run(context.store(self.crawler).db, context.run_id(self.crawler), status)


class ProgressLine:
    """`[run 7 search] 120 fetched · 45 sites · 12 flagged · 3 errors · 5.2/s` while a crawl runs."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("FAKEGOV_PROGRESS"):
            from scrapy.exceptions import NotConfigured

            raise NotConfigured
        return cls(crawler)

    def opened(self, spider):
        self.started = time.monotonic()
        self.loop.start(1.0 if self.tty else 15.0, now=False)

    def line(self) -> str:
        counts = counts_of(self.crawler)
        fetched = sum(counts.get(role, 0) for role in ("entry", "page", "hop", "canary", "recheck", "serp",
                                                         "favicon", "resource", "ct", "link"))
        rate = fetched / max(time.monotonic() - self.started, 1e-6)
        return (f"[run {context.run_id(self.crawler)} {self.crawler.spidercls.name}] {fetched} fetched · "
                f"{counts.get('stored', 0)} pages stored · {counts.get('flagged', 0)} flagged · "
                f"{counts.get('error', 0)} errors · {rate:.1f}/s")

    def show(self):
        if self.tty:
            sys.stderr.write("\r" + self.line() + "\033[K")
        else:
            sys.stderr.write(self.line() + "\n")
        sys.stderr.flush()

    def closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        sys.stderr.write(("\r" if self.tty else "") + self.line() + "\n")
        sys.stderr.flush()
