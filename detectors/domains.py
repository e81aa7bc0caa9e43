"""Lookalike-domain score: does a host name imitate one of the protected sites (cx.mem.gov.cn first)?

Like dnstwist's fuzzers, each signal is one small function with one idea, all listed in SIGNALS;
each adds its points from weights.toml [domain] with a reason in Chinese and English. Pure: no I/O
after the data files are read once.

Bad input never raises: an empty, overlong, undecodable or IP-literal name gives verdict
"unrelated", score 0 and one reason saying why, so one bad line never stops a batch.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from detectors.names import EXTRACT, GOVERNMENT_SUFFIXES, HostNameError, is_ip_literal, normalize_host
from detectors.reasons import Reason
from detectors.targets import TARGETS_FILE, Target, target_for_host, targets, vocabulary
from detectors.textnorm import to_simplified
from detectors.weights import weights

CONFUSABLES_FILE = Path(__file__).resolve().parent / "data" / "confusables.toml"
CDN_FILE = Path(__file__).resolve().parent / "data" / "cdn_domains.toml"
ECHO_LIMIT = 253                 # longest input echoed back as "domain" for a name that is not a host

OFFICIAL, LOOKALIKE, UNRELATED = "official", "lookalike", "unrelated"
# Chinese suffixes whose registries check credentials (universities, research institutes, the army):
# an impersonator cannot register under them, so their names are never lookalikes.
VETTED_SUFFIXES = ("edu.cn", "ac.cn", "mil.cn")
# The Chinese namespace: an official label moved to another Chinese suffix (mem.org.cn) looks more official.
CHINESE_SUFFIX_LABELS = frozenset({"cn", "xn--fiqs8s", "xn--fiqz9s", "xn--55qx5d", "xn--io0a7i"})
# Suffixes of other governments: "gov" in a name under them is no claim to be Chinese government.
FOREIGN_GOVERNMENT_LABELS = frozenset({"gov", "gouv", "gob", "govt", "go", "mil", "gv"})
LONG_WORD_LENGTH = 9
# Pinyin abbreviations are initials, four letters at most (zscx, zjks): a longer word is spelled out.
SPELLED_OUT_LENGTH = 5
_LATIN_RUN = re.compile(r"[a-z]+")
_GOV_SUFFIX_INSIDE = re.compile(r"gov[._-]?cn[._-]")
_NUMBER = re.compile(r"[0-9]+")
# Single letters or digits set apart by dashes, three or more: c-x-m-e-m.
_LETTERS_APART = re.compile(r"(?<![a-z0-9])[a-z0-9](?:-[a-z0-9]){2,}(?![a-z0-9])")
# A year as a word of a name (tzzy2026): sellers date their throwaway names.
_YEAR = re.compile(r"20[0-3][0-9]")


@dataclass
class DomainResult:
    domain: str
    score: int
    verdict: str
    target: str | None
    reasons: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The `fakegov detect domains` contract (DESIGN.md)."""
        return {"domain": self.domain, "score": self.score, "verdict": self.verdict, "target": self.target,
                "reasons": [reason.to_dict() for reason in self.reasons]}


# ---------------------------------------------------------------- the words a name is made of

@dataclass
class Words:
    """What a name says, word by word: which targets it names, and whether it asks or claims government."""

    targets_pinyin: dict[str, Target] = field(default_factory=dict)     # word -> target
    targets_chinese: dict[str, Target] = field(default_factory=dict)
    query: list[str] = field(default_factory=list)
    gov: list[str] = field(default_factory=list)
    site: list[str] = field(default_factory=list)

    def target_words(self) -> dict[str, Target]:
        return {**self.targets_pinyin, **self.targets_chinese}

    def union(self, other: Words) -> Words:
        return Words({**self.targets_pinyin, **other.targets_pinyin}, {**self.targets_chinese, **other.targets_chinese},
                     list(dict.fromkeys(self.query + other.query)), list(dict.fromkeys(self.gov + other.gov)),
                     list(dict.fromkeys(self.site + other.site)))


