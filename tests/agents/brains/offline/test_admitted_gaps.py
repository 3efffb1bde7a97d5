"""An admitted gap is followed up as what it is: advice about what was admitted, a worry voiced
only by the panelist who owns it; a deeper probe quotes a sentence about its own subject; a
panelist voting no although its own stages hold up says which stage sinks the answer."""

from __future__ import annotations

from typing import Any

from agents.brains.offline import OfflineBrain
from agents.brains.offline.advice import Advisor
from agents.brains.offline.probes import read_as
from agents.brains.offline.reading import Reading
from agents.brains.offline.votes import worry_elsewhere
from agents.transcript import Turn
from knowledge.loader import load_panel, load_questions
from knowledge.models import Panel
from tests.agents.brains.interview import Interview
from tests.agents.brains.offline.conftest import asked, opening

INVOICE_ANSWER = """\
First I'd ask what a mistake costs here. Posting a wrong amount to the ledger means finance has
to reverse it and a supplier gets paid the wrong sum, so a wrong total is far worse than a blank
field a clerk fills in.

To measure it, I'd take about 400 invoices from last quarter and have two payables clerks key
them independently, with the payables manager settling any disagreement. Those 400 are never used
for prompt tuning, and nothing goes live unless total-amount accuracy on them is 99.5% or better.

Every field comes back with a confidence score. Above 0.9 on every field the invoice posts on its
own; anything lower goes to a clerk queue with the doubtful fields highlighted. Clerks'
corrections are kept, and once a month the corrected invoices join the fine-tuning pool.

Honestly I haven't worked out the per-invoice cost yet; I'd want to sit down with finance on it.
"""

DRAFTS_ANSWER = """\
**Goal.** Cut the time agents spend writing replies, measured as median handle time, by 25% in
two quarters, without satisfaction dropping more than a point.

**Data.** Agents rate every draft with a thumbs up or down, and that rating is our quality signal.

**Model.** A large hosted model with retrieval over the help centre; if retrieval finds nothing
relevant, the draft says so instead of guessing.

**Cost.** Roughly 2k tokens per ticket, about $0.02 each; at 40k tickets a month that is $800,
small next to agent time.
"""


