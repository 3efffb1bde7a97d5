"""Answers written as documents: what a section heading says about the lines under it."""

from __future__ import annotations

from agents.brains.offline import OfflineBrain
from knowledge.loader import load_questions
from tests.agents.brains.offline.conftest import opening

PRD = """\
## Background
In-house lawyers at our customers review 300 commercial agreements a month, and a first read
takes 40 minutes per contract.

## Requirements
- Every field of the summary links to the clause it came from.

## Open questions
1. How do we stop the model stating a term that is not in the contract? Options include
matching quotes against the source clause or a second model pass; engineering to propose.
2. Model cost per contract is unknown.
3. Do we need a labelled set of contracts to measure summaries against, and who would create it?
"""


async def test_a_plan_under_open_questions_is_an_admitted_gap_not_evidence(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("legal-contract-summaries")
    reading = brain.reader.read(question, opening(PRD))
    options = next(r for r in reading.rows if r.quote.startswith("Options include"))
    assert options.stance == "hedges" and not options.credited


async def test_background_shows_how_things_stand_never_a_design_decision(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("legal-contract-summaries")
    reading = brain.reader.read(question, opening(PRD))
    today = next(r for r in reading.rows if r.quote.startswith("In-house lawyers"))
    context = set(brain.calibration.stance.context_signals)
    assert today.signal is None or today.signal in context


def test_the_signals_background_may_show_are_rubric_signals(brain: OfflineBrain) -> None:
    ids = {s.id for s in brain.rubric.signals}
    assert set(brain.calibration.stance.context_signals) <= ids


def test_asking_whether_a_reference_set_is_needed_does_not_describe_one(
    brain: OfflineBrain,
) -> None:
    flags = {f.flag.id for f in brain.analyze(opening(PRD)).flags}
    assert "no_gold_set" in flags


def test_a_reference_set_with_nothing_a_release_must_clear_on_it_is_not_the_gate(
    brain: OfflineBrain,
) -> None:
    bank = brain.analyzer.bank
    gate = next(i for i, s in enumerate(bank.signals) if s.id == "heldout_gold_gate")
    described = "A frozen gold set of 400 past tickets, stratified by product area and language."
    assert gate in bank.lookalike_signals(described)
    gated = "A new prompt ships only if it beats the current one on the frozen 400 tickets."
    assert gate not in bank.lookalike_signals(gated)
    wrapped = "The new\nprompt needs to win 60% of blind comparisons before shipping."
    assert gate not in bank.lookalike_signals(wrapped)  # a hard-wrapped line is one sentence
