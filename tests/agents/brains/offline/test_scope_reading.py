"""A focused question shapes the reading: a sentence read as an unassessed signal counts as the
assessed signal the classifier ranks nearly as high."""

from __future__ import annotations

from agents.brains.offline import OfflineBrain
from knowledge.loader import load_questions
from tests.agents.brains.offline.conftest import opening

PROMPT_EVAL_ANSWER = """\
I'd keep 400 past tickets with summaries our senior agents wrote, and a new prompt ships only if \
two agents, comparing blind, prefer it or call it a tie on at least 60% of them. After launch, the \
number I own is the share of summaries agents keep unedited, and a drop of 3 points on any queue \
rolls the prompt back.
"""


def test_a_live_number_counts_for_evaluation_when_only_evaluation_is_asked(
    brain: OfflineBrain,
) -> None:
    bank = load_questions()
    focused = bank.get("prompt-change-evaluation")
    assert set(focused.assesses) == {"evaluation"}
    reading = brain.reader.read(focused, opening(PROMPT_EVAL_ANSWER))
    live = [r for r in reading.rows if "the number I own" in r.quote]
    assert live and live[0].stage == "evaluation" and live[0].credited


def test_a_focused_question_with_one_of_its_stages_left_blank_is_not_hired(
    brain: OfflineBrain,
) -> None:
    # The latency question asks about routing and about the budget and its cost; an answer
    # that designs a fine routing and never speaks to time or money answers half of it.
    from agents.brains.offline.scoring import margin_from

    scoring = brain.calibration.scoring
    scope = ("model_integration", "scaling")
    half = margin_from({"model_integration": 4, "scaling": 1}, [], False, scoring, None, scope)
    both = margin_from({"model_integration": 4, "scaling": 2}, [], False, scoring, None, scope)
    assert half <= 0 < both
    whole = margin_from(
        {"objective": 4, "data_strategy": 4, "model_integration": 4, "evaluation": 4, "scaling": 1},
        [],
        False,
        scoring,
    )
    assert whole > 0  # a whole design may leave one of five stages for the follow-ups


def test_tier_two_support_and_an_old_prompt_are_not_model_design(brain: OfflineBrain) -> None:
    # Lexical anchors of credit: "tier" alone is no cascade of models, "prompt" after "old" or
    # "both" is a comparison of prompts, not a prompt's design.
    columns = {s.id: j for j, s in enumerate(brain.analyzer.bank.signals)}
    named = brain.analyzer.extractor.features(
        [
            "The notes go to whoever picks the case up next, often someone in tier 2 support.",
            "Old prompt and new prompt both run on the same 300 past cases.",
        ]
    )
    assert columns["model_cascade_routing"] not in named[0].signal_patterns
    assert columns["prompting_strategy"] not in named[1].signal_patterns


QUEUE_QUESTION = (
    "An AI flags marketplace listings that may be prohibited. Design the human review queue"
    " behind it: which flags reach reviewers, in what order, how many reviewers we need, and"
    " how we know the reviewers are making the right call."
)

MODEL_ONLY_ANSWER = """\
The classifier is the lever. I'd train an image and text model on 40k past takedowns, with \
per-category thresholds tuned on 5k hand-checked listings, and ship a new version only if recall \
rises and precision drops by at most 2 points on that held-out set. Then an A/B on 10% of new \
listings, counting buyer reports per 10k listings. It runs at listing time at p95 under 300 ms \
for about $0.0004 a listing. Anything above threshold goes to the trust and safety team.
"""


def test_an_answer_that_leaves_out_the_parts_the_question_names_is_not_hired(
    brain: OfflineBrain,
) -> None:
    from knowledge.scope import custom_question

    reading = brain.reader.read(custom_question(QUEUE_QUESTION), opening(MODEL_ONLY_ANSWER))
    missing = [a.phrase for a in reading.missing_asks]
    assert "how many reviewers we need" in missing
    assert "how we know the reviewers are making the right call" in missing
    assert "which flags reach reviewers" not in missing
    assert reading.verdict.decision == "no_hire"


def test_a_sentence_the_question_asks_about_is_read_through_its_lens(brain: OfflineBrain) -> None:
    text = (
        "Price it from the usage mix, not the average: heavy users cost $6 a month, light ones"
        " $0.16. Target at least 70% gross margin, tracked weekly per customer cohort."
    )
    whole = brain.analyzer.analyze(opening(text))
    cost_only = brain.analyzer.analyze(opening(text), ("scaling",))
    target = next(s.index for s in whole.sentences if s.text.startswith("Target"))
    assert whole.primary.get(target) == "success_metric_target"
    assert cost_only.primary.get(target) == "unit_economics_margin"


async def test_the_debrief_names_the_parts_the_answer_left_out(brain: OfflineBrain) -> None:
    from knowledge.scope import custom_question

    question = custom_question(QUEUE_QUESTION)
    debrief = (await brain.debrief(question, opening(MODEL_ONLY_ANSWER), [])).value
    concern = next(r for r in debrief.reasons if r.claim.startswith("The question asks"))
    assert "how many reviewers we need" in concern.claim
    assert concern.kind == "concern" and concern.citations


