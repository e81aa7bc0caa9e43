"""How each kind of Fetch is written to the store (called inside the store pipeline's transaction)."""

from __future__ import annotations

import base64
import functools
import hashlib
from urllib.parse import urlsplit

import mmh3

import fakegov
from crawler.items import Fetch
from detectors.names import site_key
from detectors.weights import WEIGHTS_FILE
from store import queries
from store.store import Store


@functools.cache
def detector_version() -> str:
    """The package version and a digest of the weights file: which judgement produced a score."""
    digest = hashlib.sha256(WEIGHTS_FILE.read_bytes()).hexdigest()[:10]
    return f"fakegov {fakegov.__version__}, weights {digest}"


def favicon_hash(data: bytes) -> str:
    """The favicon hash search engines for hosts use (Shodan's http.favicon.hash): mmh3 of base64 lines."""
    return str(mmh3.hash(base64.encodebytes(data)))


def store_fetch(store: Store, run: int, item: Fetch) -> list[str]:
    """Write one fetch; returns the outcome words the run counts (stored, error, flagged, ...)."""
    if item.stored is not None:
        store.register_evidence(item.stored, _media_type(item))
    if item.role == "serp":
        return _store_serp(store, run, item)
    if item.role == "link" and item.extra.get("resolved"):
        _add_search_discovery(store, run, item.extra["resolved"], item.extra["discovery"])
    if item.role in ("ct", "link", "skipped"):
        return ["error"] if item.error else []
    return _store_capture(store, run, item)


def _media_type(item: Fetch) -> str | None:
    value = item.headers.get("Content-Type") or item.headers.get("content-type") or ""
    return value.split(";")[0].strip() or None


@functools.lru_cache(maxsize=65536)
def _site_key(host: str) -> str:
    """site_key, remembered: a search results page alone names a dozen hosts, most of them seen before."""
    return site_key(host)


def _site_and_url(store: Store, url: str, host: str) -> tuple[int, int]:
    site = queries.site_id(store.db, _site_key(host))
    return site, queries.url_id(store.db, url, host, site)


def _store_serp(store: Store, run: int, item: Fetch) -> list[str]:
    extra = item.extra
    for result in extra.get("results", []):
        _add_search_discovery(store, run, result["url"], {
            "engine": extra["engine"], "keyword": extra["keyword"], "rank": result["rank"], "ad": result["ad"],
            "detail": {"title": result.get("title"), "redirect": result.get("redirect"), "page": extra.get("page"),
                       "serp_sha256": item.stored and item.stored.sha256}})
    return ["serp_results"] * len(extra.get("results", [])) + (["error"] if item.error else [])


def _add_search_discovery(store: Store, run: int, url: str, found: dict) -> None:
    host = (urlsplit(url).hostname or "").lower()
    try:
        site, url_row = _site_and_url(store, url, host)
    except ValueError:
        return
    queries.add_discovery(store.db, site, url_row, run, "search", engine=found["engine"], keyword=found["keyword"],
                          rank=found["rank"], ad=found["ad"], detail=found.get("detail"))


def _store_capture(store: Store, run: int, item: Fetch) -> list[str]:
    try:
        site, url = _site_and_url(store, item.url, item.host)
    except ValueError:
        return ["error"]
    detection = item.detection
    outcome = ["error"] if item.error or item.status is None else ["stored"]
    capture = queries.add_capture(store.db, {
        "run_id": run, "site_id": site, "url_id": url, "role": item.role, "parent_url": item.parent_url,
        "requested_url": item.url, "location": item.location, "status_code": item.status,
        "redirects": item.chain, "headers": item.headers,
        "body_sha256": item.stored.sha256 if item.stored else None, "body_size": len(item.body) if item.stored else None,
        "content_type": _media_type(item), "encoding": getattr(detection, "encoding", None),
        "title": getattr(detection, "title", None), "ip": item.ip, "dns": item.dns, "tls": item.tls,
        "forms": item.forms, "links": item.links, "warc_record": item.warc_record,
        "score": getattr(detection, "score", None), "verdict": getattr(detection, "verdict", None),
        "kind": getattr(detection, "kind", None), "target": getattr(detection, "target", None),
        "detector_version": detector_version() if detection else None, "error": item.error})
    if capture is None:
        return ["duplicate"]
    queries.add_indicators(store.db, site, capture, item.facts)
    if item.role == "favicon" and item.stored and item.status == 200:
        queries.add_indicators(store.db, site, capture, [("favicon", favicon_hash(item.body))])
    if detection is not None:
        queries.add_signals(store.db, capture, site, "page" if item.stored else "domain", detection.reasons,
                            detector_version())
        queries.add_indicators(store.db, site, capture, detection.indicators)
        queries.update_site_verdict(store.db, site, run)
        if detection.verdict in ("fake", "suspicious"):
            outcome.append("flagged")
    if item.role in ("entry", "recheck"):
        queries.mark_site_reachability(store.db, site, item.status is not None and item.status < 500)
    if item.role == "recheck" and item.stored:
        previous = ((item.discovery or {}).get("detail") or {}).get("previous_sha256")
        outcome.append("changed" if previous and previous != item.stored.sha256 else "unchanged")
    _record_discovery(store, run, item, site, url)
    return outcome


def _record_discovery(store: Store, run: int, item: Fetch, site: int, url: int) -> None:
    """How the site came to be captured, once per way in: the entry, a redirect hop onto a new site,
    or a link or form submission from another site's page (a shared query back end is found this way)."""
    discovery = item.discovery or {}
    referer = item.request_headers.get("Referer")
    if item.role == "entry" and discovery and not discovery.get("recorded"):
        queries.add_discovery(store.db, site, url, run, discovery["source"], engine=discovery.get("engine"),
                              keyword=discovery.get("keyword"), rank=discovery.get("rank"), ad=discovery.get("ad"),
                              detail=discovery.get("detail"))
    elif item.role == "hop" and item.chain and _site_key(item.host) != site_key_of(item.chain[0]["url"]):
        queries.add_discovery(store.db, site, url, run, "redirect",
                              detail={"chain": [step["url"] for step in item.chain], "via": discovery})
    elif item.role in ("page", "canary") and referer and _site_key(item.host) != site_key_of(referer):
        queries.add_discovery(store.db, site, url, run, "form" if item.role == "canary" else "link",
                              detail={"from": referer, "via": discovery})


def site_key_of(url: str) -> str:
    return _site_key(urlsplit(url).hostname or "")
