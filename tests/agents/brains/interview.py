"""Interview: calls a brain's steps as the graph does, so a test sees the session's totals."""

from __future__ import annotations

from typing import Any

from agents.brains.base import Brain, StepResult, settle_debrief
from agents.debrief import CallUsage, Debrief, PanelVote
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panelist, Question


class Interview:
    """Calls a brain's steps the way the graph does: each step's calls and fallbacks are kept,
    and the debrief totals them."""

    def __init__(self, brain: Brain) -> None:
        self.brain = brain
        self.calls: list[CallUsage] = []
        self.fallbacks: list[str] = []

    def _keep(self, result: StepResult[Any]) -> None:
        self.calls += result.calls
        self.fallbacks += result.fallbacks

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> list[Probe]:
        """The brain's probes; their calls are kept."""
        result = await self.brain.probe(panelist, question, transcript, round)
        self._keep(result)
        return result.value

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> PanelVote:
        """The brain's vote; its calls are kept."""
        result = await self.brain.vote(panelist, question, transcript)
        self._keep(result)
        return result.value

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> Debrief:
        """The brain's debrief, totalling every call and fallback of this interview."""
        result = await self.brain.debrief(question, transcript, votes)
        return settle_debrief(result, self.calls, self.fallbacks)
