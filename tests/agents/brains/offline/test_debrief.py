"""Debriefs and votes: verbatim citations, real snippet ids, determinism, usage, reasons."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from agents.brains.offline import OfflineBrain, debrief_json_without_latency
from agents.brains.offline.writer import DebriefWriter
from agents.citations import all_citations
from agents.debrief import Debrief
from agents.transcript import Turn
from knowledge.loader import load_panel, load_questions
from knowledge.models import Panel, Question
from knowledge.scope import custom_question
from knowledge.settings import Settings
from tests.agents.brains.interview import Interview
from tests.agents.brains.offline.conftest import asked, opening, sample
from tests.doubles import CorpusIndex


async def full_debrief(
    brain: OfflineBrain, panel: Panel, question: Question, transcript: list[Turn]
) -> Debrief:
    interview = Interview(brain)
    votes = [await interview.vote(p, question, transcript) for p in panel.panelists]
    return await interview.debrief(question, transcript, votes)


@pytest.mark.parametrize("sample_id", ["strong", "weak", "buzzword_salad", "ui_only", "gibberish"])
async def test_every_citation_is_verbatim_or_a_real_snippet(
    brain: OfflineBrain,
    retriever: CorpusIndex,
    samples: dict[str, Any],
    panel: Panel,
    question: Question,
    sample_id: str,
) -> None:
    transcript = opening(sample(samples, sample_id)["answer"])
    debrief = await full_debrief(brain, panel, question, transcript)
    turns = {t.id: t.text for t in transcript}
    assert debrief.reasons
    for reason in debrief.reasons:
        assert reason.citations, reason.claim
    for cite in all_citations(debrief):
        if cite.turn is not None:
            assert cite.quote and cite.quote in turns[cite.turn]
        if cite.snippet is not None:
            assert retriever.has(cite.snippet)


async def test_debrief_content_for_strong_and_weak(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    strong_sample, weak_sample = sample(samples, "strong"), sample(samples, "weak")
    strong = await full_debrief(
        brain, panel, asked(strong_sample), opening(strong_sample["answer"])
    )
    weak = await full_debrief(brain, panel, asked(weak_sample), opening(weak_sample["answer"]))
    assert strong.decision == "hire" and weak.decision == "no_hire"
    assert strong.brain == weak.brain == "offline"
    assert set(strong.stage_scores) == {
        "objective",
        "data_strategy",
        "model_integration",
        "evaluation",
        "scaling",
    }
    assert any(s.evidence for s in strong.stage_scores.values())
    assert {f.id for f in weak.red_flags} >= {"magic_box", "thumbs_only_feedback"}
    assert weak.advice
    for debrief in (strong, weak):
        credited = {r.signal for r in debrief.evidence if r.credited}
        assert not {a.target for a in debrief.advice} & credited
    assert 0.5 <= weak.confidence <= 1 and 0.5 <= strong.confidence <= 1
    assert [v.panelist for v in weak.votes] == [p.id for p in panel.panelists]


async def test_usage_has_one_call_per_step_with_zero_tokens(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    debrief = await full_debrief(brain, panel, question, opening(sample(samples, "weak")["answer"]))
    steps = [c.step for c in debrief.usage.calls]
    assert steps == [f"vote:{p.id}" for p in panel.panelists] + ["debrief"]
    assert all(
        c.model == "offline-rubric" and c.input_tokens == c.output_tokens == 0
        for c in debrief.usage.calls
    )
    assert debrief.usage.cost_usd == 0


async def test_debrief_is_deterministic_across_brains(
    brain_settings: Settings, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    transcript = opening(sample(samples, "plain_strong")["answer"])
    first = await full_debrief(
        OfflineBrain.from_settings(brain_settings, retriever=CorpusIndex()),
        panel,
        question,
        transcript,
    )
    second = await full_debrief(
        OfflineBrain.from_settings(brain_settings, retriever=CorpusIndex()),
        panel,
        question,
        transcript,
    )
    assert debrief_json_without_latency(first) == debrief_json_without_latency(second)


async def test_empty_answer_reason_says_why(
    brain: OfflineBrain, samples: dict[str, Any], panel: Panel, question: Question
) -> None:
    text = sample(samples, "empty")["answer"]
    debrief = await full_debrief(brain, panel, question, opening(text))
    assert debrief.decision == "no_hire" and debrief.confidence >= 0.9
    assert any("too short" in r.claim for r in debrief.reasons)
    assert any(c.quote == text for r in debrief.reasons for c in r.citations)


SPANISH_ANSWER = (
    "Primero definiría qué es una sugerencia correcta: el conjunto de códigos que un codificador"
    " certificado facturaría tras una auditoría. Construiría un conjunto de referencia de 1.500"
    " historias clínicas, codificadas por dos codificadores senior. Un modelo pequeño sugiere los"
    " códigos comunes y los casos dudosos van a un modelo grande; por debajo de 0,6 de confianza,"
    " el caso va directo a un codificador. Cada corrección se guarda como ejemplo de"
    " entrenamiento."
)


async def test_an_answer_in_another_language_is_unread_not_weak(
    brain: OfflineBrain, panel: Panel, question: Question
) -> None:
    debrief = await full_debrief(brain, panel, question, opening(SPANISH_ANSWER))
    assert any("not in English" in r.claim for r in debrief.reasons)
    assert debrief.needs_review and debrief.confidence == 0.5
    english = await full_debrief(
        brain, panel, question, opening(sample_answer_with_spanish_words())
    )
    assert not any("not in English" in r.claim for r in english.reasons)


def sample_answer_with_spanish_words() -> str:
    return (
        "We'd keep 1,500 charts coded by two senior coders as the reference set, including the"
        " Hospital del Mar and Clínica de la Costa notes, and a new model ships only if it beats"
        " the current one on them by two points."
    )


async def test_votes_weigh_the_panelists_own_stages(
    brain: OfflineBrain, panel: Panel, question: Question
) -> None:
    # Strong on data and cost, silent on models and evaluation.
    text = (
        "Experienced agents label the replies, and a senior agent re-checks a random 10% of "
        "their work so we can estimate the error rate of the rest. "
        "Anyone whose hidden known-answer items fall below 90% is retrained. "
        "As the model's agreement with agents passes 95% on a topic, it pre-labels and agents "
        "only correct, so expert hours fall each quarter. "
        "An agent costs about $40 an hour and checks thirty replies an hour, so each review is "
        "about $1.30. "
        "At two cents a reply for the model against six dollars for an agent, the margin holds "
        "even if people review a tenth of replies."
    )
    transcript = opening(text)
    votes = {p.id: (await brain.vote(p, question, transcript)).value for p in panel.panelists}
    assert votes["hiring_manager"].confidence >= 0.5
    hm = 1 if votes["hiring_manager"].decision == "hire" else 0
    le = 1 if votes["lead_engineer"].decision == "hire" else 0
    assert hm >= le


async def test_a_vote_worries_only_about_what_the_question_asks(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = next(q for q in load_questions().questions if q.id == "latency-budget-routing")
    transcript = opening(
        "A small model serves every keystroke within 40 ms; the big model answers only explicit "
        "generate commands, and if its first token is not back within 300 ms the user keeps the "
        "small model's suggestion."
    )
    reading = brain.reader.read(question, transcript)
    hm = (await brain.vote(panel.get("hiring_manager"), question, transcript)).value
    focus = brain.calibration.probes.focus
    named = [sid for sid, text in focus.items() if text in hm.rationale]
    assert named, hm.rationale  # the worry names a gap ...
    assert all(reading.in_focus(sid) for sid in named), named  # ... this question asks about


WIKI_STORY = (
    "At my last job every answer linked the two or three wiki passages it used. Our support "
    "engineers graded 150 real questions every two weeks, right or wrong, and we only changed "
    "the retriever or the prompt when the new version got at least as many right on that same "
    "set. Cost was never the issue, a few hundred dollars a month; the real cost was the "
    "graders' time, about four hours a fortnight."
)


async def test_a_panelist_praises_only_its_own_ideas_in_a_shared_stage(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = custom_question("Design an assistant that answers employees from the wiki")
    turns = opening(WIKI_STORY)
    manager = await Interview(brain).vote(panel.get("hiring_manager"), question, turns)
    engineer = await Interview(brain).vote(panel.get("lead_engineer"), question, turns)
    budget = "Cost was never the issue"
    assert any(c.quote and c.quote.startswith(budget) for c in manager.citations)
    assert not any(c.quote and c.quote.startswith(budget) for c in engineer.citations)


GLOSSY_GUARDRAILS = (
    "Hallucinations are the biggest risk for a bank's assistant, so I'd take a layered "
    "approach. We'd use retrieval over the policy documents so the model always has the right "
    "context. Modern models are very good at staying faithful when they have the context. "
    "We'd add an off-the-shelf guardrails framework to block risky responses, and a system "
    "prompt that tells the model to be accurate. Finally, when the model is unsure, it should "
    "say so politely and offer to connect the customer to a human agent."
)


async def test_a_vague_fallback_is_named_as_mentioned_without_a_mechanism(
    brain: OfflineBrain, panel: Panel
) -> None:
    guardrails = load_questions().get("hallucination-guardrails")
    debrief = await full_debrief(brain, panel, guardrails, opening(GLOSSY_GUARDRAILS))
    assert debrief.decision == "no_hire"
    thin = [r for r in debrief.reasons if "without a mechanism" in r.claim]
    assert thin, [r.claim for r in debrief.reasons]
    assert any("when the model is unsure" in (c.quote or "") for c in thin[0].citations)


PRODUCT_SENSE_ONLY = (
    "I'll start from the users. Everyday members want a safe feed, creators want to know why a "
    "post came down, and moderators want a tidy queue. I'd prioritise creators, because wrongly "
    "removed posts push them off the platform. We'd build an AI classifier that scores every "
    "post, a creator dashboard with a one-tap appeal, and a moderator tool with blurred "
    "previews. The classifier is the most scalable piece. I'd measure success with creator "
    "retention and appeal volume."
)


async def test_a_rejected_answer_hears_of_each_stage_it_left_without_credit(
    brain: OfflineBrain, panel: Panel
) -> None:
    moderation = load_questions().get("content-moderation")
    turns = opening(PRODUCT_SENSE_ONLY)
    debrief = await full_debrief(brain, panel, moderation, turns)
    assert debrief.decision == "no_hire"
    stages = {a.stage for a in debrief.advice}
    assert len(debrief.advice) >= 3 and len(stages) >= 3, [a.text for a in debrief.advice]
    # Each starts from something the candidate said, or names the gap for this product when
    # nothing said comes near it.
    quoted = [a for a in debrief.advice if "“" in a.text]
    assert len(quoted) >= 2
    for item in quoted:
        quote = item.text.split("“", 1)[1].split("”", 1)[0].rstrip("…")
        assert quote in PRODUCT_SENSE_ONLY
    for item in debrief.advice:
        assert item in quoted or "the moderation system" in item.text, item.text


ROUTING_SKETCH = (
    "Completions must appear within 300 ms, so latency decides the design. Single-line "
    "completions go to a small model and multi-line function bodies go to the large one, "
    "picked by a lightweight classifier on the request. Streaming helps the large model feel "
    "faster. Caching common completions saves latency and cost. The large model costs more, so "
    "keeping most traffic on the small model keeps the bill down. We'd watch acceptance rate "
    "and tune the routing over time."
)


async def test_a_focused_debrief_names_only_its_focus_and_votes_do_not_deny_credited_lines(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("latency-budget-routing")
    interview = Interview(brain)
    turns = opening(ROUTING_SKETCH)
    votes = [await interview.vote(p, question, turns) for p in load_panel().panelists]
    debrief = await interview.debrief(question, turns, votes)
    focus = set(question.focus_signals)
    assert all(set(s.signals_missing) <= focus for s in debrief.stage_scores.values())
    assert not any("expert review costs" in r.claim for r in debrief.reasons)
    credited = {r.signal for r in debrief.evidence if r.credited}
    engineer = next(v for v in debrief.votes if v.panelist == "lead_engineer")
    assert credited & {"model_cascade_routing", "latency_budget"}
    assert "Nothing I heard on routing" not in engineer.rationale


async def test_the_overall_line_names_a_one_stage_scope_and_a_sinking_practice(
    brain: OfflineBrain, panel: Panel, samples: dict[str, Any]
) -> None:
    focused = custom_question("How would you know your new summary prompt is better?")
    assert focused.assesses == ["evaluation"]
    short = opening("I'd read a few summaries from each prompt and keep the one that looks better.")
    debrief = await full_debrief(brain, panel, focused, short)
    overall = debrief.reasons[0].claim
    assert overall.startswith("Overall: the one stage this question assesses, evaluation"), overall
    assert "of the 1 assessed" not in overall
    strong = sample(samples, "strong")
    leaky = opening(
        strong["answer"] + " The few-shot examples in the prompt are drawn from the gold set."
    )
    debrief = await full_debrief(brain, panel, asked(strong), leaky)
    assert debrief.decision == "no_hire"
    overall = debrief.reasons[0].claim
    assert "one practice outweighs them: the plan tests on what the model was built from" in (
        overall
    ), overall


RFP_MEMO = (
    "Memo to our CFO, who asked me to justify an AI tool that drafts first responses to RFP "
    "questionnaires for our sales engineers.\n"
    "\n"
    "Q: What does the tool actually do?\n"
    "A: It fills each RFP question with a draft pulled from our approved answer library and "
    "past won proposals, and marks every sentence with the library entry it came from. A "
    "sales engineer edits and sends. Nothing goes to a prospect unedited.\n"
    "\n"
    "Q: How do we know the drafts are any good?\n"
    "A: Our two most senior SEs graded 150 questions from last quarter's RFPs: for each, is "
    "the draft usable with light edits, usable with heavy edits, or wrong. We only roll out "
    "if at least 70% are light-edit and none states a capability we don't have. That second "
    "number matters more: a promised feature we lack becomes a contract problem.\n"
    "\n"
    "Q: What if it makes things up?\n"
    "A: A sentence with no library source is shown in red and can't be copied out until "
    "someone types over it.\n"
    "\n"
    "Q: What does it cost?\n"
    "A: Roughly 300 RFPs a year, 200 questions each, a few cents per question in model calls,"
    " so low thousands of dollars. The real saving is SE time: today a full RFP takes about "
    "30 hours.\n"
    "\n"
    "Q: How would we know it's working after launch?\n"
    "A: Hours per RFP, tracked per deal, and the share of drafted sentences the SE keeps.\n"
)


async def test_a_hire_with_few_stages_in_depth_says_it_is_narrow(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = custom_question(
        "Design an AI tool that drafts first responses to RFP questionnaires for sales engineers."
    )
    debrief = await full_debrief(brain, panel, question, opening(RFP_MEMO))
    covered = sum(1 for s in debrief.stage_scores.values() if s.score >= 3)
    assert debrief.decision == "hire" and 2 * covered < len(question.assesses)
    overall = debrief.reasons[0].claim
    assert overall.startswith(f"Overall: a narrow hire: only {covered} of the 5"), overall
    assert "outweighs the concerns" not in overall


HOMEWORK_PITCH = (
    "Picture a homework helper that just works. Pupils photograph any science question and get"
    " a warm, step-by-step walkthrough in seconds from the most powerful frontier model on the"
    " market. Since these models already pass 90% of public science benchmarks, accuracy is"
    " basically a solved problem, so our effort goes into delight. We'll measure success by"
    " daily active pupils and session length, aiming for 25 minutes a day. Feedback is an emoji"
    " rating under each walkthrough, and we add the top-rated walkthroughs back in as examples."
    " We launch to all 150 partner schools at once in January and iterate weekly on the ratings."
)


async def test_each_vote_raises_its_own_concern_and_gap_advice_never_builds_on_a_flag(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = custom_question(
        "Design an AI homework helper for school pupils: how would you build it, know it"
        " works, and launch it?"
    )
    debrief = await full_debrief(brain, panel, question, opening(HOMEWORK_PITCH))
    assert debrief.decision == "no_hire"
    concerns = [c for v in debrief.votes for c in brain.calibration.probes.flag_concerns.values()
                if c in v.rationale]
    assert len(concerns) == len(set(concerns)) >= 2, [v.rationale for v in debrief.votes]
    flagged = {c.quote for f in debrief.red_flags for c in f.citations if c.quote}
    gap_items = [a for a in debrief.advice if not a.text.startswith("Rethink")]
    assert gap_items
    for item in gap_items:
        assert item.citation is None or item.citation.quote not in flagged, item.text
        assert "the AI homework helper" in item.text or "“" in item.text, item.text
    quoted = [a.citation.quote for a in debrief.advice if a.citation is not None]
    assert len(quoted) == len(set(quoted))


async def test_one_sentence_stating_two_flags_gets_one_advice_item_with_both_fixes(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = custom_question("Design an AI assistant that answers tenants' questions.")
    sentence = (
        "Accuracy is all that matters, so we use the biggest model and a thumbs-up button is"
        " our only feedback."
    )
    transcript = opening(f"{sentence} It answers rent questions.")
    debrief = await full_debrief(brain, panel, question, transcript)
    fixes = brain.calibration.writer.flag_fix
    on_it = [a for a in debrief.advice if a.citation is not None and a.citation.quote == sentence]
    assert len(on_it) == 1, [a.text for a in debrief.advice]
    flags = {f.id for f in debrief.red_flags if any(c.quote == sentence for c in f.citations)}
    assert len(flags) >= 2
    assert sum(fixes[f] in on_it[0].text for f in flags) >= 2, on_it[0].text


async def test_a_batch_job_saying_latency_does_not_matter_is_not_asked_for_a_latency_number(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = custom_question(
        "What would it cost to have an LLM write alt text for our 90,000 catalogue images?"
    )
    answer = (
        "Each image is about 1,200 tokens in and 60 out, so a fraction of a cent apiece and"
        " roughly $400 for the back catalogue. Latency doesn't matter, it runs in batch. A designer"
        " reviews 50 random captions a week, about two hours of her time."
    )
    debrief = await full_debrief(brain, panel, question, opening(answer))
    assert not [a for a in debrief.advice if a.target == "latency_budget"], debrief.advice
    assert all("Latency doesn't matter" not in a.text for a in debrief.advice)


def test_a_hire_with_no_stage_in_depth_rests_on_its_credited_sentences(
    brain: OfflineBrain,
) -> None:
    question = custom_question(
        "How would you tell whether an order-volume forecast for our warehouse is good enough to"
        " staff from?"
    )
    answer = (
        "Metric first. Under-forecasting is the expensive side: late orders and refunds."
        " Backtest on the last two years, each forecast only using data up to its date."
    )
    reading = brain.reader.read(question, opening(answer))
    assert reading.credited_rows() and max(reading.scores.values()) < 3
    hired = replace(reading, verdict=replace(reading.verdict, decision="hire"))
    writer = DebriefWriter(brain.rubric, brain.calibration, brain.finder)
    overall = writer._reasons(hired)[0]
    assert "only 0 of" not in overall.claim and "no assessed stage" in overall.claim
    credited = {reading.rows[i].quote for i in reading.credited_rows()}
    assert overall.citations and all(c.quote in credited for c in overall.citations)
