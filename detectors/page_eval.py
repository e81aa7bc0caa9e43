"""Measuring the page detector: recall and false positives on the labelled corpus (tune and holdout
apart), on the world's labelled hosts and on real government pages; and its speed on 100 KB pages."""

from __future__ import annotations

import os
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from detectors.pages import host_standing, score_page, unreadable_reason
from detectors.textnorm import decode_page

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "fixtures" / "corpus"
# A second holdout written apart from the detectors: measured and reported, never tuned on.
HOLDOUT2_DIR = CORPUS_DIR / "holdout2"
WORLD_DIR = ROOT / "fixtures" / "world"
PAGE_SUFFIXES = (".html", ".htm", ".shtml")
MAX_PAGES_PER_HOST = 40
# Template routes of the world insert request values; evaluation fills them as a query would.
_TEMPLATE_FIELD = re.compile(r"\{(\w{1,40})\}")
_SAMPLE_ID = "440103199001011234"
_SAMPLE_NAME = "张伟"
# Real government pages in ../shared/real-samples/gov, by the host they were saved from.
REAL_GOV_HOSTS = {"govcn-gongbao.html": "www.gov.cn", "shanxi-gov.html": "www.shanxi.gov.cn",
                  "zj-fzggw.html": "fzggw.zj.gov.cn"}
BENCH_PAGE_BYTES = 100 * 1024
BENCH_PAGES = 100
BENCH_ROUNDS = 3


@dataclass
class Item:
    """One labelled thing to judge: a page, or a site judged by its worst page."""

    name: str
    label: str                    # fake | benign | official
    kind: str | None
    pages: list[tuple[bytes, str, str | None]]   # (raw, url, declared charset)


@dataclass
class Outcome:
    item: Item
    verdict: str
    score: int
    kind: str | None
    error: str | None = None


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, label: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.item.label == label]

    def numbers(self) -> dict:
        fakes, benign, official = self.of("fake"), self.of("benign"), self.of("official")
        called_fake = [o for o in self.outcomes if o.verdict == "fake"]
        caught = sum(o.verdict == "fake" for o in fakes)
        flagged = sum(o.verdict in ("fake", "suspicious") for o in fakes)
        benign_fake = sum(o.verdict == "fake" for o in benign)
        return {
            "fakes": len(fakes), "benign": len(benign), "official": len(official),
            "recall": _ratio(caught, len(fakes)), "recall_flagged": _ratio(flagged, len(fakes)),
            "precision": _ratio(sum(o.item.label == "fake" for o in called_fake), len(called_fake)),
            "official_called_fake": sum(o.verdict == "fake" for o in official),
            "official_called_official": sum(o.verdict == "official" for o in official),
            "benign_called_fake": benign_fake, "benign_fake_rate": _ratio(benign_fake, len(benign)),
            "benign_called_suspicious": sum(o.verdict == "suspicious" for o in benign),
            "kind_agreement": _ratio(sum(_same_kind(o) for o in fakes if o.verdict == "fake"), caught),
            "errors": sum(o.error is not None for o in self.outcomes),
        }

    def misses(self) -> list[str]:
        wrong = [o for o in self.outcomes
                 if (o.item.label == "fake" and o.verdict != "fake")
                 or (o.item.label != "fake" and o.verdict == "fake") or o.error]
        return [f"  {o.item.label:8} called {o.verdict:10} score {o.score:3}  {o.item.name}"
                + (f"  ({o.error})" if o.error else "") for o in wrong]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _same_kind(outcome: Outcome) -> bool:
    labelled = {"result": "result-page"}.get(outcome.item.kind or "", outcome.item.kind)
    return labelled == outcome.kind


def judge(item: Item) -> Outcome:
    """Score every page of the item; the item is as bad as its worst page."""
    order = {"official": 0, "benign": 1, "suspicious": 2, "fake": 3}
    worst = None
    for raw, url, charset in item.pages:
        if unreadable_reason(raw):
            continue
        headers = {"Content-Type": f"text/html; charset={charset}"} if charset else None
        try:
            result = score_page(raw, url, headers=headers)
        except Exception as err:  # noqa: BLE001 - an evaluation reports a crash as a finding
            return Outcome(item, "error", 0, None, error=f"{type(err).__name__}: {err}")
        if worst is None or (order[result.verdict], result.score) > (order[worst.verdict], worst.score):
            worst = Outcome(item, result.verdict, result.score, result.kind)
    return worst or Outcome(item, "error", 0, None, error="no readable page")


# -- the labelled corpus --------------------------------------------------------------------------

def corpus_items(corpus_dir: Path = CORPUS_DIR) -> dict[str, list[Item]]:
    """The corpus pages by set (tune, holdout); empty when the corpus is absent."""
    labels = corpus_dir / "labels.toml"
    if not labels.exists():
        return {}
    with open(labels, "rb") as fh:
        entries = tomllib.load(fh).get("page", [])
    sets: dict[str, list[Item]] = {}
    for entry in entries:
        path = corpus_dir / entry["path"]
        raw = path.read_bytes() if path.exists() else b""
        sets.setdefault(entry.get("set", "tune"), []).append(
            Item(entry["path"], entry["label"], entry.get("kind"), [(raw, entry["url"], None)]))
    return sets


