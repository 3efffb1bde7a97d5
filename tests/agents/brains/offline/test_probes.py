"""Probes: the panelist's own gaps, named, in its voice, grounded in real snippets."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from agents.brains.offline import OfflineBrain
from agents.brains.offline.advice import Advisor
from agents.brains.offline.calibration import Calibration
from agents.brains.offline.probes import (
    Gap,
    _Asking,
    _deeper_gaps,
    _rests_on,
    _row_label,
    choose,
    claim_quote,
    read_as,
)
from agents.state import Probe
from agents.transcript import Turn
from knowledge.loader import load_questions
from knowledge.models import Panel, Question
from knowledge.scope import custom_question
from tests.agents.brains.offline.conftest import (
    HELP_WIDGET_QUESTION,
    exchange,
    help_widget_round,
    opening,
    sample,
)
from tests.doubles import CorpusIndex


async def test_probes_name_owned_gaps_and_carry_real_snippets(
    brain: OfflineBrain,
    retriever: CorpusIndex,
    samples: dict[str, Any],
    panel: Panel,
    question: Question,
) -> None:
    transcript = opening(sample(samples, "weak")["answer"])
    for panelist in panel.panelists:
        probes = (await brain.probe(panelist, question, transcript, 1)).value
        assert 1 <= len(probes) <= brain.calibration.probes.per_panelist
        for probe in probes:
            assert probe.panelist == panelist.id
            assert probe.stage in panelist.stages
            assert probe.gap_kind in {"missing_signal", "thin_signal", "red_flag", "deeper"}
            assert probe.text.strip()
            assert probe.snippet_ids and all(retriever.has(i) for i in probe.snippet_ids)
        assert [p.severity for p in probes] == sorted((p.severity for p in probes), reverse=True)


async def test_red_flags_are_probed_first_by_their_owner(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    transcript = opening(sample(samples, "weak")["answer"])
    probes = (await brain.probe(panel.get("lead_engineer"), question, transcript, 1)).value
    assert probes[0].gap == "magic_box" and probes[0].gap_kind == "red_flag"
    assert "GPT-4" in probes[0].text  # quotes the candidate's own words


async def test_a_gap_probed_in_an_earlier_round_is_not_asked_again(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    interviewer = panel.get("interviewer")
    transcript = opening(sample(samples, "weak")["answer"])
    first = (await brain.probe(interviewer, question, transcript, 1)).value
    transcript = transcript + [
        Turn(
            id=f"t{i + 2}",
            speaker="interviewer",
            text=p.text,
            round=1,
            stage=p.stage,
            gap=p.gap,
            snippet_ids=p.snippet_ids,
        )
        for i, p in enumerate(first)
    ]
    transcript.append(
        Turn(
            id=f"t{len(transcript) + 1}",
            speaker="candidate",
            text="I haven't really considered that.",
            round=1,
        )
    )
    second = (await brain.probe(interviewer, question, transcript, 2)).value
    assert not {p.gap for p in first} & {p.gap for p in second}


async def test_probes_are_deterministic(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    transcript = opening(sample(samples, "plain_strong")["answer"])
    hm = panel.get("hiring_manager")
    first = await brain.probe(hm, question, transcript, 1)
    second = await brain.probe(hm, question, transcript, 1)
    assert first.value == second.value


async def test_no_two_probes_of_an_interview_open_the_same_way(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    cfg = brain.calibration.probes
    transcript = opening(sample(samples, "weak")["answer"])
    for round_number in (1, 2, 3):
        for panelist in panel.panelists:
            for p in (await brain.probe(panelist, question, transcript, round_number)).value:
                transcript.append(
                    Turn(
                        id=f"t{len(transcript) + 1}",
                        speaker=panelist.id,
                        text=p.text,
                        round=round_number,
                        stage=p.stage,
                        gap=p.gap,
                    )
                )
        transcript.append(
            Turn(
                id=f"t{len(transcript) + 1}",
                speaker="candidate",
                text="I haven't really considered that.",
                round=round_number,
            )
        )
    spoken = [t.text for t in transcript if t.speaker != "candidate"]
    assert len(spoken) >= 6
    for panelist in panel.panelists:
        for template in cfg.openers[panelist.id]:
            fixed = max(template.split("{product}"), key=len).strip(" .")
            assert sum(fixed in text for text in spoken) <= 1, template


async def _second_round(
    brain: OfflineBrain, answer: str, panel: Panel, question: Question, reply: str
) -> list[Probe]:
    """Round two's probes after every panelist's round-one probe got the same reply."""
    transcript = opening(answer)
    asked: list[Probe] = []
    for panelist in panel.panelists:
        # Each panelist hears the probes asked before theirs, as in the graph.
        heard = exchange(transcript, asked, reply)[:-1]
        asked += (await brain.probe(panelist, question, heard, 1)).value
    transcript = exchange(transcript, asked, reply)
    return [
        p
        for panelist in panel.panelists
        for p in (await brain.probe(panelist, question, transcript, 2)).value
    ]


async def test_round_two_follows_up_the_reply(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    reply = "Cost per ticket will be higher with the big model, but it's worth it for quality."
    second = await _second_round(brain, sample(samples, "weak")["answer"], panel, question, reply)
    assert any("Cost per ticket will be higher" in p.text for p in second)


async def test_a_reply_that_only_points_back_is_never_the_next_probes_anchor(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    reply = "honestly i think i covered that already above"
    second = await _second_round(brain, sample(samples, "weak")["answer"], panel, question, reply)
    assert second and not any("covered that already" in p.text for p in second)


async def test_a_reply_with_substance_is_followed_one_level_deeper(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    manager = panel.get("hiring_manager")
    transcript = opening(sample(samples, "weak")["answer"])
    transcript.append(
        Turn(
            id="t2",
            speaker="hiring_manager",
            text="Is the last point of accuracy worth what it costs?",
            round=1,
            stage="scaling",
            gap="accuracy_as_business_tradeoff",
            gap_kind="missing_signal",
        )
    )
    reply = (
        "Each ticket the bot resolves saves about $4 of agent time and the model call costs "
        "6 cents, so a point of accuracy is worth paying for until it costs more than it saves."
    )
    transcript.append(Turn(id="t3", speaker="candidate", text=reply, round=1))
    second = (await brain.probe(manager, question, transcript, 2)).value
    follow = second[0]
    assert follow.gap_kind == "deeper" and "Each ticket the bot resolves" in follow.text
    assert brain.calibration.probes.deeper[follow.gap] in follow.text


GUARDRAILS_ANSWER = (
    "The assistant may only answer from retrieved policy passages: the prompt holds the top "
    "five passages and asks for JSON with an answer and the passage id behind every sentence. "
    "A second check compares each sentence with its cited passage, and any sentence the "
    "passage does not support is dropped before the customer sees it. If retrieval finds "
    "nothing above a similarity of 0.75, or the verifier drops more than one sentence, the "
    "assistant says it cannot confirm the rule and hands the chat to a human agent with the "
    "passages attached. Simple balance and hours questions stay on a small model; anything "
    "about fees, disputes or lending goes to the large model, and below 0.8 confidence on "
    "either path it routes to a person."
)


async def test_a_panelist_with_nothing_open_pushes_past_what_the_answer_covered(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = next(q for q in load_questions().questions if q.id == "hallucination-guardrails")
    transcript = opening(GUARDRAILS_ANSWER)
    reading = brain.reader.read(question, transcript)
    engineer = panel.get("lead_engineer")
    probes = (await brain.probe(engineer, question, transcript, 1)).value
    assert probes and all(p.gap_kind == "deeper" for p in probes), [p.gap for p in probes]
    cfg = brain.calibration.probes
    on_a_figure = 0
    for probe in probes:
        assert reading.touched(probe.gap)  # about something the answer covered ...
        # ... asking past it (its first letter lower case after a lead-in ending in a colon)
        variants = cfg.deeper_on.get(probe.gap, {}).values()
        assert any(q[1:] in probe.text for q in [cfg.deeper[probe.gap], *variants]), probe.text
        assert cfg.push[probe.gap][1:] not in probe.text
        assert "“" in probe.text  # quoting the candidate's sentence
        if any(v[1:] in probe.text for v in variants):
            # The line or figure it asks about is in the sentence it quotes.
            quoted = probe.text[probe.text.index("“") : probe.text.rindex("”")]
            assert re.search(r"\d", quoted), probe.text
            on_a_figure += 1
    assert on_a_figure, [p.text for p in probes]  # "below 0.8 confidence …" is asked about


def test_a_deeper_probe_is_not_asked_where_the_answer_already_went(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = next(q for q in load_questions().questions if q.id == "drift-after-launch")
    transcript = opening(
        "Every Monday two category leads label 200 of last week's new listings, and we retrain "
        "when accuracy on them drops more than 4 points below launch. Before a retrained model "
        "replaces the old one, both are scored on the last four weekly samples, and the new one "
        "must be at least as good in every department, not just overall."
    )
    reading = brain.reader.read(question, transcript)
    asks_about = brain.calibration.probes.deeper_asks_about
    assert "heldout_gold_gate" in reading.credited_signals()
    assert reading.touched(asks_about["heldout_gold_gate"])
    interviewer = panel.get("interviewer")
    own = tuple(s for s in interviewer.stages if s in reading.scope)

    def deeper(calibration: Calibration) -> list[str]:
        ask = _Asking(reading, interviewer, brain.rubric, calibration, own, set(), None)
        return [g.id for g in _deeper_gaps(ask)]

    assert "heldout_gold_gate" not in deeper(brain.calibration)
    unmapped = brain.calibration.probes.model_copy(update={"deeper_asks_about": {}})
    assert "heldout_gold_gate" in deeper(brain.calibration.model_copy(update={"probes": unmapped}))


def test_a_deeper_question_the_answer_already_answered_in_its_own_words_is_not_asked(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = load_questions().get("labeling-vendor-quality")
    audit = (
        "Hidden gold items make up 3% of each annotator's queue, and an annotator who scores "
        "below 92% on them for two weeks is taken off the project."
    )
    relabeled = audit + " Their past batches are relabeled at the vendor's cost."
    manager = panel.get("hiring_manager")

    def deeper(text: str) -> list[str]:
        reading = brain.reader.read(question, opening(text))
        own = tuple(s for s in manager.stages if s in reading.scope)
        ask = _Asking(reading, manager, brain.rubric, brain.calibration, own, set(), None)
        return [g.id for g in _deeper_gaps(ask)]

    assert "labeler_quality_audit" in deeper(audit)
    assert "labeler_quality_audit" not in deeper(relabeled)
    sample = (
        "Our leads review a random 1.5% sample of the vendor's labels each week to estimate "
        "its error rate."
    )
    stratified = sample.replace("random 1.5% sample", "stratified 1.5% sample, 50 per intent,")
    assert "tiered_sample_verification" in deeper(sample)
    assert "tiered_sample_verification" not in deeper(stratified)
    interviewer = panel.get("interviewer")
    asked = custom_question("How would you know the new search ranking is better than the old?")

    def deeper_for_interviewer(text: str) -> list[str]:
        reading = brain.reader.read(asked, opening(text))
        own = tuple(s for s in interviewer.stages if s in reading.scope)
        ask = _Asking(reading, interviewer, brain.rubric, brain.calibration, own, set(), None)
        return [g.id for g in _deeper_gaps(ask)]

    clicks = "After launch we count which results people open and how long they stay on them."
    named = clicks + " Those clicks are a hint, not the truth: raters judge a weekly sample."
    assert "implicit_behavioral_feedback" in deeper_for_interviewer(clicks)
    assert "implicit_behavioral_feedback" not in deeper_for_interviewer(named)


MEMO = """\
Option A, template library with merge fields. Pro: zero risk, cheap. Con: reply rates are flat at
1.8% and reps ignore the templates.
Option B, a model drafts each first-touch email from the CRM record and the prospect's last three
site visits; the rep edits and sends. Every factual claim must trace to a CRM field, and claims
that don't are removed before the rep sees the draft.
"""


def test_a_deeper_question_never_goes_past_a_bare_label(brain: OfflineBrain) -> None:
    reading = brain.reader.read(load_questions().get("sales-email-drafts"), opening(MEMO))
    for signal in reading.signals:
        anchor = read_as(reading, signal)
        if anchor is not None:
            assert set(reading.rows[anchor].substance) - {"who"}, reading.rows[anchor].quote


COST_ONLY = (
    "On cost, each review is one call on a mid-size model with the diff and the touched files, "
    "which is a few cents; at 2,000 pull requests a week that's a few hundred dollars a week."
)


async def _first_round(
    brain: OfflineBrain, panel: Panel, question_id: str, panelist: str, answer: str
) -> list[Probe]:
    question = load_questions().get(question_id)
    return (await brain.probe(panel.get(panelist), question, opening(answer), 1)).value


async def test_a_gap_in_a_stage_the_answer_covered_starts_from_what_it_said(
    brain: OfflineBrain, panel: Panel
) -> None:
    probes = await _first_round(brain, panel, "code-review-bot", "hiring_manager", COST_ONLY)
    scaling = [p for p in probes if p.stage == "scaling"]
    assert scaling, [p.text for p in probes]
    # The gap is a scaling signal the answer did not show; the probe opens on the cost line.
    assert scaling[0].gap != "inference_cost"
    assert "“On cost, each review is one call" in scaling[0].text, scaling[0].text


HEDGED_COST = (
    "Reviewers listen to a random 2% of calls and the errors they find estimate the rest. "
    "I don't know the exact cost of a reviewer hour for this work; I'd guess $25-40 an hour, "
    "and I'd check that before quoting clients."
)


async def test_a_panelist_starts_only_from_its_own_credited_ideas(
    brain: OfflineBrain, panel: Panel
) -> None:
    probes = await _first_round(
        brain, panel, "speech-transcription-qa", "lead_engineer", HEDGED_COST
    )
    # The lead engineer does not open on the hiring manager's labeling-cost line.
    assert probes and not any("reviewer hour" in p.text or "$25" in p.text for p in probes)


async def test_a_reply_to_a_deeper_question_gets_a_second_question_about_the_reply(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = next(q for q in load_questions().questions if q.id == "hallucination-guardrails")
    engineer = panel.get("lead_engineer")
    transcript = opening(GUARDRAILS_ANSWER)
    first = (await brain.probe(engineer, question, transcript, 1)).value
    routing = next(p for p in first if p.gap == "model_cascade_routing")
    reply = (
        "A small classifier decides the route, and we check every week that at most 2% of the "
        "chats it kept on the small model needed the large one."
    )
    transcript = exchange(transcript, routing, reply)
    second = (await brain.probe(engineer, question, transcript, 2)).value
    follow = next(p for p in second if p.gap == "model_cascade_routing")
    assert follow.gap_kind == "follow_up"
    assert "at most 2% of the chats" in follow.text  # about what the reply said ...
    assert brain.calibration.probes.deeper[follow.gap] not in follow.text  # ... asked anew
    assert brain.calibration.probes.follow_up["lead_engineer"]["threshold"][1:] in follow.text


def test_a_follow_up_on_a_figure_already_tried_at_double_asks_how_it_works() -> None:
    assert _rests_on(["quantity"], "At 4,000 a day we need three reviewers") == "quantity"
    assert _rests_on(["quantity"], "If volume doubled we'd still need only four") == "mechanism"
    assert _rests_on(["quantity", "threshold"], "Below 0.8 it goes to a person") == "threshold"


async def test_an_admission_about_an_idea_touched_elsewhere_is_asked_about_its_open_neighbour(
    brain: OfflineBrain, panel: Panel, question: Question
) -> None:
    engineer = panel.get("lead_engineer")
    transcript = opening(
        "A correct reply resolves the ticket without the customer writing back within three "
        "days. Agents grade 200 past tickets as our reference set. I picked the model on price "
        "and quality: at three cents a call it scored within a point of the best one on those "
        "tickets."
    )
    prompt = Probe(
        panelist="lead_engineer",
        stage="model_integration",
        gap="prompting_strategy",
        gap_kind="missing_signal",
        severity=2.0,
        text="What goes into the prompt?",
    )
    reply = (
        "To be honest I haven't really thought about running more than one model; I'd likely "
        "stick with one and tune its prompt."
    )
    transcript = exchange(transcript, prompt, reply)
    second = (await brain.probe(engineer, question, transcript, 2)).value
    admitted = [p for p in second if "haven't really thought about running more than one" in p.text]
    assert admitted and admitted[0].gap == "model_cascade_routing", [p.text for p in second]


def test_a_reading_a_hair_above_shows_nothing_is_not_pushed_past(brain: OfflineBrain) -> None:
    question = load_questions().get("clinical-trial-matching")
    text = (
        "If the gold results come in early, I would request to prepone the pilot rather than "
        "wait for the full quarter."
    )
    reading = brain.reader.read(question, opening(text))
    assert read_as(reading, "graceful_fallback") is None


def test_a_claim_is_quoted_past_its_doubting_preamble() -> None:
    text = (
        "I'm not 100% sure this is the right framing, but I think I'd start by pinning down what "
        "correct means for each field."
    )
    shown = "I think I'd start by pinning down what correct means for each field"
    assert claim_quote(text, 30) == shown
    assert claim_quote("Gold set: 400 tickets, but refreshed monthly.", 30).startswith("Gold set")


def test_a_bare_table_cell_is_read_back_with_its_row_label(brain: OfflineBrain) -> None:
    table = (
        "| Metric | Target | Why |\n|---|---|---|\n"
        "| Action-item recall, owner and item both right | at least 90% | A missed action item "
        "means work silently stops |\n"
    )
    reading = brain.reader.read(load_questions().get("define-correct-answer"), opening(table))
    cell = next(i for i, r in enumerate(reading.rows) if r.quote == "at least 90%")
    assert _row_label(reading, cell) == "Action-item recall, owner and item both right"
    reason = next(i for i, r in enumerate(reading.rows) if r.quote.startswith("A missed"))
    assert _row_label(reading, reason) is None  # a cell that says something stands alone


VAGUE_VENDOR_ANSWER = """\
Label quality is really important, so I'd approach this in a structured way. First, I'd make sure
we have a strong partnership with the vendor and clear communication, with regular check-ins so
issues get raised early. We should align on expectations and share the business context so they
understand why the work matters.