class Lexicon:
    """Every table a score needs, built once from targets.toml, confusables.toml and weights.toml."""

    def __init__(self) -> None:
        self.weights = weights("domain")
        self._build_words()
        self._build_official_names()
        self._build_typo_table()
        anchors = [w for w, (kind, _) in self.latin.items() if kind in ("target", "gov")]
        anchors += [w for w, (kind, _) in self.chinese.items() if kind in ("target", "gov")]
        anchors += list(self.official_labels)
        # A name matching none of these (and no typo) cannot fire any signal: the fast exit.
        self.anchor_pattern = _alternation(anchors)
        # A registrable label of two or more query words ("certificate lookup") and filler (quanguo, www)
        # also gets past the exit.
        query, filler = (rf"(?:(?:{_alternation(w for w, (k, _) in self.latin.items() if k == kind).pattern})[-_]?)"
                         for kind in ("query", "filler"))
        self.lookup_label = re.compile(rf"{filler}*{query}{filler}*{query}(?:{query}|{filler})*")
        self.deconfuse_table, self.deconfuse_digits, self.deconfuse_sequences = _load_confusables()
        with open(CDN_FILE, "rb") as fh:
            self.cdn_endings = tuple("." + domain for domain in tomllib.load(fh)["domains"])
        self.vetted_endings = tuple("." + suffix for suffix in VETTED_SUFFIXES)
        digits = "".join(self.deconfuse_digits)
        self.digit_in_word = re.compile(rf"(?<=[a-z])[{digits}]|[{digits}](?=[a-z])")

    def _build_words(self) -> None:
        """word -> (kind, target) for pinyin and for Chinese; a target's own word beats a shared one."""
        shared = vocabulary()
        with open(TARGETS_FILE, "rb") as fh:                     # words that matter in names only
            name_vocabulary = tomllib.load(fh)["name_vocabulary"]
        self.latin: dict[str, tuple[str, Target | None]] = {}
        self.chinese: dict[str, tuple[str, Target | None]] = {}
        for kind, latin, chinese in (("filler", shared.filler_pinyin, ()),
                                     ("region", name_vocabulary["region_pinyin"], ()),
                                     ("site", name_vocabulary["site_pinyin"], ()),
                                     ("query", shared.query_pinyin, shared.query_keywords),
                                     ("gov", shared.gov_pinyin, shared.gov_keywords)):
            self.latin.update(dict.fromkeys(latin, (kind, None)))
            self.chinese.update(dict.fromkeys(chinese, (kind, None)))
        for target in reversed(targets()):                          # the first target wins a shared word
            self.latin.update(dict.fromkeys(target.pinyin, ("target", target)))
            self.chinese.update(dict.fromkeys(target.keywords, ("target", target)))
        self.own_names = {word: target for target in targets() for word in target.own_names}
        self.longest_latin = max(map(len, self.latin))
        # Long target words are specific enough to count inside a run that cannot be split (jmtezhongzuoye);
        # shorter ones are not: anjian (安监) hides in ruanjian (软件), yingji (应急) in yingjiesheng (应届生).
        self.long_target_words = sorted((w for w, (kind, _) in self.latin.items()
                                         if kind == "target" and len(w) >= LONG_WORD_LENGTH), key=len, reverse=True)
        self.chinese_pattern = _alternation(self.chinese)

    def _build_official_names(self) -> None:
        """The official hosts in every shape an impersonator bends them into."""
        self.official_hosts = {host: target for target in targets() for host in target.hosts}
        self.official_domains = {domain: target for target in targets() for domain in target.domains}
        self.government_endings = tuple("." + suffix for suffix in GOVERNMENT_SUFFIXES)
        self.official_labels: dict[str, Target] = {}                 # registrable label -> target
        self.official_suffixes: dict[str, str] = {}                  # registrable label -> its suffix
        self.flat_forms: dict[str, Target] = {}                      # cx.mem, mem.gov.cn ... -> target
        self.dotted: dict[str, Target] = {}                          # official host or domain -> target
        for host, target in reversed(self.official_hosts.items()):
            parts = EXTRACT(host)
            registered = f"{parts.domain}.{parts.suffix}"
            owner = self.official_domains.get(registered, target)   # mem.gov.cn belongs to the ministry
            self.official_labels[parts.domain] = owner
            self.official_suffixes[parts.domain] = parts.suffix
            self.dotted.update({registered: owner, host: target})
            for form in _flattened_forms(host, parts.domain):   # mem.gov is the ministry's, cx.mem the lookup's
                self.flat_forms[form] = owner if form.startswith(parts.domain + ".") else target
        self.flat_pattern = re.compile("|".join(
            "[-_]?".join(re.escape(piece) for piece in form.split("."))
            for form in sorted(self.flat_forms, key=len, reverse=True)))
        self.dotted_pattern = re.compile(r"(?:^|\.)(" + "|".join(
            re.escape(host) for host in sorted(self.dotted, key=len, reverse=True)) + r")[.-]")

    def _build_typo_table(self) -> None:
        """Official strings long enough to be mistyped, without dots and dashes: cxmem, chinasafety ..."""
        compact = {form.replace(".", "").replace("-", ""): target for form, target in self.flat_forms.items()}
        compact.update({label.replace("-", ""): target for label, target in self.official_labels.items()})
        self.typo_targets = {word: target for word, target in compact.items()
                             if len(word) >= self.weights["typo_min_length"]}
        short_distance, long_distance = self.weights["typo_max_distance_short"], self.weights["typo_max_distance_long"]
        self.typo_candidates = self._by_length(self.typo_targets, short_distance, long_distance)
        # Dots and suffix letters add length but no distinctiveness (gem.gov.in is 2 from mem.gov.cn):
        # whole hosts allow only the short distance.
        self.host_typo_candidates = self._by_length([host for host in self.dotted if len(host) >= 8],
                                                    short_distance, short_distance)

    def _by_length(self, words, short_distance: int, long_distance: int) -> dict[int, list[tuple[list[str], int]]]:
        """text length -> [(official strings a text of that length can be a typo of, distance allowed)].

        Lengths may differ by the short distance only: a long name with two letters dropped or added
        is a word of its own more often than a slip (chinasafe, not chinasafety).
        """
        short = [word for word in words if len(word) < self.weights["typo_long_length"]]
        long = [word for word in words if len(word) >= self.weights["typo_long_length"]]
        table: dict[int, list[tuple[list[str], int]]] = {}
        for length in range(1, max(map(len, words)) + short_distance + 1):
            for group, distance in ((short, short_distance), (long, long_distance)):
                near = [word for word in group if abs(len(word) - length) <= short_distance]
                if near:
                    table.setdefault(length, []).append((near, distance))
        return table

    def deconfuse(self, text: str) -> str:
        """`text` with look-alike characters replaced by the Latin letters they imitate.

        Digits count only inside a word (g0v), never in a number (2024 stays 2024).
        """
        text = self.digit_in_word.sub(lambda match: self.deconfuse_digits[match.group(0)], text.translate(self.deconfuse_table))
        for sequence, letter in self.deconfuse_sequences:
            if sequence in text:
                text = text.replace(sequence, letter)
        return text

    def words(self, text: str) -> Words:
        found = Words()
        for run in _LATIN_RUN.findall(text):
            for word in self._latin_words(run):
                self._add(found, word, *self.latin[word], chinese=False)
        if not text.isascii():
            for word in self.chinese_pattern.findall(text):
                self._add(found, word, *self.chinese[word], chinese=True)
        return found

    @staticmethod
    def _add(found: Words, word: str, kind: str, target: Target | None, chinese: bool) -> None:
        if kind == "target":
            (found.targets_chinese if chinese else found.targets_pinyin).setdefault(word, target)
        elif kind == "query":
            found.query.append(word)
        elif kind == "gov":
            found.gov.append(word)
        elif kind == "site":
            found.site.append(word)

    def _latin_words(self, run: str) -> tuple[str, ...]:
        """The run split into known words; if it cannot be split, its long target words."""
        split = self._segment(run)
        if split is not None:
            return split
        return tuple(word for word in self.long_target_words if word in run)[:1]

    def _segment(self, run: str) -> tuple[str, ...] | None:
        """The run split into known words, fewest words first; None if some letters belong to no word."""
        if run in self.latin:
            return (run,)
        best: list[tuple[str, ...] | None] = [()] + [None] * len(run)
        for start in range(len(run)):
            if best[start] is None:
                continue
            for end in range(start + 1, min(len(run), start + self.longest_latin) + 1):
                piece = run[start:end]
                if piece in self.latin and (best[end] is None or len(best[end]) > len(best[start]) + 1):
                    best[end] = best[start] + (piece,)
        return best[-1]

    def label_words(self, label: str) -> list[tuple[str, str, Target | None]] | None:
        """(word, kind, target) for every word of `label`, numbers as kind "digits";
        None if some letters belong to no known word."""
        found = []
        for run in _LATIN_RUN.findall(label):
            split = self._segment(run)
            if split is None:
                return None
            found += [(word, *self.latin[word]) for word in split]
        found += [(word, *self.chinese[word]) for word in self.chinese_pattern.findall(label)]
        rest = _LATIN_RUN.sub("-", self.chinese_pattern.sub("-", label))
        if rest.strip("-_0123456789"):
            return None
        return found + [(number, "digits", None) for number in _NUMBER.findall(rest)]

    def only_target_words(self, words: list[tuple[str, str, Target | None]] | None) -> Target | None:
        """The target whose own name a label is: its words plus filler, places, digits and dashes (yjglb-gd, 应急管理部).

        At least one word must name the body or site itself; a subject word alone (aqsc, 安全生产)
        is what news and training sites are called. Official labels (mem, samr, chinasafety) do not
        count: under another suffix they are a tld-swap, weighed by its own signal.
        """
        if words is None or any(kind not in ("target", "filler", "region", "digits") for _, kind, _ in words):
            return None
        return next((self.own_names[word] for word, _, _ in words
                     if word in self.own_names and word not in self.official_labels), None)

