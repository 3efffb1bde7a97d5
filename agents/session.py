"""The session facade used by the CLI, the UI and the evals: start, reply, finish, get, batch."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from agents.answer_input import clean_answer
from agents.brains.base import Brain
from agents.probe_stream import ProbeSink, read_probe_text
from agents.rounds import check_rounds, default_rounds
from agents.session_view import (
    ReplyConflictError,
    SessionError,
    SessionView,
    Status,
    view_from_state,
)
from agents.state import Probe
from agents.storage.errors import storage_errors
from agents.storage.session_lock import session_write_lock
from agents.store import SessionStore
from knowledge.models import Panel, Question
from knowledge.settings import Settings

if TYPE_CHECKING:
    from agents.citations import SnippetIndex
    from agents.context import PanelContext

__all__ = ["PanelService", "ReplyConflictError", "SessionError", "SessionView", "Status"]

Durability = Literal["sync", "async", "exit"]


def _parse_ts(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    ts = datetime.fromisoformat(value)
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


class PanelService:
    """Runs interview threads on the checkpointed graph and records each in the SessionStore.

    Every write to a session (start, reply, finish, recovering a crashed step) holds that
    session's write lock; a reply is applied only against the turn the candidate saw."""

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
        self.settings = settings
        self.brain_name = brain_name or (brain.name if brain is not None else settings.brain)
        self._brains: dict[str, Brain] = {self.brain_name: brain} if brain is not None else {}
        self._retriever = retriever
        self._panel = panel
        self._probes_per_round = probes_per_round
        self._contexts: dict[str, PanelContext] = {}
        self.store = store or SessionStore.from_settings(settings)

    # --- public API ----------------------------------------------------------------------

    @staticmethod
    def new_thread_id() -> str:
        """A fresh session id; pass it to `start` to show it before the first step runs."""
        return uuid.uuid4().hex

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
        self,
        thread_id: str,
        text: str,
        *,
        expected_turn: str | None = None,
        on_probe_token: ProbeSink | None = None,
    ) -> SessionView:
        """The candidate's reply to the pending probes; runs until the next probes or done.

        `expected_turn` is the id of the last turn the candidate saw (`view.last_turn_id`):
        when the session has moved past it, or another reply is being applied right now, the
        reply is refused with ReplyConflictError instead of being applied to other questions."""
        cleaned = clean_answer(text)
        return await self._resume(thread_id, {"reply": cleaned}, expected_turn, on_probe_token)

    async def finish(self, thread_id: str, *, expected_turn: str | None = None) -> SessionView:
        """Skip the remaining rounds and go to the debrief."""
        return await self._resume(thread_id, {"finish": True}, expected_turn)

    async def get(self, thread_id: str) -> SessionView | None:
        """The session as checkpointed (works from any process and machine); None if unknown.

        A session whose process died mid-step is first carried on to its next questions (or
        its debrief), so the candidate sees the probes that were pending."""
        with storage_errors(self.store.db.where):
            async with self._graph() as graph:
                view = await self._snapshot_view(graph, thread_id)
                if view is None or not await self._stranded(graph, thread_id):
                    return view
            try:
                async with self._locked(thread_id), self._graph() as graph:
                    if not await self._stranded(graph, thread_id):
                        return await self._snapshot_view(graph, thread_id)
                    ctx = await asyncio.to_thread(self._context, view.brain or self.brain_name)
                    return await self._drive(graph, None, thread_id, ctx)
            except ReplyConflictError:
                return view  # another process is running this session's step right now

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

    async def aclose(self) -> None:
        """Close the PostgreSQL checkpoint pool this event loop opened (a no-op for SQLite)."""
        from agents.checkpointer import close_checkpoint_pools

        await close_checkpoint_pools()

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
        """The run context for a brain, built once; batch runs get a copy with the responder."""
        import dataclasses

        from agents.context import PanelContext

        ctx = self._contexts.get(brain_name)
        if ctx is None:
            ctx = PanelContext(
                brain=self.brain(brain_name),
                retriever=self.retriever(),
                settings=self.settings,
                panel=self._panel,
            )
            if self._probes_per_round is not None:
                ctx.probes_per_round = self._probes_per_round
            self._contexts[brain_name] = ctx
        return ctx if responder is None else dataclasses.replace(ctx, responder=responder)

    def _graph(self) -> Any:
        from agents.checkpointer import open_graph

        return open_graph(self.store.db)

    def _locked(self, thread_id: str) -> Any:
        return session_write_lock(self.store.db, thread_id)

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
        thread_id = thread_id or self.new_thread_id()
        # Creating the brain or opening the index blocks: off the event loop (once per service).
        ctx = await asyncio.to_thread(self._context, self.brain_name, responder)
        inputs = {
            "question": question,
            "answer": opening,
            "brain": self.brain_name,
            "max_rounds": max_rounds,
            "created_at": datetime.now(UTC),
        }
        with storage_errors(self.store.db.where):
            if responder is not None:
                # A batch run (fresh id, simulated candidate) can simply be run again, so it
                # takes no lock and checkpoints once at the end.
                async with self._graph() as graph:
                    return await self._drive(graph, inputs, thread_id, ctx, durability="exit")
            # A live interview checkpoints every step before the next one starts.
            async with self._locked(thread_id), self._graph() as graph:
                if await self._snapshot_view(graph, thread_id) is not None:
                    raise SessionError(f"session {thread_id} already exists")
                return await self._drive(
                    graph, inputs, thread_id, ctx, on_probe_token=on_probe_token
                )

    async def _resume(
        self,
        thread_id: str,
        payload: dict[str, Any],
        expected_turn: str | None,
        on_probe_token: ProbeSink | None = None,
    ) -> SessionView:
        from langgraph.types import Command

        with storage_errors(self.store.db.where):
            async with self._locked(thread_id), self._graph() as graph:
                view = await self._snapshot_view(graph, thread_id)
                if view is None:
                    raise SessionError(f"no session with id {thread_id}")
                ctx = await asyncio.to_thread(self._context, view.brain or self.brain_name)
                stranded = await self._stranded(graph, thread_id)
                if stranded:
                    # The process running this session died between steps: carry it on first,
                    # so the reply meets the questions the panel had pending.
                    view = await self._drive(
                        graph, None, thread_id, ctx, on_probe_token=on_probe_token
                    )
                if expected_turn is not None and view.last_turn_id != expected_turn:
                    raise ReplyConflictError(
                        f"session {thread_id} has moved on since turn {expected_turn} (it is at "
                        f"{view.last_turn_id}); this reply was not applied — reload the session "
                        "and answer the questions it shows"
                    )
                if stranded and payload.get("reply") == _last_reply(view):
                    return view  # the reply recorded before the crash, sent again
                if view.status == "done":
                    if payload.get("finish"):
                        return view
                    raise SessionError(
                        f"session {thread_id} is finished; it takes no more replies"
                    )
                return await self._drive(
                    graph, Command(resume=payload), thread_id, ctx, on_probe_token=on_probe_token
                )

    async def _stranded(self, graph: Any, thread_id: str) -> bool:
        """True when a step was left unfinished (its process died) rather than interrupted."""
        snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
        return bool(snapshot.next) and not snapshot.interrupts

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
            if turns != saved_turns:  # the first save names the session before any step runs
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


def _last_reply(view: SessionView) -> str | None:
    """The candidate's newest follow-up reply, if any."""
    replies = [t.text for t in view.transcript if t.speaker == "candidate" and t.round > 0]
    return replies[-1] if replies else None
