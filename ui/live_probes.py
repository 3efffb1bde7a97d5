"""Live probes: when the brain can stream (Claude), each panelist's question streams to the page.

The graph asks every panelist for probes in parallel, then keeps the best few. `LiveProbeBrain`
wraps the configured brain: while a UI request has a sink installed (a context variable, so
concurrent sessions never mix), a panelist's probe call also runs the brain's `stream_probe`,
forwards every text delta to the sink as it arrives, and uses the streamed question as the text
of that panelist's first probe (its stage, gap and snippets come from the structured call). The
page shows the drafts as they stream; the transcript then shows the probes the panel kept.
Without a sink, or with a brain that cannot stream, it is the wrapped brain unchanged.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

from agents.brains.base import Brain, Probe
from agents.debrief import Debrief, PanelVote
from agents.transcript import Turn
from knowledge.models import Panelist, Question

T = TypeVar("T")


class ProbeSink(Protocol):
    """Receives (panelist id, text delta); a delta of None means that panelist is done."""

    def __call__(self, panelist_id: str, delta: str | None) -> None: ...


_SINK: contextvars.ContextVar[ProbeSink | None] = contextvars.ContextVar(
    "mockpanel_live_probe_sink", default=None
)


async def with_probe_sink(coro: Coroutine[Any, Any, T], sink: ProbeSink) -> T:
    """Await `coro` with `sink` receiving the streamed probe text of this request only."""
    token = _SINK.set(sink)
    try:
        return await coro
    finally:
        _SINK.reset(token)


class LiveProbeBrain:
    """A brain wrapper that streams each panelist's question to the active sink, if any."""

    def __init__(self, make_inner: Callable[[], Brain], name: str) -> None:
        self._make_inner = make_inner
        self._inner: Brain | None = None
        self.name = name

    @property
    def inner(self) -> Brain:
        """The wrapped brain, built on first use (so a missing API key surfaces on use)."""
        if self._inner is None:
            self._inner = self._make_inner()
        return self._inner

    def can_stream(self) -> bool:
        """True when the wrapped brain offers `stream_probe`."""
        return callable(getattr(self.inner, "stream_probe", None))

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> list[Probe]:
        """The wrapped brain's probes; the first one's text streamed live when a sink listens."""
        sink = _SINK.get()
        if sink is None or not self.can_stream():
            return await self.inner.probe(panelist, question, transcript, round)
        structured = asyncio.ensure_future(self.inner.probe(panelist, question, transcript, round))
        parts: list[str] = []
        try:
            stream = self.inner.stream_probe(  # type: ignore[attr-defined]
                panelist, question, transcript, round
            )
            async for delta in stream:
                if delta:
                    parts.append(delta)
                    sink(panelist.id, delta)
        except BaseException:
            structured.cancel()
            raise
        finally:
            sink(panelist.id, None)
        probes = await structured
        spoken = " ".join("".join(parts).split())
        if spoken and probes:
            probes = [probes[0].model_copy(update={"text": spoken}), *probes[1:]]
        return probes

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> PanelVote:
        """The wrapped brain's vote."""
        return await self.inner.vote(panelist, question, transcript)

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> Debrief:
        """The wrapped brain's debrief."""
        return await self.inner.debrief(question, transcript, votes)