def _alternation(words) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _flattened_forms(host: str, registrable_label: str) -> list[str]:
    """Runs of two or more labels of an official host that include its registrable label, dots kept.

    cx.mem.gov.cn gives cx.mem, cx.mem.gov, cx.mem.gov.cn, mem.gov, mem.gov.cn; an impersonator
    writes them with dashes or with nothing between the labels.
    """
    labels = [label for label in host.split(".") if label != "www"]
    where = labels.index(registrable_label)
    return [".".join(labels[start:end]) for start in range(where + 1) for end in range(where + 1, len(labels) + 1)
            if end - start >= 2]


def _load_confusables() -> tuple[dict[int, str], dict[str, str], list[tuple[str, str]]]:
    """(translate table for letters, digit -> letter, [(letter pair, letter)]) from confusables.toml."""
    with open(CONFUSABLES_FILE, "rb") as fh:
        data = tomllib.load(fh)
    pairs = [(char, letter) for letter, chars in data["characters"].items() for char in chars]
    table = {ord(char): letter for char, letter in pairs if not char.isdigit()}
    digits = {char: letter for char, letter in pairs if char.isdigit()}
    sequences = [(sequence, letter) for letter, found in data["sequences"].items() for sequence in found]
    return table, digits, sequences


@functools.cache
def lexicon() -> Lexicon:
    return Lexicon()


