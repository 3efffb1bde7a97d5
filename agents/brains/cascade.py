"""The cascade brain: offline first, Claude only for uncertain debriefs, a coach for the rest."""

from __future__ import annotations

import importlib
from typing import Any

from agents.brains.base import Brain, StepResult
from agents.brains.claude.brain import ClaudeBrain
from agents.brains.claude.config import (
    CascadeConfig,
    ClaudeConfig,
    config_for_brain,
)
from agents.brains.errors import BrainUnavailable
from agents.debrief import Debrief, PanelVote
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panelist, Question
from knowledge.settings import Settings

BRAIN_NAME = "cascade"


def votes_split(votes: list[PanelVote]) -> bool:
    """True when the panelists did not all vote the same way."""
    return len({v.decision for v in votes}) > 1


class CascadeBrain:
    """Offline rubric engine first; the debrief escalates to Claude when offline is unsure.

    Probes and votes stay offline unless configured otherwise: a round is several small calls
    that the offline engine answers free, fast and deterministically, while the verdict is the
    one step where a second opinion pays for itself. `Debrief.brain` names the path taken:
    "cascade:offline", "cascade:claude" or "cascade:claude+offline-fallback".
    """

    name = BRAIN_NAME

    def __init__(
        self,
        offline: Brain,
        claude: ClaudeBrain | None,
        config: CascadeConfig,
        *,
        unavailable: str | None = None,
    ) -> None:
        self._offline = offline
        self._claude = claude
        self.config = config
        self._unavailable = unavailable or "claude brain not configured"

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        client: Any = None,
        offline: Brain | None = None,
        config: ClaudeConfig | None = None,
        **claude_kw: Any,
    ) -> CascadeBrain:
        """Offline brain plus, when an API key (or client) is available, the claude brain."""
        if config is None:
            config = config_for_brain()
        if offline is None:
            module = importlib.import_module("agents.brains.offline")
            offline = module.OfflineBrain.from_settings(
                settings, retriever=claude_kw.get("retriever")
            )
        try:
            claude: ClaudeBrain | None = ClaudeBrain.from_settings(
                settings, client=client, fallback=offline, config=config, **claude_kw
            )
            unavailable = None
        except BrainUnavailable as exc:
            claude, unavailable = None, str(exc)
        return cls(offline, claude, config.cascade, unavailable=unavailable)

    @property
    def can_escalate(self) -> bool:
        """Whether a Claude brain is available to escalate to."""
        return self._claude is not None

    def _for(self, setting: str) -> Brain:
        return self._claude if setting == "claude" and self._claude is not None else self._offline

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """Probes from the configured brain (offline by default)."""
        return await self._for(self.config.probes).probe(panelist, question, transcript, round)

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """A vote from the configured brain (offline by default)."""
        return await self._for(self.config.votes).vote(panelist, question, transcript)

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """Offline verdict; Claude's when offline confidence is under the escalation threshold."""
        first = await self._offline.debrief(question, transcript, votes)
        threshold = self.config.escalate_below
        confidence = first.value.confidence
        if confidence >= threshold:
            final = first
        elif self._claude is None:
            note = (
                f"debrief: offline confidence {confidence:.2f} is under {threshold:.2f} "
                f"but could not escalate to claude ({self._unavailable}); offline verdict kept"
            )
            final = StepResult(first.value, first.calls, [*first.fallbacks, note])
        else:
            second = await self._claude.debrief(question, transcript, votes)
            final = StepResult(
                second.value,
                [*first.calls, *second.calls],
                [*first.fallbacks, *second.fallbacks],
            )
        verdict = final.value
        review = (
            verdict.needs_review
            or verdict.confidence < self.config.review_below
            or votes_split(votes)
        )
        named = verdict.model_copy(
            update={"brain": f"{BRAIN_NAME}:{verdict.brain}", "needs_review": review}
        )
        return StepResult(named, final.calls, final.fallbacks)
