"""Quality and speed of the lookalike-domain score: `fakegov eval` (domains part) and `fakegov bench detectors`.

Quality is measured on real-world lists (../shared/eval: Tranco, a China list, StreamingPhish) and on
labelled names: the corpus (fixtures/corpus/domains.toml, split tune/holdout), the hand-written
dev list (tests/data/domains_dev.txt) and the world's host labels (fixtures/world/labels/*.toml).
Labels are read here only, never by the detector.
"""

from __future__ import annotations

import contextlib
import os
import time
import tomllib
from pathlib import Path

from rapidfuzz import process

from detectors.domains import LOOKALIKE, OFFICIAL, score_domain
from detectors.names import EXTRACT
from detectors.targets import target_for_host, targets
from fakegov.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
CORPUS_FILE = ROOT / "fixtures" / "corpus" / "domains.toml"
# A second holdout written apart from the detectors: measured and reported, never tuned on.
HOLDOUT2_FILE = ROOT / "fixtures" / "corpus" / "holdout2" / "domains.toml"
DEV_FILE = ROOT / "tests" / "data" / "domains_dev.txt"
DEV2_FILE = ROOT / "tests" / "data" / "domains_dev2.txt"
WORLD_LABELS = ROOT / "fixtures" / "world" / "labels"
MAX_POPULAR_SHARE = 0.002          # at most 0.2% of the Tranco and China lists may be called lookalike
MIN_RECALL = 0.95                  # at least 95% of labelled lookalikes caught
ROUNDS = 3                         # benchmark rounds; the best of each loop is reported
POPULAR_LISTS = {"tranco": "tranco_top_100k.csv", "china": "china_domains.txt"}
PHISH_LISTS = {"phish_malicious": "streamingphish/malicious_fqdns.txt",
               "phish_benign": "streamingphish/benign_fqdns.txt"}


def find_shared_eval(explicit: Path | None) -> Path | None:
    """The real-world lists: `explicit`, else $FAKEGOV_SHARED/eval, ../shared/eval, /work/shared/eval."""
    if explicit is not None:
        if not Path(explicit).is_dir():
            raise UserError(f"--shared-eval {explicit}: no such folder")
        return Path(explicit)
    for base in (os.environ.get("FAKEGOV_SHARED"), ROOT.parent / "shared", Path("/work/shared")):
        if base and (Path(base) / "eval").is_dir():
            return Path(base) / "eval"
    return None


