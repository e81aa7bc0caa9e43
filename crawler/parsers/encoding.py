"""Turn the bytes of a saved or fetched HTML page into text, whatever charset it was written in."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

# Chinese pages often declare a charset narrower than what they really use (GB2312 pages
# with GBK or GB18030 characters); GB18030 is a superset of both and decodes them all.
# Browsers read Latin-1 and ASCII labels as windows-1252, and so do we.
_WIDER_CODEC = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs",
                "iso8859-1": "cp1252", "ascii": "cp1252"}
# Labels seen on Chinese pages that Python's codec registry does not know.
_LABEL_ALIASES = {"x-gbk": "gbk", "gb_2312-80": "gb2312", "x-gb2312": "gb2312", "x-big5": "big5"}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# The charset declaration has to appear early for browsers too; looking further only finds
# declarations quoted inside the page's text.
_SNIFF_BYTES = 4096


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode HTML bytes: BOM first, then the declared charset (HTTP header), then `<meta charset>`,
    then a statistical guess. Never raises: undecodable bytes become U+FFFD."""
    for bom, charset in _BOMS:
        if data.startswith(bom):
            return data.decode(charset, errors="replace")
    # A Latin-1 label is what servers send when they know nothing, and any bytes decode as
    # Latin-1, so it is tried last rather than trusted.
    weak = declared is not None and _wider_or_none(declared) == "cp1252"
    for charset in (None if weak else declared, _meta_charset(data), "utf-8", declared if weak else None):
        text = _strict_decode(data, charset)
        if text is not None:
            return text
    guess = charset_normalizer.from_bytes(data[:200_000]).best()
    codec = _wider_or_none(guess.encoding) if guess is not None else None
    return data.decode(codec or "utf-8", errors="replace")


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def _wider(charset: str) -> str:
    """The codec to decode a page labelled `charset` with (raises LookupError if unknown)."""
    label = charset.strip().lower()
    name = codecs.lookup(_LABEL_ALIASES.get(label, label)).name
    return _WIDER_CODEC.get(name, name)


def _wider_or_none(charset: str) -> str | None:
    try:
        return _wider(charset)
    except LookupError:
        return None


def _strict_decode(data: bytes, charset: str | None) -> str | None:
    """The text if `charset` is known and decodes every byte, else None."""
    if not charset:
        return None
    codec = _wider_or_none(charset)
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None
