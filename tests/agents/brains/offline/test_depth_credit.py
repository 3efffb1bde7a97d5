"""A credited signal adds its weight scaled by the concrete parts of its best sentence."""

from __future__ import annotations

import pytest

from agents.brains.offline.calibration import Scoring, load_calibration
from agents.brains.offline.reading import stage_credit
from agents.brains.offline.scoring import depth_weight
from agents.debrief import EvidenceRow
from knowledge.loader import load_rubric


def _row(signal: str, substance: list[str], credited: bool = True) -> EvidenceRow:
    return EvidenceRow(
        turn="t1",
        quote="a sentence",
        signal=signal,
        red_flag=None,
        stage=None,
        stance="asserts",
        substance=substance,  # type: ignore[arg-type]
        credited=credited,
    )


def test_depth_weight_counts_concrete_parts_not_who() -> None:
    scoring = load_calibration().scoring
    none, one, full = scoring.depth_credit
    assert depth_weight([], scoring) == none
    assert depth_weight(["who"], scoring) == none
    assert depth_weight(["who", "what"], scoring) == one
    assert depth_weight(["what", "quantity"], scoring) == full
    assert depth_weight(["what", "quantity", "threshold", "causal"], scoring) == full
    assert none < one < full == 1.0


def test_stage_credit_takes_each_signal_once_at_its_deepest_sentence() -> None:
    scoring = load_calibration().scoring
    signals = {s.id: s for s in load_rubric().signals}
    gate = signals["heldout_gold_gate"]
    rows = [
        _row("heldout_gold_gate", ["what"]),
        _row("heldout_gold_gate", ["what", "quantity", "threshold"]),
        _row("online_ab_test", ["what", "quantity"], credited=False),
    ]
    credit = stage_credit(rows, signals, scoring)
    assert credit[gate.stage] == pytest.approx(gate.weight)
    thin = stage_credit(rows[:1], signals, scoring)
    assert thin[gate.stage] == pytest.approx(gate.weight * scoring.depth_credit[1])


def test_depth_credit_must_rise_to_one() -> None:
    raw = load_calibration().scoring.model_dump()
    for bad in ([0.5, 0.6, 0.9], [0.7, 0.6, 1.0], [-0.1, 0.5, 1.0]):
        with pytest.raises(ValueError, match="depth_credit"):
            Scoring.model_validate({**raw, "depth_credit": bad})


def test_a_bar_of_zero_is_a_threshold() -> None:
    from agents.brains.offline.substance import SubstanceDetector

    detector = SubstanceDetector(load_calibration().substance)
    assert "threshold" in detector.parts("Wrong amounts must stay at zero on the frozen set.")
    assert "threshold" not in detector.parts("We start from zero labels and grow the set.")
