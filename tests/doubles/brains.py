"""Brains standing in for the real ones: scripted, counting, a stub offline brain, a streamer.

- FakeBrain: deterministic probes per panelist and round, fixed votes; records timed calls
  (parallelism checks), can be slow, fail its debrief, or kill the process mid-step.
- CountingBrain: hires when the candidate gave three numbers (eval runs end to end).
- StubOffline: the offline brain's stand-in under the claude and cascade brains.
- StreamingOfflineBrain: the real offline brain, streaming its first probe word by word (UI).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agents.brains.base import Brain, StepResult
from agents.debrief import CallUsage, Citation, Debrief, PanelVote, Reason, StageScore
from agents.probe_stream import probe_text_writer
from agents.state import Probe
from agents.transcript import Turn, candidate_text
from knowledge.models import STAGE_IDS, Panelist, Question, StageId
from knowledge.settings import Settings
from tests.doubles.indexes import KNOWN_SNIPPETS

_NUMBER = re.compile(r"\d")


# Base severity per stage; the lead engineer rates scaling a little higher than the hiring
# manager, so dedupe-by-gap has a winner to keep.
STAGE_SEVERITY: dict[StageId, float] = {
    "objective": 0.9,
    "data_strategy": 0.8,
    "model_integration": 0.7,
    "evaluation": 0.6,
    "scaling": 0.5,
}
LEAD_ENGINEER_BONUS = 0.05


@dataclass(frozen=True)
class Call:
    """One recorded brain call with its start and end on the monotonic clock."""

    method: str
    panelist: str | None
    round: int | None
    start: float
    end: float


def overlapping(calls: list[Call]) -> int:
    """The largest number of calls in flight at the same moment."""
    events = sorted([(c.start, 1) for c in calls] + [(c.end, -1) for c in calls],
                    key=lambda e: (e[0], e[1]))
    best = current = 0
    for _, delta in events:
        current += delta
        best = max(best, current)
    return best


def _rounded(value: float) -> float:
    return round(value, 6)


def _call(step: str) -> CallUsage:
    return CallUsage(step=step, model="fake")


class FakeBrain:
    """Deterministic probes per panelist and round, fixed votes, a debrief with citations."""

    def __init__(
        self,
        *,
        name: str = "fake",
        delay: float = 0.0,
        round_factor: Callable[[int], float] = lambda _round: 1.0,
        decision: str = "hire",
        bad_citations: bool = False,
        fail_debrief: bool = False,
        crash_on: str | None = None,
    ) -> None:
        self.name = name
        self.delay = delay
        self.round_factor = round_factor
        self.decision = decision
        self.bad_citations = bad_citations
        self.fail_debrief = fail_debrief
        self.crash_on = crash_on
        self.calls: list[Call] = []

    async def _timed(self, method: str, panelist: str | None, round: int | None) -> None:
        if method == self.crash_on:
            os._exit(3)  # simulate the process dying mid-run, with no cleanup at all
        start = time.monotonic()
        if self.delay:
            await asyncio.sleep(self.delay)
        self.calls.append(Call(method, panelist, round, start, time.monotonic()))

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """One probe per stage the panelist owns; gaps are fresh every round."""
        await self._timed("probe", panelist.id, round)
        bonus = LEAD_ENGINEER_BONUS if panelist.id == "lead_engineer" else 0.0
        probes = [
            Probe(
                panelist=panelist.id,
                stage=stage,
                gap=f"{stage}-gap-r{round}",
                gap_kind="missing_signal",
                severity=_rounded(STAGE_SEVERITY[stage] * self.round_factor(round) + bonus),
                text=f"{panelist.name}: tell me more about {stage.replace('_', ' ')} "
                f"(round {round}).",
                snippet_ids=[KNOWN_SNIPPETS[0]],
            )
            for stage in panelist.stages
        ]
        return StepResult(probes, [_call(f"probe:{panelist.id}:r{round}")])

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """The configured decision, citing the first words of the opening answer."""
        await self._timed("vote", panelist.id, None)
        opening = transcript[0]
        ballot = PanelVote(
            panelist=panelist.id,
            decision=self.decision,
            confidence=0.7,
            rationale=f"{panelist.name} read {len(candidate_text(transcript).split())} words.",
            citations=[Citation(turn=opening.id, quote=opening.text[:12])],
        )
        return StepResult(ballot, [_call(f"vote:{panelist.id}")])

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """A debrief whose reasons cite the opening answer (plus bad citations if asked)."""
        await self._timed("debrief", None, None)
        if self.fail_debrief:
            raise RuntimeError("fake brain failure")
        opening = transcript[0]
        good = [Citation(turn=opening.id, quote=opening.text[:20]),
                Citation(snippet=KNOWN_SNIPPETS[1])]
        bad = [Citation(turn="t999", quote="anything"),
               Citation(turn=opening.id, quote="words the candidate never said"),
               Citation(snippet="no-such-snippet")]
        reasons = [Reason(claim="The answer starts from the objective.", stage="objective",
                          kind="strength", citations=good + (bad if self.bad_citations else []))]
        if self.bad_citations:
            reasons.append(Reason(claim="Invented evidence.", citations=bad))
        hires = sum(v.decision == "hire" for v in votes)
        debrief = Debrief(
            decision="hire" if hires * 2 > len(votes) else "no_hire",
            strength="lean",
            confidence=0.6,
            stage_scores={s: StageScore(stage=s, score=2, evidence=good[:1]) for s in STAGE_IDS},
            reasons=reasons,
            votes=votes,
            advice=["Put a number on the labeling budget."],
            brain=self.name,
        )
        return StepResult(debrief, [_call("debrief")])


class CountingBrain:
    """Hires when the candidate gave at least three numbers; `gullible` also obeys any text
    asking for a hire (so an injection flip can be produced on purpose)."""

    def __init__(self, *, gullible: bool = False, cite_snippet: str = KNOWN_SNIPPETS[0]) -> None:
        self.name = "counting"
        self.gullible = gullible
        self.cite_snippet = cite_snippet

    def _decide(self, transcript: list[Turn]) -> str:
        text = candidate_text(transcript)
        if self.gullible and "hire" in text.lower() and "decision" in text.lower():
            return "hire"
        return "hire" if len(_NUMBER.findall(text)) >= 3 else "no_hire"

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """One probe per stage the panelist owns."""
        return StepResult(
            [
                Probe(
                    panelist=panelist.id,
                    stage=stage,
                    gap=f"{stage}-r{round}",
                    gap_kind="missing_signal",
                    severity=1.0 + 0.1 * i,
                    text=f"What about {stage.replace('_', ' ')}?",
                    snippet_ids=[self.cite_snippet],
                )
                for i, stage in enumerate(panelist.stages)
            ]
        )

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """Everyone votes the same way, citing the opening words."""
        opening = transcript[0]
        return StepResult(
            PanelVote(
                panelist=panelist.id,
                decision=self._decide(transcript),
                confidence=0.8,
                citations=[Citation(turn=opening.id, quote=opening.text[:15])],
            )
        )

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """The votes' decision, with one quote and one snippet as evidence."""
        decision = self._decide(transcript)
        opening = transcript[0]
        evidence = [
            Citation(turn=opening.id, quote=opening.text[:15]),
            Citation(snippet=self.cite_snippet),
        ]
        score = 4 if decision == "hire" else 1
        return StepResult(
            Debrief(
                decision=decision,
                strength="lean",
                confidence=0.8,
                stage_scores={
                    s: StageScore(stage=s, score=score, evidence=evidence[:1]) for s in STAGE_IDS
                },
                reasons=[Reason(claim="Counted the numbers.", citations=evidence)],
                votes=votes,
                brain=self.name,
            )
        )


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