# -- the world --------------------------------------------------------------------------------------

def _fill_template(raw: bytes) -> bytes:
    def value(match: re.Match) -> str:
        key = match[1].lower()
        return _SAMPLE_ID if any(k in key for k in ("id", "num", "card", "zjhm", "sfz", "cert", "no")) else _SAMPLE_NAME
    text = raw.decode("utf-8", "surrogateescape")
    return _TEMPLATE_FIELD.sub(value, text).encode("utf-8", "surrogateescape")


def _host_pages(host_dir: Path) -> list[tuple[bytes, str, str | None]]:
    config_file = host_dir / "host.toml"
    config = tomllib.loads(config_file.read_text("utf-8")) if config_file.exists() else {}
    templates = {r.get("file") for r in config.get("routes", []) if r.get("template")}
    www = host_dir / "www"
    pages = []
    for path in sorted(www.rglob("*"))[:2000]:
        if path.suffix.lower() not in PAGE_SUFFIXES or not path.is_file():
            continue
        relative = path.relative_to(www).as_posix()
        raw = path.read_bytes()
        if relative in templates:
            raw = _fill_template(raw)
        url_path = "/" + (relative[:-len("index.html")] if relative.endswith("index.html") else relative)
        pages.append((raw, f"https://{host_dir.name}{url_path}", config.get("charset")))
    return pages[:MAX_PAGES_PER_HOST]


def world_items(world_dir: Path = WORLD_DIR) -> list[Item]:
    """The world's labelled hosts that serve pages (hostile "special" hosts are left out)."""
    labels: dict[str, dict] = {}
    for label_file in sorted((world_dir / "labels").glob("*.toml")):
        with open(label_file, "rb") as fh:
            labels.update(tomllib.load(fh).get("host", {}))
    items = []
    for host, label in sorted(labels.items()):
        host_dir = world_dir / "hosts" / host
        if label.get("label") not in ("fake", "benign", "official") or not (host_dir / "www").is_dir():
            continue
        pages = _host_pages(host_dir)
        if pages:
            items.append(Item(host, label["label"], label.get("kind"), pages))
    return items


def real_gov_dir() -> Path | None:
    """../shared/real-samples/gov, found like tests/conftest.py finds it (FAKEGOV_SHARED first)."""
    for base in (os.environ.get("FAKEGOV_SHARED"), ROOT.parent / "shared", Path("/work/shared")):
        if base and (Path(base) / "real-samples" / "gov").is_dir():
            return Path(base) / "real-samples" / "gov"
    return None


def real_gov_items() -> list[Item]:
    gov_dir = real_gov_dir()
    if gov_dir is None:
        return []
    return [Item(f"real-samples/gov/{p.name}", "official", None,
                 [(p.read_bytes(), f"https://{REAL_GOV_HOSTS.get(p.name, 'www.gov.cn')}/{p.name}", None)])
            for p in sorted(gov_dir.glob("*.html"))]


# -- reports -----------------------------------------------------------------------------------------

def _describe(name: str, numbers: dict) -> str:
    if not numbers["fakes"] and not numbers["benign"] and not numbers["official"]:
        return f"{name}: nothing to measure"
    return (f"{name}: {numbers['fakes']} fake, {numbers['benign']} benign, {numbers['official']} official | "
            f"recall {numbers['recall']} (flagged {numbers['recall_flagged']}), precision {numbers['precision']}, "
            f"official called fake {numbers['official_called_fake']}, benign called fake "
            f"{numbers['benign_called_fake']} (rate {numbers['benign_fake_rate']}), "
            f"benign suspicious {numbers['benign_called_suspicious']}, kind agreement {numbers['kind_agreement']}, "
            f"errors {numbers['errors']}")


MIN_RECALL = 0.95          # issue 3: fakes called fake
MAX_BENIGN_FAKE = 0.05     # issue 3: at most 1 in 20 benign pages called fake