# ---------------------------------------------------------------- one parsed name

@dataclass
class Name:
    """A valid, non-government host, split the way the signals need it."""

    host: str            # ASCII (punycode) form
    unicode: str         # what a person reads
    suffix: str          # public suffix, ASCII ("" if unknown)
    label: str           # registrable label, ASCII (cx-mem-gov in cx-mem-gov.com)
    plain: str           # Unicode host without its suffix, as written (traditional characters simplified)
    core: str            # the same with look-alike characters spelled out
    lex: Lexicon = field(repr=False)

    @functools.cached_property
    def spelled_words(self) -> Words:
        """Words of the name with look-alike characters spelled out (cxrnem reads cx, mem)."""
        return self.lex.words(self.core)

    @functools.cached_property
    def plain_words(self) -> Words:
        """Words of the name as written."""
        return self.lex.words(self.plain) if self.plain != self.core else self.spelled_words

    @functools.cached_property
    def words(self) -> Words:
        """Both: a digit may be a letter (g0v) or a number (cx123-mem)."""
        if self.plain == self.core:
            return self.spelled_words
        return self.spelled_words.union(self.plain_words)

    @functools.cached_property
    def label_words(self) -> list[tuple[str, str, Target | None]] | None:
        """The registrable label word by word (as read), or None if it holds letters of no known word."""
        return self.lex.label_words(self.core.rsplit(".", 1)[-1])

    @property
    def deconfused_host(self) -> str:
        return f"{self.core}.{self.suffix}" if self.suffix else self.core

    @functools.cached_property
    def closest_official(self) -> tuple[str, str, int] | None:
        """(what was written, the official string, edit distance) for a typo, else None."""
        return _typo_hit(self.lex, self.core, self.suffix, self.label)


def parse_name(host: str, unicode: str, parts, lex: Lexicon) -> Name:
    """Split a host (with its tldextract parts) into the pieces the signals read."""
    suffix = parts.suffix
    labels = unicode.split(".")
    if not suffix and len(labels) > 1:           # unknown suffix: treat the last label as one
        suffix = host.rsplit(".", 1)[1]
    suffix_labels = suffix.count(".") + 1 if suffix else 0
    plain = ".".join(labels[:len(labels) - suffix_labels]) if suffix_labels < len(labels) else unicode
    label = parts.domain if parts.suffix else host.split(".")[-2 if len(labels) > 1 else -1]
    if not plain.isascii():
        plain = to_simplified(plain)             # 特種作業 reads as 特种作业
    return Name(host, unicode, suffix, label, plain, lex.deconfuse(plain), lex)


# ---------------------------------------------------------------- the signals

Signal = tuple[Reason, Target | None]


def _reason(code: str, zh: str, en: str, weight: str | None = None) -> Reason:
    """A Reason with the points weights.toml gives `weight` (by default the code, dashes as underscores)."""
    return Reason(code, lexicon().weights[weight or code.replace("-", "_")], zh, en)


def official_as_subdomain(name: Name) -> Signal | None:
    """The official host (or its domain) written at the front of someone else's domain."""
    match = name.lex.dotted_pattern.search(name.deconfused_host)
    if not match:
        return None
    official = match.group(1)
    return (_reason("official-as-subdomain",
                    f"把官方域名 {official} 当作子域名挂在其他域名下（真实注册域名是 {_registered(name)}）",
                    f"uses the official name {official} as a subdomain of another domain ({_registered(name)})"),
            name.lex.dotted[official])


