"""Item pipelines, in order: facts (DNS, WHOIS), evidence (files, WARC), detection, storage.

Each has one job. Storage is one transaction per fetch that also marks the request done in the
frontier, so a crawl killed between any two lines resumes without losing or doubling anything.
Work that does not need the reactor runs beside it, in side processes: the detectors and the DNS and
WHOIS look-ups in one, evidence files and the WARC file in another (the reactor thread shares one GIL
with everything else in the crawl process, with --world the simulated internet too).
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta, timezone

from crawler import context
from crawler.dns import lookup, make_resolver, resolver_name
from crawler.extensions import record_error
from crawler.items import Fetch
from crawler.side import become_side_process, beside, started
from crawler.warc import RunWarc
from detectors.names import EXTRACT
from fakegov.network import Network
from store import queries
from store.db import transaction
from store.evidence import Evidence

PAGE_ROLES = ("entry", "page", "hop", "canary", "recheck")
PRIVACY_SERVICE = re.compile(r"privacy|proxy|redacted|whoisguard|withheld|protected|not disclosed|隐私|保密", re.I)


def _media_type(fetch: Fetch) -> str | None:
    return (fetch.headers.get("Content-Type") or fetch.headers.get("content-type") or "").split(";")[0] or None


@functools.cache
def _resolver(network: Network):
    return make_resolver(network)


def look_up(host: str, network: Network) -> tuple[dict, str]:
    """DNS records of `host` and the outcome, for a side process (which has no event loop of its own)."""
    return asyncio.run(lookup(_resolver(network), host))


def whois_answer(name: str, network: Network) -> tuple[str | None, dict | None, str | None]:
    """The raw WHOIS answer for `name` and what it says, or why there is none (blocking: a side process or
    a thread runs it)."""
    from crawler.parsers.whois import parse_whois
    from crawler.whois import fetch_whois

    try:
        raw = fetch_whois(name, network)
    except Exception as err:  # any failure of a WHOIS server is recorded, never fatal
        return None, None, (str(err).splitlines() or [repr(err)])[0][:300]
    try:
        return raw, parse_whois(raw, name), None
    except ValueError as err:
        return raw, None, f"unreadable WHOIS answer: {err}"


class FactsPipeline(context.CrawlerComponent):
    """DNS answers of every host (once per run) and WHOIS of every registrable domain (cached)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.network = context.network(crawler.settings)
        self.resolver = make_resolver(self.network)
        self.hosts: dict[str, asyncio.Future] = {}
        self.whois_done: set[str] = set()
        self.whois_max_age = timedelta(days=crawler.settings.getfloat("FAKEGOV_WHOIS_MAX_AGE_DAYS"))

    async def process_item(self, item: Fetch):
        if item.role not in PAGE_ROLES or not item.host:
            return item
        if item.host not in self.hosts:
            self.hosts[item.host] = asyncio.ensure_future(self._dns(item.host))
        item.dns = await self.hosts[item.host]
        item.ip = (item.dns.get("A") or item.dns.get("AAAA") or [None])[0]
        if item.site_key and item.site_key not in self.whois_done:
            self.whois_done.add(item.site_key)
            registrant = await self._whois(item.site_key)
            # A privacy service stands in for thousands of unrelated owners: it ties nobody together.
            if registrant and not PRIVACY_SERVICE.search(registrant):
                item.facts.append(("registrant", registrant))
        return item

    async def _dns(self, host: str) -> dict:
        answers, rcode = await beside(self.crawler, look_up, host, self.network,
                                      here=lambda: lookup(self.resolver, host))
        queries.record_dns(context.store(self.crawler).db, host, answers, rcode, resolver_name(self.resolver))
        return {**answers, "rcode": rcode}

    async def _whois(self, domain: str) -> str | None:
        """Fetch, keep and parse WHOIS for the domain (unless fresh enough); returns the registrant."""
        store = context.store(self.crawler)
        since = (datetime.now(timezone.utc) - self.whois_max_age).strftime("%Y-%m-%dT%H:%M:%SZ")
        if queries.whois_fetched_since(store.db, domain, since):
            return None
        for name in whois_names(domain):
            raw, parsed, error = await beside(self.crawler, whois_answer, name, self.network,
                                              here=lambda: asyncio.to_thread(whois_answer, name, self.network))
            stored = await asyncio.to_thread(store.evidence.put, raw.encode("utf-8")) if raw is not None else None
            if stored is not None:
                store.register_evidence(stored, "text/plain; whois")
            queries.record_whois(store.db, name, parsed, stored and stored.sha256, error=error)
            if error:
                return None
            if parsed.get("found"):
                return parsed.get("registrant")
        return None


