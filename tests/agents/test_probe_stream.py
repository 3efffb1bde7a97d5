"""Probe text on LangGraph's custom stream reaches the caller of every parallel probe task."""

from __future__ import annotations

import asyncio
from typing import Any

from agents.brains.base import StepResult
from agents.probe_stream import probe_text_event, probe_text_writer, read_probe_text
from agents.session import PanelService
from agents.state import Probe
from agents.transcript import Turn
from knowledge.loader import load_rubric
from knowledge.models import PANELIST_IDS, Panel, Panelist, Question
from knowledge.settings import Settings
from tests.agents.brains.claude.helpers import CorpusIndex
from tests.agents.brains.claude.helpers import make_brain as make_claude
from tests.doubles import FakeBrain, KnownSnippets
from tests.fake_anthropic import FakeAnthropic, PanelResponder, mock_client

OPENING = "We define a resolved ticket first, then a gold set of 400 solved tickets."


class EchoBrain(FakeBrain):
    """FakeBrain whose probe tasks, all three held in flight at once, stream a draft, take it
    back, then stream the probe they return."""

    def __init__(self) -> None:
        super().__init__()
        self._arrived = 0
        self._all_in = asyncio.Event()

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        self._arrived += 1
        if self._arrived % len(PANELIST_IDS) == 0:
            self._all_in.set()
        # Returns only once all three tasks are running: proof they are concurrent.
        await asyncio.wait_for(self._all_in.wait(), timeout=10)
        result = await super().probe(panelist, question, transcript, round)
        send = probe_text_writer(panelist.id)
        assert send is not None  # inside a graph run there is always a writer
        send("a draft ")
        send(None)
        send(result.value[0].text)
        return result


async def test_probe_text_of_all_three_parallel_tasks_reaches_the_caller(
    settings: Settings, panel: Panel, question: Question
) -> None:
    brain = EchoBrain()
    svc = PanelService(settings, brain, retriever=KnownSnippets(), panel=panel)
    got: list[tuple[str, str | None]] = []

    def sink(pid: str, delta: str | None) -> None:
        got.append((pid, delta))

    view = await svc.start(question, OPENING, max_rounds=2, thread_id="p1", on_probe_token=sink)
    assert sorted({pid for pid, _ in got}) == sorted(PANELIST_IDS)
    for pid in PANELIST_IDS:
        assert [d for p, d in got if p == pid][:2] == ["a draft ", None]
    first = {p.panelist: p.text for p in view.pending_probes}
    assert all(got.count((pid, first[pid])) == 1 for pid in first)

    got.clear()
    await svc.reply(view.thread_id, "We audit a 10% sample each week.")
    assert got == []  # no listener passed to this call: nothing delivered


async def test_two_sessions_at_once_never_share_probe_text(
    settings: Settings, panel: Panel, question: Question
) -> None:
    logs: dict[str, list[str]] = {"a": [], "b": []}

    async def session(name: str) -> None:
        svc = PanelService(settings, EchoBrain(), retriever=KnownSnippets(), panel=panel)

        def sink(pid: str, delta: str | None) -> None:
            logs[name].append(pid)

        await svc.start(question, OPENING, thread_id=f"{name}1", on_probe_token=sink)

    await asyncio.gather(session("a"), session("b"))
    assert sorted(logs["a"]) == sorted(logs["b"]) == sorted(PANELIST_IDS * 3)


async def test_claude_round_streams_each_asked_probe_without_extra_calls(
    settings: Settings, panel: Panel, question: Question
) -> None:
    fake = FakeAnthropic(responder=PanelResponder(load_rubric()), stream_chunk_chars=5)
    index = CorpusIndex(order="id")
    svc = PanelService(
        settings, make_claude(mock_client(fake), index=index), retriever=index, panel=panel
    )
    shown: dict[str, str] = {}

    def sink(pid: str, delta: str | None) -> None:
        shown[pid] = "" if delta is None else shown.get(pid, "") + delta

    view = await svc.start(question, OPENING, max_rounds=1, thread_id="c1", on_probe_token=sink)
    requests = fake.message_requests()
    assert len(requests) == len(PANELIST_IDS)  # one structured call per panelist, nothing more
    assert all(r.body["stream"] is True and "output_config" in r.body for r in requests)
    assert len(view.pending_probes) == len(PANELIST_IDS)
    for probe in view.pending_probes:
        assert shown[probe.panelist] == probe.text
        assert probe.snippet_ids  # grounding comes with the very words streamed
    asked = {t.speaker: t for t in view.transcript if t.speaker != "candidate"}
    assert {pid: t.text for pid, t in asked.items()} == shown


def test_outside_a_graph_run_there_is_no_writer() -> None:
    assert probe_text_writer("interviewer") is None


def test_only_well_formed_probe_text_events_are_read() -> None:
    assert read_probe_text(probe_text_event("lead_engineer", "How")) == ("lead_engineer", "How")
    assert read_probe_text(probe_text_event("lead_engineer", None)) == ("lead_engineer", None)
    odd: list[Any] = ["text", {"other": 1}, {"probe_text": {"panelist": 3, "delta": "x"}}]
    assert [read_probe_text(c) for c in odd] == [None, None, None]
