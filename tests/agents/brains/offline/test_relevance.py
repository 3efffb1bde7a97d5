"""An answer is judged against the question asked: sent to another product's question, it is
an answer to a different problem (embeddings and the products' own words both count)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from agents.brains.offline import OfflineBrain
from agents.brains.offline.reading import _about_other_part
from agents.brains.offline.relevance import Relevance, names_product
from knowledge.loader import load_questions
from knowledge.models import STAGE_IDS
from knowledge.scope import custom_question
from tests.agents.brains.interview import Interview
from tests.agents.brains.offline.conftest import (
    HELP_WIDGET_QUESTION,
    help_widget_round,
    opening,
    sample,
)


@pytest.mark.parametrize("sample_id", ["strong", "plain_strong"])
async def test_a_strong_answer_sent_to_every_other_product_is_not_hired(
    brain: OfflineBrain, samples: dict[str, Any], sample_id: str
) -> None:
    answer = sample(samples, sample_id)
    turns = opening(answer["answer"])
    interview = Interview(brain)
    bank = load_questions()
    own = await interview.debrief(bank.get(answer["question_id"]), turns, [])
    assert own.decision == "hire"
    others = [
        q
        for q in bank.questions
        if len(q.assesses) == len(STAGE_IDS) and q.id != answer["question_id"]
    ]
    hired = []
    for question in others:
        swapped = await interview.debrief(question, turns, [])
        if swapped.decision == "hire" or not any(
            "different problem" in r.claim for r in swapped.reasons
        ):
            hired.append(question.id)
    assert not hired


def test_product_words_decide_when_the_embeddings_do_not() -> None:
    near = Relevance(0.30, 0.33, "other", "Other", 0.05, 0.4)
    assert near.different_question  # barely closer, but speaks only the other product's words
    mentions = Relevance(0.30, 0.33, "other", "Other", 0.25, 0.4)
    assert not mentions.different_question  # uses the asked product's words too
    closer = Relevance(0.30, 0.45, "other", "Other", 0.35, 0.0)
    assert not closer.different_question  # closer by embedding, yet about the asked product
    far = Relevance(0.15, 0.45, "other", "Other", 0.1, 0.5)
    assert far.different_question


def test_a_design_answer_full_of_another_products_things_is_about_that_product() -> None:
    # A support-desk design sent to the sales-email question: "drafts" in two sentences, tickets,
    # agents and reopens in seven.
    outnumbered = Relevance(0.33, 0.31, "support", "Support", 0.13, 0.47)
    assert outnumbered.different_question
    focused = Relevance(0.33, 0.31, "support", "Support", 0.13, 0.47, design=False)
    assert not focused.different_question  # a focused answer names its product's things rarely
    both = Relevance(0.33, 0.31, "support", "Support", 0.2, 0.47)
    assert not both.different_question


def test_product_words_do_not_overrule_a_clear_reading_by_meaning() -> None:
    # A config-style hallucination answer: few product words per short line, but by meaning
    # plainly about the question asked.
    plain = Relevance(0.38, 0.17, "rag", "RAG", 0.08, 0.25, design=False)
    assert not plain.different_question


PROMPT_EVALUATION = (
    "Keep 300 real requests from last month, stratified so rare intents have at least 20 each. "
    "Two graders compare old and new prompt outputs blind, side by side, against a written "
    "checklist: correct facts, the right format, the right tone. The new prompt ships only if "
    "it wins or ties on 60% of pairs and loses on no intent by more than 5 points. Grader "
    "agreement is checked on 50 shared pairs; under 0.7 kappa, the checklist is tightened "
    "first. After shipping, a 10% canary runs for a week while we watch how often users edit."
)


async def test_a_focused_answer_to_another_focused_question_is_a_different_problem(
    brain: OfflineBrain,
) -> None:
    bank = load_questions()
    interview = Interview(brain)
    turns = opening(PROMPT_EVALUATION)
    own = await interview.debrief(bank.get("prompt-change-evaluation"), turns, [])
    assert not any("different problem" in r.claim for r in own.reasons)
    swapped = await interview.debrief(bank.get("hallucination-guardrails"), turns, [])
    assert swapped.decision == "no_hire"
    assert any("different problem" in r.claim for r in swapped.reasons)


AGENT_SCORECARD = (
    "Quality control here means checking how well the agents run their calls, so I'd build a "
    "scorecard the model fills in for every call. Team leads turn their checklist into items "
    "that are pass or fail: the agent confirmed identity, read the required disclosure and "
    "offered a follow-up. Two team leads score 500 calls each against it, and we keep only items "
    "where they agree 85% of the time. A cheap model handles greeting and identity items, and a "
    "larger one judges empathy and policy. Anything under 0.8 confidence goes to a person, about "
    "one call in ten. When a supervisor overturns a score, the correction becomes training data. "
    "A person scores about 25 calls a day, while the model costs a few cents per call."
)
TRANSCRIPT_CHECKS = AGENT_SCORECARD.replace(
    "how well the agents run their calls", "the word accuracy of each call transcript"
)


async def test_an_answer_that_never_names_the_product_asked_is_about_another_problem(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("speech-transcription-qa")
    interview = Interview(brain)
    scorecard = await interview.debrief(question, opening(AGENT_SCORECARD), [])
    assert scorecard.decision == "no_hire"
    reason = next(r.claim for r in scorecard.reasons if "different problem" in r.claim)
    assert "never mentions transcript" in reason
    named = await interview.debrief(question, opening(TRANSCRIPT_CHECKS), [])
    assert not any("different problem" in r.claim for r in named.reasons)


def test_product_terms_match_as_word_starts() -> None:
    question = load_questions().get("speech-transcription-qa")
    assert names_product(question, ["We sample 2% of transcripts for a second listen."])
    assert not names_product(question, ["We sample 2% of calls for a second listen."])


INSURANCE_REVIEW = (
    "A flag only sends a claim to an investigator; it never denies it. A missed fraud costs the "
    "payout, about $8k on an auto claim, while a false flag costs 45 minutes of an investigator "
    "and a late payment for an honest customer. The middle band of scores goes to adjusters for "
    "a five-minute triage, the top band to the fraud unit, and if scoring is down claims fall "
    "back to today's rules. Each month a random 0.5% of low-score claims is reviewed too, to "
    "estimate the fraud we miss, and every investigation outcome becomes a training label."
)


async def test_a_typed_question_sharing_words_with_the_bank_keeps_its_own_product(
    brain: OfflineBrain,
) -> None:
    question = custom_question(
        "Design the human review loop for an AI that flags suspicious insurance claims"
    )
    debrief = await Interview(brain).debrief(question, opening(INSURANCE_REVIEW), [])
    assert not any("different problem" in r.claim for r in debrief.reasons)


async def test_junk_with_one_sensible_line_is_not_an_answer_to_another_problem(
    brain: OfflineBrain,
) -> None:
    junk = (
        "We would sample 5% of labels for audit. <script>alert(1)</script> <img src=x "
        "onerror=alert(2)> [click](http://evil) www.evil.example :red[boom] $x^2$ now. "
    ) * 3
    question = load_questions().get("medical-coding-assistant")
    debrief = await Interview(brain).debrief(question, opening(junk), [])
    assert not any("different problem" in r.claim for r in debrief.reasons)


ROUTING_LABELS = (
    "Say it sorts inbound emails into a dozen queues. "
    "Staff already move mis-sorted emails to the right queue, so the queue an email ends in "
    "is a label we get for free, thousands a week. "
    "Three senior staff sort the same 300 emails against a written guide and we check how "
    "often they agree before trusting anyone's labels. "
    "Those 300 are locked away as the test set and never trained on. "
    "After launch every time someone moves an email the model sorted, that move is a new "
    "example, and the scarce review hours go to emails whose top two queues are close."
)


async def test_a_typed_question_naming_a_bank_products_head_is_that_product(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    """A typed line is far by meaning from the bank's long prompt for the same product."""
    question = custom_question(HELP_WIDGET_QUESTION)
    debrief = await Interview(brain).debrief(question, help_widget_round(samples), [])
    assert not any("different problem" in r.claim for r in debrief.reasons)
    assert debrief.decision == "hire"


