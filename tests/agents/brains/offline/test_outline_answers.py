"""Terse numbered outlines with lowercase labels ("costs: not sure yet"), and replies that say
nothing of their own: a hedge is read as a hedge, a stock reply admits what the panel just
asked, and double-keyed labels with a tie-breaker are not asked for again."""

from __future__ import annotations

import pytest

from agents.brains.offline import OfflineBrain
from agents.transcript import Turn
from knowledge.loader import load_panel, load_questions
from tests.agents.brains.interview import Interview
from tests.agents.brains.offline.conftest import opening

OUTLINE = """\
1) aim: reviewers get through their queue faster; a summary counts as right when every risky
clause (unlimited indemnity, silent renewal, non-compete) is flagged and nothing is made up.
2) reference set: 120 executed agreements, two paralegals tag risky clauses separately, the
senior counsel breaks ties.
3) release bar: at least 95% recall of risky clauses on the reference set before anyone relies
on it, rerun whenever the prompt changes.
4) costs: not sure yet, probably fine.
"""


def _probe(turn_id: str, panelist: str, gap: str, text: str) -> Turn:
    return Turn(id=turn_id, speaker=panelist, text=text, round=1, gap=gap)


async def test_a_labelled_hedge_is_an_admitted_gap(brain: OfflineBrain) -> None:
    question = load_questions().get("legal-contract-summaries")
    reading = brain.reader.read(question, opening(OUTLINE))
    stances = {r.quote: r.stance for r in reading.rows}
    # The label is the line's topic, not part of what it says.
    assert stances["not sure yet, probably fine."] == "hedges"
    hedge = next(i for i, r in enumerate(reading.rows) if r.quote.startswith("not sure"))
    assert reading.hedge_topics[hedge] == "inference_cost"
    assert not reading.rows[hedge].credited


