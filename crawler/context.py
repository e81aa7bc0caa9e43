"""What every crawler component shares: the store, the run, the network and the run's notes."""

from __future__ import annotations

import os
from pathlib import Path

from fakegov.network import Network
from store import queries
from store.store import Store, open_store


class CrawlerComponent:
    """Base of the components Scrapy builds with `from_crawler` (pipelines, middlewares, extensions)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


def _address(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    host, _, port = str(value).rpartition(":")
    return host, int(port)


def network(settings) -> Network:
    return Network(proxy=settings.get("FAKEGOV_PROXY"), dns=_address(settings.get("FAKEGOV_DNS")),
                   whois=_address(settings.get("FAKEGOV_WHOIS")))


def store(crawler) -> Store:
    """The crawl's one store (one SQLite connection shared by all components, all in the reactor thread)."""
    if getattr(crawler, "fakegov_store", None) is None:
        crawler.fakegov_store, _ = open_store(Path(crawler.settings.get("FAKEGOV_DATA")))
    return crawler.fakegov_store


def run_id(crawler) -> int:
    """The crawl run this process works for: FAKEGOV_RUN_ID when resuming or started by `fakegov crawl`."""
    if getattr(crawler, "fakegov_run_id", None) is None:
        db = store(crawler).db
        given = crawler.settings.get("FAKEGOV_RUN_ID")
        if given:
            crawler.fakegov_run_id = int(given)
            queries.reopen_run(db, crawler.fakegov_run_id, os.getpid())
        else:
            kind = crawler.spidercls.name
            crawler.fakegov_run_id = queries.start_run(db, kind, {}, os.getpid())
    return crawler.fakegov_run_id


def note(crawler, text: str) -> None:
    """A line for the run's summary (back-offs, markup changes): shown to the user, kept with the run."""
    notes = notes_of(crawler)
    if text not in notes:
        notes.append(text)


def notes_of(crawler) -> list[str]:
    if getattr(crawler, "fakegov_notes", None) is None:
        run = queries.get_run(store(crawler).db, run_id(crawler))
        crawler.fakegov_notes = list(run["notes"]) if run else []
    return crawler.fakegov_notes
