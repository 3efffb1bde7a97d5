"""A question may name ideas its product has no use for: the panel never asks for them, advises
them or lists them as missing (a tabular fraud model has no prompt)."""

from __future__ import annotations

import pytest

from agents.brains.offline import OfflineBrain
from knowledge.loader import load_panel, load_questions
from knowledge.scope import custom_question
from tests.agents.brains.interview import Interview
from tests.agents.brains.offline.conftest import opening

FRAUD = """\
I'd go with gradient boosted trees on the transaction features, trained on chargeback labels.
The model outputs a score; we block above a threshold, allow below another, and the band in
between goes to analysts. Analysts' decisions go back into training every week.
"""


async def test_unused_ideas_are_never_asked_advised_or_missing(brain: OfflineBrain) -> None:
    question = load_questions().get("fraud-review-queue")
    unused = set(question.unused_signals)
    assert unused
    interview = Interview(brain)
    turns = opening(FRAUD)
    probed = {
        p.gap
        for panelist in load_panel().panelists
        for p in await interview.probe(panelist, question, turns, 1)
    }
    assert probed and not probed & unused, probed
    debrief = await interview.debrief(question, turns, [])
    assert not {a.target for a in debrief.advice} & unused
    for score in debrief.stage_scores.values():
        assert not set(score.signals_missing) & unused


FORECAST = """\
A gradient-boosted model per store and item family predicts tomorrow's demand from three years
of till data, promotions and weather. Clerks see the suggested order and can change it; every
change is logged with a reason. We backtest on the last 26 weeks, then pilot in 20 stores
against 20 matched stores, and ship only if waste drops by 2 points with stock-outs flat.
"""


async def test_a_design_with_no_generative_model_is_not_asked_about_prompts(
    brain: OfflineBrain,
) -> None:
    question = custom_question("Design demand forecasting for a grocery chain's fresh produce")
    interview = Interview(brain)
    turns = opening(FORECAST)
    reading = brain.reader.read(question, turns)
    # Nor which requests go up to a bigger model, nor where acting ends and rejecting begins: a
    # demand forecast has no bigger model and no reject.
    assert {
        "prompting_strategy",
        "output_verification",
        "model_cascade_routing",
        "confidence_thresholds",
    } <= reading.unused
    probed = {
        p.gap
        for panelist in load_panel().panelists
        for rnd in (1, 2)
        for p in await interview.probe(panelist, question, turns, rnd)
    }
    assert probed and not probed & reading.unused, probed
    debrief = await interview.debrief(question, turns, [])
    assert not {a.target for a in debrief.advice} & reading.unused
    missing = {s for score in debrief.stage_scores.values() for s in score.signals_missing}
    assert not missing & reading.unused


def test_a_design_that_also_uses_a_language_model_keeps_its_prompt_questions(
    brain: OfflineBrain,
) -> None:
    text = FORECAST + "A language model writes the clerk a one-line reason for each order."
    question = custom_question("Design demand forecasting for a grocery chain's fresh produce")
    assert "prompting_strategy" not in brain.reader.read(question, opening(text)).unused


PODCAST_RECS = """\
New listeners pick four shows at signup. A contextual bandit blends their embedding neighbours
with what is popular in their region, and it updates from the first 30 plays and skips. There is
no LLM in the loop: a play past 10 minutes counts as positive, a skip in the first minute as
negative. We hold out 10% of signups for four weeks and ship if week-two retention rises.
"""


def test_a_bandit_over_embeddings_with_no_llm_is_not_asked_about_prompts_or_corrections(
    brain: OfflineBrain,
) -> None:
    question = custom_question("Design recommendations for new listeners of a podcast app")
    unused = brain.reader.read(question, opening(PODCAST_RECS)).unused
    assert {"prompting_strategy", "output_verification", "corrections_feed_training"} <= unused


def test_a_camera_inspection_model_is_not_asked_about_prompts(brain: OfflineBrain) -> None:
    text = (
        "A computer-vision model at each station sorts every casting into pass, fail or manual"
        " check; the manual band is set so no known-bad casting passes."
    )
    question = custom_question("Design visual inspection of castings in a foundry")
    assert "prompting_strategy" in brain.reader.read(question, opening(text)).unused


CODE_BOT = """\
The bot only comments on a likely bug or a security issue, never style, and at most three times
per pull request. To know it works, I'd take 400 merged pull requests where a later commit fixed
a bug in the changed lines and check whether the bot would have flagged that line. Each run is
one call on a mid-size model with the diff and the touched files, a few cents each.
"""


