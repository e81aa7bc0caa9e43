"""Turning saved page bytes into text: charset decoding that survives wrong declarations, and the
normalisation (NFKC, traditional -> simplified) under which page text is matched."""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from pathlib import Path

import opencc

_DATA = Path(__file__).resolve().parent / "data"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),   # before UTF-16 LE: its BOM starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# GBK and GB2312 pages are decoded as GB18030 (a superset), Big5 ones as Big5-HKSCS (likewise):
# pages routinely use characters outside the charset they declare.
_CODEC_FAMILY = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030",
                 "big5": "big5hkscs", "big5hkscs": "big5hkscs", "cp950": "big5hkscs",
                 "cp936": "gb18030", "utf-8": "utf-8", "ascii": "utf-8"}
_CJK_FALLBACKS = ("utf-8", "gb18030", "big5hkscs")

_META_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,30})""", re.I)
_SNIFF_BYTES = 4096
_SAMPLE_BYTES = 16 * 1024

# Characters that a wrong CJK decoding produces and real Chinese pages rarely contain:
# kana, Greek, Cyrillic, box drawing, private use, Hangul, C1 controls.
_MOJIBAKE = re.compile("[\u3040-\u30ff\u0370-\u03ff\u0400-\u04ff\u2500-\u257f\ue000-\uf8ff"
                       "\uac00-\ud7af\x80-\x9f\ufffd]")


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.cache
def _common_hanzi() -> re.Pattern:
    """A character class of frequent hanzi in both scripts, for judging candidate decodings."""
    lines = (_DATA / "common_hanzi.txt").read_text("utf-8").splitlines()
    simplified = "".join(line.strip() for line in lines if line and not line.startswith("#"))
    traditional = opencc.OpenCC("s2t").convert(simplified)
    return re.compile("[" + re.escape("".join(sorted(set(simplified + traditional)))) + "]")


def charset_from_content_type(value: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    if not value:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", value, re.I)
    return match.group(1) if match else None


def _codec(name: str | None) -> str | None:
    """A Python codec for a declared charset name, folded to its superset; None if unknown."""
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return _CODEC_FAMILY.get(canonical, canonical)


def _declared_in_markup(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def _plausibility(text: str) -> int:
    """How much `text` looks like a correct decoding: frequent hanzi count for, mojibake against."""
    return 2 * len(_common_hanzi().findall(text)) - 4 * len(_MOJIBAKE.findall(text))


def decode_page(raw: bytes, declared_charset: str | None = None) -> tuple[str, str]:
    """(text, codec) of page bytes, whatever the page or the server claims. Never raises on bad bytes.

    A byte order mark decides. Valid UTF-8 wins next (GBK or Big5 bytes are almost never valid
    UTF-8); otherwise the declared charsets and the CJK codecs compete on a sample."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(codec, "replace"), codec
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(raw) - 3 and err.reason == "unexpected end of data":
            return raw.decode("utf-8", "replace"), "utf-8"    # cut off in the middle of its last character
    declared = [_codec(declared_charset), _codec(_declared_in_markup(raw))]
    candidates = list(dict.fromkeys(c for c in declared + list(_CJK_FALLBACKS) if c))
    sample = raw[:_SAMPLE_BYTES]
    # Ties go to the earliest candidate, so a declaration decides between equally plausible codecs.
    scores = {codec: _plausibility(sample.decode(codec, "replace")) for codec in candidates}
    codec = max(candidates, key=lambda c: (scores[c], -candidates.index(c)))
    return raw.decode(codec, "replace"), codec


def detect_codec(raw: bytes, declared_charset: str | None = None) -> str:
    """The codec decode_page would use for these bytes."""
    return decode_page(raw, declared_charset)[1]


def decode_html(raw: bytes, declared_charset: str | None = None) -> str:
    """Page bytes as text (see decode_page)."""
    return decode_page(raw, declared_charset)[0] if raw else ""


def to_simplified(text: str) -> str:
    """Traditional characters mapped to simplified ones (OpenCC t2s), for matching only."""
    return _t2s().convert(text) if text else text


def normalize_text(text: str) -> str:
    """Text as it is matched: NFKC (full-width letters and digits, compatibility ideographs),
    simplified characters, white space collapsed; line breaks (block boundaries) are kept."""
    if not text.isascii():
        text = to_simplified(unicodedata.normalize("NFKC", text))
    # str.split() is several times faster than a regex substitution on long pages.
    return "\n".join(filter(None, (" ".join(line.split()) for line in text.split("\n"))))
