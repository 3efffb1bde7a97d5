"""Quality gates: the committed file loads, a met gate is enabled by the baseline and then
checked, an unmet one is reported as pending, and each can fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.gate import GateReport, check, make_baseline
from evals.gates import GateConfigError, GateSpec, load_gates
from evals.metrics import compute
from evals.results import CaseOutcome
from tests.evals.outcomes import balanced_dev_and_test, outcome, run

GATES = [
    GateSpec(id="dev-kappa", split="dev", metric="kappa", min=0.8, description="dev kappa"),
    GateSpec(id="flips", split="all", metric="variant_group_flips", max=0, description="no flips"),
    GateSpec(
        id="precision",
        split="all",
        metric="evidence.precision",
        min=0.9,
        description="evidence precision",
    ),
]


def grouped(decision_b: str = "hire") -> list[CaseOutcome]:
    outcomes = balanced_dev_and_test()
    outcomes[0] = outcome("dev-h0", "hire", "hire", variant_group="g")
    outcomes[2] = outcome("dev-h1", "hire", decision_b, variant_group="g")
    return outcomes


def baseline_of(outcomes: list[CaseOutcome], previous: dict | None = None) -> dict:
    metrics = compute([run(outcomes)])
    return make_baseline(
        metrics, outcomes, brain="offline", rounds=2, previous=previous, gates=GATES
    )


def check_with(
    outcomes: list[CaseOutcome], baseline: dict | None, brain: str = "offline"
) -> GateReport:
    metrics = compute([run(outcomes), run(outcomes)])
    return check(metrics, outcomes, baseline, brain=brain, rounds=2, gates=GATES)


def test_the_committed_gate_file_loads() -> None:
    ids = {g.id for g in load_gates()}
    assert {"realistic-kappa", "evidence-precision", "evidence-recall", "redundant-probes"} <= ids
    assert {"advice-for-credited", "distinct-advice", "variant-group-flips"} <= ids


def test_met_gates_are_enabled_and_unmet_ones_stay_pending() -> None:
    baseline = baseline_of(grouped())
    assert baseline["gates_enabled"] == ["dev-kappa", "flips"]  # no evidence: precision unmet
    report = check_with(grouped(), baseline)
    assert report.passed, report.failures
    assert any("pending quality gates" in n and "precision" in n for n in report.notes)
    by_id = {g["id"]: g for g in report.gates}
    assert by_id["flips"] == {
        "id": "flips",
        "split": "all",
        "metric": "variant_group_flips",
        "bound": "<= 0",
        "value": 0.0,
        "measured": True,
        "met": True,
        "enabled": True,
    }
    assert "precision" in report.render() and "pending" in report.render()


def test_an_enabled_gate_fails_and_stays_enabled() -> None:
    baseline = baseline_of(grouped())
    report = check_with(grouped("no_hire"), baseline)
    assert "gate flips: all variant_group_flips 1 does not meet <= 0" in report.failures
    assert "flips" in baseline_of(grouped("no_hire"), previous=baseline)["gates_enabled"]


def test_gates_are_checked_only_against_the_same_brain() -> None:
    report = check_with(grouped("no_hire"), baseline_of(grouped()), brain="claude")
    assert report.passed and not any(g["enabled"] for g in report.gates)


def test_a_gate_enabled_but_not_defined_fails() -> None:
    baseline = baseline_of(grouped())
    baseline["gates_enabled"] = ["dev-kappa", "gone"]
    report = check_with(grouped(), baseline)
    assert report.failures == ["gate gone is enabled in the baseline but not defined"]


def test_bad_gate_files(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(
        "gates:\n  - {id: x1, split: all, metric: kappa, description: no bound}\n",
        encoding="utf-8",
    )
    with pytest.raises(GateConfigError, match="give exactly one of min and max"):
        load_gates(path)
    path.write_text("gates: [unclosed", encoding="utf-8")
    with pytest.raises(GateConfigError, match="malformed YAML at line"):
        load_gates(path)
    with pytest.raises(GateConfigError, match="cannot read"):
        load_gates(tmp_path / "missing.yaml")
