"""The session facade used by the CLI, the UI and the evals: start, reply, finish, get, batch."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from agents.answer_input import clean_answer
from agents.brains.base import Brain
from agents.debrief import Debrief
from agents.errors import MockpanelError
from agents.probe_stream import ProbeSink, read_probe_text
from agents.rounds import check_rounds, default_rounds
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panel, Question
from knowledge.settings import Settings

if TYPE_CHECKING:
    from agents.citations import SnippetIndex
    from agents.context import PanelContext
    from agents.store import SessionStore

Status = Literal["awaiting_reply", "done"]
Durability = Literal["sync", "async", "exit"]


class SessionError(MockpanelError):
    """A request that does not fit the session (unknown thread, not awaiting a reply, …)."""


class SessionView(BaseModel):
    """What a client sees of one interview: transcript, pending probes, debrief."""

    thread_id: str
    question: Question
    transcript: list[Turn]
    round: int
    max_rounds: int
    pending_probes: list[Probe]
    status: Status
    debrief: Debrief | None
    brain: str
    created_at: datetime
    updated_at: datetime


def view_from_state(
    thread_id: str, values: dict[str, Any], *, status: Status, updated_at: datetime
) -> SessionView:
    """A SessionView from the graph's state values."""
    created = values.get("created_at") or updated_at
    return SessionView(
        thread_id=thread_id,
        question=values["question"],
        transcript=list(values.get("transcript") or []),
        round=values.get("round", 0),
        max_rounds=values.get("max_rounds") or 0,
        pending_probes=list(values.get("pending") or []) if status == "awaiting_reply" else [],
        status=status,
        debrief=values.get("debrief"),
        brain=values.get("brain") or "",
        created_at=created,
        updated_at=updated_at,
    )