def dots_to_dashes(name: Name) -> Signal | None:
    """An official host with its dots turned into dashes or dropped: cx-mem-gov-cn, cxmemgov."""
    match = name.lex.flat_pattern.search(name.core)
    if not match:
        return None
    written = match.group(0)
    form = _matching_form(name.lex, written)
    official = name.lex.flat_forms[form]
    return (_reason("dots-to-dashes",
                    f"把官方域名 {official.key} 的点换成横线或去掉（{written}）",
                    f"spells the official name {official.key} with dashes or without dots ({written})"),
            official)


def _matching_form(lex: Lexicon, written: str) -> str:
    compact = written.replace("-", "").replace("_", "")
    return next(form for form in lex.flat_forms if form.replace(".", "").replace("-", "") == compact)


def typo(name: Name) -> Signal | None:
    """One or two keystrokes away from an official name (cxmen, chinasafty)."""
    if name.closest_official is None:
        return None
    written, official, distance = name.closest_official
    target = name.lex.typo_targets.get(official) or name.lex.dotted[official]
    return (_reason("typo",
                    f"与官方名称 {official} 只差 {distance} 个字符（{written}），像是打错字的仿冒",
                    f"{distance} keystroke(s) away from the official name {official} ({written}): a typosquat"),
            target)


def _typo_hit(lex: Lexicon, core: str, suffix: str, label: str) -> tuple[str, str, int] | None:
    """A typo of an official host or domain (mem.gvo.cn), of an official string in the whole name
    with www, dots and dashes dropped (cxmen), or in its registrable label (chinasafty)."""
    core = core[4:] if core.startswith("www.") else core
    hit = _closest_official(lex.host_typo_candidates, f"{core}.{suffix}")
    compact = core.replace(".", "").replace("-", "")
    if hit is None:
        hit = _closest_official(lex.typo_candidates, compact)
    if hit is None and label != compact:
        hit = _closest_official(lex.typo_candidates, label.replace("-", ""))
    return hit


def _closest_official(candidates: dict, text: str) -> tuple[str, str, int] | None:
    """(text, the official string it mistypes, edit distance), or None.

    Only official strings whose length allows a match are asked (precomputed per length), the
    short ones with the short distance, the long ones with the long distance.
    """
    best = None
    for choices, cutoff in candidates.get(len(text), ()):
        found = process.extractOne(text, choices, scorer=OSA.distance, score_cutoff=cutoff)
        if found and (best is None or found[1] < best[1]):
            best = found
    if best and best[0] not in text:        # written out whole, it is a combination, not a typo
        return text, best[0], best[1]
    return None


def homoglyph(name: Name) -> Signal | None:
    """Look-alike characters (Cyrillic, accents, rn for m, 0 for o) that spell an official name or a target's words."""
    if name.plain == name.core:
        return None
    lex, spelled, plain = name.lex, name.spelled_words, name.plain_words
    spelled_host = lex.official_hosts.get(name.deconfused_host)
    new_targets = set(spelled.target_words()) - set(plain.target_words())
    new_gov = len(spelled.gov) > len(plain.gov) or name.deconfused_host.endswith(lex.government_endings)
    official_shape = any(pattern.search(name.deconfused_host) and not pattern.search(f"{name.plain}.{name.suffix}")
                         for pattern in (lex.flat_pattern, lex.dotted_pattern))
    if not (spelled_host or new_targets or new_gov or official_shape):
        return None
    target = spelled_host or (spelled.target_words()[sorted(new_targets)[0]] if new_targets else None)
    return (_reason("homoglyph",
                    f"用形近字符冒充：{name.plain} 读作 {name.core}",
                    f"look-alike characters: {name.plain} reads as {name.core}"),
            target)


def gov_suffix_in_name(name: Name) -> Signal | None:
    """gov.cn, the suffix only government bodies can use, inside a name that is not under gov.cn."""
    match = _GOV_SUFFIX_INSIDE.search(name.deconfused_host)
    if not match:
        return None
    return (_reason("gov-suffix-in-name",
                    f"域名中夹带政府后缀 gov.cn（{match.group(0).rstrip('.-_')}），但不是 .gov.cn 域名",
                    f"carries the government suffix gov.cn ({match.group(0).rstrip('.-_')}) but is not under gov.cn"),
            None)


def gov_in_name(name: Name) -> Signal | None:
    """gov / 政府 / 国家 as a word of a name that is not a government's."""
    gov = name.words.gov
    if not gov or not FOREIGN_GOVERNMENT_LABELS.isdisjoint(name.suffix.split(".")):
        return None
    shown = "、".join(dict.fromkeys(gov))
    return (_reason("gov-in-name",
                    f"非政府域名中出现“政府”字样（{shown}）",
                    f"claims to be government ({', '.join(dict.fromkeys(gov))}) without a government suffix"),
            None)


