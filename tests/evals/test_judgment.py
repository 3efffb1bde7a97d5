"""Evidence precision and recall, redundant probes and advice, contradictions, calibration and
variant-group flips, on hand-built debriefs."""

from __future__ import annotations

from typing import Any

import pytest

from evals.judgment import (
    AnswerReading,
    advice_scores,
    contradictions,
    evidence_scores,
    normalise,
    probe_scores,
)
from evals.metrics import calibration, compute, variant_group_flips
from evals.models import GoldSentence
from tests.evals.outcomes import outcome, run

ANSWER = (
    "## Plan\n"
    "- We keep 300 graded tickets aside as the yardstick.\n"
    "- A new prompt must win on 90% of them.\n"
    "- We won't use thumbs-up buttons; we watch how often agents rewrite the summary.\n"
    "- I haven't priced it yet."
)
GOLD = [
    GoldSentence(
        quote="We keep 300 graded tickets aside as the yardstick.",
        signals=["gold_reference_set", "heldout_gold_gate"],
        credited=True,
    ),
    GoldSentence(
        quote="A new prompt must win on 90% of them.", signals=["heldout_gold_gate"], credited=True
    ),
    GoldSentence(
        quote="We won't use thumbs-up buttons; we watch how often agents rewrite the summary.",
        signals=["implicit_behavioral_feedback"],
        red_flag="thumbs_only_feedback",
        stance="rejects",
        credited=True,
    ),
    GoldSentence(quote="I haven't priced it yet.", signals=["inference_cost"], stance="hedges"),
]


def row(quote: str, signal: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"turn": "t1", "quote": quote, "signal": signal, "credited": bool(signal), **extra}


def debriefed(
    case_id: str,
    rows: list[dict[str, Any]],
    *,
    probes: list[tuple[str, str]] = (),  # type: ignore[assignment]
    advice: list[dict[str, Any]] = (),  # type: ignore[assignment]
    red_flags: list[dict[str, Any]] = (),  # type: ignore[assignment]
    gold: list[GoldSentence] | None = GOLD,
    **extra: Any,
) -> Any:
    transcript = [{"id": "t1", "speaker": "candidate", "text": ANSWER}]
    for i, (turn_id, gap) in enumerate(probes):
        transcript.append(
            {"id": turn_id, "speaker": "interviewer", "text": f"probe {i}", "gap": gap}
        )
    debrief = {
        "transcript": transcript,
        "evidence": rows,
        "advice": list(advice),
        "red_flags": list(red_flags),
    }
    return outcome(case_id, "hire", "hire", gold_evidence=gold, debrief=debrief, **extra)


def test_quotes_match_across_markdown_and_sentence_splits() -> None:
    reading = AnswerReading(ANSWER, GOLD)
    assert normalise("**A new** prompt") == "a new prompt"
    assert reading.match("- We keep 300 graded tickets aside as the yardstick.") is GOLD[0]
    assert reading.match("We won't use thumbs-up buttons") is GOLD[2]  # half the sentence
    assert reading.match("Plan") is None  # a heading is no gold sentence
    three = ANSWER.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert reading.match(three) is None  # a quote of three bullets matches none of them
    assert reading.match("never said") is None


def test_evidence_precision_and_recall() -> None:
    rows = [
        row("We keep 300 graded tickets aside as the yardstick.", "gold_reference_set"),
        row("A new prompt must win on 90% of them.", "success_metric_target"),  # wrong signal
        row("I haven't priced it yet.", "inference_cost"),  # a hedge is no credit
        row("Plan", "heldout_gold_gate"),  # heading
        row("We won't use thumbs-up buttons; we watch how often agents rewrite the summary."),
        {**row("probe reply", "online_ab_test"), "turn": "t3"},  # outside the annotated turn
    ]
    ev = evidence_scores([debriefed("a", rows)])
    assert (ev["annotated_cases"], ev["annotated_sentences"]) == (1, 4)
    assert (ev["credited_rows"], ev["precision"]) == (4, 0.25)
    assert (ev["gold_credited"], ev["recall"]) == (3, pytest.approx(0.3333))
    assert ev["wrong_rows"][0]["quote"] == "A new prompt must win on 90% of them."
    # every matched row reads as asserting; two of the four matched gold sentences do not
    assert (ev["stance_agreement"], ev["stance_agreement_not_asserting"]) == (0.5, 0.0)


