"""Absence flags, excused trade-offs, paraphrased flags, compounding flags, evidence density."""

from __future__ import annotations

from typing import Any

import pytest

from agents.brains.offline import OfflineBrain
from agents.brains.offline.scoring import margin, verdict
from agents.transcript import Turn
from knowledge.loader import load_panel, load_questions
from tests.agents.brains.interview import Interview
from tests.agents.brains.offline.conftest import opening, sample

NO_REFERENCE = (
    "We would build a drafting assistant for the claims team on top of a large language model. "
    "Each claim file is summarised by the model, and the adjuster edits the draft before it is "
    "filed, because adjusters know the policy terms better than anyone. "
    "A small model handles short files and anything longer than twenty pages goes to the larger "
    "model, which keeps the average cost near two cents per file. "
    "If the model call fails, the adjuster gets the raw file and writes the summary as today. "
    "We track how much of each draft adjusters rewrite, and when that share rises above a third "
    "for a week we look at the prompts again."
)

WITH_PLAIN_REFERENCE = NO_REFERENCE + (
    " Senior adjusters write the summaries they would want for two hundred closed claims, we put "
    "those aside, and any new prompt or model has to do better on them before the team sees it."
)


def flag_ids(brain: OfflineBrain, text: str) -> set[str]:
    return {f.flag.id for f in brain.analyze(opening(text)).flags}


def test_an_answer_that_never_describes_a_reference_set_raises_no_gold_set(
    brain: OfflineBrain,
) -> None:
    analysis = brain.analyze(opening(NO_REFERENCE))
    found = [f for f in analysis.flags if f.flag.id == "no_gold_set"]
    assert found and found[0].sentences == () and found[0].absent


def test_a_reference_set_in_plain_words_keeps_no_gold_set_away(brain: OfflineBrain) -> None:
    assert "no_gold_set" not in flag_ids(brain, WITH_PLAIN_REFERENCE)


@pytest.mark.parametrize(
    "test_set",
    [
        " We split the closed claims by date: train on those filed before March, test on the"
        " later ones.",
        " The model is trained on claims up to last June and then tested on the following"
        " months, an out-of-time check a new prompt must pass too.",
    ],
)
def test_a_split_by_time_is_a_held_out_set(brain: OfflineBrain, test_set: str) -> None:
    assert "no_gold_set" not in flag_ids(brain, NO_REFERENCE + test_set)


def test_an_answer_about_something_else_gets_no_absence_flag(brain: OfflineBrain) -> None:
    text = (
        "For the gym I would redesign the membership tiers, because members on the monthly plan "
        "churn twice as fast as annual ones. We would test a loyalty discount after six months "
        "and a free guest pass each quarter, and watch renewals by cohort for a year."
    )
    assert "no_gold_set" not in flag_ids(brain, text)


async def test_an_absence_flag_is_cited_by_a_snippet_not_a_quote(brain: OfflineBrain) -> None:
    question = load_questions().questions[0]
    debrief = (await brain.debrief(question, opening(NO_REFERENCE), [])).value
    flag = next(f for f in debrief.red_flags if f.id == "no_gold_set")
    assert flag.citations and all(c.snippet and not c.quote for c in flag.citations)
    reason = next(
        r for r in debrief.reasons if "held-out" in r.claim.lower() or flag.name in r.claim
    )
    assert all(c.snippet for c in reason.citations)


@pytest.mark.parametrize(
    ("flag_id", "excused", "stated"),
    [
        (
            "accuracy_at_any_cost",
            "Speed hardly matters for this job since it runs as a nightly batch, so we can "
            "afford the larger model on the hard documents.",
            "We'd run the biggest model on every request, whatever the traffic looks like.",
        ),
        (
            "thumbs_only_feedback",
            "We watch how often people regenerate or abandon an answer, with the star rating as "
            "a weak secondary signal only.",
            "We'll know it works from the thumbs up and thumbs down on every answer.",
        ),
        (
            "full_expert_verification",
            "Second, we'd add an LLM-as-judge layer that reviews each answer for faithfulness "
            "before it is shown.",
            "Second, a compliance officer reviews each answer for faithfulness before it is shown.",
        ),
        (
            "full_expert_verification",
            "Every flagged invoice goes to the finance team for review.",
            "Every auto-coded invoice goes to our finance team for approval before it is paid.",
        ),
        (
            "accuracy_at_any_cost",
            "We won't launch below 99% recall on the dangerous interactions.",
            "I don't think we can launch anything below 99.9% accuracy on every product line.",
        ),
        (
            "humans_removed",
            "Customers are the reviewers of last resort, after our editors check a 5% sample.",
            "Hosts are the reviewers: it's their page and they fix what is wrong.",
        ),
        (
            "live_test_dismissed",
            "We move all 60 depots at once after the pilot depot beats its twin for a month.",
            "We launch it in every clinic in week one so we learn fast.",
        ),
        (
            "thumbs_only_feedback",
            "We won't lean on emoji ratings; a chef grades 40 sampled recipes every week.",
            "After each recipe the cook taps an emoji rating.",
        ),
        (
            "vendor_quality_trusted",
            "On the 500 held-out tickets its recall is better than the current model's, so we"
            " ship it.",
            "Their figures are more reliable than any sample we could label ourselves.",
        ),        (
            "humans_removed",
            "The drafts go straight to customers once a handler has approved each one.",
            "The draft replies go straight to tenants, which saves the team hours.",
        ),
        (
            "manual_data_collection",
            "The reports are checked first. We collect every figure an analyst corrected by hand,"
            " with why it was wrong, and reuse them as prompt examples.",
            "The reports are checked first. We collect the training examples by hand from the"
            " old archive, one analyst copying them out.",
        ),
        (
            "full_expert_verification",
            "The model drafts site reports. Each month we pull 40 filed reports and a senior"
            " inspector re-checks each fact against the photos.",
            "The model drafts site reports. A senior inspector re-checks each fact of every filed"
            " report before it is sent.",
        ),
        (
            "magic_box",
            "The reports are checked first. The LLM drafts, a template fills the fixed headers"
            " and the model only does the commentary paragraphs.",
            "The reports are checked first. The LLM drafts every report and we send it out.",
        ),
    ],
    ids=[
        "justified_latency_trade_off",
        "ratings_as_a_weak_side_signal",
        "an_automated_check_on_every_answer",
        "a_review_queue_for_flagged_items_only",
        "a_near_perfect_bar_on_recall_not_accuracy",
        "customers_as_a_last_check_after_a_sample",
        "everyone_switched_after_a_pilot_won",
        "emoji_ratings_turned_down",
        "our_own_model_beating_the_current_one",
        "drafts_sent_once_approved",
        "corrections_kept_from_the_workflow",
        "a_monthly_pull_of_reports_rechecked",
        "a_model_kept_to_one_part",
    ],
)
def test_a_practice_kept_in_its_place_is_not_the_flag(
    brain: OfflineBrain, flag_id: str, excused: str, stated: str
) -> None:
    assert flag_id not in flag_ids(brain, excused)
    assert flag_id in flag_ids(brain, stated)


def test_paraphrased_red_flags_are_caught(brain: OfflineBrain) -> None:
    checks = {
        "full_expert_verification": (
            "Before a result becomes final, a senior specialist checks each one again by hand."
        ),
        "manual_data_collection": (
            "Our analysts would copy the interesting cases into a shared spreadsheet to train on."
        ),
    }
    for flag_id, text in checks.items():
        assert flag_id in flag_ids(brain, text), flag_id


