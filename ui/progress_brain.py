"""A brain wrapper that tells the running UI step when each panelist starts and finishes.

The graph calls `probe` and `vote` once per panelist (in parallel); the wrapper records
"reading" / "asked" and "voting" / "voted" events on the step of the page that started the run
(`ui.steps.current_step`), so the page can show every panelist's progress live, whatever the
brain. The wrapped brain is built on first use, so a missing API key surfaces as a step's error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ui.steps import Phase, StepEvent, current_step

if TYPE_CHECKING:
    from agents.brains.base import Brain, StepResult
    from agents.debrief import Debrief, PanelVote
    from agents.state import Probe
    from agents.transcript import Turn
    from knowledge.models import Panelist, Question

DEBRIEF_WRITER = "debrief"


def _mark(panelist_id: str, phase: Phase) -> None:
    step = current_step()
    if step is not None:
        step.add(StepEvent(panelist_id, phase=phase))


class ProgressBrain:
    """Delegates to the real brain, reporting each panelist's progress to the current step."""

    def __init__(self, name: str, build: Callable[[], Brain]) -> None:
        self.name = name
        self._build = build
        self._inner: Brain | None = None
        self._lock = threading.Lock()

    @property
    def inner(self) -> Brain:
        """The real brain, built once."""
        with self._lock:
            if self._inner is None:
                self._inner = self._build()
            return self._inner

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self.inner, attr)

    def warm(self) -> None:
        """Load what the brain loads lazily (model, exemplar embeddings, index), off the page."""
        inner: Any = self.inner
        for part in (inner, getattr(inner, "_offline", None)):
            if part is None:
                continue
            for attr in ("analyzer", "finder"):
                if attr in dir(type(part)):
                    getattr(part, attr)

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """The real brain's probes, with "reading" before and "asked" after."""
        _mark(panelist.id, "reading")
        probes = await self.inner.probe(panelist, question, transcript, round)
        _mark(panelist.id, "asked")
        return probes

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """The real brain's vote, with "voting" before and "voted" after."""
        _mark(panelist.id, "voting")
        vote = await self.inner.vote(panelist, question, transcript)
        _mark(panelist.id, "voted")
        return vote

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """The real brain's debrief, with "writing" before and "written" after."""
        _mark(DEBRIEF_WRITER, "writing")
        debrief = await self.inner.debrief(question, transcript, votes)
        _mark(DEBRIEF_WRITER, "written")
        return debrief
