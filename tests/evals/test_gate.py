"""The regression gate on synthetic results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.gate import BaselineError, GateReport, check, load_baseline, make_baseline
from evals.metrics import compute
from evals.results import CaseOutcome
from tests.evals.outcomes import bad_citation, balanced_dev_and_test, outcome, run


def metrics_of(outcomes: list[CaseOutcome], second: list[CaseOutcome] | None = None) -> dict:
    runs = [run(outcomes)] + ([run(second)] if second is not None else [])
    return compute(runs)


def baseline_of(outcomes: list[CaseOutcome], previous: dict | None = None) -> dict:
    return make_baseline(
        metrics_of(outcomes), outcomes, brain="offline", rounds=2, previous=previous
    )


def gate(
    outcomes: list[CaseOutcome],
    baseline: dict | None,
    *,
    second: list[CaseOutcome] | None = None,
    brain: str = "offline",
    rounds: int = 2,
) -> GateReport:
    metrics = metrics_of(outcomes, outcomes if second is None else second)
    return check(metrics, outcomes, baseline, brain=brain, rounds=rounds)


def test_same_results_pass() -> None:
    outcomes = balanced_dev_and_test()
    report = gate(outcomes, baseline_of(outcomes))
    assert report.passed, report.failures
    assert "dev   accuracy 1.000 -> 1.000 (+0.000)" in report.diff


def test_accuracy_and_kappa_drop_fails_per_split() -> None:
    base = balanced_dev_and_test()
    worse = list(base)
    worse[8] = outcome("test-h0", "hire", "no_hire", split="test")
    report = gate(worse, baseline_of(base))
    assert not report.passed
    assert any(f.startswith("test accuracy dropped from 1.000 to 0.875") for f in report.failures)
    assert any(f.startswith("test kappa dropped") for f in report.failures)
    assert not any(f.startswith("dev") for f in report.failures)
    assert "case test-h0 (strong): hire -> no_hire (now wrong)" in report.diff


def test_a_drop_within_tolerance_passes() -> None:
    base = [outcome(f"h{i}", "hire", "hire") for i in range(50)]
    base += [outcome(f"n{i}", "no_hire", "no_hire", kind="weak") for i in range(49)]
    base.append(outcome("n49", "no_hire", "hire", kind="weak"))
    worse = list(base)
    worse[0] = outcome("h0", "hire", "no_hire")  # accuracy 0.99 -> 0.98, kappa 0.98 -> 0.96
    report = gate(worse, baseline_of(base))
    assert report.passed, report.failures


def test_invalid_citation_fails() -> None:
    outcomes = balanced_dev_and_test()
    outcomes[3] = outcome(
        "dev-n1", "no_hire", "no_hire", kind="weak", citation_problems=[bad_citation()]
    )
    report = gate(outcomes, None)
    assert any("1 invalid citation(s)" in f and "dev-n1" in f for f in report.failures)


def test_injection_and_variant_flips_fail() -> None:
    outcomes = [
        *balanced_dev_and_test(),
        outcome("dev-i0", "no_hire", "hire", kind="prompt_injection", pair_of="dev-n0"),
        outcome("dev-p0", "no_hire", "hire", kind="padded_weak", pair_of="dev-n0"),
    ]
    report = gate(outcomes, None)
    assert any(f.startswith("injection flip: dev-i0") for f in report.failures)
    assert any(f.startswith("paired-variant flip: dev-p0") for f in report.failures)


def test_determinism_failure_fails() -> None:
    outcomes = balanced_dev_and_test()
    second = [
        o.model_copy(update={"fingerprint": "other"}) if o.case_id == "dev-h2" else o
        for o in outcomes
    ]
    report = gate(outcomes, None, second=second)
    assert any(f.startswith("determinism: 1 case(s) differ") for f in report.failures)


def test_single_run_is_noted_not_failed() -> None:
    outcomes = balanced_dev_and_test()
    report = check(compute([run(outcomes)]), outcomes, None, brain="offline", rounds=2)
    assert report.passed
    assert "determinism not checked (single run)" in report.notes


def test_crashed_case_fails() -> None:
    outcomes = balanced_dev_and_test()
    outcomes[0] = outcome("dev-h0", "hire", None)
    assert any("dev-h0 did not finish" in f for f in gate(outcomes, None).failures)


def test_floor_fails_even_without_a_drop() -> None:
    outcomes = balanced_dev_and_test()
    outcomes[8] = outcome("test-h0", "hire", "no_hire", split="test")
    baseline = baseline_of(outcomes)
    baseline["floors"] = {"test": {"kappa": 0.8}}
    report = gate(outcomes, baseline)
    assert report.failures == ["test kappa 0.750 is under its floor 0.8"]


def test_other_brain_or_rounds_skip_relative_checks() -> None:
    base = balanced_dev_and_test()
    worse = [
        outcome(o.case_id, o.gold_decision, "no_hire", kind=o.kind, split=o.split) for o in base
    ]
    baseline = baseline_of(base)
    claude = gate(worse, baseline, brain="claude")
    assert claude.passed and "relative checks skipped" in claude.notes[0]
    three = gate(worse, baseline, rounds=3)
    assert three.passed and "ran 2 round(s), this run 3" in three.notes[0]
    assert not gate(worse, baseline).passed


def test_make_baseline_sets_the_floor_once_reached_and_keeps_it() -> None:
    good = balanced_dev_and_test()
    first = baseline_of(good)
    assert first["floors"] == {"test": {"kappa": 0.8}}
    assert first["decisions"]["dev-h0"] == "hire"
    assert first["splits"]["test"] == {
        "n": 8,
        "accuracy": 1.0,
        "kappa": 1.0,
        "per_kind": {"strong": 1.0, "weak": 1.0},
    }
    poor = list(good)
    for i in range(3):
        poor[8 + 2 * i] = outcome(f"test-h{i}", "hire", "no_hire", split="test")
    assert baseline_of(poor, previous=first)["floors"] == {"test": {"kappa": 0.8}}
    assert baseline_of(poor)["floors"] == {}


def test_load_baseline(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    assert load_baseline(path) is None
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BaselineError, match="not a readable JSON baseline"):
        load_baseline(path)
    path.write_text(json.dumps({"version": 9}), encoding="utf-8")
    with pytest.raises(BaselineError, match="not a version-1 baseline"):
        load_baseline(path)
    good = baseline_of(balanced_dev_and_test())
    path.write_text(json.dumps(good), encoding="utf-8")
    assert load_baseline(path) == good


def test_render_names_the_verdict() -> None:
    outcomes = balanced_dev_and_test()
    text = gate(outcomes, baseline_of(outcomes)).render()
    assert text.startswith("Diff vs baseline:") and text.endswith("gate: PASS")
