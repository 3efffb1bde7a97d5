"""A test brain that streams its questions: the offline brain, its first probe sent word by word."""

from __future__ import annotations

import asyncio
from typing import Any

from agents.brains.base import Brain, StepResult
from agents.debrief import Debrief, PanelVote
from agents.probe_stream import probe_text_writer
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panelist, Question
from knowledge.settings import Settings

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
