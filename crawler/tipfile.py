"""Tips: URLs reported by the public or an analyst, from the command line or a CSV/TXT file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fakegov.errors import UserError
from fakegov.textfile import read_user_text

COLUMNS = ("url", "source", "reporter", "contact", "note")


@dataclass(frozen=True)
class Tip:
    url: str
    source: str | None = None
    reporter: str | None = None
    contact: str | None = None
    note: str | None = None


def normalize_url(text: str) -> str | None:
    """An http(s) URL from what people paste ("fake.top", "http://fake.top/x"); None if it is not one."""
    text = text.strip().strip("<>\"'")
    if not text:
        return None
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    try:
        parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname \
            or " " in parts.netloc:
        return None
    return text if parts.path else text + "/"


def read_tips(path: Path, defaults: Tip = Tip("")) -> tuple[list[Tip], list[str]]:
    """The tips in a file and one warning per line that was skipped.

    TXT: one URL per line (# comments). CSV: a header naming some of url, source, reporter, contact,
    note (or 网址/来源/举报人/联系方式/备注), or no header with the URL first. Raises UserError if the
    file cannot be read or holds no URL at all.
    """
    text = read_user_text(path, "tip file")
    rows = list(csv.reader(io.StringIO(text)))
    header = [_column(cell) for cell in rows[0]] if rows else []
    has_header = "url" in header
    if not has_header:
        header = list(COLUMNS)
    tips, warnings = [], []
    for number, row in enumerate(rows[1:] if has_header else rows, 2 if has_header else 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        values = dict(zip(header, (cell.strip() for cell in row)))
        url = normalize_url(values.get("url", ""))
        if url is None:
            warnings.append(f"{path}:{number}: not a web address: {values.get('url', '')[:80]!r}")
            continue
        tips.append(Tip(url, values.get("source") or defaults.source, values.get("reporter") or defaults.reporter,
                        values.get("contact") or defaults.contact, values.get("note") or defaults.note))
    if not tips:
        raise UserError(f"tip file {path} holds no web address")
    return tips, warnings


_ALIASES = {"网址": "url", "链接": "url", "来源": "source", "举报人": "reporter", "联系方式": "contact",
            "备注": "note", "address": "url", "link": "url"}


def _column(cell: str) -> str:
    name = cell.strip().lower()
    return _ALIASES.get(name, name)