def test_unannotated_cases_and_empty_tables_count_as_nothing_found() -> None:
    ev = evidence_scores([debriefed("a", []), debriefed("b", [row("x", "who_labels")], gold=None)])
    assert ev["annotated_cases"] == 1
    assert ev["precision"] is None and ev["recall"] == 0.0


def test_red_flag_on_a_gold_rejection() -> None:
    quote = "We won't use thumbs-up buttons; we watch how often agents rewrite the summary."
    flagged = row(quote, red_flag="thumbs_only_feedback")
    ev = evidence_scores([debriefed("a", [flagged])])
    assert ev["flags_on_rejections"] == 1 and ev["flag_precision"] == 0.0


def test_probes_and_advice_for_gold_credited_signals() -> None:
    o = debriefed(
        "a",
        [],
        probes=[("t2", "heldout_gold_gate"), ("t4", "inference_cost"), ("t6", "online_ab_test")],
        advice=[
            {"text": "Say who grades the 300.", "target": "gold_reference_set"},
            {"text": "Price the model calls.", "target": "inference_cost"},
        ],
    )
    probes = probe_scores([o, debriefed("b", [], probes=[("t2", "heldout_gold_gate")], gold=None)])
    assert (probes["total"], probes["in_annotated_cases"], probes["redundant"]) == (4, 3, 1)
    advice = advice_scores([o])
    assert (advice["items"], advice["distinct"], advice["for_credited"]) == (2, 2, 1)


def test_distinct_advice_ratio() -> None:
    same = [{"text": "Define what a correct output is."}] * 2
    outcomes = [debriefed("a", [], advice=same), debriefed("b", [], advice=same[:1])]
    assert advice_scores(outcomes)["distinct_ratio"] == pytest.approx(0.3333)


def test_contradictions_within_one_debrief() -> None:
    credited = row("We keep 300 graded tickets aside as the yardstick.", "gold_reference_set")
    rejecting = row(
        "We won't use thumbs-up buttons; we watch how often agents rewrite the summary.",
        "implicit_behavioral_feedback",
        stance="rejects",
    )
    o = debriefed(
        "a",
        [credited, rejecting, {**row("later reply", "latency_budget"), "turn": "t5"}],
        gold=None,
        probes=[("t2", "gold_reference_set"), ("t3", "latency_budget")],
        advice=[{"text": "Build a reference set.", "target": "gold_reference_set"}],
        red_flags=[
            {
                "id": "thumbs_only_feedback",
                "citations": [{"turn": "t1", "quote": rejecting["quote"]}],
            }
        ],
    )
    found = contradictions([o])
    # the latency probe at t3 came before the credit at t5, so it is no contradiction
    assert (found["probed_credited"], found["advised_credited"]) == (1, 1)
    assert found["flag_on_rejection"] == 1 and found["total"] == 3


def test_calibration_brier_and_reliability() -> None:
    outcomes = [
        outcome("a", "hire", "hire", confidence=0.9),
        outcome("b", "hire", "no_hire", confidence=0.95),
        outcome("c", "no_hire", "no_hire", confidence=0.6),
        outcome("d", "no_hire", None),
    ]
    cal = calibration(outcomes)
    assert cal["brier"] == pytest.approx(round((0.01 + 0.9025 + 0.16) / 3, 4))
    top = cal["reliability"][-1]
    assert (top["range"], top["n"], top["accuracy"]) == ("0.9-1.0", 2, 0.5)
    assert cal["overconfident_wrong"] == [{"case": "b", "confidence": 0.95}]