def test_two_serious_red_flags_turn_a_strong_answer_into_no_hire(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    strong = sample(samples, "strong")["answer"]
    flawed = strong + (
        "\nOn top of that, every chart will be verified by an expert coder so the data is 100% "
        "accurate.\nThe training charts are collected manually by our own staff from old files."
    )
    scoring = brain.calibration.scoring
    assert verdict(margin(brain.analyze(opening(strong)), scoring), scoring).decision == "hire"
    analysis = brain.analyze(opening(flawed))
    assert {"full_expert_verification", "manual_data_collection"} <= {
        f.flag.id for f in analysis.flags
    }
    assert verdict(margin(analysis, scoring), scoring).decision == "no_hire"


def test_long_answers_credit_only_strong_evidence(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    text = "\n".join([sample(samples, "strong")["answer"]] * 4)
    analysis = brain.analyze(opening(text))
    assert analysis.word_count >= brain.calibration.density.long_answer_words
    strong = brain.calibration.density.strong_similarity
    for finding in analysis.credited_signals():
        credited = [e for e in finding.evidence if e.substance_from is not None]
        # Named outright or read with confidence by the classifier, else close to the exemplars.
        assert all(e.read or e.similarity >= strong for e in credited), finding.signal.id


async def test_every_step_returns_its_own_call(brain: OfflineBrain) -> None:
    question = load_questions().questions[0]
    transcript = opening(NO_REFERENCE + " This is the usage check.")
    panel = load_panel()
    interview = Interview(brain)
    for panelist in panel.panelists:
        await interview.probe(panelist, question, transcript, 1)
    votes = [await interview.vote(p, question, transcript) for p in panel.panelists]
    debrief = await interview.debrief(question, transcript, votes)
    steps = [c.step for c in debrief.usage.calls]
    assert [s for s in steps if s.startswith("probe:")] == [
        f"probe:{p.id}:r1" for p in panel.panelists
    ]
    assert steps[-1] == "debrief" and len(steps) == 2 * len(panel.panelists) + 1


def test_sampling_and_reference_sets_excuse_their_look_alike_flags(brain: OfflineBrain) -> None:
    sound = {
        "full_expert_verification": (
            "A senior reviewer re-checks a random 5% of each batch to estimate the rest's error."
        ),
        "manual_data_collection": (
            "Specialists write the expected answers by hand for the three hundred items in the "
            "reference set."
        ),
    }
    for flag_id, text in sound.items():
        assert flag_id not in flag_ids(brain, text), flag_id


def test_waving_away_a_held_out_set_states_the_no_gold_set_habit(brain: OfflineBrain) -> None:
    text = "We don't need a held-out test set, because the catalogue changes every week anyway."
    assert "no_gold_set" in flag_ids(brain, text)
    analysis = brain.analyze(opening(text))
    assert not analysis.findings["heldout_gold_gate"].credited


def test_words_the_product_would_say_are_not_the_candidate_hedging(brain: OfflineBrain) -> None:
    quoted = (
        "When the checker fails, the customer sees “I'm not certain, here is the policy page” "
        "instead of an invented rule."
    )
    own = "I'm not certain how we would handle a failed check."
    stance = brain.analyzer.extractor.stance
    assert not stance.hedges(quoted)
    assert stance.hedges(own)


def test_a_subject_that_rejects_the_habit_is_negation(brain: OfflineBrain) -> None:
    rejected = "Nobody would be gathering the examples by hand; they come from what users edit."
    proposed = "The analysts gather the training examples by hand from last year's tickets."
    assert "manual_data_collection" not in flag_ids(brain, rejected)
    assert "manual_data_collection" in flag_ids(brain, proposed)


def test_a_long_process_and_platform_answer_is_not_hired_on_scattered_mentions(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    base = sample(samples, "process_and_platform")["answer"]
    parts = [base] + [
        base.replace("every two weeks", f"every two weeks in the {region} office")
        for region in ("north", "south", "east")
    ]
    analysis = brain.analyze(opening("\n\n".join(parts)))
    assert analysis.word_count >= 1.5 * brain.calibration.density.long_answer_words
    scoring = brain.calibration.scoring
    result = verdict(margin(analysis, scoring), scoring)
    assert result.decision == "no_hire" and result.confidence >= 0.9


def test_infra_depth_diluted_by_process_talk_still_raises_infra_over_data(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    base = sample(samples, "process_and_platform")["answer"]
    text = "\n\n".join(
        [base] + [base.replace("every two weeks", f"every {n} weeks") for n in (3, 4)]
    )
    assert "infra_over_data" in flag_ids(brain, text)


def test_a_grounded_or_checked_model_is_not_a_magic_box(brain: OfflineBrain) -> None:
    grounded = "The LLM answers only from the retrieved passages and cites each one it used."
    trusting = "Accuracy will be high because the models are really good at reading forms now."
    assert "magic_box" not in flag_ids(brain, grounded)
    assert "magic_box" in flag_ids(brain, trusting)
    kept_small = "A fine-tuned classifier picks the queue; an LLM writes the reply only."
    assert "magic_box" not in flag_ids(brain, kept_small)
    assert "magic_box" in flag_ids(brain, "An LLM writes the reply and it goes out.")


TABLE_WITH_FIGURES = """\
| Stage | What runs | Share of posts | Cost per post |
|---|---|---|---|
| Small multilingual classifier | every post, per-category scores | 100% | ~$0.00001 |
| Large model | posts between the two thresholds, with the policy text | 4% | ~$0.002 |
"""


async def test_a_bare_figure_in_a_table_cell_is_never_quoted_as_evidence(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("content-moderation")
    debrief = await Interview(brain).debrief(question, opening(TABLE_WITH_FIGURES), [])
    quoted = {row.quote for row in debrief.evidence if row.signal or row.red_flag}
    assert quoted and not {"100%", "4%", "~$0.00001", "~$0.002"} & quoted


def test_trusting_a_model_class_to_work_out_of_the_box_is_a_magic_box(brain: OfflineBrain) -> None:
    claim = "Language models are great at reading leases, so this should just work out of the box."
    doubt = "No model will work out of the box on our scans, so we measure it on 300 of them first."
    assert "magic_box" in flag_ids(brain, claim)
    assert "magic_box" not in flag_ids(brain, doubt)


GLOSSY_TRIALS = """\
Great question. Clinical trial matching is a huge opportunity to leverage cutting-edge AI to
transform patient outcomes. My approach would be to take a holistic, patient-centric view.

First, I'd bring together all of the relevant data - EHRs, trial registries, physician notes -
into a unified data lake so the model has a complete picture of each patient. Data quality is
critical, so we'd make sure it's clean.

Next, we'd use a state-of-the-art large language model, fine-tuned on medical data, to read the
eligibility criteria and match them to patients. LLMs are very good at understanding complex
medical language, so this should work well out of the box, and we can iterate quickly.

For success, we'd look at engagement and physician satisfaction, and we'd build dashboards so
leadership can track adoption. We'd also make sure the system is fair and responsible, with a
human in the loop where appropriate.

Finally, we'd scale it across the hospital network and eventually to other partners,
continuously improving the model as more data comes in. I think this would be a game changer for
patients and for the business.
"""


async def test_a_buzzword_concern_quotes_the_buzzwords_not_a_pleasantry(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("clinical-trial-matching")
    debrief = (await brain.debrief(question, opening(GLOSSY_TRIALS), [])).value
    quotes = [c.quote for r in debrief.reasons for c in r.citations if c.quote]
    assert quotes and not any(q.startswith("Great question") for q in quotes)


@pytest.mark.parametrize(
    "other_way",
    [
        # experts grade a sized random sample: quality is measured, not guessed
        " Every week two senior adjusters grade a random 5% sample of the summaries against the "
        "claim file, and that error rate is the number we report.",
        # a release rule replayed on past cases is a held-out check in other words
        " Before any prompt change, we rerun it on last quarter's claims and only ship it if "
        "fewer drafts need rewriting.",
        # past cases with a known outcome, replayed: would the model have caught them?
        " I'd take maybe 400 old files where a later fix changed the summary, and check "
        "whether the model would have flagged that part.",
    ],
)
def test_judging_quality_another_way_keeps_no_gold_set_away(
    brain: OfflineBrain, other_way: str
) -> None:
    assert "no_gold_set" not in flag_ids(brain, NO_REFERENCE + other_way)


def test_trusting_the_top_model_and_fixing_on_complaint_are_stated_flags(
    brain: OfflineBrain,
) -> None:
    text = (
        "We'd buy the top transcription engine on the market and trust its output. Checking "
        "is basically a formality at that accuracy. If a client complains about a call, "
        "someone listens again and corrects it, and the engine improves on its own with each "
        "vendor release."
    )
    assert {"magic_box", "no_gold_set"} <= flag_ids(brain, text)


LABELED_STEPS = """\
1) Ground truth: 600 past patient-trial pairs that coordinators already screened by hand, with
their decision and the criterion that decided it.
2) Bar to launch: recall of eligible patients of at least 95% on the 600 pairs, with coordinator
time per match no higher than today.
"""


def test_a_line_labeled_with_what_it_is_shows_that_signal(brain: OfflineBrain) -> None:
    analysis = brain.analyze(opening(LABELED_STEPS))
    shown = {
        sid
        for sid, f in analysis.findings.items()
        if any(e.substance_from is not None for e in f.evidence)
    }
    assert {"gold_reference_set", "heldout_gold_gate"} <= shown, shown
    assert "no_gold_set" not in {f.flag.id for f in analysis.flags}


def test_a_short_clause_before_a_colon_says_what_the_clause_after_it_is(
    brain: OfflineBrain,
) -> None:
    analysis = brain.analyze(
        opening(
            "So the north-star is finished repairs: a booked technician arrives, fixes the fault"
            " on the first visit, and the tenant raises no new ticket within 30 days."
        )
    )
    assert analysis.primary.get(1) == "success_metric_target"
    assert analysis.findings["success_metric_target"].credited


def test_a_line_under_a_label_that_names_its_own_signal_shows_that_one(
    brain: OfflineBrain,
) -> None:
    labeled = (
        "Ground truth: two clinic nurses code 800 past referrals by urgency, 150 of them twice."
        " Where the two nurses disagree on more than one referral in ten, the urgency guide is"
        " unclear and we rewrite it before any model is scored."
    )
    analysis = brain.analyze(opening(labeled))
    last = analysis.sentences[-1].index
    assert analysis.primary.get(last) == "labeling_guidelines_agreement"
    assert analysis.findings["gold_reference_set"].credited


def test_a_question_shaped_title_names_what_the_lines_under_it_define(brain: OfflineBrain) -> None:
    """ "What a good week looks like." heads the rules after it: they define a correct output."""
    titled = (
        "What a good week looks like. Three coaches write the rules down: total running time up"
        " no more than 10% on last week, and never a hard day right after the long run."
    )
    credited = {f.signal.id for f in brain.analyze(opening(titled)).credited_signals()}
    assert "correct_output_defined" in credited, credited


SERVING_STACK = """\
We self-host a 70B model on 32 H100s with vLLM, using continuous batching and tensor parallelism.
A KV-cache shared across turns cuts the cost of long conversations.
Help articles are embedded and kept in a sharded Milvus vector store with HNSW indexes.
Circuit breakers and exponential backoff protect the model servers from overload.
A multi-region active-active deployment keeps availability at 99.95%.
Grafana and PagerDuty cover latency percentiles, GPU use and error rates.
We'll A/B test it against the human-only flow and watch CSAT.
"""


def test_a_language_model_serving_stack_with_no_data_story_is_infra_over_data(
    brain: OfflineBrain,
) -> None:
    assert "infra_over_data" in flag_ids(brain, SERVING_STACK)


@pytest.mark.parametrize(
    ("rejected", "flag_id"),
    [
        (
            "I also wouldn't have a senior lawyer re-read every summary forever.",
            "full_expert_verification",
        ),
        (
            "And I wouldn't retrain and push a new model every night with no check in between.",
            "ungated_auto_deploy",
        ),
    ],
)
def test_a_bad_practice_turned_down_reads_as_a_rejection_not_the_flag(
    brain: OfflineBrain, rejected: str, flag_id: str
) -> None:
    analysis = brain.analyze(opening(rejected))
    assert analysis.features[0].stance == "rejects"
    assert flag_id not in {f.flag.id for f in analysis.flags}
    stated = rejected.replace("I also wouldn't have", "We'd have").replace(
        "And I wouldn't retrain and push", "We retrain and push"
    )
    assert flag_id in flag_ids(brain, stated), stated


def test_promoting_the_nightly_winner_by_itself_and_dropping_graders_are_stated_flags(
    brain: OfflineBrain,
) -> None:
    promoted = (
        "Each night the ranker is retrained on the day's orders, and the best candidate is "
        "automatically promoted to production before the morning peak."
    )
    assert "ungated_auto_deploy" in flag_ids(brain, promoted)
    dropped = (
        "We'd pay for expert grading only until launch, because afterwards the usage logs are a "
        "far bigger test set than any vendor could label."
    )
    assert "no_gold_set" in flag_ids(brain, dropped)
    kept = (
        "Expert grading of 400 queries stays the release gate for every model, long after launch."
    )
    assert "no_gold_set" not in flag_ids(brain, kept)


def test_thumbs_drawn_as_emoji_are_thumbs_feedback(brain: OfflineBrain) -> None:
    assert "thumbs_only_feedback" in flag_ids(brain, "👍/👎 on every reply so we know what works.")


def test_the_story_of_what_went_wrong_before_is_neither_evidence_nor_a_flag(
    brain: OfflineBrain,
) -> None:
    story = (
        "At my last job we bought labels from a vendor for an intent model.\n\n"
        "What went wrong was that the vendor graded itself: every label was checked by their own "
        "leads against their own reading of the guide. Worse, our test set came from the same "
        "vendor, so we shipped the model straight to all users and only heard from complaints."
    )
    analysis = brain.analyze(opening(story))
    told = {s.index for s in analysis.sentences if s.block == analysis.sentences[-1].block}
    assert not any(set(f.sentences) & told for f in analysis.flags)
    assert not any(
        e.sentence in told and e.substance_from is not None
        for f in analysis.findings.values()
        for e in f.evidence
    )
    lesson = story.replace("What went wrong was that", "Here").replace("Worse, our", "Our")
    assert any(f.sentences for f in brain.analyze(opening(lesson)).flags)


def test_a_failure_story_ends_where_it_turns_to_what_worked(brain: OfflineBrain) -> None:
    story = (
        "Data: the mistake we made early was paying two temps to tag 15k receipts in a sheet."
        " It was out of date within a quarter. What worked: every category a bookkeeper changes"
        " in the product becomes a training label, about 150k a month, logged with who changed it."
    )
    analysis = brain.analyze(opening(story))
    worked = analysis.sentences[-1].index
    usage = analysis.findings["data_from_usage"]
    assert any(e.sentence >= worked and e.substance_from is not None for e in usage.evidence)
    told = story.replace("What worked: every", "Also every")
    usage = brain.analyze(opening(told)).findings.get("data_from_usage")
    assert usage is None or not usage.credited


PRE_MORTEM = """\
Pre-mortem, a year after launch:
1. Finance finds invoices marked "approve" that were paid twice. That is the failure that ends the\
 product, and it is rare, so an average accuracy figure never shows it.
2. Clerks stop reading the suggestions because 95% look plainly right, and they approve in bulk.
3. The suggestions are right for the vendors we sampled (US, UK) and wrong for the German ones\
 nobody labelled.
"""


def test_failures_imagined_under_a_pre_mortem_heading_are_not_the_design(
    brain: OfflineBrain,
) -> None:
    analysis = brain.analyze(opening(PRE_MORTEM))
    assert not any(f.credited for f in analysis.findings.values())
    assert not any(f.sentences for f in analysis.flags)
    prevented = PRE_MORTEM.replace(
        "in bulk.", "in bulk. So: a second clerk re-checks 1 in 20 approved invoices blind."
    )
    assert brain.analyze(opening(prevented)).findings["tiered_sample_verification"].credited


def test_ending_the_audit_once_the_model_looks_good_is_a_flag_however_good_the_rest(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    strong = sample(samples, "strong")["answer"]
    ended = strong + (
        "\nOnce the audited error has stayed under 1% for a full quarter, we stop sampling "
        "altogether and let the model decide on its own."
    )
    assert "audit_stopped" not in {f.flag.id for f in brain.analyze(opening(strong)).flags}
    assert "audit_stopped" in {f.flag.id for f in brain.analyze(opening(ended)).flags}
    kept = strong + "\nWe never stop sampling entirely; the audit shrinks to 1% but keeps running."
    assert "audit_stopped" not in {f.flag.id for f in brain.analyze(opening(kept)).flags}


def test_checks_without_a_model_and_a_share_left_to_it_are_not_flags(brain: OfflineBrain) -> None:
    text = (
        "Then a few checks that don't need a model at all: line items must sum to the subtotal. "
        "The first target is 99.5% precision on amounts, with at least 85% of invoices needing "
        "no human touch."
    )
    assert not flag_ids(brain, text) & {"magic_box", "humans_removed"}
    assert "humans_removed" in flag_ids(brain, "No human ever needs to touch an invoice again.")


def test_a_staffing_floor_regardless_of_volume_is_not_accuracy_at_any_cost(
    brain: OfflineBrain,
) -> None:
    staffing = "Languages: 30 × 6 = 180 moderators, a staffing floor regardless of volume."
    assert "accuracy_at_any_cost" not in flag_ids(brain, staffing)
    serving = "The flagship model is called on every post regardless of volume."
    assert "accuracy_at_any_cost" in flag_ids(brain, serving)


def test_pushing_every_fine_tune_to_all_users_unattended_and_a_self_sufficient_model_are_flags(
    brain: OfflineBrain,
) -> None:
    push = (
        "We'd continuously fine-tune on that feedback and push the improved model to all reps "
        "automatically, so the product gets smarter every week without anyone having to intervene."
    )
    assert "ungated_auto_deploy" in flag_ids(brain, push)
    oracle = (
        "Because the model has all the context, it can figure out the right angle for each "
        "prospect on its own."
    )
    assert "magic_box" in flag_ids(brain, oracle)
    checked = "We can't expect the model to figure it out on its own, so drafts cite CRM fields."
    assert "magic_box" not in flag_ids(brain, checked)


def test_a_model_left_to_make_every_decision_by_itself_removes_the_humans(
    brain: OfflineBrain,
) -> None:
    text = (
        "Over time the analyst queue should shrink, and eventually the model can make all the "
        "block and allow decisions by itself, which saves the most money."
    )
    assert "humans_removed" in flag_ids(brain, text)
    second = "A second certified coder then double-checks all of those verified suggestions."
    assert "full_expert_verification" in flag_ids(brain, second)


def test_confirming_each_item_of_the_held_out_set_is_building_it_not_verifying_everything(
    brain: OfflineBrain,
) -> None:
    building = (
        "The held-out set comes from merged PRs where a reviewer comment was followed by a fix. "
        "Two senior engineers confirm each one is a real bug, not a style preference."
    )
    assert "full_expert_verification" not in flag_ids(brain, building)
    production = (
        "The bot comments on every pull request in the organisation. "
        "Two senior engineers confirm each one is a real bug, not a style preference."
    )
    assert "full_expert_verification" in flag_ids(brain, production)


def test_phasing_out_reviewers_and_their_audits_is_stated_not_a_kept_audit(
    brain: OfflineBrain,
) -> None:
    phased = flag_ids(
        brain,
        "By month three we phase out human reviewers completely, including the sampled audits,"
        " and run the pipeline on model labels alone.",
    )
    assert phased & {"humans_removed", "audit_stopped"}
    kept = flag_ids(
        brain,
        "We never stop the random audit, even when it looks good, because a new product brings"
        " new intents. Reviewers re-check 2% of each batch.",
    )
    assert not kept & {"humans_removed", "audit_stopped"}


def test_a_definition_by_what_a_correct_output_contains_is_credited(brain: OfflineBrain) -> None:
    analysis = brain.analyze(
        opening(
            "I'd stop debating in the abstract. The people who act on the notes, the meeting"
            " owners, decide: a correct summary lists every decision and action item with its"
            " owner, and states nothing that wasn't said. I'd write a one-page guideline with five"
            " worked examples, have three people summarise the same 40 meetings independently,"
            " and measure agreement per item; low agreement means the definition is still fuzzy."
            " The agreed versions become a gold set, and every model is scored on action-item"
            " recall and unsupported-statement rate."
        )
    )
    assert analysis.findings["correct_output_defined"].credited


def test_a_weekly_fine_tune_pushed_out_on_its_own_is_an_ungated_deploy(
    brain: OfflineBrain,
) -> None:
    for text in (
        "We collect those ratings, and every week we automatically fine-tune the model on the"
        " thumbs-up emails and push the new version out.",
        "The model will be retrained weekly on the latest moderator decisions and automatically"
        " deployed so it keeps up with new slang.",
    ):
        assert "ungated_auto_deploy" in flag_ids(brain, text), text


def test_the_top_model_on_every_request_and_a_hand_off_counted_against_are_stated(
    brain: OfflineBrain,
) -> None:
    assert "accuracy_at_any_cost" in flag_ids(
        brain,
        "I'd use the most capable frontier model available on every pull request, and I"
        " wouldn't trade model quality for savings on inference.",
    )
    assert "guessing_metric" in flag_ids(
        brain,
        "Primary metric: the share of tickets the bot closes; every hand-off to an agent counts"
        " against it.",
    )


def test_a_short_sentence_is_never_flagged_on_resemblance_alone(brain: OfflineBrain) -> None:
    text = (
        "We don't pay anyone to label: chargebacks come back to us on their own, and every"
        " analyst call is a yes or no we keep. Both go into the training data every month."
    )
    assert "manual_data_collection" not in flag_ids(brain, text)


def test_a_hire_on_a_cost_only_question_is_less_certain(brain: OfflineBrain) -> None:
    from knowledge.scope import custom_question

    answer = (
        "About 40k tickets a month reach the bot, and a resolved one costs roughly 3,000 tokens"
        " across four turns, about 1.2 cents on the mid-size model. Hand-offs are the expensive"
        " part: 30% go to an agent at $4 each, so the blended cost per resolution is about"
        " $1.70, against $6 for an agent today. If hand-offs rise above 45%, the bot costs more"
        " than it saves, so that is the number I would watch weekly. Peak hours triple volume,"
        " so the agent rota is sized for the 30% at peak, not the monthly mean."
    )
    cost = brain.reader.read(
        custom_question("What would it cost per resolved ticket?", ["scaling"]), opening(answer)
    )
    wider = brain.reader.read(
        custom_question("What would it cost per resolved ticket?", ["scaling", "evaluation"]),
        opening(answer),
    )
    assert cost.verdict.decision == "hire"
    assert "scaling_only_hire" in cost.unfamiliar
    assert "scaling_only_hire" not in wider.unfamiliar


def test_a_hire_that_states_a_bad_practice_is_less_certain(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    question = load_questions().get("medical-coding-assistant")
    strong = sample(samples, "strong")["answer"]
    flawed = strong + "\nWe judge the suggestions only by the thumbs-up rate coders click."
    clean_reading = brain.reader.read(question, opening(strong))
    flawed_reading = brain.reader.read(question, opening(flawed))
    assert flawed_reading.verdict.decision == "hire"
    assert "flagged_hire" in flawed_reading.unfamiliar
    assert "flagged_hire" not in clean_reading.unfamiliar
    assert flawed_reading.shrink < clean_reading.shrink
    # A disqualifying practice (severity 3, in its own words) sinks the same answer.
    shipped = (
        strong
        + "\nAfter launch, the model retrains nightly and is pushed to all coders automatically."
    )
    assert brain.reader.read(question, opening(shipped)).verdict.decision == "no_hire"


def test_a_used_practice_with_its_safeguard_missing_weighs_as_stated(brain: OfflineBrain) -> None:
    """Picking a vendor on its own benchmark is the practice; no check of ours is the silence."""
    question = load_questions().get("document-extraction")
    strong = (
        PRICED_BY_THE_VENDOR
        + " A touchless invoice is one posted with no clerk edit; finance owns that definition."
        + " Clerk edits are our labels, and any change to a supplier's bank details always goes to"
        + " a person. We track touchless rate and cost per invoice weekly, aiming at 75% touchless."
        + " Our twenty largest suppliers go through a fixed template parser first, which is cheaper"
        + " and faster; only the long tail reaches the model. A clerk costs about $2 an invoice,"
        + " so each point of touchless rate is worth roughly $600 a month at our volume, and p95"
        + " from upload to posting has to stay under ten minutes for the payment runs."
    )
    reading = brain.reader.read(question, opening(strong))
    [flag] = reading.flags
    assert flag.flag.id == "vendor_quality_trusted" and flag.absent and flag.practice_used
    quoted = [reading.analysis.sentences[i].text for i in flag.sentences]
    assert any("on its own benchmark" in q for q in quoted)
    assert reading.scores[flag.flag.stage] <= 2


def test_a_flag_raised_by_silence_alone_weighs_less_and_caps_nothing(brain: OfflineBrain) -> None:
    from agents.brains.offline.red_flags import FlagFinding
    from agents.brains.offline.scoring import cap_flagged_stages, margin_from

    scoring = brain.calibration.scoring
    flag = next(f for f in brain.rubric.red_flags if f.id == "vendor_quality_trusted")
    scores = dict.fromkeys(("objective", "model_integration", "evaluation", "scaling"), 3)
    scores["data_strategy"] = 4
    stated = FlagFinding(flag, (0,), structural=False)
    used = FlagFinding(flag, (0,), structural=True, absent=True, practice_used=True)
    silent = FlagFinding(flag, (), structural=True, absent=True)

    def weighed(found: FlagFinding) -> float:
        return margin_from(scores, [found], False, scoring)

    assert weighed(used) == weighed(stated)
    assert weighed(silent) > weighed(used)
    assert cap_flagged_stages(scores, [used], scoring)["data_strategy"] == 2
    assert cap_flagged_stages(scores, [silent], scoring)["data_strategy"] == 4


def test_a_short_headline_does_not_borrow_the_next_sentences_substance(
    brain: OfflineBrain,
) -> None:
    analysis = brain.analyze(
        opening(
            "Not all errors are equal. Missing an eligible patient costs a lost enrollment worth"
            " about $8,000, while a wrong suggestion costs a coordinator two minutes."
        )
    )
    credited = {
        analysis.sentences[e.sentence].text
        for f in analysis.findings.values()
        for e in f.evidence
        if e.substance_from is not None
    }
    assert "Not all errors are equal." not in credited
    assert any(text.startswith("Missing an eligible patient") for text in credited)


def test_a_made_up_scene_that_motivates_the_design_is_not_evidence(brain: OfflineBrain) -> None:
    analysis = brain.analyze(
        opening(
            "Picture this. A customer asks your bank's assistant whether setting up direct"
            " deposit waives the monthly maintenance fee. The assistant replies in two crisp"
            " sentences, cites nothing, and describes a rule that has never existed. The customer"
            " changes their payroll, gets charged anyway, and files a complaint that ends up on a"
            " regulator's desk.\n\n"
            "Every answer cites a clause, and a verifier model checks each claim against it"
            " before anything is sent."
        )
    )
    cited = {
        analysis.sentences[e.sentence].text[:20]
        for f in analysis.findings.values()
        for e in f.evidence
    }
    assert not any(text.startswith(("Picture", "A customer", "The customer")) for text in cited)
    assert any(text.startswith("Every answer") for text in cited)


def test_a_thing_that_changed_is_not_users_acting_on_the_output(brain: OfflineBrain) -> None:
    text = (
        "Support QA leads wrote 12 worked examples, including three tricky ones: merged tickets,"
        " tickets in two languages, and threads where the customer changed the problem halfway."
    )
    analysis = brain.analyze(opening(text))
    assert not analysis.findings["implicit_behavioral_feedback"].evidence


def test_a_senior_second_pass_on_everything_and_a_retired_qa_team_are_stated_flags(
    brain: OfflineBrain,
) -> None:
    assert "full_expert_verification" in flag_ids(
        brain,
        "Each scan is given a second pass by a senior radiologist, so the labels are 100%"
        " right before training sees them.",
    )
    assert "audit_stopped" in flag_ids(
        brain,
        "When the pre-labeler passes 97% on validation we go fully automatic and disband the"
        " human QA team.",
    )
    assert "ungated_auto_deploy" in flag_ids(
        brain,
        "After each retrain the detector is automatically pushed to every vehicle in the fleet"
        " overnight.",
    )


def test_an_outcome_defined_by_no_human_touch_and_a_hang_up_are_not_flags(
    brain: OfflineBrain,
) -> None:
    found = flag_ids(
        brain,
        "An order counts as handled by the bot only if there's no human touch and the customer"
        " does not write back within a week. "
        "We watch whether the shopper closes the chat mid-answer, which usually means something"
        " went wrong with the reply.",
    )
    assert not found & {"humans_removed", "errors_shown_to_user"}, found


def test_a_second_pass_is_an_ordinal_not_a_latency_budget(brain: OfflineBrain) -> None:
    analysis = brain.analyze(
        opening("Every flagged clause gets a second look from a paralegal before it is sent.")
    )
    assert "latency_budget" not in {
        brain.rubric.signals[j].id for f in analysis.features for j in f.signal_patterns
    }


def test_writing_instructions_into_a_system_prompt_is_design_not_an_appeal(
    brain: OfflineBrain,
) -> None:
    analysis = brain.analyze(
        opening(
            "Add firm instructions to the system prompt: answer only from the given policy text."
        )
    )
    assert not analysis.injection


def test_a_metric_that_counts_every_non_answer_against_the_team_rewards_guessing(
    brain: OfflineBrain,
) -> None:
    assert "guessing_metric" in flag_ids(
        brain,
        "If the bot cannot find a reply it can send, that counts as a miss for the team, so"
        " it is pushed to always give the shopper an answer rather than pass them to staff.",
    )


def test_a_rule_of_thumb_is_not_a_rating_button(brain: OfflineBrain) -> None:
    found = flag_ids(
        brain,
        "**Rule of thumb:** prompt first, add retrieval when facts are missing, and train"
        " only when the tone is wrong.",
    )
    assert "thumbs_only_feedback" not in found


def test_a_failed_check_handed_to_a_person_is_a_fallback_with_a_condition(
    brain: OfflineBrain,
) -> None:
    analysis = brain.analyze(
        opening(
            "A string match confirms every fee in the reply appears in the fare rules. "
            "If not, don't send it; pass it to an agent with the draft attached."
        )
    )
    fallback = next(s for s in analysis.sentences if s.text.startswith("If not"))
    feats = analysis.features[fallback.index]
    assert "causal" in feats.parts
    ids = {brain.rubric.signals[j].id for j in feats.signal_patterns}
    assert "graceful_fallback" in ids


def test_switching_off_the_hidden_checks_and_a_hand_off_that_is_a_miss_are_stated(
    brain: OfflineBrain,
) -> None:
    assert "audit_stopped" in flag_ids(
        brain,
        "After two clean quarters we switched off the seeded questions and the weekly"
        " spot-checks to save budget.",
    )
    assert "guessing_metric" in flag_ids(
        brain,
        "Each escalation to an agent is a failure on this dashboard, so the bot keeps trying.",
    )


def test_a_resolution_no_human_touched_and_a_filter_that_blocks_an_attack_are_design(
    brain: OfflineBrain,
) -> None:
    assert "humans_removed" not in flag_ids(
        brain,
        "A chat is resolved only when no human touched it and the buyer did not come back"
        " within a week.",
    )
    analysis = brain.analyze(
        opening('An input filter rejects messages like "ignore previous instructions" first.')
    )
    assert not analysis.injection


def test_stopping_the_samples_after_a_good_run_and_full_autonomy_are_stated(
    brain: OfflineBrain,
) -> None:
    found = flag_ids(
        brain,
        "Phase 3: fully autonomous matching. Once precision has held above 98% for two"
        " quarters, we stop sampling reviews and the clerk only sees a monthly summary.",
    )
    assert {"audit_stopped", "humans_removed"} <= found, found
    assert "guessing_metric" in flag_ids(
        brain,
        "An unanswered question sends the user back to a colleague, so we treat abstentions"
        " as failures in the answer rate.",
    )


def test_a_resolution_with_no_human_touch_and_ratings_among_behaviours_are_not_flags(
    brain: OfflineBrain,
) -> None:
    found = flag_ids(
        brain,
        "In the trial, 40% of chats are resolved (no human touch, no reopen within three days). "
        "We log thumbs up/down, copy-to-clipboard and a follow-up question within two minutes.",
    )
    assert not found & {"humans_removed", "thumbs_only_feedback"}, found


JUDGED_BY_A_MODEL = (
    "We would ship a reply assistant for the billing desk. Before any prompt change goes live, "
    "we replay four hundred past billing emails, and an LLM-as-judge grades each new draft on "
    "accuracy and tone. The change ships only if the judge's average grade beats the current "
    "prompt by a clear margin. After launch we watch how often agents rewrite a draft before "
    "sending it, and a small model takes the short emails to keep the cost near a cent each."
)


GENERATED_TESTS = (
    "The assistant answers from the wiki with citations and falls back to a list of pages when"
    " nothing supports an answer. For evaluation, an LLM writes three questions for every wiki"
    " page with the reference answer, about 9,000 pairs, and every prompt or retrieval change"
    " must keep faithfulness above 0.95 on them. Editors read a few pairs to make sure they make"
    " sense. At two cents a question the whole thing costs less than one support hire."
)


SELF_RATED = (
    "A vision model reads each invoice and returns JSON with every field. Per-field confidence:"
    " the model returns a 0-1 confidence next to each field. All fields at or above 0.85 post"
    " to the ERP automatically; the rest go to a clerk with the doubtful fields highlighted. We"
    " track the straight-through rate weekly and keep a regression suite of 2,000 invoices."
)


@pytest.mark.parametrize(
    ("flag", "answer", "check"),
    [
        (
            "unchecked_llm_judge",
            JUDGED_BY_A_MODEL,
            " Two billing leads grade a hundred drafts by hand first, and we only trust the judge"
            " while it agrees with them on at least nine in ten.",
        ),
        (
            "self_reported_confidence",
            SELF_RATED,
            " Before any auto-posting we calibrate that score against 600 labelled invoices and"
            " set the cut-off per field from them.",
        ),
        (
            "self_reported_confidence",
            SELF_RATED,
            " Honestly the sum checks catch more than the model's own confidence, so a failed"
            " check always wins.",
        ),
        (
            "synthetic_only_eval",
            GENERATED_TESTS,
            " Each month we also sample 300 real employee questions from the logs and editors"
            " grade the answers.",
        ),
    ],
)
def test_a_model_made_measure_nobody_checked_against_people_is_a_flag(
    brain: OfflineBrain, flag: str, answer: str, check: str
) -> None:
    """A judge model never compared with people, a gate on questions a model wrote, a confidence
    the model wrote about itself."""
    assert flag in flag_ids(brain, answer)
    assert flag not in flag_ids(brain, answer + check)
    assert "thumbs_only_feedback" not in flag_ids(brain, answer)  # a grader's score


def test_a_practice_listed_under_what_not_to_do_or_ranked_below_is_rejected(
    brain: OfflineBrain,
) -> None:
    found = flag_ids(
        brain,
        "What I would not do: retire the weekly spot checks once the scores have held for a"
        " season. Reopened tickets are far more telling than a thumbs widget.",
    )
    assert not found & {"audit_stopped", "thumbs_only_feedback"}, found


def test_a_success_counted_when_the_user_gives_up_and_always_the_top_model_are_stated(
    brain: OfflineBrain,
) -> None:
    assert "guessing_metric" in flag_ids(
        brain,
        "A chat counts as resolved when the shopper closes the chat window or stays silent"
        " for twenty minutes without asking for a person.",
    )
    assert "accuracy_at_any_cost" in flag_ids(
        brain, "Buyers pay for quality, so we would always use the strongest frontier model."
    )


def test_cost_waved_away_without_a_figure_earns_no_credit(brain: OfflineBrain) -> None:
    waved = brain.analyze(
        opening(
            "Model prices keep falling, so inference spend is not a real concern for this"
            " assistant. Whatever margin squeeze we see this year will go away by itself."
        )
    )
    assert all(f.no_credit for f in waved.features), [f.no_credit for f in waved.features]
    priced = brain.analyze(
        opening("At two cents a call and 40,000 calls a month, the bill is modest: about $800.")
    )
    assert not priced.features[0].no_credit
    in_words = brain.analyze(opening("Even at forty percent automation the bot pays for itself."))
    assert not in_words.features[0].no_credit


PRICED_BY_THE_VENDOR = (
    "We would buy extraction rather than build it. Of the four providers we trialled, one "
    "reports 96% field accuracy on its own benchmark, so we pick it and send anything under "
    "0.85 confidence on the amount to a clerk. Clerk corrections go back to the provider every "
    "month, and each new model version must hold its benchmark score before we switch. At nine "
    "cents a page and a few thousand pages a day the bill stays small next to the clerks' time."
)


def test_a_vendors_own_figures_taken_as_quality_are_a_flag(brain: OfflineBrain) -> None:
    assert "vendor_quality_trusted" in flag_ids(brain, PRICED_BY_THE_VENDOR)
    audited = PRICED_BY_THE_VENDOR + (
        " Our own AP leads label a random sample of 300 invoices each quarter, and we pay on the"
        " accuracy we measure there, not on the provider's figure."
    )
    assert "vendor_quality_trusted" not in flag_ids(brain, audited)
    waved_off = PRICED_BY_THE_VENDOR + (
        " Labeling our own sample of invoices would be overkill; the provider has seen millions."
    )
    assert "vendor_quality_trusted" in flag_ids(brain, waved_off)


LEARNS_FROM_APPROVALS = (
    "The assistant reads each small-business application, pulls revenue and debts from the bank"
    " statements, and proposes a decision with its reasons for an underwriter to sign. We train"
    " the risk model on the approved loans and their repayment over twelve months, which is the"
    " only place a real outcome exists. Underwriters see the proposal beside the documents, and"
    " anything over $250k goes to a senior credit officer. Each decision costs us about 40 cents."
)


def test_learning_only_from_the_cases_let_through_is_a_flag(brain: OfflineBrain) -> None:
    assert "selective_labels" in flag_ids(brain, LEARNS_FROM_APPROVALS)
    explored = LEARNS_FROM_APPROVALS + (
        " Because declines never show what would have happened, a senior underwriter re-reviews a"
        " random 5% of them every month, and we approve a small slice just below the line."
    )
    assert "selective_labels" not in flag_ids(brain, explored)
    excluded = LEARNS_FROM_APPROVALS.replace(
        "We train the risk model on the approved loans and their repayment over twelve months,"
        " which is the only place a real outcome exists.",
        "Declined applications have no repayment record, so they are dropped from training.",
    )
    assert "selective_labels" in flag_ids(brain, excluded)
    turned_down = LEARNS_FROM_APPROVALS.replace(
        "We train the risk model on the approved loans",
        "We would not train the risk model only on the approved loans",
    )
    assert "selective_labels" not in flag_ids(brain, turned_down)
    for labels in (
        "Training data is every loan we've paid out in three years, with repayment as the label.",
        "The model trains on historical approvals and how they performed.",
        "Only funded loans have a known outcome, so that is what we learn from.",
        "The labels come from the approved loans and whether each was repaid.",
        "Approved applications with their twelve-month repayment become our training set.",
    ):
        worded = LEARNS_FROM_APPROVALS.replace(
            "We train the risk model on the approved loans and their repayment over twelve months,"
            " which is the only place a real outcome exists.",
            labels,
        )
        assert "selective_labels" in flag_ids(brain, worded), labels


def test_an_experiment_called_after_two_days_or_at_first_significance_is_a_flag(
    brain: OfflineBrain,
) -> None:
    for text in (
        "We ran the A/B test for two days on the new ranking and rolled it out because "
        "conversion was up 3%.",
        "As soon as the experiment reaches significance we stop it and ship the winner.",
        "A 48-hour experiment on reply rate settled it, and the drafts went to every rep.",
    ):
        assert "short_experiment" in flag_ids(brain, text), text
    for text in (
        "We would not call the test after two days; it runs two full weeks so both weekends count.",
        "The experiment runs for 14 days and we read it once, at the end.",
        "Replies are counted for 48 hours after each send, over a test that runs three weeks.",
    ):
        assert "short_experiment" not in flag_ids(brain, text), text


def test_a_latency_budget_met_only_on_average_is_a_flag(brain: OfflineBrain) -> None:
    for text in (
        "On average the two models together answer in 260 ms, so we stay under the 300 ms budget.",
        "The odd slow completion gets smoothed out across a session, so the tail doesn't matter.",
    ):
        assert "average_latency_budget" in flag_ids(brain, text), text
    for text in (
        "The mean is 210 ms but p95 is what the 300 ms budget is written against.",
        "p95 time to first token stays under 300 ms on both routes, measured separately.",
        "Average handle time for an agent is six minutes today.",
    ):
        assert "average_latency_budget" not in flag_ids(brain, text), text


def test_a_practice_defended_in_a_reply_weighs_more_than_one_stated_once(
    brain: OfflineBrain,
) -> None:
    answer = opening(
        "Drafts come from the CRM notes and the last call summary, and a checker blocks any claim "
        "the notes do not support. We ran the A/B test for two days across forty reps and shipped "
        "it to everyone because replies were up 12%."
    )
    probe = Turn(id="t2", speaker="interviewer", text="Why two days?", round=1, stage="evaluation")
    backed_off = [*answer, probe, Turn(id="t3", speaker="candidate", text="Fair point.", round=1)]
    defended = [
        *answer,
        probe,
        Turn(
            id="t3",
            speaker="candidate",
            text="Two days was plenty, the volume gave us significance and more days add nothing.",
            round=1,
        ),
    ]
    scoring = brain.calibration.scoring
    once = [f for f in brain.analyze(backed_off).flags if f.flag.id == "short_experiment"]
    again = [f for f in brain.analyze(defended).flags if f.flag.id == "short_experiment"]
    assert once and not once[0].restated
    assert again and again[0].restated
    assert margin(brain.analyze(defended), scoring) < margin(brain.analyze(backed_off), scoring)


RARE_AND_ACCURATE = (
    "We would build the labelled set from a year of card-audit outcomes, about 20,000 payments,"
    " and hold out the last quarter so the test looks forward in time. Roughly 1% of payments"
    " turn out to be fraud once the chargebacks arrive. On that holdout the model scores 98.6%"
    " accuracy, which clears the 97% bar risk agreed with us, so it is ready for the pilot."
    " Two merchants go first, and their analysts tell us weekly whether the alerts help."
)


def test_accuracy_on_a_rare_class_is_a_flag_unless_the_rare_cases_are_counted(
    brain: OfflineBrain,
) -> None:
    assert "accuracy_hides_rare_cases" in flag_ids(brain, RARE_AND_ACCURATE)
    counted = RARE_AND_ACCURATE + (
        " Accuracy alone would flatter it, so the bar is recall on confirmed fraud above 80% with"
        " at most one false alarm in five flags."
    )
    assert "accuracy_hides_rare_cases" not in flag_ids(brain, counted)
    common = RARE_AND_ACCURATE.replace("Roughly 1% of payments turn out to be fraud", "Fraud")
    assert "accuracy_hides_rare_cases" not in flag_ids(brain, common)


def test_a_human_step_judged_worthless_or_a_retired_queue_removes_humans(
    brain: OfflineBrain,
) -> None:
    worthless = "Once shadow mode matches the panel, I don't see value in keeping a human step."
    assert "humans_removed" in flag_ids(brain, worthless)
    retired = "We expand peril by peril over a year and a half until the adjuster queue is retired."
    assert "humans_removed" in flag_ids(brain, retired)
    scoped = "I don't see value in keeping a human step for the easy password resets."
    assert "humans_removed" not in flag_ids(brain, scoped)


ROUTED_RATINGS = (
    "A vision model scores every scene and maps the profile onto each country's scale. When the"
    " model's calibrated confidence in a band is below 0.85, the title goes to a two-person"
    " policy team, because an under-rated horror film costs far more than a slow rating."
)


def test_saying_no_person_reviews_anything_stands_beside_routing(brain: OfflineBrain) -> None:
    assert "humans_removed" not in flag_ids(brain, ROUTED_RATINGS)
    bare = ROUTED_RATINGS + "\n\nLaunch bar: ratings publish automatically. No review queue."
    assert "humans_removed" in flag_ids(brain, bare)
    noise = ROUTED_RATINGS + " Adding a reviewer back adds noise, not accuracy."
    assert "humans_removed" in flag_ids(brain, noise)
    scoped = ROUTED_RATINGS + " No review queue for the cartoons; every other title gets one."
    assert "humans_removed" not in flag_ids(brain, scoped)


MEAL_KIT_GATE = (
    "Ready means three things for the meal-kit writer: no allergen the profile excludes, steps a"
    " home cook can follow, and items in stock. Two chefs mark 300 real baskets against that spec"
    " and cook 30 of them. The gate is zero allergen misses and 95% cookable on those 300, then 5%"
    " of users in one region for a month."
)
DRAFT_GRADER = (
    "The assistant drafts a reply to each support email and an agent sends it after reading it."
    " Quality is judged by a grading model that scores every draft from 1 to 5 on accuracy and"
    " tone, and a release ships only when the weekly average stays above 4.3."
)


@pytest.mark.parametrize(
    ("plan", "unchecked", "checked_or_refused"),
    [
        # A practice named only as the condition for saying no is turned down, not proposed.
        (
            MEAL_KIT_GATE,
            " The case for shipping rests on an LLM judge.",
            " If the case for shipping rests on an LLM judge, my answer is: not yet.",
        ),
        # Someone else's agreement figure is no check of this judge; one's own measure is.
        (
            DRAFT_GRADER,
            " Published studies show strong grading models agree with human raters about 80% of"
            " the time, so the score is in the human range.",
            " Our support leads grade 300 drafts by hand each quarter, and the grader agrees with"
            " them 86% of the time.",
        ),
    ],
    ids=["refused-condition", "secondhand-agreement"],
)
def test_a_judge_is_unchecked_until_the_answer_checks_it_or_turns_it_down(
    brain: OfflineBrain, plan: str, unchecked: str, checked_or_refused: str
) -> None:
    assert "unchecked_llm_judge" in flag_ids(brain, plan + unchecked)
    assert "unchecked_llm_judge" not in flag_ids(brain, plan + checked_or_refused)


@pytest.mark.parametrize(
    "text",
    [
        "**Objective.** The north star is chargeback dollars blocked per month.",
        "## 3. Goals and data\n\nThe north star is the number of defects flagged per week.",
    ],
)
def test_a_title_s_own_full_stop_does_not_hide_the_practice_it_heads(
    brain: OfflineBrain, text: str
) -> None:
    assert "guessing_metric" in flag_ids(brain, text)


def test_a_generator_grading_itself_as_the_quality_number_is_an_unchecked_judge(
    brain: OfflineBrain,
) -> None:
    text = (
        "We measure the hallucination rate with that same verifier on all traffic. Using the same"
        " model is actually an advantage, since it knows the claims it tends to make."
    )
    assert "unchecked_llm_judge" in flag_ids(brain, text)
    checked = (
        "We measure the hallucination rate with the verifier only after checking its agreement"
        " with compliance reviewers on 300 answers."
    )
    assert "unchecked_llm_judge" not in flag_ids(brain, checked)
    rescored = (
        "The product writes a short summary of each support call for the account team, and the"
        " summaries go into the CRM next to the call. Two annotators label each of 2,000"
        " summaries and a lead settles their disagreements. A grading model scores every"
        " summary in production, and the weekly report shows its average by team. Whenever that"
        " grader changes, it is re-scored against the human-labeled set before anyone sees its"
        " numbers."
    )
    assert "unchecked_llm_judge" not in flag_ids(brain, rescored)
    unchecked = rescored.replace("re-scored against the human-labeled set", "shipped at once")
    assert "unchecked_llm_judge" in flag_ids(brain, unchecked)
    teachers = rescored.replace(
        "re-scored against the human-labeled set",
        "used once its agreement with the tutor labels is measured",
    )
    assert "unchecked_llm_judge" not in flag_ids(brain, teachers)


def test_a_sentence_that_says_why_a_practice_was_turned_down_does_not_state_it(
    brain: OfflineBrain,
) -> None:
    why = "Students thumbs-up whatever gets them finished fastest."
    assert "thumbs_only_feedback" not in flag_ids(brain, "Not thumbs up. " + why)
    assert "thumbs_only_feedback" in flag_ids(brain, "We track the thumbs-up rate. " + why)


def test_a_cut_off_on_the_models_own_confidence_is_not_credited_as_calibrated(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("document-extraction")
    reading = brain.reader.read(question, opening(SELF_RATED))
    assert "self_reported_confidence" in {f.flag.id for f in reading.flags}
    assert "confidence_thresholds" not in reading.credited_signals()


CLAIMS_AGENT = (
    "I'd build an agent that pre-processes small home-insurance claims so adjusters only see"
    " what matters.\n\nThe agent reads the claim form, the photos and the policy, and returns"
    " JSON with a decision (pay, deny, needs adjuster), the amount, the policy clause it relied"
    " on, and a confidence from 0 to 1. If confidence is 0.92 or higher and the decision is pay,"
    " it pays automatically. Denials always go to an adjuster.\n\nFor quality, we run the agent"
    " on 1,000 closed claims where adjusters made the final call and need 95% agreement before"
    " anything goes live, then track how many auto-paid claims are reopened within 60 days."
)


async def test_no_panelist_praises_the_line_that_carries_a_red_flag(brain: OfflineBrain) -> None:
    from knowledge.scope import custom_question

    question = custom_question("Design an AI agent that handles small home-insurance claims.")
    turns = opening(CLAIMS_AGENT)
    flagged = "The agent reads the claim form"
    for panelist in load_panel().panelists:
        vote = (await brain.vote(panelist, question, turns)).value
        assert vote.rationale.count(flagged) <= 1, vote.rationale
        if flagged in vote.rationale:
            assert "breaks" in vote.rationale, vote.rationale


TERSE_SELF_RATED = (
    "- model: frontier LLM, protocol + 20 coded examples in the prompt\n"
    "- out: JSON {responsive, privileged, reason, confidence 0-100}\n"
    "- routing: responsive + not privileged + conf >= 90 -> straight into the production set\n"
    "- the rest -> contract reviewers, about 25% of documents\n"
    "- validation: attorneys code a random 1,500 from the set-aside pile for recall\n"
    "- frontier models are well calibrated on classification once they see examples"
)


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        # Terse notes name the practice too; a belief that models come calibrated checks nothing.
        ("self_reported_confidence", TERSE_SELF_RATED),
        # A thumbs-down labelled "this is wrong" is still the measure, not a rejection of it.
        (
            "thumbs_only_feedback",
            'We add a thumbs down with a "this is wrong" reason and put the flagged rate on a'
            " dashboard leadership sees every Monday. Target: halve the share of flagged answers.",
        ),
        (
            "vendor_quality_trusted",
            "2,000 invoices labelled by our annotation vendor (single pass; their quality is"
            " good).",
        ),
        (
            "average_latency_budget",
            "The limit is 1.5 seconds. Our soak test puts the mean latency near 400 ms, which"
            " leaves lots of headroom.",
        ),
        # A quoted prompt asking for a confidence on a scale, then a cut-off on what it says.
        (
            "self_reported_confidence",
            "Supplier records that share a tax region and a fuzzy name are candidate pairs, and"
            " the obvious ones merge on an exact bank account. The rest go to an LLM with both"
            ' rows and the prompt "Do these two rows describe one supplier? Reply yes or no with'
            ' a confidence between 0 and 1." Pairs scored above 0.8 merge into one vendor record'
            " overnight, and finance sees the cleaned list in the morning.",
        ),
        # Worded across the cut of a sentence read in pieces: read on the sentence as written.
        (
            "swapped_precision_recall",
            "The metric we set the cut-off on is precision: of all the actual late shipments, the"
            " share the model finds.",
        ),
        (
            "acceptance_as_accuracy",
            "Once it is live I'd watch how often dispatchers override it; if that stays under 5%,"
            " we know the model is working.",
        ),
        # New wordings of practices taken on trust or errors waved off.
        (
            "humans_removed",
            "Claims the model scores above 0.8 are auto-declined with a form letter.",
        ),
        (
            "humans_removed",
            "No review queue at all, so the adjusters' cost on these claims goes to zero.",
        ),
        (
            "borrowed_threshold",
            "We start at 0.7, the same cut-off our card-fraud team runs on card payments.",
        ),
        (
            "borrowed_threshold",
            "The risk team tuned 0.7 on card fraud two years ago, and returns fraud is close"
            " enough that it should carry over.",
        ),
        ("savings_ignore_failures", "The cost of wrongly blocked shoppers is real but small."),
        (
            "savings_ignore_failures",
            "Maybe a few hundred angry customers a year; next to $3.1M in fraud, that's noise.",
        ),
        (
            "vendor_quality_trusted",
            "The supplier demoed 96% accuracy on scanned delivery notes, so we'd keep one clerk"
            " and move the rest.",
        ),
        (
            "savings_ignore_failures",
            "A misread quantity will get caught anyway when the driver unloads.",
        ),
        (
            "selective_labels",
            "More audits of the flagged shops means more labels right where the fraud is.",
        ),
        ("thumbs_only_feedback", "Riders are labeling for us with every ride they rate."),
        ("thumbs_only_feedback", "At this volume we never need to hand-label anything."),
        (
            "acceptance_as_accuracy",
            "I chose the keep rate because it's the agent's own verdict on each draft.",
        ),
        (
            "engagement_as_success",
            "We'd measure success by weekly active readers and time spent in the app per visit.",
        ),
        (
            "vendor_quality_trusted",
            "The newest models top the public coding benchmarks, so correctness is basically"
            " solved and we can spend our time on polish.",
        ),
        (
            "vendor_quality_trusted",
            "It leads the public medical leaderboards, so accuracy is essentially handled.",
        ),
        ("humans_removed", "The draft answers go straight to residents, so the desk saves hours."),
        (
            "full_expert_verification",
            "With medicines I'm not comfortable letting anything go out unchecked, whatever the"
            " confidence.",
        ),
        (
            "eval_leakage",
            "We measured 11% error with 10-fold cross-validation on our two years of sales.",
        ),
        (
            "vendor_quality_trusted",
            "Getting the provider to re-test it on our data would slow things down for little"
            " gain.",
        ),
        (
            "magic_box",
            "Frontier models are really good at sorting letters out of the box, so errors shouldn't"
            " be an issue.",
        ),
        ("humans_removed", "The draft replies go straight to tenants, which saves the team hours."),
        (
            "savings_ignore_failures",
            "Refunds for a wrong summary are the merchant's responsibility, so they don't land on"
            " our P&L.",
        ),
        (
            "thumbs_only_feedback",
            "We add the top-rated replies back into the prompt as few-shot examples.",
        ),
    ],
    ids=[
        "terse-json-confidence",
        "quoted-button-label",
        "vendor-on-reputation",
        "mean-read-as-headroom",
        "prompted-confidence-scale",
        "across-a-colon",
        "across-a-semicolon-pointing-back",
        "adverse-call-alone-1",
        "adverse-call-alone-2",
        "cut-off-from-elsewhere-1",
        "cut-off-from-elsewhere-2",
        "errors-waved-off-1",
        "errors-waved-off-2",
        "vendor-demo-figure-1",
        "errors-waved-off-3",
        "visits-where-it-points-1",
        "users-as-only-labellers-1",
        "users-as-only-labellers-2",
        "acceptance-as-verdict-1",
        "use-as-success-1",
        "public-benchmark-as-proof-1",
        "public-leaderboard-as-proof-1",
        "drafts-straight-to-residents-1",
        "nothing-unchecked-1",
        "folds-over-our-years-1",
        "their-figure-not-rechecked-1",
        "good-out-of-the-box-1",
        "drafts-straight-out-1",
        "errors-on-someone-elses-books-1",
        "rated-outputs-fed-back-1",
    ],
)
def test_a_practice_in_these_words_raises_its_flag(
    brain: OfflineBrain, flag: str, text: str
) -> None:
    assert flag in flag_ids(brain, text)


def test_clinical_screening_is_not_an_interface(brain: OfflineBrain) -> None:
    screening = (
        "Coordinators pre-screen every referral against the protocol before a visit. The tool"
        " drafts that pre-screen, criterion by criterion, with the chart line it relied on. Two"
        " coordinators screen 150 past referrals for a reference, and a PI settles their splits."
        " After launch we watch the screen-fail rate of suggested patients at the first visit."
    )
    assert "ui_focus" not in flag_ids(brain, screening)
    interface = (
        "The first screen shows the patient list. Each row gets a colour badge and an icon."
        " The settings screen lets coordinators pick a dark mode. The layout stays on one page."
    )
    assert "ui_focus" in flag_ids(brain, interface)


def test_themes_of_feedback_are_not_an_interface(brain: OfflineBrain) -> None:
    topics = (
        "The model tags each comment with a theme from a list the PMs own. Two PMs tag 300"
        " comments blind each month, and a theme they split on is redrawn. Ship if the model"
        " matches their tag on 85% of the top themes. We track the share landing in no theme."
    )
    assert "ui_focus" not in flag_ids(brain, topics)
    assert "ui_focus" in flag_ids(
        brain,
        "Users pick a dark theme or a light theme. The sidebar shows an icon per chat."
        " Buttons are rounded. The layout uses one column.",
    )


def test_ratings_kept_secondary_or_set_against_outcomes_are_not_thumbs_only(
    brain: OfflineBrain,
) -> None:
    assert "thumbs_only_feedback" not in flag_ids(
        brain, "Thumbs on the card are collected but secondary."
    )
    assert "thumbs_only_feedback" not in flag_ids(
        brain, "Thumbs tell me mood; whether the query got faster tells me the outcome."
    )

    assert "thumbs_only_feedback" in flag_ids(
        brain,
        "Every alert carries Useful / Not useful buttons, and that ratio is our live precision.",
    )
    for criticism in (
        "Thumbs buttons get pressed by maybe 2% of users, mostly angry ones.",
        "A confident wrong answer gets a thumbs-up, because the reader finds out an hour later.",
        "Thumbs-down votes go into the review queue, but they don't grade anything.",
    ):
        assert "thumbs_only_feedback" not in flag_ids(brain, criticism), criticism


def test_a_hand_labelled_set_waved_off_is_no_gold_set(brain: OfflineBrain) -> None:
    text = (
        "Reports from recipients give us millions of labels for free. We don't need a separate"
        " hand-labeled set; user reports are the ground truth and refresh every day."
    )
    assert "no_gold_set" in flag_ids(brain, text)


def test_a_gold_set_named_two_sentences_back_excuses_checking_each_pair(
    brain: OfflineBrain,
) -> None:
    text = (
        "I'd build the gold set from each partner's query history. Analysts write the question"
        " for about 300 of those queries. A second analyst checks each pair and we drop the ones"
        " they disagree on."
    )
    assert "full_expert_verification" not in flag_ids(brain, text)


def test_a_practice_condemned_by_what_it_does_to_the_product_is_rejected(
    brain: OfflineBrain,
) -> None:
    text = "That's 100% expert review and it kills the product."
    assert "full_expert_verification" not in flag_ids(brain, text)


# Each new flag: sentences that state the practice, and near misses that must not raise it.
STATED_FLAGS = [
    (
        "savings_ignore_failures",
        [
            "Dispatcher time is marginal once it's live, so I left it out of the table.",
            "After that we post the fixes automatically, since the remaining errors are tiny.",
            "What's wrong is mostly late deliveries, which sort themselves out next cycle.",
        ],
        [
            "The remaining errors are tiny, and a dispatcher reviews each one before it posts.",
            "Dispatcher time is about 6 hours a week, so it's the second line of the table.",
        ],
    ),
    (
        "eval_leakage",
        [
            "We tweak the prompt against the test set until agreement passes 92%.",
            "We use the test set for prompt iteration, which is normal for LLM products.",
        ],
        ["We tune the prompt on the validation set and score the test set once, at the end."],
    ),
    (
        "borrowed_threshold",
        ["Our 97% bar is what the vendor's published benchmarks report, so it's a fair target."],
        ["Our 97% bar comes from what a missed shipment costs us, read off 400 labelled loads."],
    ),
    (
        "live_test_dismissed",
        ["I don't think we need an A/B test, since we can check scores against what happened."],
        ["I don't think we need an A/B test before the holdout month ends; it answers that."],
    ),
    (
        "swapped_precision_recall",
        [
            "The metric we optimise is precision, meaning that of all the eligible patients in"
            " the registry, the list should hold at least 90%.",
            "With precision at 0.97 we can be confident we're finding nearly every forged invoice.",
            "Precision of 0.9 means we miss only one in ten of the cracked welds.",
            "Recall is our launch bar: of the transactions we flag, 95% must really be fraud.",
        ],
        [
            "Precision: of the invoices we flag as forged, 9 in 10 must be forged.",
            "Recall: of all forged invoices, we want to find at least 90%.",
            "We keep precision high so adjusters trust every flag, and recall above 85% so we"
            " find nearly all the real fraud.",
        ],
    ),
    (
        "fairness_by_blindness",
        [
            "We remove gender and date of birth before scoring, so the model can't be biased.",
            "Photos and names never reach the ranker, which takes care of fairness.",
            "I'd track complaints by region rather than run a separate disparate-impact review.",
        ],
        [
            "We hide names from reviewers so they focus on the work, and still audit approval"
            " rates by group every month.",
            "Age is left out of the inputs, and we check outcomes by age band on a labelled sample"
            " anyway, because postcode can stand in for it.",
        ],
    ),
    (
        "predictions_as_labels",
        [
            "Each month the newly blocked accounts are added as positives for the next retrain.",
            "Our test set is the 5,000 listings the old filters removed last year, which are"
            " confirmed scams.",
            "Over time the model's own flags feed in, so it learns from its own catches.",
            "Each claim the model denies goes back into training as a positive.",
            "If a driver doesn't contest the fare within a week, that confirms it was right.",
            "Each tag the classifier gives at ≥0.92 is written to the label store as ground truth.",
            "We retrain nightly on its own predictions.",
            "We use the larger offline model as the reference and score the live model against it.",
            "Every answer that was not edited or flagged goes into the example pool automatically.",
            "Tags above 0.95 confidence are written straight to the training set.",
            "Each order the model routes above 0.9 is treated as labeled for next month's retrain.",
            "Weekly accuracy is scored against the model's own top predictions.",
            "Frames over 0.85: accepted straight into the training set.",
        ],
        [
            "Each month the blocked accounts an analyst confirmed are added as positives for the"
            " next retrain.",
            "Our test set is 5,000 listings that two analysts confirmed as scams.",
            "If nobody disputes the bill, we still audit 1% of reads against a technician's photo.",
            "Each tag the classifier gives at ≥0.92 is written to the label store as ground truth"
            " only after an analyst has spot-checked it.",
            "Anything above 0.9 is auto-approved, and clerk fixes on the rest become labels.",
            "Reviewer overrides go straight into the next training set.",
            "Customer disputes are the slow signal; they show up a month later and go straight"
            " into the next training set.",
        ],
    ),
    (
        "thumbs_only_feedback",
        [
            "A thumbs up or down on each reply is how we learn what works.",
            "We buy a labelled set, or use thumbs up/down as the only feedback.",
        ],
        [
            "We would not buy a labelled set, or use thumbs up/down as the only feedback.",
            "Thumbs were pressed on 2% of replies, so we read behaviour instead: re-asks and"
            " edits.",
            "A grading model scores every draft from 1 to 5 on accuracy and tone.",
        ],
    ),
    (
        "guessing_metric",
        [
            "Three times more listings blocked tells us the new model catches what the old filter"
            " missed.",
            "Our north star is the drop in flagged phrases per document.",
            "The north star is chargeback dollars blocked per month.",
            "Success metric: faults detected per district per week.",
            "The more defects we flag, the better the line runs.",
            "Every escalation counts as a failure on the team dashboard.",
            "If it alerts more often it will detect more outages, so we loosen the cut-off.",
        ],
        [
            "Three times more listings blocked, and a sample of 300 shows 92% of them were truly"
            " fraudulent.",
            "Our north star is the drop in confirmed violations per document.",
            "Main metric: chargeback dollars held monthly, guardrailed by loyal buyers declined.",
            "The more fraud we catch, the more we save, as long as precision stays above 90%.",
            "Wrong answers are the main failure, and refusing too often is a failure too.",
            "If we flag more loans we catch more defaults, but false alarms cost us customers.",
        ],
    ),
    (
        "engagement_as_success",
        [
            "We watch weekly active users, because usage shows people trust the assistant.",
            "Our north star is weekly minutes each student spends with the assistant, up from 20.",
            "North star: weekly lesson starts per active learner.",
            "Our goal is to drive engagement with the practice app.",
            "If playlists per listener keeps going up, the feature is working.",
        ],
        [
            "North star: weekly lessons passed per active learner.",
            "If refund accuracy goes up on the audited sample, the model is working.",
            "Our goal is fewer failed exams; engagement is only a guardrail.",
            "Our north star is agent minutes saved per ticket, 4 today and 6 by spring.",
            "The primary metric is handling time per claim, which we want below 9 minutes.",
        ],
    ),
    (
        "random_only_labels",
        [
            "Only the uniform random sample feeds retraining, so the labels stay unbiased.",
            "We deliberately avoid targeting low-confidence cases for review.",
        ],
        [
            "Reviewers get low-confidence cases plus a 2% random slice to measure overall error.",
            "We do not target by confidence alone; disagreements go to reviewers as well.",
        ],
    ),
    (
        "live_test_dismissed",
        [
            "Launch: all 90 clinics at once.",
            "An A/B would be nice, but it slows iteration down, so we ship on the offline gain.",
            "We can skip the online experiment here.",
            "We won't run a control group; every eligible store gets the new prices.",
            "We'd switch on all 12 warehouses together next Monday.",
            "We'll compare the error rate in the month after launch with the month before.",
        ],
        [
            "We skip the A/B and instead run in shadow for two weeks before a staged rollout.",
            "An A/B test is not possible: there is too little traffic to randomise.",
            "We won't run an A/B on checkout, a switchback by region does the job instead.",
            "We compare the months after launch with the months before, against a holdout region.",
            "We'd switch on all 12 warehouses together with the rollback plan, after the pilot.",
        ],
    ),
    (
        "savings_ignore_failures",
        [
            "Even if the model lets a few more bad refunds through than the old rules, the savings"
            " outweigh it.",
            "A QA team reads 5% of the bot's chats and hand-offs go to agents, but I'd leave those"
            " out, they're team costs that exist either way.",
            "Missed defects already cost us truck rolls, so I'd keep them out of this business"
            " case.",
        ],
        [
            "The cost per resolution includes the QA team's sampled reviews and every hand-off.",
            "Even if the model lets a few more bad refunds through, we price those losses against"
            " the savings.",
        ],
    ),
    (
        "unsure_answer_sent",
        [
            "If the checker can't confirm it, the reply still goes out with a short disclaimer.",
            "We send the top-ranked answer with a clear warning that it may be out of date.",
            "Hallucination: we add a disclaimer that the output should be verified.",
        ],
        [
            "When the check fails, the customer sees the clause quoted word for word and a button"
            " to reach a person.",
            "We never send an unverified answer with a disclaimer; it goes to an agent instead.",
        ],
    ),
    (
        "borrowed_threshold",
        [
            "Anything above 0.9, the provider's suggested strict setting, is removed at once.",
            "We used 0.75 at my previous company, so I'd start the cut-off there.",
            "The provider's integration guide recommends 0.85 as the auto-approve threshold.",
            "0.80 is the cut-off most localisation vendors use, so it's a safe default everywhere.",
            "We keep the library's default threshold of 0.5 for launch.",
            "Sessions scoring under 30 count as bots, the vendor's recommended default.",
            "The 0.7 cut-off was taken from our fraud model, which has run for years.",
            "Fields above 0.85, the standard OCR threshold, are accepted without review.",
            "0.9 is what most OCR implementations use, so we auto-accept above it.",
        ],
        [
            "The guide recommends 0.85 as a start; we then move the threshold to our break-even.",
            "We don't take the vendor's default threshold; the cut-off comes from a labelled"
            " sample and the price of each mistake.",
            "We start at the vendor's recommended threshold, then tune it on 2,000 labelled"
            " sessions of our own traffic.",
            "The threshold sits where a false merge and a missed merge cost the same.",
            "The 0.8 comes from the model's calibration curve on our gold set.",
            "We start at the usual cut-off of the tool, then tune it on 2,000 labelled files.",
        ],
    ),
    (
        "synthetic_only_eval",
        [
            "Our test set of 2,000 generated questions is the launch gate.",
            "Before launch we render a synthetic test set of 20,000 receipts in every layout.",
            "Mostly the generated benchmark, since we can dial the conditions.",
        ],
        [
            "We built an evaluation set of 5,000 real charts plus 500 synthetic records for rare"
            " criteria.",
            "We render a synthetic set of 2,000 glare photos on top of 5,000 real customer photos.",
        ],
    ),
    (
        "acceptance_as_accuracy",
        [
            "A dispute rate below 3% shows the automatic rejections are correct 97% of the time.",
            "If the reviewers accept a draft, it's correct.",
            "When 95% of the suggestions get accepted, the tagger is 95% accurate.",
            "Quality score = acceptance rate, plain and simple: accuracy = acceptance.",
            "Acceptance rate is our accuracy measure.",
            "Whatever the adjuster signs off is correct by definition.",
            "Every suggestion the agent keeps counts as correct.",
            "A coder signs each one, so an accepted code is by definition a correct code.",
            "Acceptance is the right quality measure; the coder is legally responsible.",
            "Success is acceptance rate, what share of our codes the coders keep as-is, that's"
            " basically our accuracy number.",
            "A good proposal is one the traveller takes.",
            "The acceptance rate is the cleanest read of whether the options were useful.",
        ],
        [
            "A dispute rate below 3% is one guardrail; accuracy comes from a random audit of 400"
            " rejections.",
            "If the nurses accept a triage level, a second nurse still checks 5% of them blind.",
            "Acceptance is not our accuracy measure; a second coder re-checks a blind sample.",
            "A good proposal is one that keeps the fare's refund rights and every connection.",
            "We track how often agents keep a suggestion, but accuracy comes from a graded sample.",
        ],
    ),
    (
        "humans_removed",
        [
            "Once the pilot holds, claims the model scores above 0.9 switch to automatic denial.",
            "A human approval step would only bring back the delay we set out to remove.",
            "Once the replay passes, we enable full autonomy for every low-severity incident.",
            "After two quarters of matching the reviewers, we go to fully automatic approvals and"
            " rejections.",
            "Low-confidence cases get a retry, so nobody needs a human review.",
            "Keeping reviewers in the loop would kill the margin, so approved claims pay out.",
            "Making the analysts click approve on cases the model gets right is pure toil.",
            "The agent handles each refund request autonomously end to end.",
            "Phase one is drafts for agents, then full autonomy in Q3.",
            "After eight weeks of agreement the model issues approvals and denials on its own.",
            "At 97% precision, checking bans by hand would waste the trust team's time.",
            "Above the cut-off, restrictions are fully automatic.",
            "Owners get a notice with a 72-hour window, and if nobody objects, the agent executes.",
            "A second model re-checks each release, so we no longer need a QA person to sign off.",
            "Instead of a human inspector, an independent LLM verifies every lot record.",
            "A second LLM reviews each release decision, which replaces the manual QA sign-off.",
            "Two models must agree, and if they do, the batch ships without a person.",
            "The QA step becomes a second model that audits the first one's output.",
            "After launch, the model approves and denies claims on its own.",
            "By phase two there is no reviewer in the loop at all.",
            "We let the agent issue refunds automatically, no human sign-off.",
        ],
        [
            "Once the pilot holds, claims the model scores below 0.1 switch to automatic approval.",
            "We enable full autonomy only for the reversible low-risk restarts.",
            "Keeping people in the loop on the hard 10% costs about 40 hours a week.",
            "Success is the share of trips the agent books with no human touch and no change"
            " within 14 days.",
            "The model agreed with the reviewers on 98% of cases, and they still see every denial.",
            "Fully automatic approval is off the table; a person signs every rejection.",
            "Denials are never sent automatically; a caseworker signs each one.",
        ],
    ),
    (
        "audit_stopped",
        [
            "By then we can retire the random 2% sample, since the model covers the risky ones.",
            "I wouldn't keep a standing human sample once the outcome data arrives.",
            "Once the numbers are stable I don't see the need for a separate audit of approved"
            " jobs.",
        ],
        [
            "By then we shrink the random 2% sample to 1%, since the model covers the risky ones.",
            "For a class that clears the bar we stop full correction and move to spot checks, and"
            " those never stop.",
        ],
    ),
    (
        "no_gold_set",
        [
            "We don't have to maintain a separate static test set; the fresh labels are enough.",
            "We don't really need a big separate labeling project or a separate test set.",
            "I'd rather move fast on a real signal than spend weeks building a test set.",
            "Hand-written reference answers would go stale within a month, so we skip them.",
        ],
        ["We refresh the 400 every quarter so the gold set doesn't go stale."],
    ),
    (
        "automation_as_success",
        [
            "Success is the share of invoices the agent posts end to end without anyone editing"
            " them.",
            "Our north star is the share of invoices posted automatically, 80% by Q3.",
            "Success means the untriaged backlog drops below 500 within a quarter.",
            "The headline metric is approved applications per reviewer-hour.",
        ],
        [
            "Success is the share of invoices posted correctly, checked by a weekly audit of 300.",
            "North star: share of invoices auto-posted with an error rate under 0.5% on the"
            " audited sample.",
            "Success is tickets resolved with no repeat contact within 7 days.",
            "Primary metric: reviewer minutes per report, from 14 today to under 9.",
        ],
    ),
    (
        "thumbs_only_feedback",
        ["Quality comes from the like button under each draft."],
        ["Beyond a like button, we log whether the agent sent the draft as is or rewrote it."],
    ),
    (
        "eval_leakage",
        [
            "We run 10-fold cross-validation over the whole 2015-2023 history of sales.",
            "We write paraphrased variants of every labelled review, then shuffle the whole pool"
            " and split it 80/20.",
            "The model learns from a year of tickets; the last month of the same tickets serves as"
            " the test set.",
            "We take 3,000 frames from the same videos and make a random 80/20 split.",
            "The few-shot examples in the prompt are drawn from the gold set, so they match what"
            " we grade.",
            "We compare prompts on the same tickets the in-context examples were pulled from.",
            "Our test set doubles as the fine-tuning data, so the two never disagree.",
            "We use the gold set of 300 replies we built while rewriting the prompt.",
            "Few-shot examples are sampled from the same labelled pool as the test cases.",
            "We take the few-shot examples and the test cases from the same 300 labelled records.",
            "The evaluation set is the same 200 payments we used to write and tune the prompt.",
            "I'd test on the examples we already put in the prompt, since we know their answers.",
            "Accuracy is measured on the training tickets.",
        ],
        [
            "We validate with a rolling, time-based split across 2015-2023 instead of plain"
            " 10-fold cross-validation.",
            "We paraphrase the labelled reviews, but split by source review before we generate"
            " anything.",
            "We train on January to October and keep November, unseen by the model, as the test"
            " set.",
            "We split by camera, so frames from the same videos never land in a random split.",
            "The gold set is kept apart from the few-shot examples and checked for overlap.",
            "Corrections go back into the few-shot pool and, separately, into next quarter's gold"
            " set.",
        ],
    ),
    (
        "accuracy_at_any_cost",
        [
            "Token prices halve every year, so inference cost is not something to optimise now.",
            "Spend doesn't really matter here because model prices keep coming down.",
            "Whatever it costs now, it will be a fraction of that next year.",
            "Inference cost isn't a design driver here, since it keeps getting cheaper.",
            "I'd pick the strongest frontier model available for every review.",
            "Routing easy cases to a smaller model would save pennies, so I wouldn't build it.",
        ],
        [
            "If the small-model drafts get rewritten more, the routing is saving pennies and"
            " costing minutes, so I'd move the cut-off."
        ],
    ),
    (
        "acceptance_as_accuracy",
        [
            "Alert precision comes from whether the on-call engineer acknowledges the page.",
            "An approved refund is a supervisor telling us the model got it right.",
            "If the summary were wrong, the nurses wouldn't accept it.",
            "Approval rate is the cleanest quality signal we have.",
            "Replies the agents sent as-is become positive labels for the next model.",
        ],
        [
            "Alert precision comes from a weekly sample that two engineers grade blind.",
            "An approved refund tells us little; we audit 2% of them against the policy.",
            "Replies the agents rewrote become training examples, with the rewrite as the label.",
        ],
    ),
    (
        "borrowed_threshold",
        ["We alert at 0.8, the manufacturer-recommended setting."],
        ["We alert at 0.8, where a missed fall costs more than ten false alarms on our test set."],
    ),
    (
        "no_gold_set",
        ["The supplier's model is well tested, so we won't need to build our own labelled set."],
        ["We need to build our own labelled set, because the supplier never saw our roads."],
    ),
    (
        "vendor_quality_trusted",
        [
            "Validation: the supplier's published accuracy for each document type.",
            "Their benchmark results are more reliable than the few hundred clips we could grade"
            " ourselves.",
            "The provider quoted 0.94 on their own data, so we know we're in range.",
            "We start from the provider's validation, 96% on their benchmark, and go live.",
            "The provider reports 97% recall on their dataset, so we don't re-measure it.",
            "Accuracy loss is tiny on public benchmarks, so we don't budget for it.",
        ],
        [
            "We grade 500 of our own clips and compare them with the vendor's benchmark results.",
            "The vendor reports 97% on its benchmark; a week later we re-measure it on our own"
            " files.",
            "The provider reports 97% recall on their dataset; we re-measure it on 2,000 of ours"
            " before trusting it.",
        ],
    ),
    (
        "average_latency_budget",
        ["The tuner must keep average request latency under 80 ms."],
        ["The tuner must keep p99 request latency under 80 ms."],
    ),
    (
        "ungated_auto_deploy",
        ["New configs are applied nightly to every customer."],
        ["New configs are applied nightly to a 1% canary, and to everyone once it holds."],
    ),
    (
        "automation_as_success",
        ["North star: the share of scans signed off without a dermatologist review, 40% in May."],
        ["North star: missed melanomas per 10k scans, with the share sent to review as a cost."],
    ),
    (
        "borrowed_threshold",
        [
            "We set the cut-off at the supplier's suggested 98% specificity.",
            "Anything above 0.62, the threshold that maximised F1 on the dev set, is blocked.",
        ],
        ["We set the cut-off where a missed leak costs as much as 40 needless truck rolls."],
    ),
    (
        "audit_stopped",
        [
            "A senior underwriter re-checks a sample of auto-approved files for the first weeks.",
            "Agents still send every reply, so no separate audit step is needed.",
        ],
        [
            "A senior underwriter re-checks a sample of auto-approved files for the first six"
            " weeks, then 2% every month from then on.",
            "Claims from a new clinic are sampled at twice the usual rate for the first month.",
        ],
    ),
    (
        "predictions_as_labels",
        [
            "Each claim the model denied where the customer did not appeal within 60 days is"
            " labelled fraud.",
            "An LLM tags every call transcript, which gives us free labels for the classifier.",
        ],
        [
            "Each claim the model denied goes to an adjuster, and the adjuster's verdict is the"
            " label.",
        ],
    ),
    (
        "live_test_dismissed",
        [
            "We would skip a control group, since holding back discounts loses customers.",
            "Instead of an A/B, we compare churn with the same months last year.",
        ],
        ["We keep a 5% control group that gets no discount, so the lift is measured, not guessed."],
    ),
    (
        "eval_leakage",
        [
            "A random 80/20 split of the readings gives 0.95 recall.",
            "Synthetic defects from the render pipeline are added to both training and test.",
        ],
        ["A split by machine, with the last month held out, gives 0.88 recall."],
    ),
    (
        "synthetic_only_eval",
        ["The launch bar is 100% of the planted faults caught within the hour."],
        ["The launch bar is 95% of the real incidents from last year caught, plus planted faults."],
    ),
    (
        "vendor_quality_trusted",
        ["We'd use the vendor's published recall rather than draw a sample of our own."],
        ["We'd draw a sample of our own rather than use the vendor's published recall."],
    ),
    (
        "borrowed_threshold",
        ["The provider's documentation puts the cut at 0.35, so we use that."],
        [
            "We put the cut at 0.35, where a missed claim costs as much as ten extra reviews.",
            "Vendor benchmarks suggest 40-50% deflection, so I'd plan on 45%.",
        ],
    ),
    (
        "automation_as_success",
        ["The KPI is the share of invoices that never reach a person."],
        ["The KPI is the error rate on invoices that never reach a person, under 0.5%."],
    ),
    (
        "live_test_dismissed",
        ["We launch in two regions and compare bookings with the same weeks last year."],
        [
            "We launch in two regions as an A/B, and also compare bookings with the same weeks"
            " last year to see the season."
        ],
    ),
    (
        "eval_leakage",
        ["The forecaster was trained on two years of data including the test period."],
        ["The forecaster was trained on two years of data ending before the test period."],
    ),
    (
        "humans_removed",
        ["After the first month no human reviews the refunds at all."],
        ["A fix counts as a positive only if no human reviewer marked it wrong that week."],
    ),
    (
        "vendor_quality_trusted",
        [
            "I'd trust the supplier's 97%; they label for half the industry.",
            "The labelling firm does quality control on their end and reports 99% accuracy.",
        ],
        ["The supplier reports 97%; we re-label 300 of their items to check it."],
    ),
    (
        "unchecked_llm_judge",
        # (A grader in use is judged on answers of 60 words or more.)
        [
            "The assistant drafts replies to billing tickets for agents to send. Before launch we"
            " run it on 1,500 past tickets and have a second model grade each reply as right or"
            " wrong, and we release when it passes 80% of them. After launch we watch how often"
            " agents send the draft unchanged and how long the tickets take to close.",
            "The app drafts a weekly meal plan from what is in the fridge. A larger model"
            " grades each plan for clarity and balance on a 1-10 scale, and anything above 7 is"
            " shown. After launch we watch how many plans get cooked, how many are regenerated"
            " and how many users open the app again the next week, by cuisine and country.",
        ],
        [
            "The assistant drafts replies to billing tickets for agents to send. Before launch we"
            " run it on 1,500 past tickets and have a second model grade each reply, after"
            " checking on 200 of them how often it agrees with our senior agents. After launch we"
            " watch how often agents send the draft unchanged and how long tickets take to close.",
        ],
    ),
    (
        "acceptance_as_accuracy",
        ["If agents keep accepting the drafts, they are clearly working."],
        ["If agents keep accepting the drafts, we still audit 50 a week against the policy."],
    ),
    (
        "humans_removed",
        ["If the model sees no water damage, the claim is denied with a standard letter."],
        ["If the model sees no water damage, an adjuster checks the photos before it is denied."],
    ),
    (
        "no_gold_set",
        ["The vendor's model is proven, so we won't run a validation study of our own."],
        ["The vendor's model is proven elsewhere, so our validation study focuses on our roofs."],
    ),
    (
        "predictions_as_labels",
        ["Every week we feed the model's own confident tags (>0.9) back into training."],
        ["Every week we feed the model's own confident tags back into training once checked."],
    ),
    (
        "automation_as_success",
        ["Primary metric: the share of invoices coded without any accountant involvement."],
        ["Primary metric: coding errors found in the monthly audit, under 1%."],
    ),
    (
        "savings_ignore_failures",
        ["Every answered ticket is an agent call avoided, so the saving scales with volume."],
        ["Every answered ticket that is not reopened within a week counts as a call avoided."],
    ),
    (
        "live_test_dismissed",
        ["No holdout needed: the savings show up on the invoice month over month."],
        ["A holdout is needed, because the invoice also moves with the season."],
    ),
    (
        "acceptance_as_accuracy",
        ["Precision is the share of suggestions not undone by the user within a week."],
        ["Precision is the share of suggestions a reviewer marks right in a blind weekly sample."],
    ),
    (
        "engagement_as_success",
        ["Our north star is playlists created per weekly active user, target 4."],
        ["Our north star is playlists still played a month after they were created."],
    ),
    (
        "acceptance_as_accuracy",
        ["If people keep coming back, the answers are working."],
        ["If people keep coming back, we still grade 100 answers a week against the docs."],
    ),
    (
        "selective_labels",
        [
            "Analysts reviewed the 90k transactions the rules flagged, and those are our labels.",
            "True, the history only covers tenants we approved, but at 200k leases the volume"
            " makes up for it.",
        ],
        [
            "Analysts reviewed the 90k transactions the rules flagged, plus a random 2k the rules"
            " passed, so we can see what the rules miss.",
            "The history only covers tenants we approved, so we also approve a random 1% of"
            " borderline applicants to see how they do.",
        ],
    ),
    (
        "acceptance_as_accuracy",
        [
            "If analysts act on a warning, it was real.",
            "A correct alert is one the on-call engineer acknowledges.",
            "The approval rate is effectively our accuracy number.",
        ],
        [
            "If analysts act on a warning, we log whether the incident review later confirmed it.",
            "A correct alert is one matching an incident the on-call team confirmed afterwards.",
        ],
    ),
    (
        "guessing_metric",
        [
            "North star: number of suspicious transactions flagged per week.",
            "Our KPI is weekly risks detected per account.",
            "More violations caught means more value for the customer.",
        ],
        [
            "North star: confirmed frauds caught per week, with precision held above 80%.",
            "Key metric: incidents detected that the customer confirmed as real.",
        ],
    ),
    (
        "eval_leakage",
        ["We randomly split the shop-day rows 90/10 and report MAPE on the 10."],
        ["We split by date: train on everything before March, test on the day-level rows after."],
    ),
    (
        "live_test_dismissed",
        ["Once it wins offline, we roll out to all 60 warehouses at once."],
        ["We roll out to 5 of the 60 warehouses first and compare them against the rest."],
    ),
    (
        "full_expert_verification",
        [
            "Senior techs re-check every failure the model labels.",
            "Each draft goes from the model to a senior editor, who checks it and signs off.",
            "Having a second reviewer on each record keeps accuracy virtually perfect.",
            "A change ships only when both approvers sign off.",
        ],
        [
            "- Shadow period\n  - Senior techs re-check every failure the model labels.",
            "Each draft the model is unsure of goes to a senior editor, who checks it, and the"
            " rest ship.",
            "A random 2% sample keeps our estimate of accuracy honest.",
            "A merge happens only if the score clears 0.97 and the two records share a domain.",
        ],
    ),
    (
        "accuracy_at_any_cost",
        ["We won't lower the bar for throughput, whatever the queue looks like."],
        ["We'd lower the bar for throughput only where the audit shows errors under 1%."],
    ),
    (
        "borrowed_threshold",
        [
            "The accuracy target is 90%, in line with what published papers on this task report.",
            "A 15% error bar is fine since it's what the literature gets.",
        ],
        ["The 12% bar comes from the cost of a stockout against a day of spare stock."],
    ),
    (
        "humans_removed",
        [
            "Planner overrides mostly add noise, so we drop them.",
            "The second release locks the manual overrides.",
        ],
        ["Overrides stay, and each one is logged with a reason so we see when planners win."],
    ),
    (
        "savings_ignore_failures",
        [
            "A wrong caption costs us basically nothing, since people can still see the photo.",
            "Running it costs nearly zero beyond the tokens.",
            "Reviewer time is the customer's concern, not ours.",
            "Triage is handled on their side.",
        ],
        [
            "A wrong caption costs us a support ticket, about $4, so we price those in.",
            "Reviewer time is our biggest cost line, ahead of the tokens.",
        ],
    ),
    (
        "borrowed_threshold",
        ["We flag above 0.8, which is the typical cut for churn models."],
        ["We flag above 0.8, which is where a missed churner and a wasted call cost the same."],
    ),
    (
        "accuracy_at_any_cost",
        ["Since compute is cheap, I'd keep making the model bigger and more accurate."],
        ["We'd make the model bigger only if the audit shows the small one misses rare cases."],
    ),
    (
        "automation_as_success",
        [
            "Our success metric is the share of tickets with a drafted summary.",
            "% of products with generated alt text should climb to 100% within a month.",
        ],
        ["Success metric: fewer wrong answers in the weekly audit of 200 drafted replies."],
    ),
    (
        "live_test_dismissed",
        ["We'd turn it on for all customers at once."],
        ["We'd turn it on for 5% of customers first and compare them with the rest."],
    ),
    (
        "full_expert_verification",
        ["Senior analysts review every answer before it is shown."],
        ["During a three-week shadow run, senior analysts review every answer."],
    ),
    (
        "synthetic_only_eval",
        ["The test set is 5,000 generated listings, each with a price the LLM assigns."],
        ["The test set is 5,000 real listings, each with the price it actually sold for."],
    ),
    (
        "selective_labels",
        ["Unsold items are noisy, so we leave them out of training."],
        ["Unsold items stay in training as listings that did not sell at that price."],
    ),
    (
        "eval_leakage",
        [
            "We use 10-fold cross-validation with random shuffling across all the hours.",
            "Inputs include the observed wind speed at the forecast hour.",
        ],
        ["We validate on the last 8 weeks, with the weather forecast as it stood the day before."],
    ),
    (
        "borrowed_threshold",
        [
            "The bar is 3% error, the figure the best operators report in the literature.",
            "It is the number the vendor's whitepaper cites as best-in-class.",
            "The 0.8 comes from the vendor's pilot at another bank.",
            "At peak we raise the threshold to keep the team flat.",
        ],
        ["The 0.8 comes from our own labeled month, where a miss costs ten false alarms."],
    ),
    (
        "predictions_as_labels",
        ["80% of model-labelled tickets train it, and 20% are held out as the test set."],
        ["80% of agent-labelled tickets train it, and 20% are held out as the test set."],
    ),
    (
        "engagement_as_success",
        ["Our north star is sessions per weekly active user."],
        ["Our north star is bookings per 1,000 sessions, against plain search."],
    ),
    (
        "thumbs_only_feedback",
        ["Quality is the thumbs-up rate on answers, reviewed monthly."],
        [
            "Thumbs up/down exists, but it's sparse; we use it to pick chats for review.",
            "Editors read 5% of replies plus every thumbs-down.",
            "A thumbs-down tells us where to look; it isn't a label.",
        ],
    ),
    (
        "guessing_metric",
        ["Success is resolution without escalation, counted per week."],
        ["Success is resolution without escalation, with the error rate in weekly audits flat."],
    ),
    (
        "savings_ignore_failures",
        [
            "Review isn't really an extra cost, since agents read every case anyway.",
            "3M tickets x 4 minutes is 200k agent-hours saved a year.",
        ],
        ["Review is a real cost: about 40 agent-hours a week on the sampled cases."],
    ),
    (
        "automation_as_success",
        [
            "The team measures success by appeals closed per day.",
            "Success is measured by claims processed per hour.",
        ],
        [
            "The team measures success by appeals closed per day without a rise in overturned"
            " decisions."
        ],
    ),
    (
        "humans_removed",
        ["Tenants can always complain if an answer is wrong, and that is our safety net."],
        ["Tenants can complain if an answer is wrong, and a weekly audit of 50 is our check."],
    ),
    (
        "eval_leakage",
        [
            "Inputs: order value, shipping speed, whether a refund was issued on the order, and"
            " the buyer's history.",
            "A shuffled split is fine since there are millions of orders, so every month shows up"
            " in both halves.",
        ],
        [
            "We check whether the refund was issued before closing the ticket.",
            "We split by month, not at random, because there are millions of orders.",
        ],
    ),
    (
        "guessing_metric",
        [
            "Misses hurt more than extra checks, so recall stays the headline number.",
            "The primary metric is recall on fraudulent refunds.",
        ],
        [
            "The primary metric is recall at 90% precision.",
            "We report recall as the headline, with precision as a guardrail above 0.8.",
            "A recall figure is only as trustworthy as the labels behind it.",
            "The detection rate is the only signal we get live about misses.",
        ],
    ),
    (
        "predictions_as_labels",
        [
            "Fraud labels: lost disputes, confirmed stolen cards and, after launch, each order the"
            " model blocks.",
            "That is why piping the model's own rejections back in helps the next version.",
        ],
        [
            "Labels come from analysts, plus every order the model blocks once an analyst has"
            " confirmed it."
        ],
    ),
    (
        "synthetic_only_eval",
        [
            "To test it we run a simulator of 5,000 generated delivery requests, and the planner"
            " handles 98% of them with no clash."
        ],
        [
            "We run a simulator seeded with real orders from last year plus synthetic rush days,"
            " and it handles 98% of them."
        ],
    ),
    (
        "no_gold_set",
        [
            "Creating our own labelled test set would just duplicate what the supplier has done.",
            "I would not spend a quarter building our own benchmark when their dataset is far"
            " bigger.",
        ],
        [
            "Building our own labelled test set is the first step.",
        ],
    ),
    (
        "no_gold_set",
        ["As the model is bought in, there is no need to label any test set of our own."],
        ["We need to build our own labelled test set before launch."],
    ),
    (
        "borrowed_threshold",
        [
            "We keep ShieldCo's default cut-off of 0.7.",
            "The vendor tuned it across their clients, so 0.9 stays.",
        ],
        ["We start from ShieldCo's 0.7 and then set our own from 400 labelled uploads."],
    ),
    (
        "humans_removed",
        [
            "We'd end the reviewers' contract at go-live.",
            "With most of it automated we no longer need a dedicated review team.",
            "Human checking isn't really needed at this scale.",
            "It replaces manual tagging entirely.",
        ],
        [
            "We'd end the reviewers' contract once the audit shows the model matches them.",
            "Human review is not needed for the confident 80%, only for the rest.",
        ],
    ),
    (
        "live_test_dismissed",
        ["We switch everyone over in one weekend."],
        ["Once the pilot clears, we switch over in one weekend."],
    ),
    (
        "savings_ignore_failures",
        ["Human review isn't needed at this volume, so the bill is just the API."],
        ["Human review is not needed for the confident 80%; the rest costs two hours a day."],
    ),
    (
        "borrowed_threshold",
        [
            "The 0.7 cut-off is what a big lender ran with in their scoring product.",
            "We keep 0.9 because it's a proven number from my last job.",
            "Their fraud team presented 0.8 as their operating point, so we start there.",
        ],
        ["We start at 0.7 and then tune it on our own labelled traffic."],
    ),
    (
        "ungated_auto_deploy",
        ["The nightly fine-tuning run picks up the edits and the new version is deployed at 6am."],
        ["A nightly fine-tuning run, and a person signs off before anything is deployed."],
    ),
    (
        "humans_removed",
        ["We deliberately don't want a moderator band, since that rebuilds the manual queue."],
        ["We want a reviewer tier for every score between 0.6 and 0.9."],
    ),
    (
        "vendor_quality_trusted",
        [
            "The supplier publishes 97.2% accuracy, far beyond anything we could build.",
            "I wouldn't re-audit their labels; they work at a scale we can't match.",
            "The vendor's 96% comes from their own QA, so I'm comfortable using it as is.",
        ],
        ["The supplier publishes 97.2% accuracy, so we re-test it on 500 of our own documents."],
    ),
    (
        "selective_labels",
        ["Each transaction the model flags goes to an analyst, and that verdict is the new label."],
        [
            "Each transaction the model flags goes to an analyst, plus a random 1% of the rest, "
            "and both verdicts become labels."
        ],
    ),
    (
        "no_gold_set",
        ["Rebuilding our own test harness would be duplicated effort, since the vendor audits it."],
        ["Building our own test harness took two weeks, and it runs on every release."],
    ),
    (
        "unchecked_llm_judge",
        [
            "The assistant drafts replies to tenants about repairs, using the lease and the repair "
            "log. Each draft goes out after the housing officer reads it. To know it is good, a "
            "second, larger LLM acts as judge and scores every draft for accuracy and tone from 1 "
            "to 5. Each week the judge rescores 300 live drafts, and a drop below 4.2 rolls the "
            "prompt back."
        ],
        [
            "The assistant drafts replies to tenants about repairs, using the lease and the repair "
            "log. Each draft goes out after the housing officer reads it. To know it is good, a "
            "second, larger LLM acts as judge and scores every draft from 1 to 5; two officers "
            "grade the same 150 drafts and we check the judge agrees with them on 90% before its "
            "score gates anything."
        ],
    ),
    (
        "acceptance_as_accuracy",
        ["Nurses agreed with 88% of the model's triage calls, which shows the model is ready."],
        ["Nurses graded 200 calls blind, without seeing the model's triage calls."],
    ),
    (
        "acceptance_as_accuracy",
        [
            "The model suspends sellers. Its false-suspension rate comes from appeals: each "
            "suspended seller can appeal and a second agent looks again.",
            "The model suspends sellers. The appeal overturn rate is our most honest error number.",
        ],
        [
            "The model suspends sellers. Its false-suspension rate comes from a blind re-review of "
            "200 random suspensions a month, with appeals tracked beside it."
        ],
    ),
    (
        "selective_labels",
        [
            "The model raises leak alerts. Crews tap Confirm or Not-leak after a visit, and we "
            "retrain every month on confirmed and rejected alerts."
        ],
        [
            "The model raises leak alerts. Crews tap Confirm or Not-leak after a visit, and we "
            "retrain every month on those plus a random 2% of pipes it never alerted on."
        ],
    ),
    (
        "automation_as_success",
        [
            "The model scores accounts for spam. North star: accounts suspended for spam per "
            "week, with time-to-action falling."
        ],
        [
            "The model scores accounts for spam. North star: spam accounts caught per week, "
            "counted on a blind weekly audit sample."
        ],
    ),
    (
        "acceptance_as_accuracy",
        [
            "The model drafts replies to tenants. The number I'd report is the share of letters "
            "where the officer sent the AI draft; if officers send it, it's good enough."
        ],
        [
            "The model drafts replies to tenants. The number I'd report is the share of letters a "
            "second officer grades correct on a blind weekly sample."
        ],
    ),
    (
        "ungated_auto_deploy",
        [
            "The model ranks patients for a call-back. It retrains every night on the latest "
            "notes, and the morning queue runs on that fresh model.",
            "The model ranks patients for a call-back. I wouldn't put a manual approval on every "
            "nightly model; that is the bottleneck.",
        ],
        [
            "The model ranks patients for a call-back. It retrains every night, and the morning "
            "queue switches to it only after it beats the current model on last month's cases."
        ],
    ),
    (
        "synthetic_only_eval",
        [
            "The model drafts eulogies from family notes. For 400 real intake forms we write a "
            "reference draft for each with our strongest model, and score the small one against it."
        ],
        [
            "The model drafts eulogies from family notes. For 400 real intake forms two editors "
            "write a reference draft for each, and we score the model against it."
        ],
    ),
    (
        "selective_labels",
        [
            "The model blocks scalper accounts. Reviewing random allowed orders would be a needle "
            "in a haystack, so analyst time is better spent on the blocked set."
        ],
        [
            "The model blocks scalper accounts. Analysts review the blocked set and a random 1% of "
            "allowed orders each week, so missed scalpers show up."
        ],
    ),
    (
        "savings_ignore_failures",
        [
            "Unsure items go to a check bin the shift leads clear. I'd keep it out of the business "
            "case because existing staff absorb it."
        ],
        [
            "Unsure items go to a check bin the shift leads clear; at 3 seconds an item that is 6 "
            "hours a day, which the business case pays for."
        ],
    ),
    (
        "unchecked_llm_judge",
        [
            "The model tags invoices by cost centre. GPT-4 labels 20,000 old invoices, a second "
            "LLM checks each label, and we keep the ones they agree on.",
            "The model tags invoices by cost centre. Claude tags the backlog for training; Claude "
            "is accurate enough that we don't need a person to check them.",
        ],
        [
            "The model tags invoices by cost centre. GPT-4 labels 20,000 old invoices, a second "
            "LLM checks each label, and two clerks settle the ones they disagree on."
        ],
    ),
    (
        "synthetic_only_eval",
        [
            "The bot routes support email. We have the LLM generate 1,500 synthetic emails for the "
            "test, with the correct queue attached when it writes them."
        ],
        [
            "The bot routes support email. We take 1,500 real emails from last quarter and two "
            "agents write the correct queue for each."
        ],
    ),
    (
        "automation_as_success",
        [
            "The bot routes support email. Success metric: the share of emails routed with no "
            "dispatcher involvement."
        ],
        [
            "The bot routes support email. Success metric: the share of emails routed to the right "
            "queue, checked on a weekly sample."
        ],
    ),
    (
        "savings_ignore_failures",
        [
            "Teachers approve each quiz before it goes live. The approval is a quick pass; "
            "teachers are already paid for the term, so it doesn't add a line to the table."
        ],
        [
            "Teachers approve each quiz before it goes live; at 10 minutes a quiz that is 200 "
            "hours, the biggest line in the table."
        ],
    ),
]


@pytest.mark.parametrize(
    ("flag", "stated", "near_misses"), STATED_FLAGS, ids=[f[0] for f in STATED_FLAGS]
)
def test_a_stated_practice_raises_its_flag_and_a_near_miss_does_not(
    brain: OfflineBrain, flag: str, stated: list[str], near_misses: list[str]
) -> None:
    for text in stated:
        assert flag in flag_ids(brain, text), text
    for text in near_misses:
        assert flag not in flag_ids(brain, text), text


def test_one_disqualifying_practice_stated_in_its_own_words_sinks_a_strong_answer(
    brain: OfflineBrain,
) -> None:
    from agents.brains.offline.red_flags import FlagFinding
    from agents.brains.offline.scoring import margin_from

    scoring = brain.calibration.scoring
    decision = scoring.decision
    flag = next(f for f in brain.rubric.red_flags if f.id == "predictions_as_labels")
    assert flag.severity >= decision.disqualifying_severity
    strong = dict.fromkeys(
        ("objective", "data_strategy", "model_integration", "evaluation", "scaling"), 4
    )
    worded = FlagFinding(flag, (0,), structural=False, worded=True)
    resembles = FlagFinding(flag, (0,), structural=False)
    assert margin_from(strong, [worded], False, scoring) <= decision.disqualified_margin < 0
    assert margin_from(strong, [resembles], False, scoring) > 0


@pytest.mark.parametrize(
    ("routing", "removal", "flags"),
    [
        # Routing the hard cases to people does not excuse denials the model sends alone.
        (
            "Above 0.92 confidence the model settles routine claims straight through; below that"
            " threshold a caseworker decides, because a wrong denial costs the claimant weeks of"
            " benefits.",
            " For the routine categories the model issues denials on its own.",
            {"humans_removed"},
        ),
        # A cut-off on the model's own confidence does not vouch for full autonomy either.
        (
            "The agent scores its own certainty and we use 0.85 as the cut-off: below it the"
            " agent pages a person instead of acting, because a wrong restart costs more than a"
            " slow one.",
            " Confidence comes from the agent's own self-rating. Once the replay suite passes, we"
            " switch on full autonomy for every low-severity page; a human approval step would"
            " defeat the purpose.",
            {"humans_removed", "self_reported_confidence"},
        ),
    ],
)
def test_routing_to_people_does_not_excuse_removing_them_elsewhere(
    brain: OfflineBrain, routing: str, removal: str, flags: set[str]
) -> None:
    analysis = brain.analyze(opening(routing))
    assert analysis.findings["confidence_thresholds"].anchored_credit
    assert "humans_removed" not in flag_ids(brain, routing)
    assert flags <= flag_ids(brain, routing + removal)


def test_the_model_being_graded_is_not_a_grader_model(brain: OfflineBrain) -> None:
    text = (
        "Underwriters score every packet against the source documents, and a new version ships"
        " only if field accuracy on 500 double-keyed packets stays above 99%. Whether to lend is"
        " the underwriter's call, and I don't want the model graded on it."
    )
    assert "unchecked_llm_judge" not in flag_ids(brain, text)


def test_a_course_autograder_is_not_a_grader_model(brain: OfflineBrain) -> None:
    text = (
        "Last term the tutor bot kept quiet when forty students hit the same broken autograder"
        " on one assignment. Two senior teaching assistants list the facts each digest must"
        " carry for 300 real threads, and a new prompt ships only if recall on them holds."
        " Instructors see the digest each morning beside a link to the full thread, and any"
        " thread they open anyway is logged per course."
    )
    assert "unchecked_llm_judge" not in flag_ids(brain, text)
    graded = " An LLM autograder scores every digest against that list."
    assert "unchecked_llm_judge" in flag_ids(brain, text + graded)


BOOKED_SAVINGS = (
    "Each chat costs about eight cents in tokens, retrieval and logging. A ticket an agent works"
    " costs us around $6 fully loaded, so every AI resolution saves close to $5.90 against a"
    " human one. The pilot resolves 40% of 150,000 monthly chats, which is 60,000 resolutions"
    " and roughly $354k a month saved against about $12k of model spend, so the case is"
    " strong and I would widen the bot to orders and returns next."
)
FAILURES_PRICED = (
    BOOKED_SAVINGS
    + " The 60% it fails still reach an agent, and those chats run about three minutes longer,"
    " so I charge that extra agent time to the bot before calling it a saving."
)


def test_savings_booked_on_every_resolution_with_failures_unpriced_raise_the_flag(
    brain: OfflineBrain,
) -> None:
    found = [
        f
        for f in brain.analyze(opening(BOOKED_SAVINGS)).flags
        if f.flag.id == "savings_ignore_failures"
    ]
    assert found and found[0].absent and found[0].practice_used
    assert "savings_ignore_failures" not in flag_ids(brain, FAILURES_PRICED)
    # Waving the failures off as business as usual prices nothing.
    waved = BOOKED_SAVINGS + (
        " The chats it escalates go to agents as they do today, so they don't change the cost."
    )
    assert "savings_ignore_failures" in flag_ids(brain, waved)


def test_a_bad_practice_in_a_why_not_column_is_turned_down(brain: OfflineBrain) -> None:
    table = (
        "Three shortcuts I would not take:\n\n"
        "| Shortcut | Why not |\n|---|---|\n"
        "| Quality = drafts agents rate helpful | A thumbs-up only says the draft read well. |\n"
        "| One model for every ticket | Password resets don't need the big one. |\n"
    )
    analysis = brain.analyze(opening(table))
    assert "thumbs_only_feedback" not in {f.flag.id for f in analysis.flags}
    stated = "We measure quality by the thumbs-up rate agents give the drafts, nothing else."
    assert "thumbs_only_feedback" in flag_ids(brain, stated)


def test_past_items_graded_by_people_are_a_reference_set(brain: OfflineBrain) -> None:
    text = (
        "The screening summaries need a reference before anything else. Two senior recruiters"
        " graded 120 screening notes from last month's hiring round, each marked keep or"
        " rewrite. A new prompt ships only if it matches their call on 90% of them."
    )
    credited = {f.signal.id for f in brain.analyze(opening(text)).credited_signals()}
    assert "gold_reference_set" in credited


def test_a_cost_waved_off_as_one_people_would_bear_anyway_earns_nothing(
    brain: OfflineBrain,
) -> None:
    text = (
        "The 60% the bot can't close would have gone to an agent anyway, so their model cost"
        " of 4 cents each is overhead we can ignore."
    )
    assert not brain.analyze(opening(text)).credited_signals()
    free = "Each summary is a few cents, basically free next to an editor at $60 an hour."
    assert not brain.analyze(opening(free)).credited_signals()


def test_a_no_compound_negates_nothing_and_a_launch_bar_is_a_reference(
    brain: OfflineBrain,
) -> None:
    # "pay or no-pay" names a decision; it does not negate the launch bar after it.
    text = (
        "The agent reads each small claim and proposes pay or deny with the amount. For quality,"
        " we take 800 settled claims where an adjuster made the final call, run the agent on"
        " them, and need 95% agreement on pay or no-pay before anything goes live. After launch"
        " we count how many paid claims are reopened within 60 days, and each claim costs a few"
        " cents in model calls against about 30 minutes of adjuster time."
    )
    assert "no_gold_set" not in flag_ids(brain, text)


def test_a_full_re_read_cut_to_a_sample_is_no_stopped_audit(brain: OfflineBrain) -> None:
    shrunk = (
        "Once a label type has held its accuracy for a quarter, reviewers stop re-reading its"
        " outputs in full and check a 1-in-10 sample instead."
    )
    assert "audit_stopped" not in flag_ids(brain, shrunk)
    stopped = "After three months in a row at 98% we stop auditing."
    assert "audit_stopped" in flag_ids(brain, stopped)


PLAIN_DESIGN = (
    " The assistant reads each case file and drafts a recommendation with citations for a"
    " specialist to sign. Reviewers see the draft beside the source documents, and anything over"
    " $50k goes to a senior reviewer. Each draft costs about 30 cents, small next to twenty"
    " minutes of specialist time, and the team reviews the weekly error report every Monday."
)


@pytest.mark.parametrize(
    ("flag", "sentence"),
    [
        ("automation_as_success", "KPI: % of tickets closed by the agent without escalation."),
        (
            "automation_as_success",
            "We'll call it a win when nine in ten invoices go straight to the ledger untouched.",
        ),
        (
            "automation_as_success",
            "The metric we care about is how much of the queue the model clears on its own.",
        ),
        (
            "savings_ignore_failures",
            "Each automated resolution is worth about $4.50 in agent"
            " time; times 80,000 a month, the bot pays for itself in weeks.",
        ),
        (
            "savings_ignore_failures",
            "We save roughly $9 per ticket the AI closes, which adds up to over a million a year.",
        ),
        (
            "vendor_quality_trusted",
            "The vendor's dashboard shows 98% label accuracy, so we accept"
            " their batches as they come.",
        ),
        (
            "unchecked_llm_judge",
            "GPT-4 grades every answer from 1 to 5 against the rubric, and"
            " the average is our quality score.",
        ),
        ("unchecked_llm_judge", "We let Claude score the drafts for tone and accuracy."),
        (
            "guessing_metric",
            "Every time the assistant says it can't help, that's counted as a miss.",
        ),
        ("guessing_metric", "The bot is measured on answer rate, so it should always answer."),
        (
            "short_experiment",
            "We ran the new ranker on half the traffic for two days, it won, and we shipped it.",
        ),
        ("short_experiment", "The test stops the moment we hit p < 0.05."),
        ("short_experiment", "A weekend A/B is enough at our volume."),
        ("short_experiment", "We'd run the A/B over Thanksgiving week, when volume peaks."),
        (
            "predictions_as_labels",
            "High-confidence outputs become next month's training data automatically.",
        ),
        (
            "predictions_as_labels",
            "We bootstrap labels by letting the model label the rest of the"
            " backlog and retraining on that.",
        ),
        (
            "acceptance_as_accuracy",
            "If the agent sends the draft without edits, we count it as correct.",
        ),
        ("acceptance_as_accuracy", "Accuracy is the share of suggestions the coders accept."),
        (
            "borrowed_threshold",
            "We use 0.8 as the cut-off because that's the standard in the industry.",
        ),
        ("borrowed_threshold", "I'd start with the usual 0.5 threshold."),
        (
            "accuracy_hides_rare_cases",
            "Fraud is about 1% of claims, and our model is 98% accurate,"
            " which beats the current rules.",
        ),
        (
            "self_reported_confidence",
            "The model returns a confidence field in its JSON, and we"
            " auto-post when it's above 0.9.",
        ),
        (
            "live_test_dismissed",
            "An online experiment would take too long, so once it beats the"
            " old model offline we roll it out fully.",
        ),
    ],
)
def test_a_flawed_practice_in_other_words_still_raises_its_flag(
    brain: OfflineBrain, flag: str, sentence: str
) -> None:
    assert flag in flag_ids(brain, sentence + PLAIN_DESIGN), sentence


def test_injected_faults_as_the_only_truth_are_a_synthetic_gate(brain: OfflineBrain) -> None:
    notes = (
        "eval before it acts\n"
        "- truth = fault-injection harness on staging: 2,400 injected faults x 8 types\n"
        "- past incidents skipped: postmortems inconsistent, no clean labels -> harness = clean"
        " truth\n"
        "- bar: detection recall >= 95%, correct action >= 90%, false actions < 1/day\n"
    )
    assert "synthetic_only_eval" in flag_ids(brain, notes)
    both = notes.replace(
        "past incidents skipped: postmortems inconsistent, no clean labels -> harness = clean"
        " truth",
        "the simulator is the ground truth for timing only; 300 real incidents are replayed too",
    )
    assert "synthetic_only_eval" not in flag_ids(brain, both)


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        ("Rejected: a side-by-side preference test.", True),
        ("Ruled out: fine-tuning a model of our own.", True),
        ("Chosen: 100 held-back disputes gate every release.", False),
        ("Things I'd avoid: thumbs-only feedback as the quality signal.", False),
    ],
)
def test_an_option_filed_as_turned_down_is_declined(
    brain: OfflineBrain, text: str, declined: bool
) -> None:
    """A turned-down option shows no signal; a bad practice filed under what to avoid is still
    read as rejected (credit), so that label is not a declined option."""
    negation = brain.analyzer.red_flags.negation
    assert negation.declined(text) is declined


@pytest.mark.parametrize(
    ("flag", "stated", "sound"),
    [
        (
            "humans_removed",
            "The model merges the low-risk updates itself; a reviewer here is basically theatre.",
            "Approving every update by hand is theatre, so only updates under 0.8 confidence go to"
            " a reviewer and we audit 2% of the rest each week.",
        ),
        (
            "unchecked_llm_judge",
            "A bigger model from the same vendor grades a daily sample of 300 of its verdicts.",
            "We never let a model from the same vendor grade the verdicts; two engineers do.",
        ),
        (
            "predictions_as_labels",
            "Above the cut-off we tag the calls automatically with the model's prediction, and"
            " those tags feed the next model.",
            "We tag the calls automatically with the model's prediction and two agents correct"
            " the wrong ones before training.",
        ),
        (
            "average_latency_budget",
            "We size the GPU fleet on average weekday traffic and add nodes as usage grows.",
            "We size the GPU fleet on average traffic plus twice that for the Monday peak.",
        ),
        (
            "eval_leakage",
            "Golden set: the same 300 tickets we used for tuning the prompts.",
            "Golden set: nothing in it is used for tuning the prompts.",
        ),
        (
            "engagement_as_success",
            "Our north star is minutes per user spent in the assistant each week.",
            "North star: 7-day retained meaningful sessions per user.",
        ),
        (
            "thumbs_only_feedback",
            "Quality after launch is the thumbs-up and thumbs-down rate under each answer.",
            "Online we watch the escalation rate, 7-day recontact and the thumbs-down rate on a"
            " 10% split.",
        ),
        (
            "no_gold_set",
            "Before each release two engineers eyeball a few dozen answers and we ship.",
            "Clinic staff who today eyeball every referral by hand would get a ranked queue.",
        ),
        (
            "borrowed_threshold",
            "We use 0.85 because that is the cut-off the vendor's spam benchmark recommends.",
            "We start at the cut-off the vendor's benchmark recommends, then move it to where"
            " our own 2,000 labelled messages put the break-even.",
        ),
        (
            "acceptance_as_accuracy",
            "We watch the alert acceptance rate: if analysts agree with most alerts, the model"
            " is working.",
            "If analysts agree with most alerts, we still audit 200 unflagged accounts a week for"
            " misses.",
        ),
        (
            "automation_as_success",
            "Success means containment above 75% by the end of the quarter.",
            "Containment is a guardrail; success means the audited wrong-answer rate stays"
            " under 2%.",
        ),
        (
            "vendor_quality_trusted",
            "Go-live gate: the supplier's internal benchmark of 1,500 forms, labelled by its own"
            " QA staff, at 96% agreement.",
            "The supplier's internal benchmark is only a first look; our own reviewers label"
            " 1,500 forms for the go-live gate.",
        ),
        (
            "self_reported_confidence",
            "Quality = average field confidence across the rows we updated, reported monthly.",
            "Quality is the share of 300 audited rows that our callers confirm are right.",
        ),
        (
            "self_reported_confidence",
            "The routing confidence is taken from the agent's own self-rating, and above 0.7 it"
            " acts.",
            "The agent's self-rated confidence is checked against a labelled sample each month.",
        ),
        (
            "self_reported_confidence",
            "The routing confidence is the agent's own self-assessment score; 0.8 is the cut-off.",
            "The routing confidence is the ticket classifier's own score; 0.8 is the cut-off.",
        ),
        (
            "selective_labels",
            "We test it on last quarter's refunds that agents approved and check it gives the"
            " same amount.",
            "We test it on last quarter's refunds that agents approved and the ones they"
            " rejected, 1,000 of each.",
        ),
        (
            "automation_as_success",
            "Resolved means no transfer to an agent within the chat.",
            "A chat counts as resolved only if the customer does not contact us again within"
            " seven days.",
        ),
        (
            "engagement_as_success",
            "North star: messages sent per conversation in the first day.",
            "North star: share of new matches that agree to meet within two weeks.",
        ),
        (
            "acceptance_as_accuracy",
            "For a month reviewers see the model's suggestion as a pre-fill and we log the match"
            " rate.",
            "For a month reviewers decide blind, without seeing the model's suggestion, and we"
            " log the match rate.",
        ),
        (
            "borrowed_threshold",
            "Orders scoring above 0.5 are cancelled automatically; the rest ship.",
            "Orders scoring above 0.5 are cancelled, since that is where a missed fraud and a lost"
            " sale cost the same.",
        ),
        (
            "eval_leakage",
            "We take a random 90/10 split across the three years of claims.",
            "We train on the first 30 months of claims and test on the last six.",
        ),
        (
            "errors_shown_to_user",
            "If the model times out, the page says something went wrong and asks them to retry.",
            "The ops team would tell us if something went wrong with the weekly export.",
        ),
        (
            "accuracy_hides_rare_cases",
            "Spam is roughly 2% of sign-ups, so we'd target accuracy and aim for 98% or better.",
            "Spam is roughly 2% of sign-ups, so we'd target recall at a fixed 1% false-positive"
            " rate, not accuracy.",
        ),
        (
            "humans_removed",
            "The point of the agent is that nobody has to approve any of its actions.",
            "Nobody has to approve the password resets; account deletions wait for a person.",
        ),
    ],
)
def test_a_stated_practice_is_flagged_and_its_sound_neighbour_is_not(
    brain: OfflineBrain, flag: str, stated: str, sound: str
) -> None:
    assert flag in flag_ids(brain, stated)
    assert flag not in flag_ids(brain, sound)


def test_a_bare_no_under_a_label_is_part_of_the_practice_not_its_denial(
    brain: OfflineBrain,
) -> None:
    assert "automation_as_success" in flag_ids(
        brain, "Success metric: share of product pages published with no reviewer touch."
    )
    assert "eval_leakage" not in flag_ids(
        brain, "Reference set: none of it is ever used for tuning the prompts."
    )


def test_accuracy_as_the_target_is_a_fault_only_where_the_answer_says_the_event_is_rare(
    brain: OfflineBrain,
) -> None:
    target = "We'd optimise for accuracy on the extracted fields and ship above 97%."
    assert "accuracy_hides_rare_cases" not in flag_ids(brain, target)
    rare = "Chargebacks are about 0.4% of orders. We'd optimise for accuracy and ship above 97%."
    assert "accuracy_hides_rare_cases" in flag_ids(brain, rare)


@pytest.mark.parametrize(
    ("announced", "plain"),
    [
        (
            "Two ideas I would argue against at once. One: user thumbs as the main quality signal.",
            "Two ideas I would build on at once. One: user thumbs as the main quality signal.",
        ),
        (
            "First, what I would not do.\n\n- Use thumbs up/down as the only feedback.",
            "First, what I would do.\n\n- Use thumbs up/down as the only feedback.",
        ),
    ],
)
def test_practices_listed_after_an_announced_refusal_are_turned_down(
    brain: OfflineBrain, announced: str, plain: str
) -> None:
    assert "thumbs_only_feedback" not in flag_ids(brain, announced)
    assert "thumbs_only_feedback" in flag_ids(brain, plain)


def test_an_announced_refusal_ends_at_the_next_heading(brain: OfflineBrain) -> None:
    text = (
        "Two ideas I would argue against at once.\n\n- Ship on the offline score alone.\n\n"
        "## Feedback\n\n- Use thumbs up/down as the only feedback."
    )
    assert "thumbs_only_feedback" in flag_ids(brain, text)


def test_a_semicolon_before_a_new_subject_keeps_the_two_clauses_apart(
    brain: OfflineBrain,
) -> None:
    text = (
        "We compare the model with the mechanic's call on every repair; disagreements are"
        " reviewed by a senior mechanic each Friday."
    )
    assert "full_expert_verification" not in flag_ids(brain, text)


@pytest.mark.parametrize(
    "text",
    [
        "A fraud score never auto-declines a claim; above 0.8 it goes to an investigator.",
        "We tuned 0.7 on last quarter's labelled returns and re-check it on each new month.",
        "The cost of a wrongly blocked shopper is a lost order, about $40, so we price it in.",
        "The supplier demoed 96% accuracy, so we built 300 notes of our own to check it first.",
        "A misread quantity is caught by the clerk who reviews every low-confidence note.",
        "We keep 10% random audits so the labels cover shops the model never flags.",
        "We never need to label by hand the routine notes, only the 400-note gold set.",
    ],
)
def test_the_sound_versions_of_those_practices_raise_nothing(
    brain: OfflineBrain, text: str
) -> None:
    found = flag_ids(brain, text)
    assert (
        not {
            "humans_removed",
            "borrowed_threshold",
            "savings_ignore_failures",
            "vendor_quality_trusted",
            "selective_labels",
            "thumbs_only_feedback",
        }
        & found
    ), found


def test_a_focused_question_answered_with_evidence_in_every_stage_it_asks_leans_hire(
    brain: OfflineBrain,
) -> None:
    from agents.brains.offline.red_flags import FlagFinding
    from agents.brains.offline.scoring import margin_from

    scoring = brain.calibration.scoring
    asked = ["objective", "evaluation"]
    one_each = dict.fromkeys(asked, 2)
    assert margin_from(one_each, [], False, scoring, scope=asked) > 0
    # ... not with a red flag stated, nor when one stage alone is asked and shows one signal.
    flag = next(f for f in brain.rubric.red_flags if f.id == "borrowed_threshold")
    stated = FlagFinding(flag, (0,), structural=False)
    assert margin_from(one_each, [stated], False, scoring, scope=asked) <= 0
    assert margin_from({"evaluation": 2}, [], False, scoring, scope=["evaluation"]) <= 0
    assert margin_from({"objective": 2, "evaluation": 1}, [], False, scoring, scope=asked) <= 0


@pytest.mark.parametrize(
    ("signal", "text"),
    [
        (
            "online_ab_test",
            "We pilot it in one borough against a borough that doesn't have it yet and compare"
            " missed collections over eight weeks.",
        ),
        (
            "tiered_sample_verification",
            "After launch, a pharmacist looks at a sample of unflagged prescriptions every week"
            " to catch misses.",
        ),
    ],
    ids=["pilot-against-sites-without-it", "sample-of-passes"],
)
def test_a_signal_named_in_new_words_is_read(brain: OfflineBrain, signal: str, text: str) -> None:
    analysis = brain.analyze(opening(text))
    assert analysis.findings[signal].evidence, {s: f.evidence for s, f in analysis.findings.items()}


def test_a_test_set_built_only_from_generated_cases_is_flagged_on_the_lines_that_build_it(
    brain: OfflineBrain,
) -> None:
    answer = (
        "Goal: route every permit application to the right desk; a wrong desk costs a week. "
        "Data: ten years of routed applications, with the desk that finally approved each. "
        "Because the real files hold personal data, we build the test set synthetically: a "
        "model writes 2,000 applications with known desks. Release gate: 97% on that synthetic "
        "set. The model routes; a clerk checks anything under 0.8 confidence. At 40,000 a year "
        "and a few cents each, the cost is clerk time for the low-confidence share."
    )
    flags = {f.flag.id: f for f in brain.analyze(opening(answer)).flags}
    assert "synthetic_only_eval" in flags
    assert flags["synthetic_only_eval"].sentences  # quoted, not cited by a bare snippet


def test_a_grader_compared_with_any_named_experts_is_checked(brain: OfflineBrain) -> None:
    answer = (
        "Archivists are scarce, so an LLM grader checks every catalogue summary for invented "
        "dates, but only after we compare it with archivist grades on 300 summaries and it "
        "agrees on at least 90% of the failures. Every change must keep the 300-summary score. "
        "An archivist reads 40 random summaries a week and each one the grader fails. If the "
        "model is down, the record page shows the plain catalogue entry instead. We launch in "
        "one reading room for a month before the rest."
    )
    assert "unchecked_llm_judge" not in flag_ids(brain, answer)


def test_a_replay_posed_as_a_question_is_the_answers_own_check(brain: OfflineBrain) -> None:
    answer = (
        "Goal: fill each delivery route with drivers who show up. Coordinators approve every"
        " list; the model only ranks who to invite first, from past sign-ups and distance. For"
        " each route last spring, would the ranking have picked the drivers who actually came as"
        " its top ten? If it beats the plain rota on that replay, we run it live in alternate"
        " weeks for two months and compare no-shows. If the model is down, coordinators get"
        " the rota list."
    )
    analysis = brain.analyze(opening(answer))
    replay = next(s for s in analysis.sentences if "would the ranking" in s.text)
    assert analysis.features[replay.index].stance == "asserts"
    assert "no_gold_set" not in {f.flag.id for f in analysis.flags}


def test_what_a_flagged_claim_introduces_with_a_colon_earns_nothing(brain: OfflineBrain) -> None:
    reason = (
        "every Monday we re-measure accuracy on a 300-case audit sample and retrain when it falls"
        " two points."
    )
    alone = brain.analyze(opening(reason[0].upper() + reason[1:]))
    assert alone.findings["drift_retraining_trigger"].credited
    head = "That is why piping the model's own rejections back in matters"
    flagged = brain.analyze(opening(f"{head}: {reason}"))
    assert "predictions_as_labels" in {f.flag.id for f in flagged.flags}
    assert not flagged.findings["drift_retraining_trigger"].credited
