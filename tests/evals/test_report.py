"""The Markdown report: every section, and test cases only in aggregate."""

from __future__ import annotations

from evals.metrics import compute
from evals.report import render
from evals.results import EvalResults, RunRecord
from tests.evals.outcomes import balanced_dev_and_test, outcome, run


def results_of(runs: list[RunRecord]) -> EvalResults:
    return EvalResults(
        brain="offline",
        split="all",
        rounds=2,
        jobs=4,
        created_at="today",
        runs=runs,
        metrics=compute(runs),
    )


def results_with_mistakes() -> EvalResults:
    outcomes = balanced_dev_and_test()
    outcomes[0] = outcome("dev-h0", "hire", "no_hire", confidence=0.6)
    outcomes[8] = outcome("test-h0", "hire", "no_hire", split="test")
    return results_of([run(outcomes, 12.0), run(outcomes, 11.0)])


def test_report_has_every_section() -> None:
    text = render(results_with_mistakes(), "gate: PASS")
    for heading in (
        "## Cases",
        "## Decisions",
        "## Accuracy per kind",
        "## Per-stage agreement (all cases)",
        "## Red flags (all cases)",
        "## Citations, flips, determinism, time",
        "## Cost and paths",
        "## Calibration",
        "## Evidence, probes and advice",
        "## Misclassified dev cases",
        "## Held-out split test",
        "## Gate",
    ):
        assert heading in text, heading
    assert "| dev | 8 | 0.875 |" in text
    assert "two runs identical" in text and "run 1 12.0 s, run 2 11.0 s" in text
    assert "16 cases over 1 questions; 0 with gold sentence annotations" in text
    assert "| dev | 0.360 | 0 |" in text  # Brier of the one dev case with a confidence


def test_dev_mistakes_listed_test_mistakes_only_counted() -> None:
    text = render(results_with_mistakes())
    assert "| dev-h0 | strong | hire | no_hire | 0.60 |" in text
    assert "test-h0" not in text
    assert "1 test case(s) misclassified" in text


def test_held_out_variant_groups_are_only_counted() -> None:
    outcomes = [
        outcome("rd-a", "hire", "hire", split="realistic_dev", variant_group="dev-group"),
        outcome("rd-b", "hire", "no_hire", split="realistic_dev", variant_group="dev-group"),
        outcome("rt-a", "hire", "hire", split="realistic_test", variant_group="test-group"),
        outcome("rt-b", "hire", "no_hire", split="realistic_test", variant_group="test-group"),
    ]
    text = render(results_of([run(outcomes)]))
    assert "Variant-group flips (prose / bullets / table): **2**" in text
    assert "dev-group: rd-a hire, rd-b no_hire" in text
    assert "test-group" not in text and "rt-b" not in text