def test_variant_group_flips() -> None:
    outcomes = [
        outcome("p", "hire", "hire", variant_group="g1"),
        outcome("b", "hire", "no_hire", variant_group="g1"),
        outcome("t", "hire", "hire", variant_group="g1"),
        outcome("q", "no_hire", "no_hire", variant_group="g2"),
        outcome("r", "no_hire", "no_hire", variant_group="g2"),
    ]
    flips = variant_group_flips(outcomes)
    assert flips == [
        {"group": "g1", "split": "dev", "decisions": {"p": "hire", "b": "no_hire", "t": "hire"}}
    ]


def test_realistic_parts_are_reported_apart_and_together() -> None:
    outcomes = [
        outcome("a", "hire", "hire", split="realistic_dev"),
        outcome("b", "no_hire", "hire", split="realistic_test"),
        outcome("c", "hire", "hire", split="dev"),
    ]
    splits = compute([run(outcomes)])["splits"]
    assert list(splits) == ["dev", "realistic_dev", "realistic_test", "realistic", "all"]
    assert splits["realistic"]["n"] == 2 and splits["realistic"]["accuracy"] == 0.5


def test_an_oracle_reading_of_the_committed_annotations_meets_every_evidence_gate() -> None:
    """Rows copied from the gold sentences score precision and recall 1; one extra wrongly
    credited row per case brings precision under the gate: it can pass and it can fail."""
    from evals.loader import load_cases

    perfect, flawed = [], []
    for case in load_cases():
        if case.evidence is None:
            continue
        rows = [
            row(g.quote.strip("*- "), g.signals[0], stance=g.stance)
            for g in case.evidence
            if g.credited
        ]
        extra = row(case.answer.split("\n")[0][:80], "volume_and_capacity")
        perfect.append(answered(case.id, case.answer, rows, gold=list(case.evidence)))
        flawed.append(answered(case.id, case.answer, [*rows, extra], gold=list(case.evidence)))
    ev = evidence_scores(perfect)
    assert ev["annotated_cases"] >= 60
    assert (ev["precision"], ev["recall"]) == (1.0, 1.0)
    assert evidence_scores(flawed)["precision"] < 0.9


def answered(case_id: str, answer: str, rows: list[dict[str, Any]], **fields: Any) -> Any:
    """An outcome whose opening answer is `answer`."""
    o = debriefed(case_id, rows, **fields)
    o.debrief["transcript"][0]["text"] = answer
    return o


def test_copies_of_one_answer_count_once_for_distinct_advice() -> None:
    said = [{"text": "Rethink “use the biggest model”: price each call."}]
    outcomes = [
        debriefed("weak", [], advice=said),
        debriefed("weak-padded", [], advice=said, pair_of="weak"),
        debriefed("other", [], advice=said),
    ]
    advice = advice_scores(outcomes)
    assert (advice["items"], advice["per_answer"], advice["distinct"]) == (3, 2, 1)
    assert advice["distinct_ratio"] == pytest.approx(0.5)


def test_a_deeper_probe_on_a_credited_signal_is_neither_redundant_nor_a_contradiction() -> None:
    credited = row("We keep 300 graded tickets aside as the yardstick.", "gold_reference_set")
    o = debriefed("a", [credited], probes=[("t2", "gold_reference_set")])
    assert probe_scores([o])["redundant"] == 1
    assert contradictions([o])["probed_credited"] == 1
    o.debrief["transcript"][1]["gap_kind"] = "deeper"
    assert probe_scores([o])["redundant"] == 0
    assert contradictions([o])["probed_credited"] == 0


def test_advice_on_a_gap_admitted_in_a_reply_is_not_advice_for_the_credited_answer() -> None:
    admitted = {
        "text": "Say who grades the tickets.",
        "target": "gold_reference_set",
        "citation": {"turn": "t4", "quote": "Honestly, I'm not sure who grades them."},
    }
    from_answer = {**admitted, "citation": {"turn": "t1", "quote": "I haven't priced it yet."}}
    o = debriefed("a", [], advice=[admitted])
    assert advice_scores([o])["for_credited"] == 0
    assert advice_scores([debriefed("a", [], advice=[from_answer])])["for_credited"] == 1
