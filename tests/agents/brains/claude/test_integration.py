"""Claude and cascade brains with the real index, the real OfflineBrain and the panel graph."""

from __future__ import annotations

from pathlib import Path

from agents.brains.base import settle_debrief
from agents.brains.cascade import CascadeBrain
from agents.brains.claude import ClaudeBrain
from agents.citations import validate_debrief
from agents.session import PanelService
from agents.state import Probe
from knowledge.loader import load_rubric
from knowledge.models import Panel, Question
from knowledge.retrieval import Retriever
from knowledge.settings import Settings
from tests.agents.brains.claude.helpers import WEAK_ANSWER, SleepRecorder, opening
from tests.fake_anthropic import FakeAnthropic, PanelResponder, mock_client, reply_error

REPLY = "Two senior agents would label a gold set of two thousand tickets."


async def test_interview_through_the_panel_graph(indexed_home: Path) -> None:
    settings = Settings()
    fake = FakeAnthropic(responder=PanelResponder(load_rubric()))
    brain = ClaudeBrain.from_settings(settings, client=mock_client(fake))
    service = PanelService(settings, brain=brain)
    from knowledge.loader import load_questions

    question = load_questions().get("support-bot-deflection")

    def candidate(probes: list[Probe]) -> str:
        return REPLY

    view = await service.run_scripted(question, WEAK_ANSWER, candidate, max_rounds=1)
    assert view.status == "done"
    debrief = view.debrief
    assert debrief is not None
    assert debrief.brain == "claude"
    assert debrief.fallbacks == []
    assert debrief.dropped_citations == 0
    steps = [c.step for c in debrief.usage.calls]
    assert sorted(s for s in steps if s.startswith("probe:")) == [
        "probe:hiring_manager:r1",
        "probe:interviewer:r1",
        "probe:lead_engineer:r1",
    ]
    assert steps[-1] == "debrief"
    assert sum(s.startswith("vote:") for s in steps) == 3


async def test_fallback_to_the_real_offline_brain(indexed_home: Path, question: Question) -> None:
    settings = Settings()
    fake = FakeAnthropic()
    fake.enqueue(*[reply_error(529) for _ in range(4)])
    brain = ClaudeBrain.from_settings(settings, client=mock_client(fake), sleep=SleepRecorder())
    transcript = opening()
    debrief = settle_debrief(await brain.debrief(question, transcript, []))
    assert debrief.brain == "claude+offline-fallback"
    assert debrief.fallbacks[0].startswith("debrief: claude unavailable (gave up after 4 attempts")
    assert debrief.fallbacks[0].endswith("offline brain used")
    checked = validate_debrief(debrief, transcript, Retriever.from_settings(settings))
    assert checked.dropped_citations == 0


async def test_cascade_without_key_uses_the_real_offline_brain(
    indexed_home: Path, panel: Panel, question: Question
) -> None:
    brain = CascadeBrain.from_settings(Settings())
    assert brain.can_escalate is False
    transcript = opening()
    probes = (await brain.probe(panel.get("interviewer"), question, transcript, 1)).value
    assert probes
    debrief = settle_debrief(await brain.debrief(question, transcript, []))
    assert debrief.brain == "cascade:offline"
    if debrief.confidence < brain.config.escalate_below:
        assert "could not escalate to claude (ANTHROPIC_API_KEY is not set" in debrief.fallbacks[-1]
    else:
        assert debrief.fallbacks == []
