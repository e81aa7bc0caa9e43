"""The page detector measured on the world's labelled hosts and the labelled corpus (issue 3 quality bar)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors import page_eval


@pytest.fixture(scope="module")
def report():
    return page_eval.evaluate()


def test_world_fakes_are_caught_and_nothing_official_or_benign_is_called_fake(report):
    world = report["world"]
    if not world["fakes"]:
        pytest.skip("the world has no labelled fakes yet")
    assert world["recall"] >= 0.95
    assert world["official_called_fake"] == 0
    assert (world["benign_fake_rate"] or 0) <= 0.05


def test_corpus_tune_set_meets_the_bar(report):
    tune = report.get("corpus tune")
    if not tune:
        pytest.skip("fixtures/corpus/labels.toml is not there yet")
    assert tune["recall"] >= 0.95
    assert tune["official_called_fake"] == 0
    assert (tune["benign_fake_rate"] or 0) <= 0.05


def test_real_government_pages_are_official(report):
    real = report["real gov pages"]
    if not real["official"]:
        pytest.skip("../shared/real-samples/gov is absent")
    assert real["official_called_official"] == real["official"] and real["errors"] == 0


def test_report_lines_name_every_part(report):
    text = "\n".join(report["lines"])
    assert "world:" in text and "real gov pages" in text


def test_benchmark_reports_a_rate():
    result = page_eval.benchmark(rounds=1, limit=10)
    if result["pages_per_second"] is None:
        pytest.skip("no pages to measure on")
    assert result["pages_per_second"] > 0 and "pages/s" in result["lines"][0]


def test_the_second_holdout_is_its_own_set_reported_without_its_pages(report):
    if not (page_eval.HOLDOUT2_DIR / "labels.toml").exists():
        pytest.skip("fixtures/corpus/holdout2 is not there")
    numbers = report["holdout2"]
    assert numbers["fakes"] and numbers["benign"] and "misses" not in numbers
    lines = report["lines"]
    at = [i for i, line in enumerate(lines) if line.startswith("holdout2:")]
    assert len(at) == 1
    assert at[0] + 1 == len(lines) or not lines[at[0] + 1].startswith("  ")     # no miss lines under it


def test_domain_eval_reports_the_second_holdout_without_names():
    from detectors import domain_eval

    if not domain_eval.HOLDOUT2_FILE.exists():
        pytest.skip("fixtures/corpus/holdout2 is not there")
    lines = domain_eval.evaluate(Path(__file__).parent)["lines"]
    at = lines.index(next(line for line in lines if line.startswith("labelled names, holdout2")))
    assert lines[at + 1].lstrip().startswith("holdout2 ")
    assert not lines[at + 2].lstrip().startswith(("missed", "false alarms", "officials wrong"))