def read_names(path: Path) -> list[str]:
    """One name per line; a "rank,name" CSV line gives its last field."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        return [line.strip().rsplit(",", 1)[-1] for line in fh if line.strip()]


# ---------------------------------------------------------------- evaluate

def evaluate(shared_eval: Path | None = None) -> dict:
    """Every quality number of the domain score, with printable lines; `ok` says whether all targets are met."""
    lines: list[str] = []
    report: dict = {"lines": lines}
    eval_dir = find_shared_eval(shared_eval)
    if eval_dir is None:
        lines.append("real-world lists: skipped (../shared/eval not found; set FAKEGOV_SHARED or --shared-eval)")
    else:
        report["lists"] = _evaluate_lists(eval_dir, lines)
    report["labelled"] = _evaluate_labelled(lines)
    report["ok"] = _all_targets_met(report)
    lines.append(f"domain targets met: {'yes' if report['ok'] else 'NO'}")
    return report


def _evaluate_lists(eval_dir: Path, lines: list[str]) -> dict:
    numbers: dict = {}
    lines.append(f"real-world lists ({eval_dir}):")
    gov_total = gov_official = 0
    for key, file_name in POPULAR_LISTS.items():
        if not (eval_dir / file_name).exists():
            lines.append(f"  {file_name}: absent, skipped")
            continue
        names = read_names(eval_dir / file_name)
        results = [score_domain(name) for name in names]
        flagged = [r.domain for r in results if r.verdict == LOOKALIKE]
        share = len(flagged) / len(names)
        numbers[key] = {"names": len(names), "lookalike": len(flagged), "share": share, "flagged": flagged}
        verdict = "ok" if share <= MAX_POPULAR_SHARE else "TOO MANY"
        lines.append(f"  {file_name:24} {len(names):7} names, called lookalike {len(flagged):4} "
                     f"({share:.3%}, limit {MAX_POPULAR_SHARE:.1%}) {verdict}"
                     + (f": {', '.join(flagged[:8])}" if flagged else ""))
        gov = [r for name, r in zip(names, results) if _under_gov_cn(name)]
        gov_total += len(gov)
        gov_official += sum(r.verdict == OFFICIAL for r in gov)
    for key, file_name in PHISH_LISTS.items():
        path = eval_dir / file_name
        if not path.exists():
            lines.append(f"  {file_name}: absent, skipped")
            continue
        names = read_names(path)
        results = [score_domain(name) for name in names]
        flagged = [r.domain for r in results if r.verdict == LOOKALIKE]
        numbers[key] = {"names": len(names), "lookalike": len(flagged), "flagged": flagged}
        gov = [r for name, r in zip(names, results) if _under_gov_cn(name)]
        gov_total += len(gov)
        gov_official += sum(r.verdict == OFFICIAL for r in gov)
        lines.append(f"  {file_name:34} {len(names):5} names, called lookalike {len(flagged)}"
                     + (f": {', '.join(flagged[:6])}" if flagged else ""))
    lines.append("  (StreamingPhish phishes other brands: only names posing as a government should be flagged)")
    numbers["gov_cn"] = {"names": gov_total, "official": gov_official}
    lines.append(f"  *.gov.cn names in all lists: {gov_official}/{gov_total} official "
                 f"{'ok' if gov_official == gov_total else 'NOT ALL'}")
    return numbers


def _under_gov_cn(name: str) -> bool:
    host = name.lower().rstrip(".")
    return host == "gov.cn" or host.endswith(".gov.cn")


def _evaluate_labelled(lines: list[str]) -> dict:
    numbers: dict = {}
    sources = [("corpus", CORPUS_FILE, _corpus_rows), ("holdout2", HOLDOUT2_FILE, _corpus_rows),
               ("dev", DEV_FILE, _dev_rows), ("dev2", DEV2_FILE, _dev_rows), ("world", WORLD_LABELS, _world_rows)]
    for key, path, reader in sources:
        rows = reader(path)
        if not rows:
            lines.append(f"labelled names, {key}: none ({path} absent or empty)")
            continue
        lines.append(f"labelled names, {key} ({path.relative_to(ROOT)}):")
        numbers[key] = {}
        for split in sorted({row[0] for row in rows}, key=lambda s: (s != "tune", s)):
            numbers[key][split] = _measure([row[1:] for row in rows if row[0] == split])
            # Names are shown for tuning sets only: a holdout's misses must not reach whoever tunes.
            lines.extend(_measure_lines(split, numbers[key][split], show_names=not split.startswith("holdout")))
    # The measure: all our own labelled lookalikes together (the world's fakes are judged by
    # their pages, many have names that say nothing). Each set above shows how far it generalises.
    ours = [m for key, splits in numbers.items() if key != "world" for m in splits.values()]
    caught, total = sum(m["caught"] for m in ours), sum(m["lookalikes"] for m in ours)
    numbers["all"] = {"caught": caught, "lookalikes": total, "recall": caught / total if total else None}
    lines.append(f"all labelled lookalikes (corpus, holdout2, dev, dev2): caught {caught}/{total} "
                 f"({_percent(numbers['all']['recall'])}, target {MIN_RECALL:.0%})")
    return numbers


def _corpus_rows(path: Path) -> list[tuple[str, str, str, str | None]]:
    """(set, label, name, target) from the corpus: any array of tables whose entries have name and label."""
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    entries = [entry for value in data.values() if isinstance(value, list)
               for entry in value if isinstance(entry, dict) and "name" in entry and "label" in entry]
    return [(entry.get("set", "tune"), entry["label"], entry["name"], entry.get("target")) for entry in entries]


def _dev_rows(path: Path) -> list[tuple[str, str, str, None]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            split, label, name = line.split(None, 2)
            rows.append((split, label, name.strip(), None))
    return rows


def _world_rows(folder: Path) -> list[tuple[str, str, str, str | None]]:
    """The world's host labels: fake hosts count as lookalikes to find, "special" hosts are left out.

    A fake on an innocent-looking name cannot be caught from its name alone, so the world's
    recall is reported for information; its official and benign hosts must hold.
    """
    rows = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        with open(path, "rb") as fh:
            hosts = tomllib.load(fh).get("host", {})
        label_of = {"fake": "lookalike", "benign": "benign", "official": "official"}
        rows += [("world", label_of[entry["label"]], host, entry.get("target")) for host, entry in hosts.items()
                 if entry.get("label") in label_of]
    return rows


def _measure(rows: list[tuple[str, str, str | None]]) -> dict:
    """Recall, precision and false-positive rate of `lookalike` on (label, name, expected target) rows,
    and how often a caught lookalike names the expected target."""
    results = [(label, name, target, score_domain(name)) for label, name, target in rows]
    positives = [(name, target, r) for label, name, target, r in results if label == LOOKALIKE]
    negatives = [(name, r) for label, name, _, r in results if label != LOOKALIKE]
    officials = [(name, r) for label, name, _, r in results if label == OFFICIAL]
    caught = [(name, target, r) for name, target, r in positives if r.verdict == LOOKALIKE]
    with_target = [(target, r) for _, target, r in caught if target]
    false_alarms = [name for name, r in negatives if r.verdict == LOOKALIKE]
    flagged = len(caught) + len(false_alarms)
    return {
        "lookalikes": len(positives), "caught": len(caught),
        "recall": len(caught) / len(positives) if positives else None,
        "precision": len(caught) / flagged if flagged else None,
        "negatives": len(negatives), "false_positives": len(false_alarms),
        "fp_rate": len(false_alarms) / len(negatives) if negatives else None,
        "officials": len(officials), "officials_official": sum(r.verdict == OFFICIAL for _, r in officials),
        "target_judged": len(with_target),
        "target_right": sum(r.target == _target_key(target) for target, r in with_target),
        "missed": [name for name, _, r in positives if r.verdict != LOOKALIKE],
        "false_alarms": false_alarms,
        "officials_wrong": [name for name, r in officials if r.verdict != OFFICIAL],
    }


def _measure_lines(split: str, m: dict, show_names: bool) -> list[str]:
    lines = [f"  {split:8} recall {_percent(m['recall'])} ({m['caught']}/{m['lookalikes']})  "
             f"precision {_percent(m['precision'])}  false positives {_percent(m['fp_rate'])} "
             f"({m['false_positives']}/{m['negatives']})  official {m['officials_official']}/{m['officials']}"
             + (f"  target {m['target_right']}/{m['target_judged']}" if m["target_judged"] else "")]
    if show_names:
        for key in ("missed", "false_alarms", "officials_wrong"):
            if m[key]:
                lines.append(f"           {key.replace('_', ' ')}: {', '.join(m[key][:12])}")
    return lines


def _target_key(host: str) -> str | None:
    """The target key a labelled target host belongs to (www.mem.gov.cn -> mem.gov.cn)."""
    owner = target_for_host(host)
    return owner.key if owner else host


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _all_targets_met(report: dict) -> bool:
    lists = report.get("lists", {})
    popular_ok = all(lists[key]["share"] <= MAX_POPULAR_SHARE for key in POPULAR_LISTS if key in lists)
    gov = lists.get("gov_cn", {"names": 0, "official": 0})
    labelled = {key: splits for key, splits in report["labelled"].items() if key not in ("world", "all")}
    recall = report["labelled"].get("all", {}).get("recall")
    labelled_ok = (recall is None or recall >= MIN_RECALL) and all(
        m["officials_official"] == m["officials"] for splits in labelled.values() for m in splits.values())
    world_ok = all(m["officials_official"] == m["officials"] and m["false_positives"] == 0
                   for m in report["labelled"].get("world", {}).values())
    return popular_ok and gov["names"] == gov["official"] and labelled_ok and world_ok


# ---------------------------------------------------------------- benchmark

def benchmark(shared_eval: Path | None = None) -> dict:
    """names/s of score_domain against a bare tldextract + rapidfuzz loop, same names, same run, one core."""
    eval_dir = find_shared_eval(shared_eval)
    if eval_dir is None:
        return {"lines": ["domain benchmark: skipped (../shared/eval not found)"], "skipped": True}
    names = [name for file_name in POPULAR_LISTS.values() if (eval_dir / file_name).exists()
             for name in read_names(eval_dir / file_name)]
    if not names:
        return {"lines": [f"domain benchmark: skipped (no {' or '.join(POPULAR_LISTS.values())} in {eval_dir})"],
                "skipped": True}
    target_names = [host for target in targets() for host in target.hosts]
    bare_rates, detector_rates = [], []
    with _one_core():
        _bare_loop(names[:2000], target_names)                 # warm both paths (lexicon, caches)
        _detector_loop(names[:2000])
        for _ in range(ROUNDS):                                # interleaved: a busy moment hits both
            bare_rates.append(_rate(_bare_loop, names, target_names))
            detector_rates.append(_rate(_detector_loop, names))
    bare, detector = max(bare_rates), max(detector_rates)
    ratio = detector / bare
    return {
        "names": len(names), "bare_per_s": bare, "detector_per_s": detector, "ratio": ratio,
        "lines": [f"domains: {len(names)} names of ../shared/eval on one core, best of {ROUNDS} interleaved runs each",
                  f"  bare loop (tldextract + one rapidfuzz extractOne): {bare:,.0f} names/s",
                  f"  score_domain:                                      {detector:,.0f} names/s",
                  f"  ratio {ratio:.2f} (target >= 0.5) {'ok' if ratio >= 0.5 else 'TOO SLOW'}"],
    }


def _bare_loop(names: list[str], target_names: list[str]) -> None:
    for name in names:
        process.extractOne(EXTRACT(name).domain, target_names)


def _detector_loop(names: list[str]) -> None:
    for name in names:
        score_domain(name)


def _rate(loop, names: list[str], *args) -> float:
    start = time.perf_counter()
    loop(names, *args)
    return len(names) / (time.perf_counter() - start)


@contextlib.contextmanager
def _one_core():
    """Pin this process to one CPU for the measurement (where the OS allows it)."""
    if not hasattr(os, "sched_getaffinity"):
        yield
        return
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)