def _parse_ts(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    ts = datetime.fromisoformat(value)
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


class PanelService:
    """Runs interview threads on the checkpointed graph and records each in the SessionStore."""

    def __init__(
        self,
        settings: Settings,
        brain: Brain | None = None,
        brain_name: str | None = None,
        *,
        retriever: SnippetIndex | None = None,
        panel: Panel | None = None,
        probes_per_round: int | None = None,
        store: SessionStore | None = None,
    ) -> None:
        from agents.store import SessionStore

        self.settings = settings
        self.brain_name = brain_name or (brain.name if brain is not None else settings.brain)
        self._brains: dict[str, Brain] = {self.brain_name: brain} if brain is not None else {}
        self._retriever = retriever
        self._panel = panel
        self._probes_per_round = probes_per_round
        self.store = store or SessionStore.from_settings(settings)

    # --- public API ----------------------------------------------------------------------

    async def start(
        self,
        question: Question,
        answer: str,
        *,
        max_rounds: int | None = None,
        thread_id: str | None = None,
        on_probe_token: ProbeSink | None = None,
    ) -> SessionView:
        """Open a session with the opening answer; runs until the first probes or the debrief.

        `on_probe_token` receives each panelist's first probe text as a streaming brain writes
        it (LangGraph's custom stream; see agents.probe_stream)."""
        return await self._start(
            question, answer, max_rounds, thread_id, responder=None, on_probe_token=on_probe_token
        )

    async def reply(
        self, thread_id: str, text: str, *, on_probe_token: ProbeSink | None = None
    ) -> SessionView:
        """The candidate's reply to the pending probes; runs until the next probes or done."""
        cleaned = clean_answer(text)
        return await self._resume(thread_id, {"reply": cleaned}, on_probe_token=on_probe_token)

    async def finish(self, thread_id: str) -> SessionView:
        """Skip the remaining rounds and go to the debrief."""
        return await self._resume(thread_id, {"finish": True})

    async def get(self, thread_id: str) -> SessionView | None:
        """The session as checkpointed (works from any process); None if unknown."""
        async with self._graph() as graph:
            return await self._snapshot_view(graph, thread_id)

    async def run_scripted(
        self,
        question: Question,
        answer: str,
        responder: Callable[[list[Probe]], str | Awaitable[str]],
        *,
        max_rounds: int | None = None,
    ) -> SessionView:
        """Batch mode: a simulated candidate answers every round; returns the finished session."""
        return await self._start(question, answer, max_rounds, None, responder=responder)

    # --- internals -----------------------------------------------------------------------

    def brain(self, name: str | None = None) -> Brain:
        """The brain called `name` (default: this service's), created once per service."""
        from agents.brains.factory import make_brain

        key = name or self.brain_name
        if key not in self._brains:
            self._brains[key] = make_brain(key, self.settings)
        return self._brains[key]

    def retriever(self) -> SnippetIndex:
        """The snippet index used to check citations, opened once (IndexMissingError if none)."""
        if self._retriever is None:
            from knowledge.retrieval import Retriever

            self._retriever = Retriever.from_settings(self.settings)
        return self._retriever

    def _context(self, brain_name: str, responder: Any = None) -> PanelContext:
        from agents.context import PanelContext

        ctx = PanelContext(
            brain=self.brain(brain_name),
            retriever=self.retriever(),
            settings=self.settings,
            panel=self._panel,
            responder=responder,
        )
        if self._probes_per_round is not None:
            ctx.probes_per_round = self._probes_per_round
        return ctx

    def _graph(self) -> Any:
        from agents.store import open_graph

        return open_graph(self.settings)

    async def _start(
        self,
        question: Question,
        answer: str,
        max_rounds: int | None,
        thread_id: str | None,
        responder: Any,
        on_probe_token: ProbeSink | None = None,
    ) -> SessionView:
        if max_rounds is None:
            max_rounds = default_rounds()
        check_rounds(max_rounds, "max_rounds", SessionError)
        opening = clean_answer(answer)
        thread_id = thread_id or uuid.uuid4().hex
        # Creating the brain or opening the index blocks: off the event loop (once per service).
        ctx = await asyncio.to_thread(self._context, self.brain_name, responder)
        async with self._graph() as graph:
            if await self._snapshot_view(graph, thread_id) is not None:
                raise SessionError(f"session {thread_id} already exists")
            inputs = {
                "question": question,
                "answer": opening,
                "brain": self.brain_name,
                "max_rounds": max_rounds,
                "created_at": datetime.now(UTC),
            }
            # A batch run can simply be run again, so it checkpoints once at the end; a live
            # interview checkpoints every step before the next one starts.
            durability: Durability = "exit" if responder is not None else "sync"
            return await self._drive(
                graph, inputs, thread_id, ctx, durability=durability, on_probe_token=on_probe_token
            )

    async def _resume(
        self, thread_id: str, payload: dict[str, Any], on_probe_token: ProbeSink | None = None
    ) -> SessionView:
        from langgraph.types import Command

        async with self._graph() as graph:
            view = await self._snapshot_view(graph, thread_id)
            if view is None:
                raise SessionError(f"no session with id {thread_id}")
            ctx = await asyncio.to_thread(self._context, view.brain or self.brain_name)
            snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
            if snapshot.next and not snapshot.interrupts:
                # A run that stopped between steps (a crash) after its last input was recorded:
                # carry it on. A reply sent again is already in the transcript, so it is not
                # applied twice; the caller gets the questions it never saw.
                view = await self._drive(graph, None, thread_id, ctx, on_probe_token=on_probe_token)
                if "reply" in payload:
                    return view
            if view.status == "done":
                if payload.get("finish"):
                    return view
                raise SessionError(f"session {thread_id} is finished; it takes no more replies")
            return await self._drive(
                graph, Command(resume=payload), thread_id, ctx, on_probe_token=on_probe_token
            )

    async def _drive(
        self,
        graph: Any,
        graph_input: Any,
        thread_id: str,
        ctx: PanelContext,
        *,
        durability: Durability = "sync",
        on_probe_token: ProbeSink | None = None,
    ) -> SessionView:
        """Run the graph until it interrupts or ends, saving the session after every turn;
        probe text on the custom stream goes to `on_probe_token`."""
        config = {"configurable": {"thread_id": thread_id}}
        saved_turns = -1
        modes = ["values", "custom"] if on_probe_token is not None else ["values"]
        async for mode, values in graph.astream(
            graph_input, config, context=ctx, stream_mode=modes, durability=durability
        ):
            if mode == "custom":
                event = read_probe_text(values)
                if event is not None and on_probe_token is not None:
                    on_probe_token(*event)
                continue
            if "question" not in values:
                continue
            turns = len(values.get("transcript") or [])
            if turns != saved_turns and turns:
                saved_turns = turns
                status: Status = "done" if values.get("debrief") is not None else "awaiting_reply"
                await self._save(
                    view_from_state(thread_id, values, status=status, updated_at=datetime.now(UTC))
                )
        view = await self._snapshot_view(graph, thread_id)
        if view is None:  # pragma: no cover - the run above always checkpoints
            raise SessionError(f"session {thread_id} was not recorded")
        await self._save(view)
        return view

    async def _save(self, view: SessionView) -> None:
        # Off the event loop: the checkpointer's own connection must be free to commit meanwhile.
        await asyncio.to_thread(self.store.save, view)

    async def _snapshot_view(self, graph: Any, thread_id: str) -> SessionView | None:
        config = {"configurable": {"thread_id": thread_id}}
        snapshot = await graph.aget_state(config)
        if not snapshot.values or "question" not in snapshot.values:
            return None
        status: Status = "awaiting_reply" if snapshot.next else "done"
        return view_from_state(
            thread_id, snapshot.values, status=status, updated_at=_parse_ts(snapshot.created_at)
        )
