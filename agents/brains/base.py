"""The brain protocol every implementation (offline, claude, cascade) satisfies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar, runtime_checkable

from agents.debrief import CallUsage, Debrief, PanelVote, Usage
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panelist, Question

T = TypeVar("T")


@dataclass(frozen=True)
class StepResult(Generic[T]):
    """What a brain step produced, with the model calls it made and any fallback it took."""

    value: T
    """The probes, the vote or the debrief."""

    calls: list[CallUsage] = field(default_factory=list)
    """Every model call of this step (a repair or a fallback included), in order."""

    fallbacks: list[str] = field(default_factory=list)
    """Why another brain answered part of this step, one line each; empty when none did."""


def settle_debrief(
    result: StepResult[Debrief],
    calls: Iterable[CallUsage] = (),
    fallbacks: Iterable[str] = (),
) -> Debrief:
    """The debrief carrying the usage and fallbacks of the whole session: the earlier steps'
    `calls` and `fallbacks`, then the debrief step's own."""
    every_call = [*calls, *result.calls]
    return result.value.model_copy(
        update={
            "usage": Usage.total(every_call),
            "fallbacks": [*fallbacks, *result.fallbacks],
        }
    )


@runtime_checkable
class Brain(Protocol):
    """Judges a transcript: probes for a round, a vote per panelist, the debrief."""

    name: str

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """Probes this panelist would ask now, best first."""
        ...

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """This panelist's hire / no-hire vote on the whole transcript."""
        ...

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """The final debrief (its usage and fallbacks are the caller's to total); citations
        are validated by the caller."""
        ...
