"""Judge-vs-coach agreement: counts, accuracy, Cohen's kappa, and per stage."""

from __future__ import annotations

import pytest

from ui.agreement import (
    DECISIONS,
    ReviewedSession,
    agreement,
    agreement_report,
    judge_stage_verdict,
)


def test_kappa_textbook_example() -> None:
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 → po 0.7, pe 0.5, κ 0.4.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert agreement(pairs, ["y", "n"]).kappa == pytest.approx(0.4)


def test_kappa_perfect_chance_and_undefined() -> None:
    assert agreement([("a", "a"), ("b", "b")], ["a", "b"]).kappa == pytest.approx(1.0)
    assert agreement([("a", "b"), ("b", "a")], ["a", "b"]).kappa == pytest.approx(-1.0)
    assert agreement([("a", "a"), ("a", "a")], ["a", "b"]).kappa is None
    assert agreement([], ["a", "b"]).kappa is None


def test_agreement_counts_and_confusion() -> None:
    result = agreement(
        [("hire", "hire"), ("hire", "no_hire"), ("no_hire", "no_hire"), ("bogus", "hire")],
        DECISIONS,
    )
    assert result.count == 3 and result.agreed == 2
    assert result.accuracy == pytest.approx(2 / 3)
    assert result.confusion == {
        ("hire", "hire"): 1, ("hire", "no_hire"): 1,
        ("no_hire", "hire"): 0, ("no_hire", "no_hire"): 1,
    }
    assert agreement([], DECISIONS).accuracy is None


def test_stage_verdict_threshold() -> None:
    assert [judge_stage_verdict(s) for s in (1, 2, 3, 4)] == ["weak", "weak", "strong", "strong"]


def test_report_compares_only_stages_the_coach_marked() -> None:
    sessions = [
        ReviewedSession("a", "hire", "hire", {"objective": 4, "scaling": 1},
                        coach_strong_stages=["objective"], coach_weak_stages=["scaling"]),
        ReviewedSession("b", "hire", "no_hire", {"objective": 3, "scaling": 3},
                        coach_strong_stages=[], coach_weak_stages=["objective"]),
    ]
    report = agreement_report(sessions, ["objective", "scaling", "evaluation"])
    assert report.decisions.count == 2 and report.decisions.accuracy == pytest.approx(0.5)
    assert report.by_stage["objective"].count == 2
    assert report.by_stage["objective"].accuracy == pytest.approx(0.5)
    assert report.by_stage["scaling"].count == 1 and report.by_stage["scaling"].agreed == 1
    assert report.by_stage["evaluation"].count == 0
