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
    # A figure right after the word that names it a bar.
    assert "threshold" in detector.parts("Quality is the refund rate, target 2.5 per 1,000 orders.")
    assert "threshold" not in detector.parts("Our target users are 3 regional banks.")


@pytest.mark.parametrize(
    "text",
    [
        "A new ranker must be as good as the current one on every market's set before launch.",
        "The candidate prompt has to be no worse than production on the frozen tickets.",
        "Each release needs to be the same or better on the 800 hand-checked claims.",
        "A new version goes out only if no market loses recall on the reference set.",
    ],
)
def test_a_release_rule_against_the_incumbent_is_a_threshold(text: str) -> None:
    from agents.brains.offline.substance import SubstanceDetector

    detector = SubstanceDetector(load_calibration().substance)
    assert "threshold" in detector.parts(text)
    assert "threshold" not in detector.parts("The new ranker is as good as it gets on speed.")
    assert "threshold" not in detector.parts("We start from zero labels and grow the set.")
    assert "threshold" not in detector.parts("If no reviewer is free, the case waits.")


def test_a_focused_question_credits_further_thresholds_and_reasons_not_further_figures() -> None:
    scoring = load_calibration().scoring
    signals = {s.id: s for s in load_rubric().signals}
    cut = signals["confidence_thresholds"]
    deeper = [_row("confidence_thresholds", ["what", "threshold", "causal"]) for _ in range(5)]
    figures = [_row("confidence_thresholds", ["what", "quantity"]) for _ in range(5)]
    once = cut.weight
    assert stage_credit(deeper, signals, scoring)[cut.stage] == pytest.approx(once)
    focused = stage_credit(deeper, signals, scoring, [cut.stage])[cut.stage]
    extra = scoring.focused_repeat_credit * scoring.focused_repeat_max
    assert focused == pytest.approx(once * (1 + extra))
    assert stage_credit(figures, signals, scoring, [cut.stage])[cut.stage] == pytest.approx(once)


def test_an_evaluation_question_counts_the_reference_it_measures_against() -> None:
    """Asked only about evaluation, what a correct output is counts as evaluation work; asked
    for a whole design it stays objective's."""
    scoring = load_calibration().scoring
    signals = {s.id: s for s in load_rubric().signals}
    defined = signals["correct_output_defined"]
    rows = [_row("correct_output_defined", ["what", "threshold"])]
    assert "correct_output_defined" in scoring.serves["evaluation"]
    focused = stage_credit(rows, signals, scoring, ["evaluation"])
    assert focused["evaluation"] == pytest.approx(defined.weight)
    assert focused["objective"] == 0.0
    whole = stage_credit(rows, signals, scoring)
    assert whole["objective"] == pytest.approx(defined.weight)
    assert whole["evaluation"] == 0.0
    cost = stage_credit(rows, signals, scoring, ["scaling"])
    assert cost["scaling"] == 0.0


def test_a_short_opening_to_a_focused_question_has_its_cuts_raised_less() -> None:
    from agents.brains.offline.scoring import scores_from_credit

    scoring = load_calibration().scoring
    scope = ["model_integration"]
    credit = {"model_integration": scoring.stage_cuts[1] * scoring.focused_short_cut_scale}
    assert scoring.focused_short_cut_scale < scoring.focused_cut_scale
    short = scores_from_credit(credit, scoring, scope, scoring.focused_short_words - 1)
    long = scores_from_credit(credit, scoring, scope, scoring.focused_short_words + 50)
    assert short["model_integration"] == 3
    assert long["model_integration"] == 2


def test_the_two_errors_priced_side_by_side_is_a_causal_link() -> None:
    from agents.brains.offline.substance import SubstanceDetector

    detector = SubstanceDetector(load_calibration().substance)
    assert "causal" in detector.parts("The other way round can cost the customer their deposit.")
    assert "causal" not in detector.parts("The other team owns the deposit rules.")