async def test_a_typed_question_in_other_word_forms_is_still_answered(
    brain: OfflineBrain,
) -> None:
    # The answer says "sorts", "labels", "trained", never "classifier" or "training data".
    question = custom_question("How would you collect training data for a new classifier?")
    debrief = await Interview(brain).debrief(question, opening(ROUTING_LABELS), [])
    assert not any("different problem" in r.claim for r in debrief.reasons)


def test_a_typed_question_needs_a_wide_gap_and_none_of_its_words() -> None:
    # A line-long typed question sits further from any answer than the bank's full prompts.
    near = Relevance(0.33, 0.45, "cost-per-resolution", "Pricing", product_words_share=0.06)
    assert near.different_question
    assert not replace(near, typed=True).different_question
    far = replace(near, asked=0.25, typed=True)
    assert far.different_question
    assert not replace(far, product_words_share=0.2).different_question


def test_an_answer_nearest_another_part_is_about_it_only_if_its_ideas_are_there() -> None:
    shown = {"model_integration": 3, "scaling": 1}
    analysis = SimpleNamespace(
        credited_signals=lambda stage: [stage] * shown.get(stage, 0), sentences=[]
    )
    pricing = Relevance(0.33, 0.45, "cost-per-resolution", "Pricing", other_stages=("scaling",))
    assert not _about_other_part(analysis, pricing, ("model_integration",))  # type: ignore[arg-type]
    assert _about_other_part(analysis, pricing, ("evaluation",))  # type: ignore[arg-type]
    design = replace(pricing, other_stages=tuple(STAGE_IDS))
    assert _about_other_part(analysis, design, ("model_integration",))  # type: ignore[arg-type]