async def test_double_keyed_labels_with_a_tie_breaker_are_not_asked_for(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("legal-contract-summaries")
    reading = brain.reader.read(question, opening(OUTLINE))
    assert reading.touched("labeling_guidelines_agreement")
    interview = Interview(brain)
    asked = [
        p.gap
        for panelist in load_panel().panelists
        for p in await interview.probe(panelist, question, opening(OUTLINE), 1)
    ]
    assert "labeling_guidelines_agreement" not in asked, asked


async def test_a_stock_reply_admits_what_was_just_asked(brain: OfflineBrain) -> None:
    question = load_questions().get("legal-contract-summaries")
    turns = [
        *opening(OUTLINE),
        _probe(
            "t2",
            "hiring_manager",
            "tiered_sample_verification",
            "What share do experts re-check, and what error rate makes you act?",
        ),
        Turn(id="t3", speaker="candidate", text="We'd look at it later.", round=1),
    ]
    reading = brain.reader.read(question, turns)
    hedge = next(i for i, r in enumerate(reading.rows) if r.quote == "We'd look at it later.")
    assert reading.rows[hedge].stance == "hedges"
    assert reading.hedge_topics[hedge] == "tiered_sample_verification"
    assert hedge in reading.answered_hedges
    debrief = await Interview(brain).debrief(question, turns, [])
    answered = [a for a in debrief.advice if a.citation and a.citation.turn == "t3"]
    assert [a.target for a in answered] == ["tiered_sample_verification"]
    assert "the contract summariser" in answered[0].text
    admitted = [r.claim for r in debrief.reasons if "no answer yet on" in r.claim]
    assert admitted and "experts check a sample" in admitted[0], admitted


async def test_a_stock_reply_to_a_push_on_what_they_said_is_no_gap(brain: OfflineBrain) -> None:
    question = load_questions().get("legal-contract-summaries")
    turns = [
        *opening(OUTLINE),
        _probe(
            "t2",
            "interviewer",
            "heldout_gold_gate",
            "You said 95% recall before anyone relies on it. Why 95 and not 99?",
        ),
        Turn(id="t3", speaker="candidate", text="Not sure.", round=1),
    ]
    debrief = await Interview(brain).debrief(question, turns, [])
    assert not any(a.target == "heldout_gold_gate" for a in debrief.advice), [
        (a.target, a.text) for a in debrief.advice
    ]
    pushed = [r.claim for r in debrief.reasons if "pushed past what it said" in r.claim]
    assert pushed and "frozen test set" in pushed[0], [r.claim for r in debrief.reasons]


MARKDOWN = """\
## Evaluation
- Build a set of 300 real questions from last year's helpdesk tickets, with the answer the IT
  team actually gave.
- Two specialists grade each assistant answer as correct, partly correct or wrong; a third
  settles disagreements.

## Architecture
- If retrieval confidence is low, the assistant offers to open a ticket with the question
  pre-filled.

## Risks
- Pages older than a year get flagged to their owners for review.
"""


async def test_a_prep_site_outline_is_read_for_what_it_shows(brain: OfflineBrain) -> None:
    question = load_questions().get("enterprise-rag-assistant")
    reading = brain.reader.read(question, opening(MARKDOWN))
    credited = [(r.signal, r.quote[:18]) for r in reading.rows if r.credited]
    assert ("gold_reference_set", "Build a set of 300") in credited, credited
    for said in ("labeling_guidelines_agreement", "graceful_fallback", "data_quality_decay"):
        assert reading.touched(said), said


PREP_SITE = """\
## What "good" means
| Aspect | Definition | Target |
|---|---|---|
| Grounded | every claim traceable to a cited passage | 98% of sampled answers |
| Helpful | employee does not file a ticket on the same topic within 48 hours | 60% deflection |

## Evaluation
- Build a set of 400 real questions from last year's tickets, with the answer the support team
  actually gave.
- Two IT/HR specialists grade each assistant answer as correct, partly correct or wrong; a third
  settles disagreements.
- A new prompt or retriever ships only if it beats the current one on this set and does not drop
  on the 100 unanswerable questions.

## Architecture
- The model answers only from the retrieved passages; a second check verifies each sentence
  against its citation and drops what it cannot support.
"""


async def test_a_yes_from_thin_own_stages_names_what_carries_it(brain: OfflineBrain) -> None:
    question = load_questions().get("enterprise-rag-assistant")
    manager = next(p for p in load_panel().panelists if p.id == "hiring_manager")
    vote = await Interview(brain).vote(manager, question, opening(PREP_SITE))
    assert vote.decision == "hire", vote.rationale
    assert "isn't yet a plan I could staff and pay for" in vote.rationale  # its one idea, named
    assert "I'll still back it, because “" in vote.rationale, vote.rationale
    assert vote.citations and vote.citations[0].quote in PREP_SITE


async def test_a_sentence_cut_at_a_semicolon_still_names_what_it_says_whole(
    brain: OfflineBrain,
) -> None:
    question = load_questions().get("code-review-bot")
    text = (
        "Serving: most comments come from a small model; security-sensitive files and diffs "
        "over 500 lines go to the large model."
    )
    reading = brain.reader.read(question, opening(text))
    assert len(reading.rows) == 2  # read as two clauses
    assert reading.touched("model_as_costed_component")


async def test_spoken_hedges_and_appeals_are_read_for_what_they_are(brain: OfflineBrain) -> None:
    question = load_questions().get("content-moderation")
    text = (
        "Appeals are another signal: if a lot of removals get overturned on appeal, something is "
        "off in that language. Cost-wise I haven't really done the math, but moderators are the "
        "big cost, not the model."
    )
    reading = brain.reader.read(question, opening(text))
    assert reading.touched("implicit_behavioral_feedback")
    assert reading.rows[-1].stance == "hedges", reading.rows[-1]


@pytest.mark.parametrize(
    ("question_id", "text"),
    [
        (  # handing the design to another team
            "enterprise-rag-assistant",
            "We should presumably have some check that the citations are real, but I'd leave the "
            "details of that to the engineering team. Honestly, I'd lean on finance for the cost "
            "modelling.",
        ),
        (  # declining to commit to a number
            "content-moderation",
            "The exact thresholds are something you tune once the system is live, so I wouldn't "
            "want to anchor on a number in an interview. I'd rather not put a number on moderator "
            "costs before we've talked to vendors.",
        ),
    ],
)
async def test_an_evasion_admits_the_gap(brain: OfflineBrain, question_id: str, text: str) -> None:
    reading = brain.reader.read(load_questions().get(question_id), opening(text))
    assert {r.stance for r in reading.rows} == {"hedges"}
    assert not any(r.credited for r in reading.rows)
