"""Item pipelines, in order: facts (DNS, WHOIS), evidence (files, WARC), detection, storage.

Each has one job. Storage is one transaction per fetch that also marks the request done in the
frontier, so a crawl killed between any two lines resumes without losing or doubling anything.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from crawler import context
from crawler.extensions import record_error
from crawler.dns import lookup, make_resolver, resolver_name
from crawler.items import Fetch
from crawler.warc import RunWarc
from detectors.names import EXTRACT
from store import queries
from store.db import transaction

PAGE_ROLES = ("entry", "page", "hop", "canary", "recheck")


def _media_type(fetch: Fetch) -> str | None:
    return (fetch.headers.get("Content-Type") or fetch.headers.get("content-type") or "").split(";")[0] or None


class FactsPipeline(context.CrawlerComponent):
    """DNS answers of every host (once per run) and WHOIS of every registrable domain (cached)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.resolver = make_resolver(context.network(crawler.settings))
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
            if registrant:
                item.facts.append(("registrant", registrant))
        return item

    async def _dns(self, host: str) -> dict:
        answers, rcode = await lookup(self.resolver, host)
        queries.record_dns(context.store(self.crawler).db, host, answers, rcode, resolver_name(self.resolver))
        return {**answers, "rcode": rcode}

    async def _whois(self, domain: str) -> str | None:
        """Fetch, keep and parse WHOIS for the domain (unless fresh enough); returns the registrant."""
        from crawler.parsers.whois import parse_whois
        from crawler.whois import fetch_whois

        store = context.store(self.crawler)
        since = (datetime.now(timezone.utc) - self.whois_max_age).strftime("%Y-%m-%dT%H:%M:%SZ")
        if queries.whois_fetched_since(store.db, domain, since):
            return None
        network = context.network(self.crawler.settings)
        for name in whois_names(domain):
            try:
                raw = await asyncio.to_thread(fetch_whois, name, network)
            except Exception as err:  # any failure of a WHOIS server is recorded, never fatal
                queries.record_whois(store.db, name, None, None, error=str(err).splitlines()[0][:300] or repr(err))
                return None
            sha = store.put_evidence(raw.encode("utf-8"), "text/plain; whois")
            try:
                parsed = parse_whois(raw, name)
            except ValueError as err:
                queries.record_whois(store.db, name, None, sha, error=f"unreadable WHOIS answer: {err}")
                return None
            queries.record_whois(store.db, name, parsed, sha)
            if parsed.get("found"):
                return parsed.get("registrant")


def whois_names(site: str) -> list[str]:
    """The names to ask WHOIS about, in order: the site itself, then, for a site on a shared suffix, the
    domain a registry knows (foo.github.io is github.io's customer; memgov.cn.com has its own record)."""
    parts = EXTRACT(site, include_psl_private_domains=False)
    icann = f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else site
    return [site] if icann == site else [site, icann]


class EvidencePipeline(context.CrawlerComponent):
    """Bodies into the evidence folder by SHA-256, and every answer into the run's WARC file."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.warc: RunWarc | None = None

    def open_spider(self, spider=None):
        store = context.store(self.crawler)
        self.warc = RunWarc(store.warc_dir, context.run_id(self.crawler))
        self.crawler.fakegov_warc = self.warc.path

    def close_spider(self, spider=None):
        if self.warc:
            self.warc.close()

    def process_item(self, item: Fetch):
        if item.status is not None:
            item.stored = context.store(self.crawler).evidence.put(item.body)
            item.warc_record = self.warc.write(item)
        return item


class DetectPipeline(context.CrawlerComponent):
    """Scores every page, and every host that could not be fetched, with the detectors."""

    def process_item(self, item: Fetch):
        from crawler.scoring import score_fetch

        if item.role in PAGE_ROLES:
            item.detection = score_fetch(item)
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
