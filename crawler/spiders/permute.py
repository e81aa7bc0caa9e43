"""permute: generates lookalike names of the targets (crawler/permute.py), keeps those that resolve
in DNS (concurrently, with timeouts) and captures each over http and https."""

from __future__ import annotations

from crawler import context
from crawler.capture import CaptureSpider
from crawler.dns import exists, make_resolver, resolve_many
from crawler.permute import lookalike_names


class PermuteSpider(CaptureSpider):
    name = "permute"

    def __init__(self, limit: str | int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.limit = int(limit) if limit not in (None, "") else None

    async def seeds(self):
        fuzzer_of = dict(lookalike_names(self.limit))
        self.crawler.stats.set_value("fakegov/permute_generated", len(fuzzer_of))
        resolver = make_resolver(context.network(self.crawler.settings))
        async for host in resolve_many(resolver, list(fuzzer_of)):
            self.crawler.stats.inc_value("fakegov/permute_live")
            discovery = {"source": "permute", "detail": {"fuzzer": fuzzer_of[host]}}
            # A registered name usually answers on www. too, often with other content.
            hosts = [host] + ([f"www.{host}"] if await exists(resolver, f"www.{host}") else [])
            for name in hosts:
                for scheme in ("http", "https"):
                    request = self.capture(f"{scheme}://{name}/", discovery)
                    if request is not None:
                        yield request
