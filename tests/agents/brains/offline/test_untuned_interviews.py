"""Interviews written here in styles the eval set lacks, replayed as tests: a lowercase "1/ 2/"
thread about a code migration, a pre-mortem told failure by failure, and a fluent answer whose test
set and answer key a model wrote, one that counts drafts sent as drafts right, and a chat log with a
timestamp on every line."""

from __future__ import annotations

import pytest

from agents.brains.offline import OfflineBrain
from knowledge.models import Panel
from knowledge.scope import custom_question, product_of
from tests.agents.brains.interview import Interview
from tests.agents.brains.offline.conftest import opening

MIGRATION_THREAD = """\
1/ the tool rewrites legacy COBOL batch jobs into Java for a bank. wrong code that compiles is the
killer, a job that posts interest twice is a regulator problem; code that fails to compile is
cheap, an engineer just fixes it.
2/ "correct" = same outputs as the old job on the same input files, byte for byte, on every field
the ledger reads.
3/ so the test is replay: we keep 40 nights of real input files per job, run old and new side by
side, diff the outputs. ship a job only if 40 of 40 nights match.
4/ the LLM drafts, a static translator handles the boring 70% (copybooks, file layouts), the model
only does the business logic paragraphs.
5/ each migrated job has an owner engineer who signs off before it goes to prod, and the old job
keeps running in parallel for a month.
6/ goal: 300 jobs moved in a year instead of 3 years, with zero ledger differences in prod.
7/ cost: maybe $15 of tokens a job, trivial; the real cost is the engineer review, ~4 hours a job,
~1,200 hours total.
"""

PRE_MORTEM = """\
Let me do this as a pre-mortem. It's a year from now and the tenant assistant failed. Why?

Failure 1: it told someone a gas smell could wait until Monday. Urgent safety issues are the one
mistake we cannot make; a ticket filed for a dripping tap that wasn't needed costs a technician ten
minutes. So anything touching gas, water leaks through a ceiling, no heat below 10°C or electrical
sparks is never answered by the model at all: a keyword-and-classifier screen routes it to the 24h
line, and we accept lots of false alarms there.

Failure 2: nobody knew whether answers were right. To avoid that, before launch our two most senior
maintenance coordinators take 400 real tenant messages from last winter and write, separately, what
the correct category, urgency and first reply are; they reconcile the ~60 they disagree on. The
assistant has to get urgency right on 98% of those and never under-rate an emergency, or it doesn't
ship.

Failure 3: it was a demo that nobody used. The number that matters is the share of routine requests
(the 70% that are taps, doors, appliances) filed with the right category and photos on the first
message, from about 35% today to 75%, with tenant re-contacts flat.

Failure 4: costs crept. Around 9,000 conversations a month at roughly 2 cents each is under $200 —
trivial next to one coordinator hour — but the classifier runs first so the LLM only sees the
routine 70%.

Failure 5: it rotted. Every ticket a coordinator re-categorises is logged as a correction and goes
into the monthly review of the prompt's examples; we rerun the 400-message set whenever the prompt
or model changes.
"""

SYNTHETIC_KEY = """\
Intake at a law firm is a classic routing problem, so I'd frame it as: every inbound email gets a
practice area, an urgency and a conflict-check flag, and lands in the right partner's queue in
under a minute.

For the model, I'd use a strong LLM with a carefully designed system prompt describing our 14
practice areas, with three worked examples per area, and a JSON schema for the output so the
routing code never has to parse prose.

Evaluation: we'd have the LLM generate 2,000 synthetic intake emails covering all 14 areas and edge
cases, with the correct routing attached when it generates them, and we require 95% routing
accuracy on that set before launch. It's a great way to get coverage of rare areas like maritime
law that we barely see.

Success metric: the share of intake emails routed with no paralegal involvement. Today it's zero;
I'd target 80% in the first quarter.

Cost: about 1 cent an email, and at 3,000 emails a month that's $30 — negligible.

After launch we'd watch for partners forwarding misrouted emails, and add those to the prompt's
examples each month.
"""