def evaluate(corpus_dir: Path = CORPUS_DIR, world_dir: Path = WORLD_DIR, holdout2_dir: Path = HOLDOUT2_DIR) -> dict:
    """Numbers per part: corpus tune, corpus holdout, holdout2, world (sites), real gov pages."""
    parts: dict[str, list[Item]] = {f"corpus {name}": items for name, items in sorted(corpus_items(corpus_dir).items())}
    parts.update((name, items) for name, items in sorted(corpus_items(holdout2_dir).items()))
    parts["world"] = world_items(world_dir)
    parts["real gov pages"] = real_gov_items()
    report: dict = {"lines": []}
    judged = {name: [judge(item) for item in items] for name, items in parts.items()}
    for name in parts:
        tally = Tally(judged[name])
        numbers = tally.numbers()
        report[name] = numbers
        report["lines"].append(_describe(name, numbers))
        if "holdout" not in name:
            report["lines"] += tally.misses()
        elif name != "holdout2":                      # holdout2: whole-set numbers only, never its pages
            report[name]["misses"] = tally.misses()   # reported, not printed: holdout is not for tuning
    # The measure: every labelled page together; each part above shows how far it generalises
    # (holdout2 was written apart from the detectors and never tuned on).
    everything = Tally([verdict for part in judged.values() for verdict in part]).numbers()
    report["all"] = everything
    report["lines"].append(_describe("all labelled pages", everything))
    met = (everything["recall"] is not None and everything["recall"] >= MIN_RECALL
           and everything["official_called_fake"] == 0 and (everything["benign_fake_rate"] or 0) <= MAX_BENIGN_FAKE)
    report["ok"] = met
    report["lines"].append(f"page targets (recall ≥ {MIN_RECALL}, no official called fake, benign called fake "
                           f"≤ {MAX_BENIGN_FAKE:.0%}) met over all labelled pages: {'yes' if met else 'NO'}")
    if not corpus_items(corpus_dir):
        report["lines"].insert(0, f"corpus: {corpus_dir / 'labels.toml'} is absent")
    return report


# -- speed -------------------------------------------------------------------------------------------

def _inflate(raw: bytes, size: int) -> bytes:
    """A page grown to about `size` bytes by repeating its body, as long article lists are, in its own
    encoding (a GBK or Big5 page grown as UTF-8 would be 100 KB of mojibake)."""
    text, codec = decode_page(raw)
    start, end = text.find("<body"), text.rfind("</body>")
    if start < 0 or end <= start:
        return raw
    body_start = text.find(">", start) + 1
    body = text[body_start:end]
    if not body.strip():
        return raw
    copies = max(1, size // max(1, len(body.encode(codec, "replace"))))
    return (text[:body_start] + body * copies + text[end:]).encode(codec, "replace")


def _labelled_pages() -> list[tuple[bytes, str]]:
    pages = [(raw, url) for items in corpus_items().values() for item in items for raw, url, _ in item.pages]
    pages += [(raw, url) for item in world_items() + real_gov_items() for raw, url, _ in item.pages]
    return [(raw, url) for raw, url in pages if not unreadable_reason(raw) and len(raw) < 2 * BENCH_PAGE_BYTES]


def natural_pages() -> list[tuple[bytes, str]]:
    """The labelled pages that are about 100 KB or more as written (real-looking long pages)."""
    return [(raw, url) for raw, url in _labelled_pages() if len(raw) >= BENCH_PAGE_BYTES * 0.8]


def bench_pages() -> list[tuple[bytes, str]]:
    """About BENCH_PAGES pages of ~100 KB: every labelled page, the shorter ones grown by repeating
    their body (denser in forms, tables and slogans than real long pages: a harsh measure)."""
    pages = [(raw if len(raw) >= BENCH_PAGE_BYTES * 0.8 else _inflate(raw, BENCH_PAGE_BYTES), url)
             for raw, url in _labelled_pages()]
    return pages[:BENCH_PAGES]


def _rate(pages: list[tuple[bytes, str]], rounds: int) -> float:
    """Pages per CPU second of score_page, best of `rounds` after one untimed warm-up pass."""
    for raw, url in pages:
        score_page(raw, url)                     # warm caches (reference files, OpenCC, tables) untimed
    best = float("inf")
    for _ in range(rounds):
        host_standing.cache_clear()              # each round judges every host afresh
        # CPU time of this process: other work on a shared machine does not count against us.
        start = time.process_time()
        for raw, url in pages:
            score_page(raw, url)
        best = min(best, time.process_time() - start)
    return len(pages) / best


def benchmark(rounds: int = BENCH_ROUNDS, limit: int = BENCH_PAGES) -> dict:
    """Pages per second of score_page on one core: over ~100 KB pages (most of them grown) and over
    the labelled pages that are that long as written."""
    pages, natural = bench_pages()[:limit], natural_pages()[:limit]
    if not pages:
        return {"lines": ["pages: no corpus or world pages to measure on"], "pages_per_second": None}
    previous = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if previous:
        os.sched_setaffinity(0, {min(previous)})
    try:
        rate = _rate(pages, rounds)
        natural_rate = _rate(natural, rounds) if natural else None
    finally:
        if previous:
            os.sched_setaffinity(0, previous)
    lines = [f"pages: {rate:.1f} pages/s on one core ({1000 / rate:.1f} ms/page) over {len(pages)} pages of "
             f"{_mean_kb(pages)} KB, most grown to size (CPU time, best of {rounds}; target >= 50 pages/s)"]
    if natural_rate:
        lines.append(f"pages: {natural_rate:.1f} pages/s on one core over the {len(natural)} labelled pages of "
                     f"{_mean_kb(natural)} KB as written")
    return {"lines": lines, "pages_per_second": round(rate, 1),
            "natural_pages_per_second": round(natural_rate, 1) if natural_rate else None}


def _mean_kb(pages: list[tuple[bytes, str]]) -> int:
    return round(sum(len(raw) for raw, _ in pages) / len(pages) / 1024)
