"""Helpers for the claude and cascade brain tests (their doubles live in tests.doubles)."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import Any

from anthropic import AsyncAnthropic
from langgraph.func import entrypoint

from agents.brains.base import Brain, StepResult
from agents.brains.claude import ClaudeBrain
from agents.brains.claude.client import ClaudeClient
from agents.brains.claude.config import ClaudeConfig, load_config
from agents.probe_stream import read_probe_text
from agents.state import Probe
from agents.transcript import Turn
from knowledge.loader import load_rubric
from knowledge.models import Panelist, Question
from tests.doubles import CorpusIndex, StubOffline

WEAK_ANSWER = (
    "We'll just call GPT-4 for every ticket and show the answer in a nice chat bubble with "
    "streaming. I would put the service on Kubernetes behind an API gateway so it scales."
)


def claude_config(**changes: Any) -> ClaudeConfig:
    """The shipped config with short timeouts and two retries, plus `changes` per section."""
    data = load_config(env={}).model_dump()
    data["retries"].update(max_retries=2)
    data["timeouts"].update(probe_s=2, vote_s=2, debrief_s=2)
    for section, values in changes.items():
        if isinstance(values, dict):
            data[section].update(values)
        else:
            data[section] = values
    return ClaudeConfig.model_validate(data)


class SleepRecorder:
    """An injected sleep that records how long it was asked to wait, and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def make_brain(
    sdk: AsyncAnthropic,
    *,
    config: ClaudeConfig | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    fallback: Any = None,
    index: CorpusIndex | None = None,
) -> ClaudeBrain:
    """A ClaudeBrain over `sdk` with the real rubric, the corpus index and a stub offline brain."""
    client = ClaudeClient(
        sdk, config or claude_config(), sleep=sleep or SleepRecorder(), rng=random.Random(7)
    )
    return ClaudeBrain(
        client,
        rubric=load_rubric(),
        retriever=index or CorpusIndex(order="id"),
        fallback=fallback if fallback is not None else StubOffline(),
    )


def opening(text: str = WEAK_ANSWER) -> list[Turn]:
    """A transcript of just the opening answer."""
    return [Turn(id="t1", speaker="candidate", text=text)]



class SinkLog:
    """Records probe-text events; `text(pid)` is what a listener shows after the last reset."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str | None]] = []

    def __call__(self, panelist_id: str, delta: str | None) -> None:
        self.events.append((panelist_id, delta))

    def text(self, panelist_id: str) -> str:
        """The panelist's text as a listener shows it: the deltas after its last reset."""
        shown = ""
        for pid, delta in self.events:
            if pid == panelist_id:
                shown = "" if delta is None else shown + delta
        return shown

    def resets(self, panelist_id: str) -> int:
        """How often the panelist's streamed text was discarded."""
        return sum(1 for pid, d in self.events if pid == panelist_id and d is None)


async def probe_in_a_run(
    brain: Brain, panelist: Panelist, question: Question, transcript: list[Turn], round: int
) -> tuple[StepResult[list[Probe]], SinkLog]:
    """`brain.probe` run as a graph node runs it, with the probe text of LangGraph's custom
    stream collected."""
    log = SinkLog()
    done: list[StepResult[list[Probe]]] = []

    @entrypoint()
    async def run(_: str) -> None:
        done.append(await brain.probe(panelist, question, transcript, round))

    async for chunk in run.astream("go", stream_mode="custom"):
        event = read_probe_text(chunk)
        if event is not None:
            log(*event)
    return done[0], log
