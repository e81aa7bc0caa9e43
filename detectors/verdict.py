"""The combined verdict on one page: page signals plus the host's lookalike-domain score give a score
0-100, a verdict, the kind of fake, the target imitated and the top reasons. Official hosts
(targets' own hosts and any *.gov.cn) are "official", never "fake", whatever their pages quote."""

from __future__ import annotations

from dataclasses import dataclass, field

from detectors.reasons import Reason
from detectors.weights import weights

# Signals that say what kind of fake a page is, strongest claim first; the rest are clones or sellers.
_DISTINCT_KINDS = (("wechat-imitation", "wechat"), ("certificate-result", "result-page"),
                   ("regional-platform", "provincial"))
_SELLER_SIGNALS = frozenset(("seller-language", "seller-prices", "seller-contacts"))
# A page with one of these copies the official platform itself ...
_COPY_SIGNALS = frozenset(("reference-similarity", "official-build", "same-favicon", "copied-identity",
                           "official-name"))
# ... with one of these it is a lookup service of its own that claims the national data ...
_LOOKUP_SIGNALS = frozenset(("national-data", "national-platform"))
# ... and with any of these it imitates a query platform, whatever else it sells.
_CLONE_SIGNALS = _COPY_SIGNALS | frozenset(("certificate-query-form", "query-app-shell", "api-elsewhere"))


@dataclass
class Verdict:
    score: int
    verdict: str                      # official | fake | suspicious | benign
    kind: str | None
    target: str | None
    signals: list[Reason] = field(default_factory=list)    # every signal that fired
    reasons: list[Reason] = field(default_factory=list)    # the top ones, strongest first


def domain_reason(domain, points_at_full: int) -> Reason | None:
    """The host's lookalike-domain score as one page reason (only for a lookalike name)."""
    if domain is None or domain.verdict != "lookalike":
        return None
    why = domain.reasons[0].zh if domain.reasons else ""
    why_en = domain.reasons[0].en if domain.reasons else ""
    return Reason("lookalike-domain", round(domain.score / 100 * points_at_full),
                  f"域名仿冒 {domain.target}（域名评分 {domain.score}）：{why}",
                  f"The host name imitates {domain.target} (domain score {domain.score}): {why_en}")


def fake_kind(signals: list[Reason]) -> str:
    """clone, result-page, lookup, seller, wechat or provincial, from the signals that fired."""
    codes = {s.code for s in signals if s.points > 0}
    for code, kind in _DISTINCT_KINDS:
        if code in codes:
            return kind
    if codes & _LOOKUP_SIGNALS and not codes & _COPY_SIGNALS:
        return "lookup"
    if codes & _CLONE_SIGNALS:
        return "clone"
    seller = sum(s.points for s in signals if s.code in _SELLER_SIGNALS)
    other = sum(s.points for s in signals if s.points > 0 and s.code not in _SELLER_SIGNALS
                and s.code != "lookalike-domain")
    return "seller" if seller > other else "clone"


def combine(page_signals: list[Reason], domain, official: bool, official_target: str | None,
            imitated_target: str | None) -> Verdict:
    """The verdict from the page's signals and the host's DomainResult (None when there is no host)."""
    w = weights("verdict")
    signals = list(page_signals)
    if official:
        signals.insert(0, Reason("official-host", 0, "官方网站（受保护网站的官方主机或政府 .gov.cn 域名）",
                                 "Official site (a protected site's own host or a government .gov.cn name)"))
        return Verdict(0, "official", None, official_target, signals, signals[:w["max_reasons"]])
    from_domain = domain_reason(domain, w["domain_points"])
    if from_domain is not None:
        signals.append(from_domain)
    score = max(0, min(100, sum(s.points for s in signals)))
    verdict = "fake" if score >= w["fake"] else "suspicious" if score >= w["suspicious"] else "benign"
    top = sorted(signals, key=lambda s: -abs(s.points))[:w["max_reasons"]]
    if verdict == "benign":
        return Verdict(score, verdict, None, None, signals, top)
    target = imitated_target or (domain.target if domain is not None else None)
    return Verdict(score, verdict, fake_kind(signals), target, signals, top)
