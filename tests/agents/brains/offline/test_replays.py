"""Three interviews an outside reviewer ran against the offline judge, replayed: an admitted gap is
never evidence, a probe never asks for what was just described, a rejected practice is no flag."""

from __future__ import annotations

from typing import Any

from agents.brains.offline import OfflineBrain
from agents.debrief import Debrief
from agents.transcript import Turn
from knowledge.loader import load_questions
from knowledge.models import Panel, Question
from knowledge.scope import custom_question
from tests.agents.brains.interview import Interview
from tests.agents.brains.offline.conftest import opening, sample

SUPPORT_ANSWER = """\
I'd put an LLM assistant in front of the help desk so it answers the common questions itself and
leaves the hard ones to people.

The assistant reads the ticket, finds the help-center article that matches, and writes a reply.
If the ticket mentions a refund or a legal threat it goes straight to a human agent.

We'll measure success by how happy customers are and by resolving more tickets automatically.
Over time the assistant should get better as it sees more tickets.
"""

HEDGED_REPLY = (
    "Cost-wise, I honestly have not priced any of this yet. My guess is the model beats agents "
    "on price, but I haven't done the maths."
)

GATED_ANSWER = """\
The assistant drafts replies to customer tickets, and agents approve or edit each draft.

Before any new version ships it has to answer a fixed set of 500 past tickets that senior agents
already graded, and it only goes out if at least 90% of its answers match the graded ones.

Agents' edits are logged, and tickets where the assistant was least confident go to a weekly
labeling queue.
"""

RATING_ANSWER = """\
This is a homework helper for high-school students.

Teenagers mostly ignore rating buttons, so I wouldn't rely on thumbs up or down at all. Instead we
watch what they do: whether they ask the same question again within ten minutes, copy the
explanation, or abandon the session, because those behaviours tell us the answer didn't help.
"""


async def _debrief(
    brain: OfflineBrain, panel: Panel, question_id: str | Question, turns: list[Turn]
) -> Debrief:
    interview = Interview(brain)
    question = load_questions().get(question_id) if isinstance(question_id, str) else question_id
    votes = [await interview.vote(p, question, turns) for p in panel.panelists]
    return await interview.debrief(question, turns, votes)


