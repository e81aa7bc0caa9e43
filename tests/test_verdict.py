"""The combined verdict: thresholds from weights.toml, the domain's share, the kind, the top reasons."""

from __future__ import annotations

from detectors.domains import DomainResult
from detectors.reasons import Reason
from detectors.verdict import combine, fake_kind
from detectors.weights import weights


def reason(code: str, points: int) -> Reason:
    return Reason(code, points, f"{code} 中文", f"{code} English")


def lookalike(score: int) -> DomainResult:
    return DomainResult(domain="cx-mem-gov.com", score=score, verdict="lookalike", target="cx.mem.gov.cn",
                        reasons=[Reason("dots-to-dashes", 55, "点换成横线", "dots to dashes")])


def test_thresholds_come_from_weights():
    w = weights("verdict")
    assert combine([reason("seller-language", w["fake"])], None, False, None, None).verdict == "fake"
    assert combine([reason("seller-language", w["fake"] - 1)], None, False, None, None).verdict == "suspicious"
    assert combine([reason("seller-language", w["suspicious"] - 1)], None, False, None, None).verdict == "benign"


def test_score_is_clipped_and_negative_reasons_lower_it():
    assert combine([reason("certificate-result", 80), reason("seller-language", 50)], None, False, None, None).score == 100
    assert combine([reason("editorial-page", -10), reason("warning-context", -20)], None, False, None, None).score == 0
    lowered = combine([reason("seller-language", 40), reason("warning-context", -20)], None, False, None, None)
    assert lowered.score == 20 and lowered.verdict == "benign"


def test_a_lookalike_domain_adds_its_share_with_its_reason():
    w = weights("verdict")
    verdict = combine([reason("certificate-query-form", 35)], lookalike(100), False, None, None)
    domain = [s for s in verdict.signals if s.code == "lookalike-domain"]
    assert domain and domain[0].points == w["domain_points"] and "点换成横线" in domain[0].zh
    assert verdict.score == 35 + w["domain_points"] and verdict.target == "cx.mem.gov.cn"
    alone = combine([], lookalike(100), False, None, None)
    assert alone.verdict != "fake"                         # a name alone does not make a page fake


def test_official_hosts_are_official_with_no_score_whatever_fired():
    verdict = combine([reason("seller-language", 50), reason("certificate-result", 60)], None, True,
                      "cx.mem.gov.cn", "cx.mem.gov.cn")
    assert (verdict.verdict, verdict.score, verdict.kind, verdict.target) == ("official", 0, None, "cx.mem.gov.cn")
    assert verdict.reasons[0].code == "official-host"


def test_kind_prefers_the_distinctive_signals_then_the_larger_family():
    assert fake_kind([reason("certificate-result", 60), reason("seller-language", 50)]) == "result-page"
    assert fake_kind([reason("wechat-imitation", 50), reason("certificate-result", 60)]) == "wechat"
    assert fake_kind([reason("regional-platform", 25), reason("certificate-query-form", 35)]) == "provincial"
    assert fake_kind([reason("seller-language", 50), reason("seller-prices", 15), reason("claims-official-text", 8)]) == "seller"
    assert fake_kind([reason("certificate-query-form", 30), reason("seller-language", 55)]) == "clone"
    assert fake_kind([reason("claims-official-text", 8), reason("seller-language", 20)]) == "seller"


def test_top_reasons_are_the_strongest_few():
    many = [reason(f"signal-{i}", points) for i, points in enumerate([5, 40, -20, 10, 30, 15, 25])]
    verdict = combine(many, None, False, None, "cx.mem.gov.cn")
    assert [r.points for r in verdict.reasons] == [40, 30, 25, -20, 15][:weights("verdict")["max_reasons"]]
    assert len(verdict.signals) == len(many)


def test_an_own_lookup_claiming_the_national_data_is_a_lookup_unless_it_copies_the_platform():
    own = [reason("certificate-query-form", 45), reason("national-data", 20)]
    assert fake_kind(own) == "lookup"
    assert fake_kind(own + [reason("reference-similarity", 40)]) == "clone"
    assert fake_kind([reason("national-platform", 25), reason("query-app-shell", 20)]) == "lookup"
    assert fake_kind([reason("national-platform", 25), reason("certificate-result", 60)]) == "result-page"