def combosquat(name: Name) -> Signal | None:
    """A target's (or the government's) word joined with a query or site word, or another target word:
    memchaxun, tzzy-portal, tzzyczz."""
    words = name.words
    named = list(words.target_words()) + words.gov
    joined = words.query or words.site or named[1:len(words.target_words())]
    if not named or not joined:
        return None
    # Without a target's word, a government certificate lookup is what the name promises.
    target = next(iter(words.target_words().values()), targets()[0])
    pair = f"{named[0]} + {joined[0]}"
    return (_reason("combosquat",
                    f"把目标机构的名称与“查询/证书/平台”类词语组合（{pair}）",
                    f"joins a target's or the government's name with a query, certificate or site word ({pair})"),
            target)


def target_pinyin(name: Name) -> Signal | None:
    """A target's pinyin or abbreviation as a word of the name: mem, tzzy, yjglb, aqsc."""
    found = name.words.targets_pinyin
    if not found:
        return None
    target = next(iter(found.values()))
    shown = ", ".join(found)
    return (_reason("target-pinyin",
                    f"含有 {target.short_name} 的拼音或缩写（{shown}）",
                    f"contains the pinyin or abbreviation of {target.key} ({shown})"),
            target)


def target_chinese(name: Name) -> Signal | None:
    """A target's Chinese words in an IDN name: 特种作业, 应急管理."""
    found = name.words.targets_chinese
    if not found:
        return None
    target = next(iter(found.values()))
    shown = "、".join(found)
    return (_reason("target-chinese",
                    f"中文域名 {name.unicode} 含有 {target.short_name} 的关键词（{shown}）",
                    f"Chinese name {name.unicode} contains keywords of {target.key} ({shown})"),
            target)


def target_name(name: Name) -> Signal | None:
    """A registrable label made of nothing but a target's words and filler: yjglb.vip, gd-tzzy.net, 特种作业.com."""
    label = name.core.rsplit(".", 1)[-1]
    if label in name.lex.official_labels:                   # mem.com is a tld-swap, weighed there
        return None
    target = name.lex.only_target_words(name.label_words)
    if target is None:
        return None
    return (_reason("target-name",
                    f"整个域名主体就是 {target.short_name} 的名称或缩写（{label}）",
                    f"the whole name is {target.key}'s words or abbreviation ({label})"),
            target)


def region_name(name: Name) -> Signal | None:
    """A province or its abbreviation with a target's words, and no unknown letters: gd-tzzy, guangdong-yjglj.
    Sellers name made-up provincial platforms so; a real provincial office is under gov.cn."""
    words = name.label_words or ()
    regions = [word for word, kind, _ in words if kind == "region"]
    named = [(word, target) for word, kind, target in words if kind == "target"]
    if not regions or not named:
        return None
    word, target = named[0]
    return (_reason("region-name",
                    f"省份名称或缩写（{regions[0]}）加上 {target.short_name} 的拼音或缩写（{word}），像是冒充的地方查询平台",
                    f"a province ({regions[0]}) with the words of {target.key} ({word}): a made-up regional platform"),
            target)


def year_name(name: Name) -> Signal | None:
    """A target's words with a year, and no unknown letters: tzzy2026, dgz-2026, the dated names sellers register."""
    words = name.label_words or ()
    years = [word for word, kind, _ in words if kind == "digits" and _YEAR.fullmatch(word)]
    named = [(word, target) for word, kind, target in words if kind == "target"]
    if not years or not named:
        return None
    word, target = named[0]
    return (_reason("year-name",
                    f"{target.short_name} 的拼音或缩写加上年份（{word} + {years[0]}），像是批量注册的售证域名",
                    f"the words of {target.key} with a year ({word} + {years[0]}): a seller's dated name"),
            target)


def letters_apart(name: Name) -> Signal | None:
    """Letters set apart by dashes that, joined, spell a target's or the government's word: c-x-m-e-m."""
    joined = _LETTERS_APART.sub(lambda match: match.group(0).replace("-", ""), name.core)
    if joined == name.core:
        return None
    found = name.lex.words(joined)
    new_targets = [word for word in found.target_words() if word not in name.words.target_words()]
    new_gov = len(found.gov) > len(name.words.gov)
    if not (new_targets or new_gov):
        return None
    target = found.target_words()[new_targets[0]] if new_targets else None
    return (_reason("letters-apart",
                    f"用横线把字母隔开来躲避检测：{name.core} 连起来读作 {joined}",
                    f"letters set apart by dashes to slip past filters: {name.core} reads as {joined}"),
            target)