def test_a_typed_design_answered_in_another_products_words_is_about_that_product() -> None:
    # A little nearer the other product by meaning, the answer hardly says the typed product's
    # words and another's fill it: a whole design for that other product.
    crowded = Relevance(
        0.30, 0.32, "support-bot-deflection", "Support", 0.04, 0.23, typed=True, design=True
    )
    assert crowded.different_question
    assert not replace(crowded, design=False).different_question
    assert not replace(crowded, product_words_share=0.15).different_question
    # Nearer the question asked, it shares the other's words because it is that kind of product.
    assert not replace(crowded, asked=0.32, other=0.30).different_question


def _finding(stage: str, *sentences: int) -> SimpleNamespace:
    evidence = [SimpleNamespace(sentence=i) for i in sentences]
    return SimpleNamespace(signal=SimpleNamespace(stage=stage), evidence=evidence)


def test_a_focused_opening_answers_its_own_part_whatever_the_replies_add() -> None:
    """Policy "clauses" do not make a guardrail answer a contract summariser's design, even when
    the replies go on to the evaluation and cost the panel asked about."""
    findings = [
        _finding("model_integration", 0),
        _finding("model_integration", 1),
        _finding("evaluation", 2),
        _finding("evaluation", 3),
        _finding("scaling", 3),
    ]
    analysis = SimpleNamespace(
        sentences=[SimpleNamespace(turn_id=t) for t in ("t1", "t1", "t3", "t5")],
        credited_signals=lambda stage=None: [
            f for f in findings if stage is None or f.signal.stage == stage
        ],
    )
    contracts = Relevance(0.30, 0.22, "legal-contract-summaries", "Contracts", 0.08, 0.6)
    contracts = replace(contracts, other_stages=tuple(STAGE_IDS), design=False)
    assert not _about_other_part(analysis, contracts, ("model_integration",))  # type: ignore[arg-type]
    # Opened as a whole design of its own, it is that other product's answer.
    findings[1] = _finding("objective", 1)
    findings.append(_finding("data_strategy", 0))
    assert _about_other_part(analysis, contracts, ("model_integration",))  # type: ignore[arg-type]


async def test_many_terms_are_no_concern_when_every_stage_asked_is_covered_in_depth(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    question = custom_question(
        "Should we fine-tune a model or use RAG for our policy Q&A assistant? How would you decide?"
    )
    answer = sample(samples, "focused_rag_choice")["answer"]
    debrief = await Interview(brain).debrief(question, opening(answer), [])
    assert debrief.decision == "hire"
    assert not any(r.claim.startswith("Buzzword density") for r in debrief.reasons)


def test_a_close_call_by_meaning_needs_more_than_an_even_share_of_words() -> None:
    # Nearer another bank question by a hair, but as much in the asked product's words as in
    # the rival's: a few generic replies can tip meaning, so it is not "about another problem".
    close = Relevance(0.16, 0.27, "code-review-bot", "Code review", 0.23, 0.23, design=True)
    assert not close.different_question
    assert replace(close, asked=0.10).different_question
    assert replace(close, rival_words_share=0.3).different_question