def test_every_version_run_on_a_locked_set_is_a_release_gate_not_labeler_agreement(
    brain: OfflineBrain,
) -> None:
    text = (
        "Before launch, every version runs on the locked 600 and we read the disagreements by"
        " reason code, because damaged-item claims and never-arrived claims fail differently."
    )
    analysis = brain.analyzer.analyze(opening(text))
    assert analysis.primary.get(0) == "heldout_gold_gate"


THRESHOLD_ANSWER = (
    "Blocking an honest customer costs us about $35 in support and lost loyalty, while a"
    " fraudulent return that gets through costs about $120. So I'd block only where the model is"
    " right more than about 77% of the time, which is where the two costs break even. I'd read"
    " that point off 3,000 recent returns the fraud team investigated, bucketed by score, per"
    " category. Between the block line and a lower line, returns go to an investigator."
)


async def test_a_panelist_outside_the_scope_names_its_stage_when_the_answer_shows_it(
    brain: OfflineBrain,
) -> None:
    from knowledge.scope import custom_question

    question = custom_question(
        "How would you pick the confidence threshold above which our returns-fraud model blocks"
        " a return automatically?"
    )
    assert question.assesses == ["model_integration"]
    from knowledge.loader import load_panel
    from tests.agents.brains.interview import Interview

    vote = await Interview(brain).vote(
        load_panel().get("interviewer"), question, opening(THRESHOLD_ANSWER)
    )
    assert "doesn't test" in vote.rationale and "shows it anyway" in vote.rationale


async def test_a_no_from_weak_own_stages_does_not_call_them_fine(brain: OfflineBrain) -> None:
    from knowledge.scope import custom_question

    question = custom_question(
        "How would you use an LLM to help our legal team review vendor contracts faster?"
    )
    answer = (
        "Use the biggest model for everything, because quality matters most in legal. Lawyers"
        " review a random 5% of outputs; if they're happy, we scale up. Accuracy: we'd aim for"
        " 95%. Cost: LLM prices keep falling, so this is not a major concern."
    )
    from knowledge.loader import load_panel
    from tests.agents.brains.interview import Interview

    vote = await Interview(brain).vote(
        load_panel().get("hiring_manager"), question, opening(answer)
    )
    assert vote.decision == "no_hire"
    assert "budget side is fine" not in vote.rationale


async def test_a_panelist_with_nothing_to_praise_names_only_the_stages_asked(
    brain: OfflineBrain,
) -> None:
    from knowledge.loader import load_panel
    from knowledge.scope import custom_question
    from tests.agents.brains.interview import Interview

    question = custom_question(
        "What will our support bot cost per resolved conversation, and does it pay for itself?"
    )
    assert question.assesses == ["scaling"]
    answer = (
        "A chat runs about six turns of a few thousand tokens, so a few cents of model calls."
        " An agent-handled ticket costs around six dollars, so the bot is far cheaper."
    )
    vote = await Interview(brain).vote(load_panel().get("lead_engineer"), question, opening(answer))
    assert "routing" not in vote.rationale and "fallbacks" not in vote.rationale


def test_an_ignored_record_kept_to_a_suggestion_is_not_user_feedback(brain: OfflineBrain) -> None:
    text = (
        "New crash reports are compared with open issues by embedding, once, when they arrive."
        " Clear matches join open issues automatically; any join into a closed or ignored issue"
        " is only ever a suggestion."
    )
    analysis = brain.analyzer.analyze(opening(text))
    assert "implicit_behavioral_feedback" not in analysis.primary.values()
    kept = text.replace(
        "any join into a closed or ignored issue is only ever a suggestion",
        "whether the owner accepts or rejects the suggested join is logged as feedback",
    )
    analysis = brain.analyzer.analyze(opening(kept))
    assert "implicit_behavioral_feedback" in analysis.primary.values()


async def test_a_yes_on_a_cost_question_says_what_carries_it_when_latency_was_not_the_point(
    brain: OfflineBrain,
) -> None:
    from knowledge.loader import load_panel
    from tests.agents.brains.interview import Interview

    question = load_questions().get("cost-per-resolution")
    answer = (
        "Model calls are the cheap part: about 4,000 tokens in and 300 out is roughly 1.5 cents"
        " a conversation, so 60,000 conversations a month cost about $900. An agent-handled"
        " chat costs $5.40 at six minutes and $54 an hour loaded. The expensive part is a wrong"
        " answer: a reopened chat costs the agent time plus a second model run, so I count"
        " reopens within 72 hours as failures and price them in. If 15% of bot-closed chats"
        " reopen, the real cost per resolution is about 9 cents of model and $0.81 of agent"
        " time, still far under $5.40, so it pays for itself above roughly 20% true resolution."
        " A support lead audits 100 bot-closed chats a week to check the reopen rate is honest."
    )
    vote = await Interview(brain).vote(load_panel().get("lead_engineer"), question, opening(answer))
    assert vote.decision == "hire", vote.rationale
    assert "What carries it" in vote.rationale, vote.rationale


def test_a_retraining_trigger_named_outright_is_not_overruled_into_a_live_test(
    brain: OfflineBrain,
) -> None:
    text = (
        "Flag acceptance is the main signal. If admins dismiss more than half the flags for two"
        " weeks, we retrain on their dismissals. Support tickets about wrong pay are the backstop."
    )
    analysis = brain.analyzer.analyze(opening(text))
    assert analysis.primary.get(1) == "drift_retraining_trigger", analysis.primary