async def test_advice_on_an_admitted_gap_is_about_what_was_admitted(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("document-extraction")
    turns = opening(INVOICE_ANSWER)
    debrief = await Interview(brain).debrief(question, turns, [])
    hedged = [a for a in debrief.advice if a.citation and "per-invoice cost" in a.citation.quote]
    assert hedged, [a.text for a in debrief.advice]
    cost_signals = {"unit_economics_margin", "inference_cost", "labeling_cost"}
    assert all(a.target in cost_signals for a in hedged), [a.target for a in hedged]


async def test_only_the_owner_of_an_admitted_gap_worries_about_it(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = load_questions().get("document-extraction")
    turns = opening(INVOICE_ANSWER)
    reading = brain.reader.read(question, turns)
    hedge = next(i for i in reading.hedge_rows() if "per-invoice" in reading.rows[i].quote)
    owner = reading.signals[reading.hedge_topics[hedge]].owner
    for panelist in panel.panelists:
        vote = (await brain.vote(panelist, question, turns)).value
        quoted = "per-invoice cost" in vote.rationale
        assert quoted == (panelist.id == owner), (panelist.id, vote.rationale)


def test_a_deeper_probe_anchors_only_on_a_sentence_about_its_subject(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("document-extraction")
    reading = brain.reader.read(question, opening(INVOICE_ANSWER))
    for signal_id in reading.signals:
        anchor = read_as(reading, signal_id)
        if anchor is not None:
            assert reading.rows[anchor].signal in (None, signal_id), (signal_id, anchor)
    # The reference-set sentence is about the reference set, not about user behaviour.
    reference = next(i for i, r in enumerate(reading.rows) if "400 invoices" in r.quote)
    assert read_as(reading, "implicit_behavioral_feedback") != reference


def test_a_no_vote_from_strong_own_stages_names_the_stage_that_sinks_it(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("support-bot-deflection")
    reading = brain.reader.read(question, opening(DRAFTS_ANSWER))
    weakest = min(
        (s for s in reading.scope if s != "scaling"),
        key=lambda s: (reading.scores[s], brain.rubric.stage(s).order),
    )
    line = "{stage} | {gap}"
    said = worry_elsewhere(reading, ["scaling"], brain.calibration, brain.rubric, line)
    stage, gap = said.split(" | ")
    name = brain.rubric.stage(weakest).name
    assert stage == name[:1].lower() + name[1:]
    assert gap  # the flag's concern or the missing idea, never empty


def _reply_to_interviewer(brain: OfflineBrain, gap: str, reply: str) -> tuple[Reading, int]:
    """A fraud answer, an interviewer's question about `gap`, and the candidate's reply: the
    reading, and the reply's row."""
    question = load_questions().get("fraud-review-queue")
    turns = [
        Turn(id="t1", speaker="candidate", text="Chargebacks label the fraud, a month late."),
        Turn(
            id="t2",
            speaker="interviewer",
            text="How would you know a new version is better before users see it?",
            round=1,
            stage="evaluation",
            gap=gap,
        ),
        Turn(id="t3", speaker="candidate", text=reply, round=1),
    ]
    reading = brain.reader.read(question, turns)
    return reading, next(i for i, r in enumerate(reading.rows) if r.turn == "t3")


def test_a_hedge_in_a_reply_admits_the_idea_it_names_not_the_question_before_it(
    brain: OfflineBrain,
) -> None:
    reading, hedge = _reply_to_interviewer(brain, "heldout_gold_gate", "Not sure about costs yet.")
    assert reading.signals[reading.hedge_topics[hedge]].stage == "scaling"
    advisor = Advisor(brain.reader.rubric, brain.calibration)
    advice = [a for a in advisor.advice(reading) if a.citation and a.citation.turn == "t3"]
    assert all(a.stage == "scaling" for a in advice), [a.text for a in advice]


def test_an_admission_about_token_math_is_about_the_model_bill(brain: OfflineBrain) -> None:
    reply = (
        "Here I am honestly unsure — my token math is tens of millions of tokens per study if"
        " naive, so a rules pre-filter and re-checking only changed records are needed."
    )
    reading, hedge = _reply_to_interviewer(brain, "drift_retraining_trigger", reply)
    assert reading.hedge_topics[hedge] == "inference_cost"


def test_a_bare_hedge_after_a_red_flag_probe_admits_the_practice_that_answers_it(
    brain: OfflineBrain,
) -> None:
    reading, hedge = _reply_to_interviewer(brain, "no_gold_set", "We'd look at it later.")
    assert reading.hedge_topics[hedge] in {"gold_reference_set", "heldout_gold_gate"}


def _stance(brain: OfflineBrain, text: str) -> str:
    return brain.analyzer.extractor.features([text])[0].stance


def test_an_outline_value_left_open_is_a_hedge_but_a_case_named_unknown_is_not(
    brain: OfflineBrain,
) -> None:
    assert _stance(brain, "Labeling cost: unknown yet.") == "hedges"
    assert _stance(brain, "Latency budget: TBD for now") == "hedges"
    assert (
        _stance(
            brain, "Pipeline: Unknown layouts go to the larger model with a strict JSON schema."
        )
        == "asserts"
    )


def test_the_academic_way_of_not_committing_is_a_hedge(brain: OfflineBrain) -> None:
    for text in (
        "One might recalibrate the threshold quarterly, or whenever the mix of claims changes.",
        "The sampling literature suggests auditing the cases the model is least sure about.",
        "Shifts in the score distribution may serve as an early proxy for degradation.",
        "The exact cadence would need to be determined empirically.",
    ):
        assert _stance(brain, text) == "hedges", text
    assert (
        _stance(brain, "We recalibrate the threshold every quarter on 500 audited claims.")
        == "asserts"
    )


MENU_ANSWER = """\
There are a few ways we could approach this, and I'd want to keep our options open early on.

On quality, one option is to count a comment as good when the author applies its fix. Another
might be to have senior reviewers rate a sample of comments. We could also keep 500 past PRs
where a reviewer caught a real bug and see how many of those the bot finds.

On models, we could send diffs under 200 lines to a cheap model, or alternatively we might use one
mid-sized model for everything. A new model could be checked on the reference set, or we could
just A/B it on a few teams, or maybe both.
"""


def _stances(brain: OfflineBrain, text: str) -> dict[str, str]:
    analysis = brain.analyzer.analyze([Turn(id="t1", speaker="candidate", text=text)])
    return {s.text: f.stance for s, f in zip(analysis.sentences, analysis.features, strict=True)}


def _stance_of(stances: dict[str, str], start: str) -> str:
    return next(stance for text, stance in stances.items() if text.startswith(start))


def test_options_offered_and_never_chosen_are_not_the_design(brain: OfflineBrain) -> None:
    stances = _stances(brain, MENU_ANSWER)
    for start in ("We could also keep 500 past PRs", "On models, we could send", "Another"):
        assert _stance_of(stances, start) == "hedges", start
    # One possibility in an answer that decides is a plan all the same.
    decided = (
        "We keep 500 past PRs as the reference set, and a new model ships only if it finds more"
        " of their bugs. If the cheap model lags, we could route large diffs to the bigger one."
    )
    assert set(_stances(brain, decided).values()) == {"asserts"}


async def test_options_never_chosen_are_named_as_such_in_reasons_and_advice(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("code-review-bot")
    scorecard = await Interview(brain).debrief(question, opening(MENU_ANSWER), [])
    assert any("never picks one" in r.claim for r in scorecard.reasons)
    chosen = [a.text for a in scorecard.advice if "leaves the choice open" in a.text]
    assert chosen and all("Pick one" in text for text in chosen)


HELPDESK_ANSWER = """\
A support reply counts as right when a senior agent would have sent it unchanged for that
customer's order and plan. Two senior agents answer 300 customer tickets from last month and a
third settles disagreements; that set is kept out of every prompt. A release ships only if it
resolves 65% of those with no wrong policy statement. If the model times out after 5 seconds, the
customer gets the usual "an agent will join you" note. Every week a senior agent grades 80
random closed chats blind.

I haven't priced the model yet; engineering would give me that before launch.
"""


async def test_an_admission_that_names_its_topic_is_followed_up_by_its_owner(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("support-bot-deflection")
    panel = {p.id: p for p in load_panel().panelists}
    probes = await Interview(brain).probe(
        panel["hiring_manager"], question, opening(HELPDESK_ANSWER), 1
    )
    quoting = [p for p in probes if "priced the model yet" in p.text]
    assert quoting, [p.text for p in probes]
    assert quoting[0].gap == "inference_cost"


def test_a_follow_up_quotes_a_sentence_read_first_as_its_signal_when_there_is_one(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    checked = 0
    for item in samples["samples"][:12]:
        reading = brain.reader.read(asked(item), opening(item["answer"]))
        for signal_id in reading.credited_signals():
            rows = [i for i, r in enumerate(reading.rows) if r.credited and r.signal == signal_id]
            first = [i for i in rows if _read_first(reading, i) == signal_id]
            anchor = reading.anchor_row(signal_id)
            assert anchor in rows
            if first:
                checked += 1
                assert anchor in first, (signal_id, reading.rows[anchor].quote)
    assert checked >= 10


def _read_first(reading: Reading, index: int) -> str:
    scores = reading.analysis.features[index].signal_scores[:-1]
    column = max(range(len(scores)), key=lambda j: (scores[j], -j))
    return next(s for s, c in reading.columns.items() if c == column)


def test_the_cases_a_design_is_unsure_of_are_a_rule_not_an_admission(brain: OfflineBrain) -> None:
    assert _stance(brain, "We never post an amount we are not sure of.") != "hedges"
    assert _stance(brain, "Anything the model is not sure about goes to a clerk.") != "hedges"
    assert _stance(brain, "I'm not sure about the labeling cost.") == "hedges"
    assert _stance(brain, "The part I'm not sure about is the review cost.") == "hedges"


def test_what_the_product_says_back_unquoted_is_not_the_candidate_hedging(
    brain: OfflineBrain,
) -> None:
    said = "and if the part number is unknown it says i'm not sure and gives the parts desk line"
    assert _stance(brain, said) != "hedges"
    assert _stance(brain, "and honestly i'm not sure it says enough about cost") == "hedges"


def test_things_not_yet_done_to_are_described_not_admitted(brain: OfflineBrain) -> None:
    text = "After launch, the cables we haven't swapped yet are the control group."
    assert _stance(brain, text) != "hedges"
    assert _stance(brain, "We haven't sized the review queue yet.") == "hedges"
