"""Panel steps in flight, one per session at most, so a reload or a second tab re-attaches to them.

A step (the opening answer, a reply, or "finish") runs on the UI's event loop, not in the page
script: a script that is stopped (the browser reloads, the user clicks elsewhere) leaves it
running, and the next run of the page finds it here by thread id and watches it finish. A
second step for a session whose step is still running is refused with `StepBusy`, and the text
that came with it is given back to the user.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from agents.errors import MockpanelError
from ui.services import bridge

if TYPE_CHECKING:
    from agents.session import SessionView

StepKind = Literal["start", "reply", "finish"]
Phase = Literal["reading", "asked", "voting", "voted", "writing", "written"]
KEEP_FINISHED = 200


class StepBusy(MockpanelError):
    """A step for this session is still running; the new one is not applied."""


@dataclass(frozen=True)
class StepEvent:
    """Progress of one panelist (`phase`), or streamed question text (`delta`; None = discard)."""

    panelist_id: str
    phase: Phase | None = None
    delta: str | None = None


@dataclass
class PanelStep:
    """One running (or finished) panel step of a session, and what happened during it."""

    thread_id: str
    kind: StepKind
    text: str
    question: Any = None
    """The question of a "start" step (its session has no checkpoint to read it from yet)."""
    rounds: int = 0
    """The follow-up rounds of a "start" step (to try it again after a failure)."""
    started: float = field(default_factory=time.monotonic)
    future: Future[SessionView] = field(default_factory=Future)
    _events: list[StepEvent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, event: StepEvent) -> None:
        """Record an event (called on the event loop's thread)."""
        with self._lock:
            self._events.append(event)

    def probe_sink(self, panelist_id: str, delta: str | None) -> None:
        """The `on_probe_token` callable: a streaming brain's question text as it is written."""
        self.add(StepEvent(panelist_id, delta=delta))

    def events_since(self, index: int) -> list[StepEvent]:
        """Events from `index` on (each watcher keeps its own position)."""
        with self._lock:
            return self._events[index:]

    @property
    def done(self) -> bool:
        """True once the step finished, well or not."""
        return self.future.done()

    def elapsed(self) -> float:
        """Seconds since the step started."""
        return time.monotonic() - self.started


_current: contextvars.ContextVar[PanelStep | None] = contextvars.ContextVar(
    "mockpanel_ui_step", default=None
)


def current_step() -> PanelStep | None:
    """The step whose coroutine is running (graph nodes inherit it), if any."""
    return _current.get()


Runner = Callable[[PanelStep], Coroutine[Any, Any, "SessionView"]]


class StepRegistry:
    """The process's panel steps by thread id; at most one running per session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._steps: dict[str, PanelStep] = {}

    def begin(self, thread_id: str, kind: StepKind, text: str, runner: Runner) -> PanelStep:
        """Start a step on the UI loop; StepBusy if this session already has one running."""
        with self._lock:
            running = self._steps.get(thread_id)
            if running is not None and not running.done:
                raise StepBusy(
                    "the panel is still working on your last message; this one was not sent"
                )
            step = PanelStep(thread_id=thread_id, kind=kind, text=text)
            self._steps[thread_id] = step
            self._trim()

        async def run() -> SessionView:
            token = _current.set(step)
            try:
                return await runner(step)
            finally:
                _current.reset(token)

        inner = bridge().submit(run())
        inner.add_done_callback(lambda f: _copy_outcome(f, step.future))
        return step

    def get(self, thread_id: str) -> PanelStep | None:
        """The session's latest step (running or finished), if this process ran one."""
        with self._lock:
            return self._steps.get(thread_id)

    def running(self, thread_id: str) -> PanelStep | None:
        """The session's step if it is still running."""
        step = self.get(thread_id)
        return step if step is not None and not step.done else None

    def _trim(self) -> None:
        finished = [k for k, s in self._steps.items() if s.done]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._steps[key]


def _copy_outcome(source: Future[SessionView], target: Future[SessionView]) -> None:
    if target.done():  # cancelled by its caller: nothing to report
        return
    if source.cancelled():
        target.cancel()
        return
    exc = source.exception()
    if exc is not None:
        target.set_exception(exc)
    else:
        target.set_result(source.result())
