"""The probe sink set around a PanelService call reaches every parallel probe task of the round."""

from __future__ import annotations

import asyncio
import threading

from agents.probe_stream import ProbeSink, current_sink, streaming_probes_to
from agents.session import PanelService
from agents.state import Probe
from agents.transcript import Turn
from knowledge.loader import load_rubric
from knowledge.models import PANELIST_IDS, Panel, Panelist, Question
from knowledge.settings import Settings
from tests.agents.brains.claude.helpers import CorpusIndex
from tests.agents.brains.claude.helpers import make_brain as make_claude
from tests.agents.fakes import FakeBrain, FakeIndex
from tests.fake_anthropic import FakeAnthropic, PanelResponder, mock_client

OPENING = "We define a resolved ticket first, then a gold set of 400 solved tickets."


class SinkSpyBrain(FakeBrain):
    """FakeBrain whose probe tasks record the sink they see, all three held in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, tuple[ProbeSink | None, int]] = {}
        self._arrived = 0
        self._all_in = asyncio.Event()

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> list[Probe]:
        self._arrived += 1
        if self._arrived == len(PANELIST_IDS):
            self._all_in.set()
        # Returns only once all three tasks are running: proof they are concurrent.
        await asyncio.wait_for(self._all_in.wait(), timeout=10)
        self.seen[panelist.id] = (current_sink(), threading.get_ident())
        probes = await super().probe(panelist, question, transcript, round)
        sink = current_sink()
        if sink is not None:
            sink(panelist.id, probes.value[0].text)
        return probes


async def test_the_sink_reaches_all_three_parallel_probe_tasks(
    settings: Settings, panel: Panel, question: Question
) -> None:
    brain = SinkSpyBrain()
    svc = PanelService(settings, brain, retriever=FakeIndex(), panel=panel)
    got: list[tuple[str, str | None]] = []

    def sink(pid: str, delta: str | None) -> None:
        got.append((pid, delta))

    view = await svc.start(question, OPENING, max_rounds=2, thread_id="p1", on_probe_token=sink)
    assert current_sink() is None  # set only for the run
    assert set(brain.seen) == set(PANELIST_IDS)
    assert all(s is sink for s, _ in brain.seen.values())
    assert sorted(pid for pid, _ in got) == sorted(PANELIST_IDS)

    brain.seen.clear()
    brain._arrived = 0
    brain._all_in = asyncio.Event()
    await svc.reply(view.thread_id, "We audit a 10% sample each week.")
    assert set(brain.seen) == set(PANELIST_IDS) and all(
        s is None for s, _ in brain.seen.values()
    )  # no sink passed to this call: none seen


class EchoBrain(FakeBrain):
    """FakeBrain that sends each panelist's id to the sink it sees, after yielding once."""

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> list[Probe]:
        await asyncio.sleep(0)
        sink = current_sink()
        assert sink is not None
        sink(panelist.id, "x")
        return await super().probe(panelist, question, transcript, round)


async def test_two_sessions_at_once_never_share_a_sink(
    settings: Settings, panel: Panel, question: Question
) -> None:
    logs: dict[str, list[str]] = {"a": [], "b": []}

    async def session(name: str) -> None:
        svc = PanelService(settings, EchoBrain(), retriever=FakeIndex(), panel=panel)
        def sink(pid: str, delta: str | None) -> None:
            logs[name].append(pid)

        await svc.start(question, OPENING, thread_id=f"{name}1", on_probe_token=sink)

    await asyncio.gather(session("a"), session("b"))
    assert sorted(logs["a"]) == sorted(logs["b"]) == sorted(PANELIST_IDS)


async def test_claude_round_streams_each_asked_probe_without_extra_calls(
    settings: Settings, panel: Panel, question: Question
) -> None:
    fake = FakeAnthropic(responder=PanelResponder(load_rubric()), stream_chunk_chars=5)
    index = CorpusIndex()
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


def test_streaming_probes_to_restores_the_previous_sink() -> None:
    def outer(pid: str, delta: str | None) -> None: ...

    with streaming_probes_to(outer):
        with streaming_probes_to(None):
            assert current_sink() is None
        assert current_sink() is outer
    assert current_sink() is None