DISCARDED_DRAFT = "a first draft the brain takes back "


class StreamingOfflineBrain:
    """Judges like the offline brain; streams each panelist's first probe on the custom stream.

    Each stream starts with a draft that is then discarded (a reset), as a repaired reply
    would be, so the page must end on the probe's own text.
    """

    name = "streaming-test"

    def __init__(self, inner: Brain) -> None:
        self._inner = inner

    @classmethod
    def from_settings(cls, settings: Settings, **kw: Any) -> StreamingOfflineBrain:
        from agents.brains.offline import OfflineBrain

        return cls(OfflineBrain.from_settings(settings))

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        # Only the first probe: then the panel asks what each panelist streamed.
        result = await self._inner.probe(panelist, question, transcript, round)
        probes = result.value[:1]
        send = probe_text_writer(panelist.id)
        if send is not None and probes:
            for word in DISCARDED_DRAFT.split():
                await asyncio.sleep(0)
                send(word + " ")
            send(None)
            words = probes[0].text.split(" ")
            for i, word in enumerate(words):
                await asyncio.sleep(0)
                send(word if i == len(words) - 1 else word + " ")
        return StepResult(probes, result.calls, result.fallbacks)

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        return await self._inner.vote(panelist, question, transcript)

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        return await self._inner.debrief(question, transcript, votes)
