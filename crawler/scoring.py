"""The detectors applied to what the crawler fetched: a page is scored as a page, a host that gave
no page by its name alone, and a query that "found" our made-up identity is proof of a fake."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.capture import CANARY_ID, CANARY_NAME
from crawler.items import Fetch
from detectors.reasons import Reason
from detectors.weights import weights

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


@dataclass
class Detection:
    score: int
    verdict: str
    kind: str | None
    target: str | None
    reasons: list[dict] = field(default_factory=list)
    indicators: list[tuple[str, str]] = field(default_factory=list)
    title: str | None = None
    encoding: str | None = None


def _is_page(fetch: Fetch) -> bool:
    media = (fetch.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    return fetch.status is not None and fetch.status < 300 and bool(fetch.body) and media in HTML_TYPES


def score_fetch(fetch: Fetch) -> Detection | None:
    """A page is judged as a page; a site's front door that gave no page, by its name; anything else not at all."""
    if _is_page(fetch):
        detection = _score_page(fetch)
    elif fetch.role in ("entry", "recheck"):
        detection = _score_name(fetch.host)
    else:
        return None
    if fetch.role == "canary" and fetch.body and _echoes_canary(fetch.body):
        points = weights("capture")["canary_certificate"]
        detection.reasons.insert(0, Reason(
            "canary-certificate", points,
            f"用虚构身份（{CANARY_NAME}，身份证号 {CANARY_ID}）查询，网站仍显示了“证书”：真实平台查不到此人，证书系伪造",
            f"Queried with a made-up identity ({CANARY_NAME}, {CANARY_ID}); the site still showed a "
            "certificate, which a genuine register cannot have").to_dict())
        detection.score = min(100, max(detection.score, points))
        detection.verdict = "fake"
        detection.kind = detection.kind or "result-page"
    if fetch.ip:
        detection.indicators.append(("ip", fetch.ip))
    for ns in fetch.dns.get("NS", []):
        detection.indicators.append(("ns", ns.rstrip(".").lower()))
    return detection


def _echoes_canary(body: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        text = body.decode(encoding, errors="ignore")
        if CANARY_NAME in text or CANARY_ID in text or CANARY_ID[:-1] in text:
            return True
    return False


def _score_page(fetch: Fetch) -> Detection:
    from detectors.pages import score_page

    result = score_page(fetch.body, fetch.url, headers=fetch.headers)
    data = result.to_dict()
    return Detection(score=data["score"], verdict=data["verdict"], kind=data.get("kind"), target=data.get("target"),
                     reasons=[s if isinstance(s, dict) else s.to_dict() for s in data["signals"]],
                     indicators=list(result.contacts) + list(result.indicators),
                     title=getattr(result.features, "title", None), encoding=getattr(result, "encoding", None))


def _score_name(host: str) -> Detection:
    from detectors.domains import score_domain

    try:
        result = score_domain(host)
    except ValueError as err:
        return Detection(0, "unrelated", None, None, [Reason("bad-name", 0, f"无法解析的主机名：{err}",
                                                               f"unparseable host name: {err}").to_dict()])
    # No page to judge: a name that imitates a target is enough for an analyst to look (flagged as
    # suspicious, never as fake); any other name stays unjudged.
    verdict = {"official": "official", "lookalike": "suspicious"}.get(result.verdict, "unrelated")
    kind = "lookalike-name" if verdict == "suspicious" else None
    return Detection(result.score, verdict, kind, result.target, [r.to_dict() for r in result.reasons])
