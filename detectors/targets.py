"""The protected sites and their words, read once from data/targets.toml (a user can edit that file)."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from detectors.names import normalize_host

TARGETS_FILE = Path(__file__).resolve().parent / "data" / "targets.toml"


@dataclass(frozen=True)
class Target:
    key: str                      # the main official host; "target" in every result
    name: str                     # full Chinese name of the site
    short_name: str
    owner: str                    # the body that runs it
    hosts: tuple[str, ...]        # official hosts (ASCII form)
    domains: tuple[str, ...]      # registrable domains wholly run by the owner
    reference: str                # fingerprint file name in data/reference/
    keywords: tuple[str, ...]     # Chinese words pointing to this target
    pinyin: tuple[str, ...]       # pinyin and abbreviations pointing to this target
    query_site: str | None        # key of the target imitated when our words meet query words
    own_names: frozenset[str]     # the words that name the body or site itself (not its subject)

    def owns(self, ascii_host: str) -> bool:
        """True if the host is one of ours: an official host, or any host under one of our domains."""
        return ascii_host in self.hosts or any(
            ascii_host == domain or ascii_host.endswith("." + domain) for domain in self.domains)


@dataclass(frozen=True)
class Vocabulary:
    """Words shared by all targets: they add weight only next to a target's own words."""

    query_pinyin: tuple[str, ...]
    query_keywords: tuple[str, ...]
    gov_pinyin: tuple[str, ...]
    gov_keywords: tuple[str, ...]
    filler_pinyin: tuple[str, ...]


@functools.cache
def _load() -> tuple[tuple[Target, ...], Vocabulary]:
    with open(TARGETS_FILE, "rb") as fh:
        data = tomllib.load(fh)
    try:
        loaded = tuple(_target(entry) for entry in data["target"])
        vocabulary = Vocabulary(**{field: tuple(words) for field, words in data["vocabulary"].items()})
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{TARGETS_FILE}: malformed target list ({err})") from None
    if not loaded:
        raise ValueError(f"{TARGETS_FILE}: no [[target]] entries")
    return loaded, vocabulary


def _target(entry: dict) -> Target:
    return Target(
        key=entry["key"], name=entry["name"], short_name=entry["short_name"], owner=entry["owner"],
        hosts=tuple(normalize_host(host).ascii for host in entry["hosts"]),
        domains=tuple(normalize_host(domain).ascii for domain in entry["domains"]),
        reference=entry["reference"],
        keywords=tuple(entry["keywords"]), pinyin=tuple(word.lower() for word in entry["pinyin"]),
        query_site=entry.get("query_site"), own_names=_own_names(entry))


def _own_names(entry: dict) -> frozenset[str]:
    names = frozenset(entry.get("own_names", ()))
    unknown = names - set(entry["keywords"]) - set(entry["pinyin"])
    if unknown:
        raise ValueError(f"own_names of {entry['key']} not among its keywords or pinyin: {sorted(unknown)}")
    return names


def targets() -> tuple[Target, ...]:
    """Every protected site, in the file's order (cx.mem.gov.cn first)."""
    return _load()[0]


def vocabulary() -> Vocabulary:
    return _load()[1]


def target_by_key(key: str) -> Target:
    for target in targets():
        if target.key == key:
            return target
    raise KeyError(key)


def target_for_host(host: str) -> Target | None:
    """The target `host` officially belongs to (an exact official host first, then its domains), or None."""
    ascii_host = normalize_host(host).ascii
    for target in targets():
        if ascii_host in target.hosts:
            return target
    for target in targets():
        if target.owns(ascii_host):
            return target
    return None