Second, I'd follow industry best practices for data quality and make sure we're monitoring the
right metrics on a dashboard that both teams can see. If something looks off, we dig in and fix
it together.

Third, it's important to iterate. As the model gets better, our needs will change, so we keep
gathering feedback from users and stakeholders and adjust the process accordingly.
"""


async def test_a_vague_answer_credited_nowhere_is_still_probed_and_advised(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = load_questions().get("labeling-vendor-quality")
    transcript = opening(VAGUE_VENDOR_ANSWER)
    owner = next(p for p in panel.panelists if "data_strategy" in p.stages)
    probes = (await brain.probe(owner, question, transcript, 1)).value
    assert probes and all(p.stage == "data_strategy" for p in probes)
    reading = brain.reader.read(question, transcript)
    assert not any(r.credited for r in reading.rows)
    advice = Advisor(brain.rubric, brain.calibration).advice(reading)
    assert advice


THIN_FOCUSED_ANSWER = (
    "Honestly I would not pick the prompt by having the team eyeball ten outputs and vote. First "
    "we agree what good means: faithful, covers the decisions, short. Then we keep aside about "
    "250 past tickets, summarised by two support leads, and run both prompts on them, checking "
    "the results by ticket type and length too. If the new prompt looks better, we A/B it and "
    "watch what agents do with the summary: edits, regenerations, copying it into the ticket."
)


async def test_a_thin_stage_whose_ideas_all_came_up_is_still_asked_about(
    brain: OfflineBrain, panel: Panel
) -> None:
    # Every evaluation idea is touched, none missing, yet the stage is not earned: the
    # interviewer goes past what was said, quoting it, instead of asking nothing.
    question = next(q for q in load_questions().questions if q.id == "prompt-change-evaluation")
    transcript = opening(THIN_FOCUSED_ANSWER)
    probes = (await brain.probe(panel.get("interviewer"), question, transcript, 1)).value
    assert probes
    assert all(p.gap_kind == "deeper" and p.stage == "evaluation" for p in probes)
    assert all("“" in p.text for p in probes)  # each quotes the candidate


def test_one_round_does_not_ask_an_idea_and_the_idea_it_implies() -> None:
    # "How does a correction get back into training?" then "Which user action becomes a training
    # example?" is one question asked twice.
    gaps = [
        Gap("missing_signal", "data_strategy", "corrections_feed_training", 3.0, None),
        Gap("missing_signal", "data_strategy", "data_from_usage", 2.9, None),
        Gap("missing_signal", "data_strategy", "who_labels", 2.0, None),
    ]
    implies = {"corrections_feed_training": ["data_from_usage"]}
    assert [g.id for g in choose(gaps, 2, 0.0, implies)] == [
        "corrections_feed_training",
        "who_labels",
    ]
    assert [g.id for g in choose(gaps, 2, 0.0)] == ["corrections_feed_training", "data_from_usage"]


async def test_each_part_the_answer_left_out_is_asked_once_in_the_questions_words(
    brain: OfflineBrain, panel: Panel
) -> None:
    from knowledge.scope import custom_question
    from tests.agents.brains.offline.test_scope_reading import MODEL_ONLY_ANSWER, QUEUE_QUESTION

    question = custom_question(QUEUE_QUESTION)
    transcript = opening(MODEL_ONLY_ANSWER)
    spoken = [
        p.text
        for panelist in panel.panelists
        for p in (await brain.probe(panelist, question, transcript, 1)).value
    ]
    for part in (
        "how many reviewers we need",
        "how we know the reviewers are making the right call",
    ):
        asking = [t for t in spoken if part in t]
        assert len(asking) == 1, (part, spoken)
    assert not any("which flags reach reviewers" in t for t in spoken)


THROUGHPUT_STAR = (
    "The assistant reads each loan file, extracts revenue and debts from the statements, and"
    " drafts the credit memo with a citation to the page for every figure. A clean file with a"
    " high model score goes to a fast lane with a one-screen summary; the rest get the full view."
    " The north star is approved files per underwriter-hour, which should double in two quarters."
    " Extraction is gated on 1,500 labelled files, and each file costs about a dollar to process."
)


async def test_a_flag_defended_without_a_change_is_pressed_in_round_two(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = custom_question(
        "Design an AI assistant that helps underwriters decide small-business loan files."
    )
    interviewer = panel.get("interviewer")
    transcript = opening(THROUGHPUT_STAR)
    first = (await brain.probe(interviewer, question, transcript, 1)).value
    flagged = next(p for p in first if p.gap == "automation_as_success")
    assert flagged.gap_kind == "red_flag"
    defended = exchange(
        transcript,
        flagged,
        "Credit quality belongs to the risk team and underwriters still sign every file. My"
        " product's job is throughput.",
    )
    second = (await brain.probe(interviewer, question, defended, 2)).value
    pressed = next(p for p in second if p.gap == "automation_as_success")
    assert pressed.gap_kind == "press"
    assert "“Credit quality belongs to the risk team" in pressed.text, pressed.text
    assert brain.calibration.probes.focus["automation_as_success"] in pressed.text
    # A reply that puts a real measure in its place, or admits the gap, is not pressed.
    for reply in (
        "Fair point: alongside it I'd track the 12-month default rate of fast-lane loans, which"
        " must stay at or below today's 2.1%, read monthly by vintage.",
        "Honestly, I hadn't thought about how we'd catch bad approvals.",
    ):
        answered = exchange(transcript, flagged, reply)
        second = (await brain.probe(interviewer, question, answered, 2)).value
        assert all(p.gap_kind != "press" for p in second), (reply, [p.text for p in second])


async def test_a_panelist_presses_one_flag_per_round(brain: OfflineBrain, panel: Panel) -> None:
    question = custom_question(
        "Design an AI assistant that helps underwriters decide small-business loan files."
    )
    interviewer = panel.get("interviewer")
    answer = THROUGHPUT_STAR + " The few-shot examples in the prompt are drawn from the gold set."
    transcript = opening(answer)
    first = (await brain.probe(interviewer, question, transcript, 1)).value
    flagged = [p for p in first if p.gap_kind == "red_flag"]
    assert {p.gap for p in flagged} >= {"automation_as_success", "eval_leakage"}, first
    defence = "That is how every team here works, and it has served us well for years."
    transcript = exchange(transcript, flagged, defence)
    second = (await brain.probe(interviewer, question, transcript, 2)).value
    assert sum(p.gap_kind == "press" for p in second) == 1, [p.text for p in second]


async def test_an_admission_of_what_was_just_asked_opens_the_askers_next_question(
    brain: OfflineBrain, panel: Panel, question: Question
) -> None:
    manager = panel.get("hiring_manager")
    transcript = opening(
        "A correct reply resolves the ticket without the customer writing back within three "
        "days. Agents grade 200 past tickets as our reference set, and a new prompt ships only "
        "if it matches the agents on 90% of them. Replies under 0.7 confidence go to an agent."
    )
    cost = Probe(
        panelist="hiring_manager",
        stage="scaling",
        gap="inference_cost",
        gap_kind="missing_signal",
        severity=2.0,
        text="What does one model call cost at your volume?",
    )
    transcript = exchange(transcript, cost, "Honestly I haven't sized it.")
    second = (await brain.probe(manager, question, transcript, 2)).value
    followed = [p for p in second if "haven't sized it" in p.text]
    assert followed and followed[0].stage == "scaling", [p.text for p in second]
    assert followed[0].gap != "inference_cost"
    assert "another way" in followed[0].text  # it moves on; it does not ask the same again


async def test_no_figure_is_asked_of_the_half_of_a_sentence_whose_other_half_is_a_red_flag(
    brain: OfflineBrain,
) -> None:
    question = custom_question("Design an AI feature that catches wrong timesheets before payroll.")
    answer = (
        "3. Approach. A gradient-boosted model scores each timesheet using last year's"
        " corrections as labels, plus an LLM that writes a one-line reason for each flag. Anything"
        " scoring above 0.8 is flagged for the admin; everything else is auto-approved and goes"
        " straight to the payroll run. We picked 0.8 because that is the cut-off the vendor's"
        " fraud benchmark recommends, and it flags about 6% of timesheets.\n\n"
        "4. Metrics. The north star is the share of timesheets auto-approved, target 90% in the"
        " first quarter, and admin hours saved per pay run. We'll also track the flag acceptance"
        " rate: if admins agree with most flags, the model is working."
    )
    debrief = (await brain.debrief(question, opening(answer), [])).value
    assert "acceptance_as_accuracy" in {f.id for f in debrief.red_flags}
    assert not any(
        "track the flag acceptance rate”" in a.text and "Rethink" not in a.text
        for a in debrief.advice
    ), [a.text for a in debrief.advice]


async def test_a_guardrail_under_its_label_answers_how_the_metric_could_be_gamed(
    brain: OfflineBrain, panel: Panel, samples: dict[str, Any]
) -> None:
    question = custom_question(HELP_WIDGET_QUESTION)
    transcript = help_widget_round(samples)
    second = (await brain.probe(panel.get("interviewer"), question, transcript, 2)).value
    assert not any("while the product gets worse" in p.text for p in second), [
        p.text for p in second
    ]



def test_a_sentence_only_near_an_idea_is_no_anchor_for_going_past_it(brain: OfflineBrain) -> None:
    from agents.brains.offline.probes import _about

    question = custom_question("Design a churn-risk score for a SaaS customer-success team")
    reading = brain.reader.read(
        question,
        opening(
            "Version one, a gradient-boosted model, hit 0.91 AUC on the test set, which tells us"
            " the signal is strong. "
            "Accounts above 0.7 go to a success manager; the rest stay in the weekly digest."
        ),
    )
    test_line, routing_line = 0, 1
    assert test_line in set(reading.touching_rows("model_cascade_routing"))  # near it, by its words
    assert not _about(reading, test_line, "model_cascade_routing")
    assert _about(reading, test_line, "heldout_gold_gate")
    assert _about(reading, routing_line, "confidence_thresholds")


def test_a_sentence_only_the_classifier_reads_as_an_idea_is_not_pushed_past() -> None:
    feats = SimpleNamespace(
        signal_patterns=frozenset(), signal_sims=[0.3, 0.0], signal_scores=[0.5, 0.1, 0.0]
    )
    row = SimpleNamespace(stance="asserts", substance=["what"], signal=None, quote="x")
    reading: Any = SimpleNamespace(
        columns={"a": 0, "b": 1},
        rows=[row],
        analysis=SimpleNamespace(injection=frozenset(), features=[feats]),
        flagged_sentences=frozenset,
    )
    assert read_as(reading, "a") is None  # a classifier pick, far by meaning, named by nothing
    feats.signal_sims = [0.4, 0.0]
    assert read_as(reading, "a") == 0
    feats.signal_sims, feats.signal_patterns = [0.3, 0.0], frozenset({0})
    assert read_as(reading, "a") == 0
    reading.flagged_sentences = lambda: frozenset({0})
    assert read_as(reading, "a") is None  # a flawed claim is probed as its flag
