"""The brain protocol every implementation (offline, claude, cascade) satisfies."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from agents.debrief import Debrief, PanelVote
from agents.transcript import Turn
from knowledge.models import Panelist, Question, StageId


class Probe(BaseModel):
    """A follow-up question a panelist wants to ask, grounded in a gap and in snippets."""

    model_config = ConfigDict(frozen=True)

    panelist: str
    stage: StageId
    gap: str = Field(description="rubric signal or red-flag id this probe targets")
    gap_kind: str = Field(description="missing_signal | thin_signal | red_flag")
    severity: float = Field(ge=0, description="higher = asked first")
    text: str = Field(min_length=1)
    snippet_ids: list[str] = Field(default_factory=list)


@runtime_checkable
class Brain(Protocol):
    """Judges a transcript: probes for a round, a vote per panelist, the debrief."""

    name: str

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> list[Probe]:
        """Probes this panelist would ask now, best first."""
        ...

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> PanelVote:
        """This panelist's hire / no-hire vote on the whole transcript."""
        ...

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> Debrief:
        """The final debrief; citations are validated by the caller."""
        ...
