"""A question may name ideas its product has no use for: the panel never asks for them, advises
them or lists them as missing (a tabular fraud model has no prompt)."""

from __future__ import annotations

from agents.brains.offline import OfflineBrain
from knowledge.loader import load_panel, load_questions
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
