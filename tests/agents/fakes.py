"""Test doubles: a deterministic FakeBrain that records its calls, and a fake snippet index."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from agents.brains.base import StepResult
from agents.debrief import CallUsage, Citation, Debrief, PanelVote, Reason, StageScore
from agents.state import Probe
from agents.transcript import Turn, candidate_text
from knowledge.models import STAGE_IDS, Panelist, Question, StageId

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
KNOWN_SNIPPETS = ("snip-gold-set", "snip-cascade")


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


class FakeIndex:
    """A snippet index that knows a fixed set of ids."""

    def __init__(self, ids: tuple[str, ...] = KNOWN_SNIPPETS) -> None:
        self._ids = set(ids)

    def has(self, snippet_id: str) -> bool:
        """True for the known ids."""
        return snippet_id in self._ids


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