def lookup_words(name: Name) -> Signal | None:
    """A name that says nothing but "certificate lookup": no target named. In initials (cxzs.icu, zjks.com)
    it is too weak for a verdict on its own, but enough for a crawler to look at what it serves; spelled
    out in full (zhengshu-chaxun.com) it names the very service the fakes sell, and weighs more."""
    label = name.plain.rsplit(".", 1)[-1]
    if not name.lex.lookup_label.fullmatch(label):
        return None
    words = [word for word, kind, _ in name.label_words or () if kind == "query"]
    if len(words) >= 2 and all(len(word) >= SPELLED_OUT_LENGTH for word in words):
        return (_reason("lookup-words", f"域名主体是完整拼写的“证书/查询”类词语（{'+'.join(words)}），直接以证书查询服务为名",
                        f"the name spells out certificate lookup in full ({'+'.join(words)})", weight="lookup_words_spelled"),
                targets()[0])
    return (_reason("lookup-words",
                    f"域名主体只由“证书/查询”类词语组成（{label}），是通用的证书查询名称",
                    f"the name says nothing but certificate lookup ({label})"),
            targets()[0])


def tld_swap(name: Name) -> Signal | None:
    """An official registrable label under another suffix (mem.top, chinasafety.com), or with a number
    added (samr88.com, 5188-mem.cn); more under a Chinese suffix, which looks more official (mem.org.cn)."""
    written = name.lex.deconfuse(name.label)
    label = written.strip("-0123456789")
    target = name.lex.official_labels.get(label)
    numbered = label != written
    if target is None or (not numbered and name.lex.official_suffixes[label] == name.suffix):
        return None
    official = f"{label}.{name.lex.official_suffixes[label]}"
    weight = "tld_swap" if CHINESE_SUFFIX_LABELS.isdisjoint(name.suffix.split(".")) else "tld_swap_chinese"
    if numbered:
        return (_reason("tld-swap", f"使用官方域名 {official} 的主体部分，加上数字（{_registered(name)}）",
                        f"the official label of {official} with a number added ({_registered(name)})", weight=weight),
                target)
    return (_reason("tld-swap",
                    f"使用官方域名 {official} 的主体部分，但换了后缀（.{name.suffix}）",
                    f"the official label of {official} under another suffix (.{name.suffix})", weight=weight),
            target)


def tld_risk(name: Name) -> Reason | None:
    """Amplifier: a cheap or abuse-prone suffix."""
    risky = name.lex.weights["tld_risk"]
    points = risky.get(name.suffix) or risky.get(name.suffix.rsplit(".", 1)[-1])
    if not points:
        return None
    return Reason("tld-risk", points, f"使用廉价或常被滥用的后缀 .{name.suffix}",
                  f"cheap or abuse-prone suffix .{name.suffix}")


def digits_hyphens(name: Name) -> Reason | None:
    """Amplifier: two or more hyphens, or digits, in the registrable label (cx-mem-gov-2024)."""
    label = name.plain.rsplit(".", 1)[-1]
    if label.count("-") < 2 and not any(char.isdigit() for char in label):
        return None
    return _reason("digits-hyphens", f"主体部分含多个横线或数字（{label}）",
                   f"several hyphens or digits in the registrable label ({label})")


# Signals that tie a name to a target or to the government, strongest idea first.
SIGNALS = (official_as_subdomain, dots_to_dashes, typo, homoglyph, letters_apart, gov_suffix_in_name, gov_in_name,
           combosquat, target_pinyin, target_chinese, target_name, region_name, year_name, tld_swap, lookup_words)
# Signals that only add to a name that already carries one of SIGNALS.
AMPLIFIERS = (tld_risk, digits_hyphens)


# ---------------------------------------------------------------- the score

def score_domain(name: str) -> DomainResult:
    """Score one name (a host or a URL) for imitation of a protected site. Never raises on bad input."""
    try:
        host = normalize_host(name)
    except HostNameError as err:
        return _not_a_host(name, err)
    ascii_host = host.ascii
    if (ascii_host[-1].isdigit() or ":" in ascii_host) and is_ip_literal(ascii_host):
        return DomainResult(ascii_host, 0, UNRELATED, None, [Reason(
            "ip-literal", 0, "这是IP地址，不是域名", "an IP address, not a domain name")])
    lex = lexicon()
    parts = EXTRACT(ascii_host)
    if _is_official(lex, ascii_host, parts):
        return _official(ascii_host, host.unicode)
    if ascii_host.endswith(lex.vetted_endings):
        return _vetted(ascii_host)
    if _cannot_fire(lex, ascii_host, host.unicode, parts):
        return DomainResult(ascii_host, 0, UNRELATED, None, [])
    if ascii_host.endswith(lex.cdn_endings):
        return _cdn_alias(ascii_host, next(e[1:] for e in lex.cdn_endings if ascii_host.endswith(e)))
    return _scored(parse_name(ascii_host, host.unicode, parts, lex))


