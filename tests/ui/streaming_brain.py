"""A test brain that streams its questions: the offline brain plus a word-by-word `stream_probe`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from agents.brains.base import Brain, Probe
from agents.debrief import Debrief, PanelVote
from agents.transcript import Turn
from knowledge.models import Panelist, Question
from knowledge.settings import Settings


def streamed_question(panelist: Panelist, round: int) -> str:
    """The question this brain streams for a panelist in a round."""
    return f"{panelist.name} asks in round {round}: what does one audited label cost you?"


class StreamingOfflineBrain:
    """Judges like the offline brain; also streams each panelist's question word by word."""

    name = "streaming-test"

    def __init__(self, inner: Brain) -> None:
        self._inner = inner

    @classmethod
    def from_settings(cls, settings: Settings, **kw: Any) -> StreamingOfflineBrain:
        from agents.brains.offline import OfflineBrain

        return cls(OfflineBrain.from_settings(settings))

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> list[Probe]:
        return await self._inner.probe(panelist, question, transcript, round)

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> PanelVote:
        return await self._inner.vote(panelist, question, transcript)

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> Debrief:
        return await self._inner.debrief(question, transcript, votes)

    async def stream_probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> AsyncIterator[str]:
        for word in streamed_question(panelist, round).split(" "):
            await asyncio.sleep(0)
            yield word + " "
