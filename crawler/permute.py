"""Lookalike names of the protected sites, in the shapes impersonators use (DOMAIN.md §5).

One idea per fuzzer, each a few lines, all listed in FUZZERS (dnstwist style). A fuzzer takes a
target and the settings of data/permute.toml and yields candidate host names.
"""

from __future__ import annotations

import functools
import itertools
import tomllib
from collections.abc import Iterator
from pathlib import Path

from detectors.names import normalize_host
from detectors.targets import Target, targets, vocabulary

SETTINGS_FILE = Path(__file__).resolve().parent / "data" / "permute.toml"


@functools.cache
def permute_settings() -> dict:
    with open(SETTINGS_FILE, "rb") as fh:
        return tomllib.load(fh)


def _labels(host: str) -> list[str]:
    """The meaningful labels of an official host: cx.mem.gov.cn -> [cx, mem, gov, cn]; no www."""
    return [label for label in host.split(".") if label != "www"]


def dots_to_dashes(target: Target, s: dict) -> Iterator[str]:
    """cx.mem.gov.cn -> cx-mem-gov-cn.com, cxmemgovcn.top, cx-mem-gov.com ..."""
    for host in target.hosts:
        labels = _labels(host)
        for words in (labels, labels[:-1]):
            for sep in s["separators"]:
                for tld in s["tlds"]:
                    yield f"{sep.join(words)}.{tld}"


def official_as_subdomain(target: Target, s: dict) -> Iterator[str]:
    """The whole official name in front of another suffix: cx.mem.gov.cn.com, mem.gov.cn.top."""
    for host in target.hosts:
        for tld in s["tlds"]:
            yield f"{host}.{tld}"


def gov_inside(target: Target, s: dict) -> Iterator[str]:
    """"gov" inside a name nobody vets: memgov.com, gov-mem.cn, cxmemgov.top."""
    for word in target.pinyin[:4] + tuple(_labels(target.key)[:-2]):
        for gov in vocabulary().gov_pinyin[:2]:
            for sep in s["separators"]:
                for tld in s["short_tlds"]:
                    yield f"{word}{sep}{gov}.{tld}"
                    yield f"{gov}{sep}{word}.{tld}"


def suffix_swap(target: Target, s: dict) -> Iterator[str]:
    """The official name under another suffix: mem.com.cn, mem.gov.com, cxmem.cn."""
    for host in target.hosts:
        labels = _labels(host)
        stem = [label for label in labels if label not in ("gov", "cn")]
        for tld in s["tlds"] + ["gov.com", "gov.cc", "gov.top"]:
            yield f"{'.'.join(stem)}.{tld}"
            yield f"{''.join(stem)}.{tld}"


def typos(target: Target, s: dict) -> Iterator[str]:
    """One slip of the keyboard or the eye in the joined name: omission, repetition, swap, look-alike."""
    for host in target.hosts:
        word = "".join(label for label in _labels(host) if label != "cn")
        for typo in _typos(word, s["ascii_glyphs"]):
            for tld in s["short_tlds"]:
                yield f"{typo}.{tld}"


def _typos(word: str, glyphs: dict) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1:]                       # omission
        yield word[:i] + word[i] + word[i:]                 # repetition
        if i + 1 < len(word):
            yield word[:i] + word[i + 1] + word[i] + word[i + 2:]   # transposition
        for glyph in glyphs.get(word[i], []):
            yield word[:i] + glyph + word[i + 1:]           # look-alike letters


def homoglyph_idn(target: Target, s: dict) -> Iterator[str]:
    """Latin letters swapped for Cyrillic ones that look the same: сx-mеm.com (an IDN)."""
    for host in target.hosts:
        for word in ("".join(_labels(host)[:-2]), "-".join(_labels(host)[:-1])):
            for i, char in enumerate(word):
                for glyph in s["unicode_glyphs"].get(char, []):
                    for tld in ("com", "cn", "net"):
                        yield f"{word[:i]}{glyph}{word[i + 1:]}.{tld}"


def pinyin_combos(target: Target, s: dict) -> Iterator[str]:
    """A target's pinyin or abbreviation joined to a query word: tzzycx.com, yjglb-zhengshu.top."""
    query = vocabulary().query_pinyin[:s["combo_query_words"]]
    for word, q in itertools.product(target.pinyin[:s["combo_target_words"]], query):
        for tld in s["combo_tlds"]:
            for sep in s["separators"]:
                yield f"{word}{sep}{q}.{tld}"
                yield f"{q}{sep}{word}.{tld}"


def bare_words(target: Target, s: dict) -> Iterator[str]:
    """A target's pinyin or abbreviation alone under a cheap suffix: tzzy.cn, yjglb.vip."""
    for word in target.pinyin:
        for tld in s["tlds"]:
            yield f"{word}.{tld}"


def query_words(target: Target, s: dict) -> Iterator[str]:
    """Two query words and nothing else, the generic "certificate lookup": zhengshuchaxun.com, cxzs.icu.
    They belong to no target in particular, so they are generated once (with the first target)."""
    if target is not targets()[0]:
        return
    query = vocabulary().query_pinyin[:s["combo_query_words"]]
    for first, second in itertools.permutations(query, 2):
        for tld in s["short_tlds"]:
            yield from (f"{first}{sep}{second}.{tld}" for sep in s["separators"])


def chinese_idn(target: Target, s: dict) -> Iterator[str]:
    """Chinese names: 特种作业查询.com, 应急管理部证书查询平台.cn."""
    for word, suffix in itertools.product((target.short_name,) + target.keywords, s["idn_suffix_words"]):
        for tld in s["idn_tlds"]:
            yield f"{word}{suffix}.{tld}"


FUZZERS = (dots_to_dashes, official_as_subdomain, gov_inside, suffix_swap, chinese_idn, homoglyph_idn,
           bare_words, typos, query_words, pinyin_combos)


def lookalike_names(limit: int | None = None) -> Iterator[tuple[str, str]]:
    """(ASCII host name, fuzzer name) for every target, in FUZZERS order, each name once; never an
    official host or a *.gov.cn name."""
    s = permute_settings()
    seen: set[str] = set()
    count = 0
    for fuzzer in FUZZERS:
        for target in targets():
            for name in fuzzer(target, s):
                try:
                    host = normalize_host(name).ascii
                except ValueError:
                    continue
                if host in seen or host.endswith(".gov.cn") or any(t.owns(host) for t in targets()):
                    continue
                seen.add(host)
                yield host, fuzzer.__name__
                count += 1
                if limit is not None and count >= limit:
                    return
