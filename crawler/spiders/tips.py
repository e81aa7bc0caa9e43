"""tips: captures URLs reported by the public or by analysts, kept with their source and the
reporter's contact (`-a url=...` or `-a file=tips.csv`, plus `source`, `reporter`, `contact`, `note`)."""

from __future__ import annotations

from crawler import context
from crawler.capture import CaptureSpider
from crawler.tipfile import Tip, normalize_url, read_tips
from store import queries


class TipsSpider(CaptureSpider):
    name = "tips"

    def __init__(self, url: str | None = None, file: str | None = None, source: str | None = None,
                 reporter: str | None = None, contact: str | None = None, note: str | None = None, **kwargs):
        super().__init__(**kwargs)
        defaults = Tip("", source, reporter, contact, note)
        self.tips: list[Tip] = []
        self.warnings: list[str] = []
        if file:
            self.tips, self.warnings = read_tips(file, defaults)
        if url:
            normalized = normalize_url(url)
            if normalized is None:
                raise ValueError(f"not a web address: {url!r}")
            self.tips.append(Tip(normalized, source, reporter, contact, note))
        if not self.tips:
            raise ValueError("no tip given: pass a URL or a file")

    async def seeds(self):
        db = context.store(self.crawler).db
        run = context.run_id(self.crawler)
        for warning in self.warnings:
            context.note(self.crawler, warning)
        known = {row["url"]: row["id"] for row in db.query("SELECT id, url FROM tips WHERE run_id = ?", [run])}
        for tip in self.tips:
            tip_id = known.get(tip.url) or queries.add_tip(db, tip.url, tip.source, tip.reporter, tip.contact,
                                                          tip.note, run)
            request = self.capture(tip.url, {"source": "tip", "detail": {"tip": tip_id, "source": tip.source}})
            if request is not None:
                yield request
