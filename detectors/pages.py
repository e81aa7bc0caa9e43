"""The page detector: saved or fetched page bytes in, an explained verdict out (`score_page`), and the
batch entry of `fakegov detect pages` that turns any bad file into a one-line error (`score_manifest_entry`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from detectors.domains import score_domain
from detectors.names import is_gov_cn
from detectors.page_context import PageContext
from detectors.page_features import PageFeatures, extract_features, header_value
from detectors.page_signals import page_signals
from detectors.reasons import Reason
from detectors.reference import load_views, official_builds, official_favicons, official_identity
from detectors.similarity import Match, best_match, page_side
from detectors.targets import target_for_host, targets
from detectors.textnorm import charset_from_content_type, decode_page
from detectors.verdict import combine
from detectors.weights import weights

MAX_FILE_BYTES = 16 * 1024 * 1024
TOPIC_CHARS = 5_000        # what a page is about shows in its first few thousand characters
_SNIFF = 8192
_MAGIC = ((b"\x89PNG", "PNG image"), (b"GIF8", "GIF image"), (b"\xff\xd8\xff", "JPEG image"),
          (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive"), (b"\x1f\x8b", "gzip data"),
          (b"\x7fELF", "executable"), (b"MZ", "executable"), (b"RIFF", "media file"), (b"\x00\x00\x01\x00", "icon"))
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b")
_UNDECODABLE_SHARE = 0.3


@dataclass
class PageResult:
    url: str
    score: int
    verdict: str
    kind: str | None
    target: str | None
    signals: list[Reason]
    reasons: list[Reason]
    features: PageFeatures
    encoding: str
    match: Match | None

    @property
    def contacts(self) -> list[tuple[str, str]]:
        return self.features.contacts

    @property
    def indicators(self) -> list[tuple[str, str]]:
        return self.features.indicators

    def to_dict(self) -> dict:
        """The `detect pages` contract of DESIGN.md."""
        return {"url": self.url, "score": self.score, "verdict": self.verdict, "kind": self.kind,
                "target": self.target, "signals": [s.to_dict() for s in self.signals],
                "reasons": [r.to_dict() for r in self.reasons]}


@functools.lru_cache(maxsize=4096)
def host_standing(host: str):
    """(official?, the target the host belongs to, its DomainResult or None); a crawl scores many
    pages of one host, so each host is judged once."""
    if not host:
        return False, None, None
    try:
        domain = score_domain(host)
    except ValueError:
        domain = None
    owner = target_for_host(host)
    official = bool(owner) or is_gov_cn(host) or (domain is not None and domain.verdict == "official")
    return official, owner.key if owner else None, domain


def topic_target(features: PageFeatures) -> str | None:
    """The target whose own words the page uses most (first listed wins a tie)."""
    text = features.title + "\n" + features.text[:TOPIC_CHARS]
    counts = [(sum(text.count(k) for k in t.keywords), -i, t.key) for i, t in enumerate(targets())]
    best = max(counts, default=(0, 0, None))
    return best[2] if best[0] else None


def score_page(raw: bytes, url: str, headers=None, favicon: bytes | None = None) -> PageResult:
    """Score one page (its bytes as served or saved, any encoding) fetched from `url`."""
    declared = charset_from_content_type(header_value(headers, "content-type"))
    html, codec = decode_page(raw, declared) if raw else ("", "utf-8")
    return score_text(html, codec, url, headers, favicon)


def score_text(html: str, codec: str, url: str, headers=None, favicon: bytes | None = None) -> PageResult:
    """Score a page already decoded (with `codec`)."""
    features = extract_features(html, url, headers, favicon)
    official, owner, domain = host_standing(features.host)
    page_weights = weights("page")
    side = page_side(features)
    match = None if official else best_match(side, load_views(), page_weights["similarity"])
    context = PageContext(features=features, side=side, match=match, official=official, weights=page_weights,
                          official_identity=official_identity(), official_favicons=official_favicons(),
                          official_builds=official_builds())
    signals = page_signals(context)
    # A close likeness names the target; a faint one loses to what the page talks about.
    close = match is not None and match.score >= page_weights["similarity_names_target"]
    imitated = match.target if close else topic_target(features) or (match.target if match else None)
    verdict = combine(signals, domain, official, owner, imitated)
    return PageResult(url=url, score=verdict.score, verdict=verdict.verdict, kind=verdict.kind,
                      target=verdict.target, signals=verdict.signals, reasons=verdict.reasons,
                      features=features, encoding=codec, match=match)


def unreadable_reason(raw: bytes) -> str | None:
    """Why these bytes are not a page worth scoring (empty, binary), or None."""
    if not raw.strip():
        return "empty file"
    head = raw[:_SNIFF]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return f"binary file ({name}), not HTML"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None                       # UTF-16 with a BOM has NUL bytes and is still text
    if b"\x00" in head or sum(head.count(c) for c in _CONTROL) > len(head) // 10:
        return "binary file, not HTML"
    return None


def score_manifest_entry(path: Path, url: str, base: Path) -> dict:
    """One manifest line scored: the page's result, or {"url", "error"} for a file that cannot be
    scored (missing, binary, empty, undecodable). Never raises: the batch goes on."""
    full = path if path.is_absolute() else base / path
    try:
        with open(full, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES)
    except OSError as err:
        return {"url": url, "error": f"cannot read {path}: {err.strerror or err}"}
    problem = unreadable_reason(raw)
    if problem:
        return {"url": url, "error": f"{path}: {problem}"}
    try:
        html, codec = decode_page(raw)
        if html.count("\ufffd") > len(html) * _UNDECODABLE_SHARE:
            return {"url": url, "error": f"{path}: cannot be decoded as text in any known encoding"}
        return score_text(html, codec, url).to_dict()
    except Exception as err:  # noqa: BLE001 - one broken page must never stop the batch
        message = " ".join(str(err).split())[:200]
        return {"url": url, "error": f"{path}: internal error ({type(err).__name__}: {message})"}