async def test_an_admitted_gap_is_not_hired_confidently_nor_cited_as_pricing(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = load_questions().get("support-bot-deflection")
    turns = opening(SUPPORT_ANSWER)
    interview = Interview(brain)
    probes = [
        p
        for panelist in panel.panelists
        for p in await interview.probe(panelist, question, turns, 1)
    ]
    assert probes
    turns = [
        *turns,
        Turn(
            id="t2",
            speaker=probes[0].panelist,
            text=probes[0].text,
            round=1,
            stage=probes[0].stage,
            gap=probes[0].gap,
        ),
        Turn(id="t3", speaker="candidate", text=HEDGED_REPLY, round=1),
    ]
    debrief = await _debrief(brain, panel, "support-bot-deflection", turns)
    assert debrief.decision == "no_hire" or debrief.confidence < 0.7
    hedge = [row for row in debrief.evidence if row.turn == "t3" and "not priced" in row.quote]
    assert hedge and all(row.stance == "hedges" and not row.credited for row in hedge)
    scaling = debrief.stage_scores["scaling"]
    assert scaling.score == 1
    cited = [c.quote for r in debrief.reasons if r.kind == "strength" for c in r.citations]
    cited += [c.quote for s in debrief.stage_scores.values() for c in s.evidence]
    assert not any(q and "priced" in q for q in cited)
    # The admitted gap is named as one, and the advice follows it up rather than praising it.
    assert any(
        r.kind == "concern" and any(c.quote and "priced" in c.quote for c in r.citations)
        for r in debrief.reasons
    )


async def test_no_probe_asks_for_the_held_out_test_just_described(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = load_questions().get("support-bot-deflection")
    turns = opening(GATED_ANSWER)
    interview = Interview(brain)
    reading = brain.reader.read(question, turns)
    gate = [r for r in reading.rows if "500 past tickets" in r.quote]
    assert gate and gate[0].credited
    for panelist in panel.panelists:
        for probe in await interview.probe(panelist, question, turns, 1):
            assert probe.gap not in {"heldout_gold_gate", "gold_reference_set", "no_gold_set"}
            assert "held-out" not in probe.text.lower()


async def test_rejecting_rating_buttons_raises_no_flag_and_earns_credit(
    brain: OfflineBrain, panel: Panel
) -> None:
    # A homework helper is its own product: the support-bot question would rightly call the
    # answer one to a different problem (it never mentions tickets or customers).
    homework = custom_question(
        "Design an AI homework helper for high-school students; how would you know its "
        "explanations help?"
    )
    debrief = await _debrief(brain, panel, homework, opening(RATING_ANSWER))
    assert "thumbs_only_feedback" not in {f.id for f in debrief.red_flags}
    rows = [r for r in debrief.evidence if "ignore rating buttons" in r.quote]
    assert rows and rows[0].stance == "rejects" and rows[0].red_flag is None
    assert any(r.credited and r.signal == "implicit_behavioral_feedback" for r in debrief.evidence)


async def test_an_answer_to_another_question_is_not_hired(
    brain: OfflineBrain, panel: Panel, samples: dict[str, Any]
) -> None:
    strong = sample(samples, "strong")  # a billing-code answer
    turns = opening(strong["answer"])
    own = await _debrief(brain, panel, strong["question_id"], turns)
    swapped = await _debrief(brain, panel, "content-moderation", turns)
    assert own.decision == "hire"
    assert swapped.decision == "no_hire"
    assert any("different problem" in r.claim for r in swapped.reasons)
    assert not any(row.credited for row in swapped.evidence)
    assert not swapped.advice


PAIRWISE_GATE_ANSWER = """\
For the new prompt, I'd keep 250 past tickets that our leads summarised by hand and score both
prompts on them, each summary checked for the customer's ask and the promised next step. The new
prompt needs to win at least 60% of blind pairwise comparisons before shipping. After that, 10% of
agents get it, and we track how much they edit the summary before sending; if edits drop for two
weeks, it rolls out to everyone.
"""


async def test_an_absence_flag_never_contradicts_evidence_the_table_read(
    brain: OfflineBrain, panel: Panel
) -> None:
    debrief = await _debrief(
        brain, panel, "prompt-change-evaluation", opening(PAIRWISE_GATE_ANSWER)
    )
    gate = {"heldout_gold_gate", "gold_reference_set"}
    assert any(r.signal in gate for r in debrief.evidence)
    assert "no_gold_set" not in {f.id for f in debrief.red_flags}
    assert not any(a.target == "no_gold_set" for a in debrief.advice)


OUT_OF_THE_BOX_ANSWER = """\
I'd put a chatbot on a strong hosted model in front of the help desk and let it answer tickets.

We'd ground it in the help-centre articles, and success is happier customers and fewer tickets.
"""

OUT_OF_THE_BOX_REPLY = (
    "Honestly the model would be pretty good out of the box, and we can tune the prompt if "
    "customers complain."
)


async def test_a_vote_praises_only_a_stage_the_table_scores_as_a_strength(
    brain: OfflineBrain, panel: Panel
) -> None:
    turns = [
        *opening(OUT_OF_THE_BOX_ANSWER),
        Turn(id="t2", speaker="lead_engineer", text="How would you route requests?", round=1),
        Turn(id="t3", speaker="candidate", text=OUT_OF_THE_BOX_REPLY, round=1),
    ]
    debrief = await _debrief(brain, panel, "support-bot-deflection", turns)
    assert debrief.decision == "no_hire"
    weak = {s for s, score in debrief.stage_scores.items() if score.score < 3}
    voices = brain.calibration.writer.vote_voice
    for vote in debrief.votes:
        praise = voices[vote.panelist].strength.split("{stage}")[-1].strip()
        for stage in weak:
            name = brain.rubric.stage(stage).name
            assert f"{name[:1].lower()}{name[1:]} {praise}" not in vote.rationale, vote.rationale


FROZEN_SET_ANSWER = """\
Two senior lawyers annotate 400 past contracts against our risk checklist and the general counsel
settles their disagreements. That set is frozen and every model or prompt change must beat the
current one on it.
"""


async def test_a_prompt_change_gated_on_a_frozen_set_is_a_release_gate_not_a_prompt_strategy(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("legal-contract-summaries")
    reading = brain.reader.read(question, opening(FROZEN_SET_ANSWER))
    gate = [r for r in reading.rows if "must beat" in r.quote]
    assert gate and gate[0].signal == "heldout_gold_gate" and gate[0].credited
    assert "threshold" in gate[0].substance


BLIND_GATE_NOTES = """\
Prompt change for the ticket summaries:
- Frozen set: 300 past tickets the support leads already summarised
- Bar: the new prompt wins or ties against the current one on 90% of blind pairs
- Then 10% of agents for two weeks, watching how much they edit before sending
"""

DEMO_ONLY_ANSWER = """\
The assistant drafts a reply for each new ticket from the help-centre articles, and agents send it
as is or edit it first. Refunds and legal threats always go to a person. We'd judge it by how the
demo looks to the support leads and by the satisfaction score customers leave after each ticket,
and we'd keep improving the prompt as complaints come in over the first months.
"""


async def test_a_gate_in_note_form_raises_no_absence_flag_and_is_not_asked_for(
    brain: OfflineBrain, panel: Panel
) -> None:
    question = load_questions().get("prompt-change-evaluation")
    turns = opening(BLIND_GATE_NOTES)
    debrief = await _debrief(brain, panel, "prompt-change-evaluation", turns)
    assert "no_gold_set" not in {f.id for f in debrief.red_flags}
    interview = Interview(brain)
    for panelist in panel.panelists:
        for probe in await interview.probe(panelist, question, turns, 1):
            assert probe.gap not in {"heldout_gold_gate", "gold_reference_set", "no_gold_set"}


async def test_advice_for_a_flag_raised_by_silence_builds_on_the_candidates_own_words(
    brain: OfflineBrain, panel: Panel
) -> None:
    debrief = await _debrief(brain, panel, "support-bot-deflection", opening(DEMO_ONLY_ANSWER))
    assert "no_gold_set" in {f.id for f in debrief.red_flags}
    advice = [a for a in debrief.advice if a.target == "no_gold_set"]
    assert advice and advice[0].citation is not None
    assert "judge it by how the" in advice[0].citation.quote  # what it offered instead
    assert advice[0].citation.quote in DEMO_ONLY_ANSWER
    assert "“We'd judge it by" in advice[0].text


NAIVE_SAVINGS_ANSWER = """\
Each bot chat runs about 4,000 tokens, which is roughly a cent at today's prices. An agent-handled
ticket costs us about $6. Every chat the bot handles saves that $6, so at 80,000 chats a month we
save $480,000 a month, and the hand-offs to agents are rare enough to ignore for now.
"""

FAILURE_AWARE_ANSWER = """\
Each bot chat runs about 4,000 tokens, roughly a cent, but we pay it on every chat and only the
resolved ones save anything. If 35% resolve, the model costs about 3 cents per resolution. The 65%
that reach an agent take two extra minutes at 50 cents a minute, so $1 each, which adds about $1.85
per resolution. All in, about $1.90 against $6 for an agent ticket, and it breaks even near 12%.
"""


async def test_counting_every_chat_as_a_saving_is_a_flag_that_sinks_a_focused_cost_answer(
    brain: OfflineBrain, panel: Panel
) -> None:
    naive = await _debrief(brain, panel, "cost-per-resolution", opening(NAIVE_SAVINGS_ANSWER))
    assert "savings_ignore_failures" in {f.id for f in naive.red_flags}
    assert naive.decision == "no_hire"
    aware = await _debrief(brain, panel, "cost-per-resolution", opening(FAILURE_AWARE_ANSWER))
    assert "savings_ignore_failures" not in {f.id for f in aware.red_flags}
    assert aware.decision == "hire"


TABLE_ROW_ANSWER = (
    "| Part | What we do | Why |\n"
    "|---|---|---|\n"
    "| Reference set | 900 past chats re-answered by our three senior agents, disagreements "
    "settled by the team lead | a fixed yardstick for every release |\n"
    "| Guardrail | each reply must quote a help-centre article | no quote, no send |\n"
)


async def test_a_table_row_is_read_as_one_statement_and_a_rule_is_not_asked_for_a_number(
    brain: OfflineBrain, panel: Panel
) -> None:
    debrief = await _debrief(brain, panel, "support-bot-deflection", opening(TABLE_ROW_ANSWER))
    yardstick = [r for r in debrief.evidence if "yardstick" in r.quote]
    assert yardstick and yardstick[0].credited  # the number sits in the cell beside it
    assert not any("yardstick" in (a.citation.quote if a.citation else "") for a in debrief.advice)
    assert not any(
        "add a number" in a.text and "quote a help-centre" in a.text for a in debrief.advice
    )