SENT_AS_RIGHT = """\
OK so the way I think about it, complaints at an airline are 80% the same five things: delays, lost
bags, refunds, seat changes, rude staff. An LLM is very good at the empathetic first reply, so the
assistant drafts one for every complaint within seconds and an agent sends it with one click.

The drafting uses GPT-4o with our policy pages retrieved for the complaint type, plus the
passenger's booking and bag-tracking record, so the draft can say concrete things like "your bag is
in Frankfurt and arrives tomorrow".

How we'd know it's good: I wrote the prompt, so each Friday I read through 50 of the week's drafts
myself and tweak the prompt where the tone is off. That keeps quality high without slowing agents
down.

The metric I'd put in front of leadership is the share of complaints where the agent sent the AI
draft, aiming for 85% by the end of the quarter — if agents send it, it's good enough.

Cost: roughly 3,000 tokens per draft at GPT-4o prices is about 2 cents, and with 40,000 complaints
a month that's $800, against agents currently spending about 9 minutes writing each first reply.

Risks: compensation promises. The policy pages cap what it can offer, and it never offers more than
the policy allows.
"""


CHAT_LOG = """\
[10:02] me: ok thinking out loud in slack-style, bear with me
[10:02] me: the user is a field adjuster who today spends ~45 min after each site visit typing the
report. the draft has to be right on facts (damage location, measurements, cause stated by the
owner) more than on prose
[10:04] me: worst error = a measurement or a cause in the report that wasn't in the notes or
photos, because the report drives the payout and it's discoverable in a dispute. a clumsy sentence
costs nothing
[10:05] me: so every number and every cause statement in the draft must link to a timestamp in the
voice note or a photo id, or it doesn't appear. unlinked claims get stripped before the adjuster
sees it
[10:07] me: truth set: 250 past visits where we have the notes, photos and the report the adjuster
filed. two senior adjusters go through 100 of them separately and mark which report facts are
supported; they agree on ~90%, the rest they talk out
[10:09] me: bar: on those, zero unsupported measurements in the drafts, and at least 85% of the
supported facts carried over. below that it doesn't go to adjusters
[10:10] me: then 15 adjusters use it for 6 weeks, 15 similar ones don't; we compare time to file
and how many reports come back from the desk reviewers with corrections
[10:12] me: cost: ~20 photos + 6 min audio per visit, call it 30 cents in model calls. adjuster
time is ~$60/hr so saving even 20 minutes a visit is ~$20. not close
[10:13] me: adjuster edits get diffed against the draft and the fact-level ones go into a monthly
review of the prompt and the extraction rules
"""


async def _decide(brain: OfflineBrain, panel: Panel, asked: str, text: str) -> tuple[str, float]:
    question = custom_question(asked)
    interview = Interview(brain)
    turns = opening(text)
    votes = [await interview.vote(p, question, turns) for p in panel.panelists]
    debrief = await interview.debrief(question, turns, votes)
    return debrief.decision, debrief.confidence


async def test_a_replay_gated_migration_thread_is_read_and_not_asked_for_cut_offs(
    brain: OfflineBrain, panel: Panel
) -> None:
    asked = (
        "We have 300 legacy COBOL batch jobs. How would you use an LLM to migrate them to Java"
        " safely?"
    )
    question = custom_question(asked)
    assert product_of(question) == "the LLM"
    turns = opening(MIGRATION_THREAD)
    analysis = brain.analyze(turns)
    credited = {f.signal.id for f in analysis.credited_signals()}
    assert {"correct_output_defined", "error_cost_asymmetry", "heldout_gold_gate"} <= credited
    assert not {f.flag.id for f in analysis.flags} & {"magic_box", "manual_data_collection"}
    interview = Interview(brain)
    asked_for = {
        p.gap
        for panelist in panel.panelists
        for p in await interview.probe(panelist, question, turns, 1)
    }
    assert not asked_for & {"confidence_thresholds", "tiered_sample_verification"}
    decision, confidence = await _decide(brain, panel, asked, MIGRATION_THREAD)
    assert decision == "hire" and confidence >= 0.7


