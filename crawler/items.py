"""The one item the spiders yield: a Fetch, what one request brought back (or why it brought nothing).

Every request ends in exactly one Fetch. The store pipeline marks the request done in the frontier
in the same transaction that stores the Fetch, which is what makes a killed crawl resumable.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Fetch:
    fingerprint: str            # the request's fingerprint (frontier key)
    role: str                   # entry | page | hop | canary | recheck | favicon | resource | serp | ct | link | skipped
    url: str
    host: str
    site_key: str | None
    status: int | None = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None    # one line: what went wrong
    chain: list = field(default_factory=list)       # redirect hops that led here: {url, status, location, how}
    location: str | None = None                     # where this answer redirects to, if it does
    discovery: dict | None = None                   # how the site was found (source, engine, keyword, rank, ad, detail)
    parent_url: str | None = None                   # for favicon/resource: the page that linked it
    tls: dict | None = None
    forms: list = field(default_factory=list)
    links: list = field(default_factory=list)
    request_headers: dict = field(default_factory=dict)
    method: str = "GET"
    request_body: bytes = b""
    extra: dict = field(default_factory=dict)       # role-specific results (SERP results, CT names ...)
    # Filled in by the pipelines:
    stored: object | None = None                    # store.evidence.Stored of the body
    warc_record: str | None = None
    dns: dict = field(default_factory=dict)
    ip: str | None = None
    facts: list = field(default_factory=list)       # (kind, value) from DNS and WHOIS: registrant ...
    detection: object | None = None
