"""The `fakegov detect`, `eval`, `bench detectors` and `reference` sub-commands (thin: the work is in the modules)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fakegov import options
from fakegov.cli import group
from fakegov.errors import UserError


def register(sub) -> None:
    detect = group(sub, "detect", "score domain names or saved pages")
    p = detect.add_parser("domains", help="score domain names (one per line) for imitation of a protected site",
                          description="Read one name per line from FILE or standard input; write one JSON "
                                      "object per line: domain, score (0-100), verdict, target, reasons.")
    p.add_argument("file", nargs="?", default="-", help="file of names, or - for standard input (default)")
    p.set_defaults(func=run_detect_domains)

    p = detect.add_parser("pages", help="score saved pages listed in a JSONL manifest",
                          description='MANIFEST is JSONL {"path", "url"}; writes one JSON object per page: '
                                      "url, score, verdict, kind, target, signals, reasons.")
    p.add_argument("manifest", type=Path)
    p.set_defaults(func=run_detect_pages)

    p = sub.add_parser("eval", help="measure the detectors on labelled pages and domain lists",
                       description="Run the detectors over the labelled corpus, the world's labels and "
                                   "../shared/eval; print precision, recall and false-positive rates.")
    p.add_argument("--shared-eval", type=Path, default=None, metavar="DIR",
                   help="the real-world domain lists (default: ../shared/eval if present)")
    p.add_argument("--json", action="store_true", help="print the numbers as one JSON object")
    p.set_defaults(func=run_eval)

    bench = group(sub, "bench", "measure speed")
    p = bench.add_parser("detectors", help="names/s and pages/s of the detectors against a bare baseline")
    p.add_argument("--shared-eval", type=Path, default=None, metavar="DIR")
    p.set_defaults(func=run_bench)

    ref = group(sub, "reference", "reference fingerprints of the protected pages")
    p = ref.add_parser("capture", help="build a reference fingerprint from a live official page",
                       description="Fetch URL (through --world if given) and store its fingerprint as the "
                                   "reference of the target it belongs to.")
    p.add_argument("url")
    options.add_world(p)
    p.set_defaults(func=run_reference_capture)


def _read_lines(source: str):
    """Lines of a file or stdin as text; undecodable bytes become U+FFFD so one bad line never stops the batch."""
    if source == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(source, "rb")
        except OSError as err:
            raise UserError(f"cannot read {source}: {err.strerror}") from None
    with stream:
        for raw in stream:
            yield raw.decode("utf-8", errors="replace").strip()


def run_detect_domains(args) -> int:
    from detectors.domains import score_domain

    for name in _read_lines(args.file):
        if name:
            print(json.dumps(score_domain(name).to_dict(), ensure_ascii=False), flush=False)
    return 0


def run_detect_pages(args) -> int:
    from detectors.pages import score_manifest_entry

    for lineno, line in enumerate(_read_lines(str(args.manifest)), 1):
        if not line:
            continue
        try:
            entry = json.loads(line)
            path, url = entry["path"], entry.get("url", "")
        except (ValueError, KeyError, TypeError):
            print(f"fakegov: {args.manifest}:{lineno}: not a JSON object with a \"path\"", file=sys.stderr)
            continue
        print(json.dumps(score_manifest_entry(Path(path), url, base=args.manifest.parent), ensure_ascii=False))
    return 0


def run_eval(args) -> int:
    from detectors import domain_eval, page_eval

    report = {"domains": domain_eval.evaluate(args.shared_eval), "pages": page_eval.evaluate()}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for part, numbers in report.items():
            print(f"== {part} ==")
            for line in numbers["lines"]:
                print(line)
    return 0


def run_bench(args) -> int:
    from detectors import domain_eval, page_eval

    for part in (domain_eval.benchmark(args.shared_eval), page_eval.benchmark()):
        for line in part["lines"]:
            print(line)
    return 0


def run_reference_capture(args) -> int:
    from detectors.reference import capture_reference
    from fakegov.network import open_network

    with open_network(args.world) as network:
        path = capture_reference(args.url, network)
    print(f"reference stored: {path}")
    return 0
