"""CascadeBrain: offline first, escalation under the threshold, review queue, no-key behaviour."""

from __future__ import annotations

from agents.brains.cascade import CascadeBrain
from agents.brains.claude.config import CascadeConfig
from agents.debrief import PanelVote
from knowledge.loader import load_rubric
from knowledge.models import Panel, Question
from knowledge.settings import Settings
from tests.agents.brains.claude.helpers import (
    CorpusIndex,
    StubOffline,
    claude_config,
    make_brain,
    opening,
)
from tests.agents.brains.interview import Interview
from tests.fake_anthropic import FakeAnthropic, PanelResponder, mock_client, reply_error

CONFIG = CascadeConfig(escalate_below=0.65, review_below=0.6, probes="offline", votes="offline")


def vote(panelist: str, decision: str) -> PanelVote:
    return PanelVote(panelist=panelist, decision=decision, confidence=0.8)


AGREEING = [vote("interviewer", "no_hire"), vote("hiring_manager", "no_hire")]


def cascade(
    offline: StubOffline, fake: FakeAnthropic | None, config: CascadeConfig = CONFIG
) -> CascadeBrain:
    claude = make_brain(mock_client(fake), fallback=offline) if fake is not None else None
    return CascadeBrain(offline, claude, config, unavailable="ANTHROPIC_API_KEY is not set")


async def test_confident_offline_verdict_is_not_escalated(question: Question) -> None:
    offline, fake = StubOffline(confidence=0.9), FakeAnthropic()
    debrief = await Interview(cascade(offline, fake)).debrief(question, opening(), AGREEING)
    assert debrief.brain == "cascade:offline"
    assert fake.requests == []
    assert debrief.needs_review is False
    assert debrief.fallbacks == []


async def test_uncertain_offline_verdict_escalates_to_claude(question: Question) -> None:
    offline = StubOffline(confidence=0.5)
    fake = FakeAnthropic(responder=PanelResponder(load_rubric(), decision="no_hire"))
    debrief = await Interview(cascade(offline, fake)).debrief(question, opening(), AGREEING)
    assert debrief.brain == "cascade:claude"
    assert len(fake.message_requests()) == 1
    assert debrief.confidence == 0.72
    assert debrief.needs_review is False
    assert [c.step for c in debrief.usage.calls] == ["debrief", "debrief"]
    assert debrief.usage.calls[1].model == "claude-sonnet-4-6"
    assert debrief.usage.cost_usd > 0


async def test_claude_failure_falls_back_visibly(question: Question) -> None:
    offline = StubOffline(confidence=0.5)
    fake = FakeAnthropic()
    fake.enqueue(*[reply_error(529) for _ in range(3)])
    debrief = await Interview(cascade(offline, fake)).debrief(question, opening(), AGREEING)
    assert debrief.brain == "cascade:claude+offline-fallback"
    assert "offline brain used" in debrief.fallbacks[0]
    assert debrief.needs_review is True  # 0.5 < review threshold


async def test_no_key_runs_offline_and_says_it_could_not_escalate(question: Question) -> None:
    offline = StubOffline(confidence=0.5)
    debrief = await Interview(cascade(offline, None)).debrief(question, opening(), AGREEING)
    assert debrief.brain == "cascade:offline"
    assert debrief.fallbacks == [
        "debrief: offline confidence 0.50 is under 0.65 but could not escalate to claude "
        "(ANTHROPIC_API_KEY is not set); offline verdict kept"
    ]
    assert debrief.needs_review is True


async def test_split_panel_goes_to_review(question: Question) -> None:
    offline = StubOffline(confidence=0.95)
    split = [vote("interviewer", "hire"), vote("lead_engineer", "no_hire")]
    debrief = await Interview(cascade(offline, None)).debrief(question, opening(), split)
    assert debrief.brain == "cascade:offline"
    assert debrief.needs_review is True


async def test_probes_and_votes_stay_offline_by_default(panel: Panel, question: Question) -> None:
    offline, fake = StubOffline(), FakeAnthropic()
    brain = cascade(offline, fake)
    await brain.probe(panel.get("interviewer"), question, opening(), 1)
    await brain.vote(panel.get("interviewer"), question, opening())
    assert offline.calls == ["probe:interviewer", "vote:interviewer"]
    assert fake.requests == []


async def test_claude_probes_when_configured_are_billed_even_without_escalation(
    panel: Panel, question: Question
) -> None:
    offline = StubOffline(confidence=0.9)
    fake = FakeAnthropic(responder=PanelResponder(load_rubric()))
    config = CONFIG.model_copy(update={"probes": "claude"})
    brain = Interview(cascade(offline, fake, config))
    probes = await brain.probe(panel.get("interviewer"), question, opening(), 1)
    assert not probes[0].text.startswith("[offline]")
    debrief = await brain.debrief(question, opening(), AGREEING)
    assert debrief.brain == "cascade:offline"
    assert [c.step for c in debrief.usage.calls] == ["probe:interviewer:r1", "debrief"]


def test_from_settings_without_key_keeps_running(settings: Settings) -> None:
    brain = CascadeBrain.from_settings(
        settings, offline=StubOffline(), retriever=CorpusIndex(order="id"), config=claude_config()
    )
    assert brain.name == "cascade"
    assert brain.can_escalate is False
