"""Shared doubles for the claude and cascade brain tests: a stub offline brain, a snippet index."""

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
from agents.debrief import CallUsage, Citation, Debrief, PanelVote, Reason, StageScore
from agents.probe_stream import read_probe_text
from agents.state import Probe
from agents.transcript import Turn
from knowledge.loader import load_rubric, load_snippets
from knowledge.models import STAGE_IDS, Panelist, Question, ScoredSnippet

WEAK_ANSWER = (
    "We'll just call GPT-4 for every ticket and show the answer in a nice chat bubble with "
    "streaming. I would put the service on Kubernetes behind an API gateway so it scales."
)


class CorpusIndex:
    """The real snippet corpus without embeddings: filtered by panelist, ordered by id."""

    def __init__(self) -> None:
        self.snippets = {s.id: s for s in load_snippets().snippets}
        self.searches: list[tuple[str, str | None]] = []

    def search(
        self,
        text: str,
        k: int = 5,
        *,
        stage: str | None = None,
        panelist: str | None = None,
        polarity: str | None = None,
        question_tag: str | None = None,
    ) -> list[ScoredSnippet]:
        """The first k snippets (by id) passing the filters."""
        self.searches.append((text, panelist))
        hits = [
            s
            for s in sorted(self.snippets.values(), key=lambda s: s.id)
            if (panelist is None or s.panelist == panelist) and (stage is None or s.stage == stage)
        ]
        return [ScoredSnippet(snippet=s, score=1.0) for s in hits[:k]]

    def has(self, snippet_id: str) -> bool:
        """True for ids in the corpus."""
        return snippet_id in self.snippets


class StubOffline:
    """Stands in for the offline brain: fixed, recognisable answers, with every call recorded."""

    name = "offline"

    def __init__(self, confidence: float = 0.9, decision: str = "no_hire") -> None:
        self.confidence = confidence
        self.decision = decision
        self.calls: list[str] = []

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """One probe on the panelist's first stage."""
        self.calls.append(f"probe:{panelist.id}")
        return StepResult(
            [
                Probe(
                    panelist=panelist.id,
                    stage=panelist.stages[0],
                    gap="offline-gap",
                    gap_kind="missing_signal",
                    severity=1.0,
                    text=f"[offline] {panelist.name} asks about {panelist.stages[0]}.",
                )
            ],
            [CallUsage(step=f"probe:{panelist.id}", model="offline")],
        )

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """A fixed vote."""
        self.calls.append(f"vote:{panelist.id}")
        return StepResult(
            PanelVote(
                panelist=panelist.id,
                decision="no_hire" if self.decision == "no_hire" else "hire",
                confidence=self.confidence,
                rationale="offline vote",
            ),
            [CallUsage(step=f"vote:{panelist.id}", model="offline")],
        )

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """A fixed debrief quoting the opening turn."""
        self.calls.append("debrief")
        quote = transcript[0].text[:20]
        debrief = Debrief(
            decision="no_hire" if self.decision == "no_hire" else "hire",
            strength="lean",
            confidence=self.confidence,
            stage_scores={s: StageScore(stage=s, score=2) for s in STAGE_IDS},
            reasons=[Reason(claim="offline reason", citations=[Citation(turn="t1", quote=quote)])],
            votes=votes,
            transcript=transcript,
            brain="offline",
        )
        return StepResult(debrief, [CallUsage(step="debrief", model="offline")])


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
        retriever=index or CorpusIndex(),
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