async def test_a_design_where_no_one_labels_is_not_asked_about_careless_labelers(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("code-review-bot")
    interview = Interview(brain)
    turns = opening(CODE_BOT)
    people_work = {"labeler_quality_audit", "labeling_guidelines_agreement"}
    assert people_work <= brain.reader.read(question, turns).unused
    probed = {
        p.gap
        for panelist in load_panel().panelists
        for rnd in (1, 2)
        for p in await interview.probe(panelist, question, turns, rnd)
    }
    assert probed and not probed & people_work, probed
    debrief = await interview.debrief(question, turns, [])
    missing = {s for score in debrief.stage_scores.values() for s in score.signals_missing}
    assert not missing & people_work
    labeled = CODE_BOT + "Two senior engineers label a sample of 100 of those pull requests."
    assert not people_work & brain.reader.read(question, opening(labeled)).unused


RECONCILE = """\
Each night the assistant matches the day's card charges to receipts and ledger lines; it is a
nightly batch, so nobody waits on it. Matches above 0.9 post themselves, the rest go to the
bookkeeper's morning queue, and every change she makes is logged as a label. A model call costs
about a tenth of a cent, so 40,000 charges a night is around $40.
"""


async def test_a_nightly_batch_is_not_asked_for_a_latency_budget(brain: OfflineBrain) -> None:
    question = custom_question("Design an AI feature that reconciles card charges with receipts")
    turns = opening(RECONCILE)
    reading = brain.reader.read(question, turns)
    assert "latency_budget" in reading.unused
    interview = Interview(brain)
    debrief = await interview.debrief(question, turns, [])
    assert "latency_budget" not in {a.target for a in debrief.advice}
    live = RECONCILE.replace("it is a\nnightly batch, so nobody waits on it", "agents see it live")
    assert "latency_budget" not in brain.reader.read(question, opening(live)).unused


@pytest.mark.parametrize(
    "said",
    [
        "Latency doesn't matter; we generate overnight after a lecture is posted.",
        "We generate the quizzes overnight once a lecture is posted.",
    ],
)
def test_work_generated_overnight_is_not_asked_for_a_latency_budget(
    brain: OfflineBrain, said: str
) -> None:
    question = custom_question("Design an AI feature that writes practice quizzes from lectures")
    answer = (
        "Teaching assistants solve 600 generated items blind, and a course only gets quizzes when"
        f" 97% of them match the key. {said} Each item costs a few cents to generate."
    )
    assert "latency_budget" in brain.reader.read(question, opening(answer)).unused


COCKTAILS = (
    "An LLM drafts each cocktail recipe from what is in the bar. A larger model grades each"
    " recipe for clarity on a 1-10 scale, and only drafts above 7 are shown."
)
BAKERY_LABELS = (
    "Two years of daily sales per branch and item are the demand label; holidays and weather"
    " are features. A boosted-tree model forecasts each item for the next three days."
)
BAKERY_BATCH = (
    "A boosted-tree model forecasts each item for the next three days from two years of sales."
    " Serving is batch scoring at 2am; there is no real-time need."
)


PROMPTED_NOTES = (
    "Claude writes the visit note from the transcript with a prompt that lists the sections;"
    " nurses grade 50 notes a week against the recording."
)

PORTED_REPORTS = (
    "The LLM rewrites each report, and we rerun the old and new on last month's inputs and diff"
    " the output. Every ported report has an owner analyst who signs off before it replaces the"
    " old one."
)

@pytest.mark.parametrize(
    ("asked", "text", "unused", "changed", "back"),
    [
        # A model that grades outputs is no person labelling.
        (
            "Design an AI cocktail recipe feature for a home-bar app",
            COCKTAILS,
            {"labeler_quality_audit"},
            COCKTAILS + " Two bartenders grade a weekly sample by hand.",
            "labeler_quality_audit",
        ),
        # An outcome used as the label is no one's work, so neither is its cost.
        (
            "Design a demand forecast for a bakery chain's daily orders",
            BAKERY_LABELS,
            {"labeler_quality_audit", "labeling_cost"},
            BAKERY_LABELS + " Store managers label 200 odd days a month as promotions or closures.",
            "labeling_cost",
        ),
        # Batch scoring with no real-time need is not asked for a latency budget.
        (
            "Design a demand forecast for a bakery chain's daily orders",
            BAKERY_BATCH,
            {"latency_budget"},
            BAKERY_BATCH.replace("there is no real-time need", "stores also query it in real time"),
            "latency_budget",
        ),
        # A hosted LLM on prompts learns nothing from labels: no shift from experts to it.
        (
            "Design an AI feature that writes home-visit notes for nurses",
            PROMPTED_NOTES,
            {"expert_to_automated_labeling"},
            PROMPTED_NOTES + " Later we fine-tune a small model on the corrected notes.",
            "expert_to_automated_labeling",
        ),
        # An owner who signs off every output leaves nothing to a confidence cut-off or sample.
        (
            "How would you use an LLM to port 90 old Perl reports to Python?",
            PORTED_REPORTS,
            {"confidence_thresholds", "tiered_sample_verification"},
            PORTED_REPORTS + " Reports the model is unsure of go to a second reviewer.",
            "confidence_thresholds",
        ),
    ],
    ids=["model-grader", "outcome-label", "batch-scoring", "prompted-llm", "signed-off"],
)
def test_a_design_shape_sets_ideas_aside_until_the_answer_says_otherwise(
    brain: OfflineBrain, asked: str, text: str, unused: set[str], changed: str, back: str
) -> None:
    question = custom_question(asked)
    assert unused <= brain.reader.read(question, opening(text)).unused
    assert back not in brain.reader.read(question, opening(changed)).unused


def test_a_model_whose_job_is_a_number_needs_no_prompt_whatever_it_is_called(
    brain: OfflineBrain,
) -> None:
    text = (
        "the model's job is to predict bookings six weeks out so the hotel staffs the desk in"
        " time. we test on the latest three months after training on the rest, against last"
        " year's same-week count, and it ships only if it beats that. managers still approve"
        " each rota and if the model is down they use last year's count."
    )
    question = custom_question("Design a tool that tells a hotel how many desk staff to roster.")
    assert {"prompting_strategy", "output_verification"} <= brain.reader.read(
        question, opening(text)
    ).unused
    assert "prompting_strategy" not in brain.reader.read(
        question, opening(text + " An LLM then writes each manager a short summary.")
    ).unused
