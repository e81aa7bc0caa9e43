"""Time as the project keeps it: stored in UTC (ISO 8601, "Z"), shown to users in Beijing time, said so."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "北京时间")


def now_utc() -> str:
    """The current time as stored everywhere: ISO 8601 in UTC with a "Z", to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(stamp: str) -> datetime:
    """An ISO 8601 stamp (with "Z" or an offset; naive stamps are taken as UTC) as an aware datetime."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def beijing(stamp: str | None) -> str:
    """A stored stamp as users read it: "2026-11-27 21:51:00（北京时间）"."""
    if not stamp:
        return ""
    return parse(stamp).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S（北京时间）")
