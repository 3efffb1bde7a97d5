"""ClaudeBrain against the fake API over real HTTP on 127.0.0.1: SSE streaming and fan-out."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from knowledge.loader import load_rubric
from knowledge.models import Panel, Question
from tests.agents.brains.claude.helpers import StubOffline, make_brain, opening
from tests.fake_anthropic import (
    FakeAnthropic,
    FakeAnthropicServer,
    PanelResponder,
    reply_error,
    reply_json,
    reply_text,
)

QUESTION_TEXT = "Who labels the gold set, and how do you audit the labellers each week?"


@pytest.fixture
def fake() -> FakeAnthropic:
    return FakeAnthropic(responder=PanelResponder(load_rubric()), stream_chunk_chars=4)


@pytest.fixture
def server(fake: FakeAnthropic) -> Iterator[FakeAnthropicServer]:
    with FakeAnthropicServer(fake) as running:
        yield running


async def test_probe_streams_token_by_token_over_sse(
    fake: FakeAnthropic, server: FakeAnthropicServer, panel: Panel, question: Question
) -> None:
    fake.enqueue(reply_text(QUESTION_TEXT))
    brain = make_brain(server.client())
    chunks = [
        c async for c in brain.stream_probe(panel.get("hiring_manager"), question, opening(), 1)
    ]
    assert "".join(chunks) == QUESTION_TEXT
    assert len(chunks) == -(-len(QUESTION_TEXT) // 4)
    (request,) = fake.message_requests()
    assert request.body["stream"] is True
    assert "output_config" not in request.body
    fake.enqueue(
        reply_json(PanelResponder(load_rubric()).debrief([{"turn": "t1", "quote": "We'll just"}]))
    )
    debrief = await brain.debrief(question, opening(), [])
    assert [c.step for c in debrief.usage.calls] == ["stream_probe:hiring_manager:r1", "debrief"]
    assert debrief.usage.calls[0].output_tokens > 0


async def test_stream_falls_back_before_the_first_token(
    fake: FakeAnthropic, server: FakeAnthropicServer, panel: Panel, question: Question
) -> None:
    fake.enqueue(reply_error(529), reply_error(529), reply_error(529))
    brain = make_brain(server.client(), fallback=StubOffline())
    chunks = [c async for c in brain.stream_probe(panel.get("interviewer"), question, opening(), 1)]
    assert chunks == ["[offline] Priya Raman asks about objective."]
    debrief = await brain.debrief(question, opening(), [])
    assert debrief.fallbacks[0] == (
        "stream_probe:interviewer:r1: claude unavailable (gave up after 3 attempts "
        "(HTTP 529 overloaded_error)); offline brain used"
    )


async def test_three_probes_of_a_round_are_in_flight_at_once(
    server: FakeAnthropicServer, fake: FakeAnthropic, panel: Panel, question: Question
) -> None:
    fake.sleep_s = 0.3
    brain = make_brain(server.client())
    transcript = opening()
    results = await asyncio.gather(
        *(brain.probe(p, question, transcript, 1) for p in panel.panelists)
    )
    assert [r[0].panelist for r in results] == [p.id for p in panel.panelists]
    assert fake.max_in_flight >= 3
    debrief = await brain.debrief(question, transcript, [])
    assert debrief.fallbacks == []


async def test_structured_calls_work_over_http(
    server: FakeAnthropicServer, panel: Panel, question: Question
) -> None:
    brain = make_brain(server.client())
    vote = await brain.vote(panel.get("lead_engineer"), question, opening())
    assert vote.panelist == "lead_engineer"
    assert vote.citations[0].turn == "t1"