@pytest.mark.parametrize(
    ("asked", "text", "flags"),
    [
        (
            "Design an AI that triages incoming emails for a law firm's intake team.",
            SYNTHETIC_KEY,
            {"synthetic_only_eval", "automation_as_success"},
        ),
        (
            "Design an AI assistant that drafts first responses to passenger complaints for an"
            " airline.",
            SENT_AS_RIGHT,
            {"acceptance_as_accuracy", "no_gold_set"},
        ),
    ],
    ids=["test-set-and-key-written-by-the-model", "drafts-sent-taken-as-right"],
)
async def test_a_fluent_answer_with_a_disqualifying_practice_is_not_hired(
    brain: OfflineBrain, panel: Panel, asked: str, text: str, flags: set[str]
) -> None:
    assert flags <= {f.flag.id for f in brain.analyze(opening(text)).flags}
    decision, _ = await _decide(brain, panel, asked, text)
    assert decision == "no_hire"


async def test_a_hard_wrapped_answer_reads_as_it_does_on_one_line(brain: OfflineBrain) -> None:
    one_line = (
        "The assistant drafts replies to tenants about repairs. A wrong promise about a repair date"
        " is the killer here, because tenants plan around it. The number I'd report is the share"
        " of letters where the officer sent the AI draft; if officers send it, it's good enough."
    )
    wrapped = one_line.replace(" date is the killer", " date is the\nkiller").replace(
        "it, it's good", "it,\nit's good"
    )
    assert "\n" in wrapped
    read = [brain.analyze(opening(text)) for text in (one_line, wrapped)]
    shown = [{sid for sid, f in a.findings.items() if f.evidence} for a in read]
    flags = [{f.flag.id for f in a.flags} for a in read]
    assert "error_cost_asymmetry" in shown[0] and "acceptance_as_accuracy" in flags[0]
    assert shown[0] == shown[1] and flags[0] == flags[1]


def test_a_practice_under_alternatives_considered_is_turned_down(brain: OfflineBrain) -> None:
    memo = (
        "**Decision:** success is fewer missed insulin doses per 1,000 patient-days.\n\n"
        "**{heading}**\n"
        "- Our north star would be reminder chats closed without a human. It counts chats, not"
        " doses.\n"
    )
    flags = [
        {f.flag.id for f in brain.analyze(opening(memo.format(heading=h))).flags}
        for h in ("Alternatives considered", "Plan")
    ]
    assert "automation_as_success" not in flags[0]
    assert "automation_as_success" in flags[1]


@pytest.mark.parametrize(
    ("asked", "text", "credited"),
    [
        (
            "Design an LLM feature that answers tenants' maintenance questions and files repair"
            " tickets for a property manager with 20,000 units.",
            PRE_MORTEM,
            {"error_cost_asymmetry", "heldout_gold_gate"},
        ),
        (
            "Design an LLM feature that writes first drafts of insurance adjuster field reports"
            " from site photos and voice notes.",
            CHAT_LOG,
            {"gold_reference_set", "online_ab_test"},
        ),
    ],
    ids=["pre-mortem", "chat-log"],
)
async def test_a_strong_answer_in_an_untried_shape_is_read_and_hired(
    brain: OfflineBrain, panel: Panel, asked: str, text: str, credited: set[str]
) -> None:
    analysis = brain.analyze(opening(text))
    # A chat log's "[10:02] me:" opens each message and is never part of what is read.
    assert not any(s.text.startswith("[") or "\n[" in s.text for s in analysis.sentences)
    assert "no_gold_set" not in {f.flag.id for f in analysis.flags}
    assert credited <= {f.signal.id for f in analysis.credited_signals()}
    decision, _ = await _decide(brain, panel, asked, text)
    assert decision == "hire"
