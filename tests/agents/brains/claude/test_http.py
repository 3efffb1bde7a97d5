"""ClaudeBrain against the fake API over real HTTP on 127.0.0.1: fan-out and structured calls."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from knowledge.loader import load_rubric
from knowledge.models import Panel, Question
from tests.agents.brains.claude.helpers import make_brain, opening
from tests.fake_anthropic import (
    FakeAnthropic,
    FakeAnthropicServer,
    PanelResponder,
)


@pytest.fixture
def fake() -> FakeAnthropic:
    return FakeAnthropic(responder=PanelResponder(load_rubric()), stream_chunk_chars=4)


@pytest.fixture
def server(fake: FakeAnthropic) -> Iterator[FakeAnthropicServer]:
    with FakeAnthropicServer(fake) as running:
        yield running


async def test_three_probes_of_a_round_are_in_flight_at_once(
    server: FakeAnthropicServer, fake: FakeAnthropic, panel: Panel, question: Question
) -> None:
    fake.sleep_s = 0.3
    brain = make_brain(server.client())
    transcript = opening()
    results = await asyncio.gather(
        *(brain.probe(p, question, transcript, 1) for p in panel.panelists)
    )
    assert [r.value[0].panelist for r in results] == [p.id for p in panel.panelists]
    assert fake.max_in_flight >= 3
    assert all(r.fallbacks == [] for r in results)


async def test_structured_calls_work_over_http(
    server: FakeAnthropicServer, panel: Panel, question: Question
) -> None:
    brain = make_brain(server.client())
    vote = (await brain.vote(panel.get("lead_engineer"), question, opening())).value
    assert vote.panelist == "lead_engineer"
    assert vote.citations[0].turn == "t1"
