"""recheck: revisits known sites (all, or those with given statuses) to record whether they are
still up, whether they changed, and what DNS and WHOIS say now (NXDOMAIN, registry hold)."""

from __future__ import annotations

from crawler import context
from crawler.capture import CaptureSpider
from store.schema import SITE_STATUSES


class RecheckSpider(CaptureSpider):
    name = "recheck"
    # A registry hold shows up in WHOIS first: always ask again.
    custom_settings = {"FAKEGOV_WHOIS_MAX_AGE_DAYS": 0}

    def __init__(self, status: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.statuses = [s.strip() for s in (status or "").split(",") if s.strip()]
        unknown = [s for s in self.statuses if s not in SITE_STATUSES]
        if unknown:
            raise ValueError(f"unknown site status {unknown[0]!r} (known: {', '.join(SITE_STATUSES)})")

    async def seeds(self):
        db = context.store(self.crawler).db
        where, params = "", []
        if self.statuses:
            where = f"WHERE s.status IN ({', '.join('?' * len(self.statuses))})"
            params = self.statuses
        rows = db.query(f"""
            SELECT s.id, s.site_key, s.status,
                   (SELECT c.requested_url FROM captures c WHERE c.site_id = s.id AND c.role IN ('entry', 'recheck')
                    ORDER BY c.id DESC LIMIT 1) AS url,
                   (SELECT c.body_sha256 FROM captures c WHERE c.site_id = s.id AND c.role IN ('entry', 'recheck')
                    ORDER BY c.id DESC LIMIT 1) AS previous
            FROM sites s {where} ORDER BY s.id""", params)
        for row in list(rows):
            url = row["url"] or f"http://{row['site_key']}/"
            request = self.capture(url, {"source": "recheck", "detail": {"previous_sha256": row["previous"],
                                                                          "status": row["status"]}}, role="recheck")
            if request is not None:
                yield request
