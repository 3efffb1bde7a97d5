"""Streaming probes: deltas reach only the request's sink; the streamed text is what is asked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from streamlit.testing.v1 import AppTest

from agents.brains import factory
from agents.brains.base import Probe
from agents.debrief import Debrief, PanelVote
from agents.transcript import Turn
from knowledge.loader import load_panel, load_questions
from knowledge.models import Panelist, Question
from tests.ui.conftest import APP
from tests.ui.streaming_brain import streamed_question
from ui.live_probes import LiveProbeBrain, with_probe_sink

STREAMING = ("tests.ui.streaming_brain", "StreamingOfflineBrain")


class _Inner:
    name = "inner"

    def __init__(self) -> None:
        self.calls = 0

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> list[Probe]:
        self.calls += 1
        return [Probe(panelist=panelist.id, stage="evaluation", gap="g1", gap_kind="missing_signal",
                      severity=2.0, text="structured text", snippet_ids=["s1"])]

    async def stream_probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> AsyncIterator[str]:
        for piece in ("How ", "do you ", "audit?"):
            await asyncio.sleep(0)
            yield piece

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> PanelVote:
        raise NotImplementedError

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> Debrief:
        raise NotImplementedError


async def test_streamed_text_goes_to_the_sink_and_becomes_the_probe() -> None:
    inner = _Inner()
    brain = LiveProbeBrain(lambda: inner, "inner")
    panelist = load_panel().get("interviewer")
    question = load_questions().questions[0]
    plain = await brain.probe(panelist, question, [], 1)
    assert plain[0].text == "structured text"

    seen: list[tuple[str, str | None]] = []
    probes = await with_probe_sink(
        brain.probe(panelist, question, [], 1), lambda pid, d: seen.append((pid, d))
    )
    assert seen == [("interviewer", "How "), ("interviewer", "do you "), ("interviewer", "audit?"),
                    ("interviewer", None)]
    assert probes[0].text == "How do you audit?"
    assert (probes[0].gap, probes[0].snippet_ids) == ("g1", ["s1"])
    after = await brain.probe(panelist, question, [], 1)
    assert after[0].text == "structured text"


@pytest.mark.usefixtures("ui_home")
def test_candidate_page_asks_the_streamed_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(factory.BRAINS, "streaming-test", STREAMING)
    monkeypatch.setenv("MOCKPANEL_BRAIN", "streaming-test")
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.chat_input(key="answer_input").set_value(
        "Coders label 500 charts twice; we audit a 5% sample and route hard charts to a person."
    ).run()
    assert not at.exception and not at.error
    panel = {p.name: p for p in load_panel().panelists}
    asked = [m for m in at.chat_message if m.name in panel]
    assert asked
    streamed = {streamed_question(p, 1) for p in panel.values()}
    texts = [m.markdown[-1].value.replace("\\", "") for m in asked]
    assert any(t in streamed for t in texts), texts


@pytest.mark.usefixtures("ui_home")
def test_the_offline_brain_is_used_unchanged() -> None:
    from ui.services import get_services

    live = get_services().live
    assert live.name == "offline" and not live.can_stream()
