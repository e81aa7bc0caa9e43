"""pivot: from the sites analysts confirmed as fakes, finds their sisters — the sites they link to,
the known sites that share a contact, analytics id, IP or name server with them, and what the search
engines list for their phone numbers, QQ and WeChat ids."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler import context
from crawler.spiders.search import SearchSpider
from detectors.names import site_key
from store import queries
from store.queries import OPERATOR_KINDS

CONFIRMED = ("confirmed", "referred", "block_requested", "blocked")
# Indicators that tie sites to one operator; shared hosting makes IPs and name servers weaker, but
# an analyst sees which kind matched.
SHARED_KINDS = OPERATOR_KINDS + ("ip", "ns")
SEARCHABLE_KINDS = ("mobile", "qq", "wechat")


class PivotSpider(SearchSpider):
    name = "pivot"

    def __init__(self, engines: str | None = None, pages: str | int = 1, **kwargs):
        super().__init__(engines=engines, pages=pages, **kwargs)
        self.keywords = []

    def confirmed_sites(self) -> list[dict]:
        db = context.store(self.crawler).db
        marks = ", ".join("?" * len(CONFIRMED))
        return list(db.query(f"SELECT id, site_key FROM sites WHERE status IN ({marks}) ORDER BY id", CONFIRMED))

    async def seeds(self):
        db = context.store(self.crawler).db
        fakes = self.confirmed_sites()
        if not fakes:
            context.note(self.crawler, "没有已确认的假冒网站，无从拓线 (no confirmed fakes to pivot from)")
            return
        fake_ids = [site["id"] for site in fakes]
        marks = ", ".join("?" * len(fake_ids))
        self.record_shared_indicators(db, fake_ids, marks)
        for link, source in db.execute(
                f"SELECT DISTINCT j.value, s.site_key FROM captures c JOIN sites s ON s.id = c.site_id, "
                f"json_each(c.links) j WHERE c.site_id IN ({marks})", fake_ids).fetchall():
            host = (urlsplit(link).hostname or "").lower()
            try:
                if not host or site_key(host) == source:
                    continue
            except ValueError:
                continue
            request = self.capture(link, {"source": "pivot", "detail": {"from": source, "link": link}})
            if request is not None:
                yield request
        kinds = ", ".join("?" * len(SEARCHABLE_KINDS))
        for (value,) in db.execute(f"SELECT DISTINCT value FROM indicators WHERE site_id IN ({marks}) "
                                   f"AND kind IN ({kinds}) ORDER BY value", fake_ids + list(SEARCHABLE_KINDS)):
            for engine in self.engines:
                yield self.serp_request(engine, value, 1)

    def record_shared_indicators(self, db, fake_ids: list[int], marks: str) -> None:
        """Known sites sharing an indicator with a confirmed fake: a pivot discovery each, once per run."""
        run = context.run_id(self.crawler)
        kinds = ", ".join("?" * len(SHARED_KINDS))
        rows = db.execute(f"""
            SELECT DISTINCT other.site_id, mine.kind, mine.value, fake.site_key
            FROM indicators mine JOIN indicators other ON other.kind = mine.kind AND other.value = mine.value
            JOIN sites fake ON fake.id = mine.site_id
            WHERE mine.site_id IN ({marks}) AND other.site_id NOT IN ({marks}) AND mine.kind IN ({kinds})""",
                          fake_ids + fake_ids + list(SHARED_KINDS)).fetchall()
        done = {(r[0], r[1]) for r in db.execute(
            "SELECT site_id, detail FROM discoveries WHERE run_id = ? AND source = 'pivot'", [run]).fetchall()}
        for other, kind, value, source in rows:
            detail = {"from": source, "shared": kind, "value": value}
            if (other, queries.as_json(detail)) not in done:
                queries.add_discovery(db, other, None, run, "pivot", detail=detail)
                self.crawler.stats.inc_value("fakegov/pivot_shared")