def _cannot_fire(lex: Lexicon, ascii_host: str, unicode_host: str, parts) -> bool:
    """The fast exit: a plain ASCII name with no target or government word and no typo of one.

    Most names end here, before a Name is built; the checks are the ones the signals start from.
    """
    if ascii_host != unicode_host or not parts.suffix or len(parts.suffix) >= len(ascii_host):
        return False
    core = lex.deconfuse(ascii_host[:-len(parts.suffix) - 1])
    return (not lex.anchor_pattern.search(core) and not lex.lookup_label.fullmatch(parts.domain)
            and not _LETTERS_APART.search(core) and _typo_hit(lex, core, parts.suffix, parts.domain) is None)


def _is_official(lex: Lexicon, ascii_host: str, parts) -> bool:
    return (ascii_host in lex.official_hosts or f"{parts.domain}.{parts.suffix}" in lex.official_domains
            or ascii_host.endswith(lex.government_endings) or ascii_host in GOVERNMENT_SUFFIXES)


def _scored(name: Name) -> DomainResult:
    fired = [signal for signal in (check(name) for check in SIGNALS) if signal is not None]
    if not fired:
        return DomainResult(name.host, 0, UNRELATED, None, [])
    reasons = [reason for reason, _ in fired]
    reasons += [reason for reason in (amplify(name) for amplify in AMPLIFIERS) if reason is not None]
    reasons.sort(key=lambda reason: -reason.points)         # strongest first: what an analyst reads first
    score = max(0, min(100, sum(reason.points for reason in reasons)))
    verdict = LOOKALIKE if score >= name.lex.weights["lookalike_threshold"] else UNRELATED
    return DomainResult(name.host, score, verdict, _strongest_target(name, fired), reasons)


def _strongest_target(name: Name, fired: list[Signal]) -> str | None:
    """The target of the strongest signal that names one (ties: file order).

    A name that also carries query words, or the query site's own words, imitates the target's query
    site, if it has one (yjglb-zs, mem-tzzy: the ministry's words, but the certificate lookup is what it fakes).
    """
    named = [(reason.points, target) for reason, target in fired if target is not None]
    if not named:
        return None
    top = max(points for points, _ in named)
    order = {target.key: rank for rank, target in enumerate(targets())}
    strongest = min((target for points, target in named if points == top), key=lambda t: order[t.key])
    named_keys = {target.key for target in name.words.target_words().values()}
    if strongest.query_site and (name.words.query or strongest.query_site in named_keys):
        return strongest.query_site
    return strongest.key


def _official(ascii_host: str, unicode_host: str) -> DomainResult:
    target = target_for_host(ascii_host)
    if target is not None:
        return DomainResult(ascii_host, 0, OFFICIAL, target.key, [Reason(
            "official-host", 0, f"{target.short_name}（{target.owner}）的官方域名",
            f"official host of {target.key} ({target.owner})")])
    suffix = next(s for s in GOVERNMENT_SUFFIXES if ascii_host == s or ascii_host.endswith("." + s))
    shown = normalize_host(suffix).unicode
    return DomainResult(ascii_host, 0, OFFICIAL, None, [Reason(
        "government-suffix", 0, f"{unicode_host} 在 .{shown} 下，只有经审核的政府或公共机构才能注册",
        f"{unicode_host} is under .{shown}, which only vetted government or public bodies can register")])


def _vetted(ascii_host: str) -> DomainResult:
    suffix = next(s for s in VETTED_SUFFIXES if ascii_host.endswith("." + s))
    return DomainResult(ascii_host, 0, UNRELATED, None, [Reason(
        "vetted-suffix", 0, f"在 .{suffix} 下：该后缀只有经审核的高校、科研或军队机构才能注册，不会是仿冒者的域名",
        f"under .{suffix}, which only vetted universities, institutes or the army can register: not an impersonator's")])


def _cdn_alias(ascii_host: str, provider: str) -> DomainResult:
    return DomainResult(ascii_host, 0, UNRELATED, None, [Reason(
        "cdn-alias", 0, f"CDN 服务商 {provider} 为客户网站生成的别名（CNAME），不是仿冒者能选的域名",
        f"an alias (CNAME target) the CDN provider {provider} made for a customer's site, not an impersonator's name")])


def _registered(name: Name) -> str:
    return f"{name.label}.{name.suffix}" if name.suffix else name.host


def _not_a_host(name, err: HostNameError) -> DomainResult:
    echoed = name.strip() if isinstance(name, str) else repr(name)
    if len(echoed) > ECHO_LIMIT:
        echoed = echoed[:ECHO_LIMIT] + "…"
    return DomainResult(echoed, 0, UNRELATED, None, [Reason("not-a-host-name", 0, err.zh, str(err))])
