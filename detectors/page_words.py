"""The vocabulary of the page signals, read once from data/page_words.toml (a file analysts can extend)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

WORDS_FILE = Path(__file__).resolve().parent / "data" / "page_words.toml"

with open(WORDS_FILE, "rb") as _fh:
    WORDS: dict = tomllib.load(_fh)

# Sellers pad their slogans against keyword filters ("免 考", "包★过"); a little filler is allowed.
_FILLER = r"[\s*★☆·•_~\-]{0,2}"


def any_of(words, padded: bool = False) -> re.Pattern:
    """One regex matching any of `words` (longest first), optionally with filler between characters."""
    ordered = sorted(set(words), key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!)")       # matches nothing
    parts = [_FILLER.join(map(re.escape, w)) if padded else re.escape(w) for w in ordered]
    return re.compile("|".join(parts))
