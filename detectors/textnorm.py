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

# The full-width punctuation of every Chinese sentence, replaced at C speed before anything else.
_SENTENCE_PUNCTUATION = {wide: unicodedata.normalize("NFKC", wide) for wide in "，：（）！？；"}
# Runs of characters that NFKC may change: not ASCII, not unified ideographs, not the common
# punctuation NFKC leaves alone (、。《》「」『』【】 “” ‘’ — · © ® ×).
_OTHER_RUN = re.compile("[^\x00-\x7f\u4e00-\u9fff\u3001\u3002\u300a-\u3011\u201c\u201d\u2018\u2019\u2014"
                        "\u00b7\u00a9\u00ae\u00d7]+")
_RUN_FORMS: dict[str, str] = {}
_CACHED_RUN_CHARS = 8
_MAX_CACHED_RUNS = 20_000
# Characters of combining class 0 that canonical composition still joins to the character before
# them (Indic vowel signs, Hangul vowel and final jamo): a run starting with one needs its context.
_COMPOSES_WITH_PREVIOUS = frozenset(
    "\u09be\u09d7\u0b3e\u0b56\u0b57\u0bbe\u0bd7\u0cc2\u0cd5\u0cd6\u0d3e\u0d57\u0dcf\u0ddf\u0fb5\u0fb7"
    "\u102e\u1b35\U00011127\U0001133e\U00011357\U000114b0\U000114ba\U000114bd\U000115af\U00011930"
    + "".join(map(chr, range(0x1161, 0x1176))) + "".join(map(chr, range(0x11A8, 0x11C3))))
_SPACED_HANZI = re.compile("(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")

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


def collapse_space(text: str) -> str:
    """White space collapsed to single spaces inside lines, blank lines and NUL characters dropped, line
    breaks kept. (Every line split and joined by map(), at C speed: a regex substitution is several times slower.)"""
    lines = map(" ".join, map(str.split, text.replace("\x00", "").split("\n")))
    return "\n".join(filter(None, lines))


class _NeedsWholeText(Exception):
    """A run starts with a combining mark: it composes with the character before it."""


def _nfkc_run(match: re.Match) -> str:
    run = match[0]
    form = _RUN_FORMS.get(run)
    if form is None:
        if unicodedata.combining(run[0]) or run[0] in _COMPOSES_WITH_PREVIOUS:
            raise _NeedsWholeText
        form = unicodedata.normalize("NFKC", run)
        if len(run) <= _CACHED_RUN_CHARS and len(_RUN_FORMS) < _MAX_CACHED_RUNS:
            _RUN_FORMS[run] = form
    return form


def nfkc(text: str) -> str:
    """NFKC of the text. Chinese pages are mostly ASCII, unified ideographs and punctuation: the
    sentence punctuation is replaced first, then only the runs of other characters (full-width
    letters and digits, compatibility ideographs ...) are normalised, each distinct run once per process."""
    for wide, narrow in _SENTENCE_PUNCTUATION.items():
        if wide in text:
            text = text.replace(wide, narrow)
    try:
        return _OTHER_RUN.sub(_nfkc_run, text)
    except _NeedsWholeText:
        return unicodedata.normalize("NFKC", text)


def normalize_text(text: str) -> str:
    """Text as it is matched: NFKC (full-width letters and digits, compatibility ideographs),
    simplified characters, white space collapsed; line breaks (block boundaries) are kept."""
    text = collapse_space(text)
    return text if text.isascii() else to_simplified(nfkc(text))


def distinct_lines(text: str) -> str:
    """The text with each of its lines kept once, in first-seen order. Long pages repeat most of
    their lines (menus, list items, copies of a block): a word or phrase that never spans a line
    break is found here exactly where it is found in the whole text, in a fraction of the time."""
    return "\n".join(dict.fromkeys(text.split("\n")))


def join_spaced_hanzi(text: str) -> str:
    """Labels padded for alignment read as words again: "姓　　名" -> "姓名", "验 证 码" -> "验证码"."""
    return _SPACED_HANZI.sub("", text) if " " in text else text