def whois_names(site: str) -> list[str]:
    """The names to ask WHOIS about, in order: the site itself, then, for a site on a shared suffix, the
    domain a registry knows (foo.github.io is github.io's customer; memgov.cn.com has its own record)."""
    parts = EXTRACT(site, include_psl_private_domains=False)
    icann = f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else site
    return [site] if icann == site else [site, icann]


class EvidenceWriter:
    """The evidence folder and the run's WARC file, written together by one writer (nobody else may
    append to the WARC file)."""

    def __init__(self, evidence_root, warc_dir, run_id: int):
        self.evidence = Evidence(evidence_root)
        self.warc = RunWarc(warc_dir, run_id)

    def path(self):
        return self.warc.path

    def write(self, item: Fetch):
        """The body kept by its hash, the answer appended to the WARC file: (Stored, WARC record id)."""
        return self.evidence.put(item.body), self.warc.write(item)

    def close(self) -> None:
        self.warc.close()


_writer: EvidenceWriter | None = None      # the one of the writer process


def _start_writer_process(*where) -> None:
    global _writer
    become_side_process()
    _writer = EvidenceWriter(*where)


def _in_writer(method: str, *args):
    return getattr(_writer, method)(*args)


class EvidencePipeline(context.CrawlerComponent):
    """Bodies into the evidence folder by SHA-256, and every answer into the run's WARC file.

    With side processes (FAKEGOV_SIDE_PROCESSES > 0) a writer process of its own does it, in arrival
    order, so that warcio's record building does not take the reactor's GIL; else the reactor thread.
    Should the writer process die, the reactor thread goes on in a new WARC file, as a resumed run does."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.writer: EvidenceWriter | None = None
        self.process: ProcessPoolExecutor | None = None

    async def open_spider(self, spider=None):
        store = context.store(self.crawler)
        where = (store.evidence.root, store.warc_dir, context.run_id(self.crawler))
        if self.crawler.settings.getint("FAKEGOV_SIDE_PROCESSES") > 0:
            self.process = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                               initializer=_start_writer_process, initargs=where)
        else:
            self.writer = EvidenceWriter(*where)
        self.crawler.fakegov_warc = await self._call("path")

    async def close_spider(self, spider=None):
        await self._call("close")
        if self.process:
            self.process.shutdown(wait=True)

    async def process_item(self, item: Fetch):
        if item.status is not None:
            item.stored, item.warc_record = await self._call("write", item)
        return item

    async def _call(self, method: str, *args):
        if self.process is not None:
            try:
                return await asyncio.wrap_future(self.process.submit(_in_writer, method, *args))
            except BrokenProcessPool:
                self.process = None
                store = context.store(self.crawler)
                self.writer = EvidenceWriter(store.evidence.root, store.warc_dir, context.run_id(self.crawler))
                self.crawler.fakegov_warc = self.writer.path()
        return getattr(self.writer, method)(*args)


class DetectPipeline(context.CrawlerComponent):
    """Scores every page, and every host that could not be fetched, with the detectors: pure CPU work,
    done in a side process when there is one, on another core than the reactor."""

    async def open_spider(self, spider=None):
        # The side process starts before the first request, so that no page waits for it.
        await beside(self.crawler, started)

    async def process_item(self, item: Fetch):
        from crawler.scoring import score_fetch

        if item.role in PAGE_ROLES:
            item.detection = await beside(self.crawler, score_fetch, item)
        return item


class StorePipeline(context.CrawlerComponent):
    """Stores a fetch and marks its request done, in one transaction."""

    def process_item(self, item: Fetch):
        from crawler.storing import store_fetch

        store = context.store(self.crawler)
        run = context.run_id(self.crawler)
        with transaction(store.db):
            outcome = store_fetch(store, run, item)
            queries.frontier_done(store.db, run, item.fingerprint)
        if item.error:
            record_error(self.crawler, f"{item.url}: {item.error}")
        stats = self.crawler.stats
        stats.inc_value(f"fakegov/{item.role}")
        for key in outcome:
            stats.inc_value(f"fakegov/{key}")
        return item
