"""The crawl frontier in the database: a Scrapy dupefilter that also makes a killed crawl resumable.

Every request is recorded when it is first scheduled; the store pipeline marks it done together with
its result. Resuming a run re-schedules exactly the requests that were never marked done.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator

from scrapy import Request
from scrapy.dupefilters import BaseDupeFilter
from scrapy.utils.request import request_from_dict

from crawler import context
from store import queries


class FrontierDupeFilter(BaseDupeFilter):
    def __init__(self, crawler):
        self.crawler = crawler
        self.fingerprinter = crawler.request_fingerprinter

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def request_seen(self, request: Request) -> bool:
        db = context.store(self.crawler).db
        blob = pickle.dumps(as_dict(request), protocol=5)
        new = queries.frontier_add(db, context.run_id(self.crawler), fingerprint(self.crawler, request),
                                   request.url, request.meta.get("fg", {}).get("budget"), blob)
        return not new

    def log(self, request: Request, spider) -> None:
        self.crawler.stats.inc_value("fakegov/duplicate_requests")


def as_dict(request: Request) -> dict:
    """What `request_from_dict` needs to rebuild the request. Callbacks are named directly: Scrapy's own
    `to_dict(spider=...)` searches every member of the spider for each callback, on every request."""
    return {"url": request.url, "method": request.method, "headers": dict(request.headers),
            "body": request.body, "cookies": request.cookies, "meta": request.meta, "encoding": request.encoding,
            "priority": request.priority, "dont_filter": request.dont_filter, "flags": request.flags,
            "cb_kwargs": request.cb_kwargs,
            "callback": request.callback.__name__ if request.callback else None,
            "errback": request.errback.__name__ if request.errback else None}


def fingerprint(crawler, request: Request) -> str:
    return crawler.request_fingerprinter.fingerprint(request).hex()


def pending_requests(crawler) -> Iterator[Request]:
    """The requests of this run that were scheduled but never finished, ready to schedule again."""
    db = context.store(crawler).db
    for blob in queries.frontier_pending(db, context.run_id(crawler)):
        request = request_from_dict(pickle.loads(blob), spider=crawler.spider)
        yield request.replace(dont_filter=True)
