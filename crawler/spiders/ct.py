"""ct: searches certificate-transparency logs (crt.sh JSON) for the targets' names, scores every new
name with the domain detector, and captures the suspicious ones that resolve."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import scrapy

from crawler import context
from crawler.capture import CaptureSpider
from crawler.dns import exists, make_resolver
from detectors.domains import score_domain

DEFAULT_PATTERNS = Path(__file__).resolve().parent.parent / "data" / "ct_patterns.txt"
CRTSH = "https://crt.sh/?q={}&output=json"


def ct_names(entries: list) -> dict[str, dict]:
    """Every distinct host name in crt.sh entries (wildcards stripped), with the entry it came from."""
    names: dict[str, dict] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for name in f"{entry.get('name_value', '')}\n{entry.get('common_name', '')}".splitlines():
            name = name.strip().lower().removeprefix("*.")
            if name and " " not in name and "@" not in name:
                names.setdefault(name, entry)
    return names


class CtSpider(CaptureSpider):
    name = "ct"

    def __init__(self, patterns: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if patterns:
            self.patterns = [p.strip() for p in patterns.split(",") if p.strip()]
        else:
            lines = DEFAULT_PATTERNS.read_text(encoding="utf-8").splitlines()
            self.patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]

    @property
    def min_score(self) -> int:
        return self.crawler.settings.getint("FAKEGOV_CT_MIN_SCORE")

    async def seeds(self):
        for pattern in self.patterns:
            yield scrapy.Request(CRTSH.format(quote(pattern)), callback=self.on_log, errback=self.on_error,
                                 meta={"fg": {"role": "ct"}, "pattern": pattern,
                                       "download_maxsize": 256 * 1024 * 1024, "download_timeout": 120})

    async def on_log(self, response):
        item = self.fetch_item(response, "ct", **self.answer_fields(response))
        try:
            entries = json.loads(response.body)
        except ValueError:
            item.error = f"crt.sh did not answer JSON (HTTP {response.status})"
            yield item
            return
        resolver = make_resolver(context.network(self.crawler.settings))
        names = ct_names(entries if isinstance(entries, list) else [])
        item.extra = {"pattern": response.meta["pattern"], "names": len(names)}
        for name, entry in names.items():
            try:
                result = score_domain(name)
            except ValueError:
                continue
            if result.verdict != "lookalike" and result.score < self.min_score:
                continue
            self.crawler.stats.inc_value("fakegov/ct_lookalike")
            if not await exists(resolver, name):
                continue
            discovery = {"source": "ct", "detail": {
                "crtsh_id": entry.get("id"), "issuer": entry.get("issuer_name"), "not_before": entry.get("not_before"),
                "pattern": response.meta["pattern"], "domain_score": result.score}}
            request = self.capture(f"https://{name}/", discovery)
            if request is not None:
                yield request
        yield item
