"""One PanelService, SessionStore and Retriever per process, and a bridge to run their coroutines.

Streamlit runs each page script synchronously on its own thread, several sessions at once. The
panel's coroutines (and the clients they open: SQLite checkpointer, HTTP to Claude) must live on
one event loop that outlives a script run, so they run on a private loop in a daemon thread and
the script waits for the result.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from knowledge.settings import Settings
from ui.ownership import OwnerStore

if TYPE_CHECKING:
    from agents.session import PanelService
    from agents.storage.coach_marks import CoachMarksStore
    from agents.store import SessionStore
    from knowledge.models import Snippet
    from knowledge.retrieval import Retriever
    from ui.progress_brain import ProgressBrain
    from ui.steps import StepRegistry

log = logging.getLogger("mockpanel.ui")
REHEARSAL_ANSWER = (
    "We would label a gold set of 300 cases, audit a 5% sample of the labels each week, and "
    "route uncertain cases to a person before anything ships."
)

T = TypeVar("T")


class AsyncBridge:
    """A private event loop on a daemon thread; sync callers submit coroutines and wait."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="mockpanel-ui-loop", daemon=True
        )
        self._thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule a coroutine on the loop; the future resolves with its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the loop and return its result (exceptions propagate)."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("AsyncBridge.run called from its own loop; await instead")
        return self.submit(coro).result(timeout)

    def iterate(self, stream: AsyncIterator[T]) -> Iterator[T]:
        """Consume an async iterator from sync code, one item at a time, on the loop."""
        while True:
            try:
                item = self.run(_next_item(stream))
            except StopAsyncIteration:
                return
            yield item


async def _next_item(stream: AsyncIterator[T]) -> T:
    return await stream.__anext__()


_bridge_lock = threading.Lock()
_bridge: AsyncBridge | None = None


def bridge() -> AsyncBridge:
    """The process-wide bridge, started on first use."""
    global _bridge
    with _bridge_lock:
        if _bridge is None:
            _bridge = AsyncBridge()
        return _bridge


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the process-wide loop and wait for it."""
    return bridge().run(coro)


@dataclass
class Services:
    """The panel, its session store, the coach's marks, session owners, the steps in flight and
    (lazily) the snippet retriever."""

    settings: Settings
    panel: PanelService
    store: SessionStore
    marks: CoachMarksStore
    owners: OwnerStore
    steps: StepRegistry
    brain: ProgressBrain
    warm_seconds: float | None = None
    """How long the start-up warm-up took (None until it finished)."""
    warmed: threading.Event = field(default_factory=threading.Event, repr=False)
    _retriever: Retriever | None = field(default=None, repr=False)
    _retriever_error: str | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def retriever(self) -> Retriever | None:
        """The snippet retriever, or None when the index cannot be opened (see retriever_error)."""
        with self._lock:
            if self._retriever is None and self._retriever_error is None:
                from knowledge.retrieval import Retriever

                try:
                    self._retriever = Retriever.from_settings(self.settings)
                except Exception as exc:  # the card shows why snippet text is missing
                    self._retriever_error = str(exc).splitlines()[0] if str(exc) else repr(exc)
            return self._retriever

    @property
    def retriever_error(self) -> str | None:
        """Why the retriever could not be opened, if it could not."""
        return self._retriever_error

    def warm_up(self) -> None:
        """Load the model and the exemplar embeddings now, so that the first answer waits no
        longer than the rest (a failure is left for the first step to report)."""
        began = time.monotonic()
        try:
            self.brain.warm()
            if self.settings.brain == "offline":  # local and free: one probe warms every cache
                asyncio.run(self._rehearse())
        except Exception as exc:  # the step that needs it says why, in one line
            log.warning("warm-up incomplete: %s", exc)
        self.warm_seconds = time.monotonic() - began
        self.warmed.set()
        log.info("mockpanel UI warm in %.1f s", self.warm_seconds)

    async def _rehearse(self) -> None:
        """One offline probe on a stock answer: snippet search and first-use costs paid now."""
        from agents.transcript import Turn
        from knowledge.loader import load_panel, load_questions

        question = load_questions().questions[0]
        answer = Turn(id="t1", speaker="candidate", round=0, text=REHEARSAL_ANSWER)
        await self.brain.inner.probe(load_panel().panelists[0], question, [answer], 1)

    def snippet(self, snippet_id: str) -> Snippet | None:
        """The debrief snippet with this id, or None when unknown or the index is unavailable."""
        retriever = self.retriever()
        return retriever.get(snippet_id) if retriever is not None else None


_services_lock = threading.Lock()
_services: dict[Settings, Services] = {}


def get_services(settings: Settings | None = None) -> Services:
    """The services for these settings (default: from the environment), built once per process."""
    settings = settings or Settings()
    with _services_lock:
        found = _services.get(settings)
        if found is None:
            found = _build_services(settings)
            _services[settings] = found
            # Start-up, not first answer: the model loads while the page is read. Not a daemon:
            # killed inside the ONNX runtime at interpreter exit, the process would abort.
            threading.Thread(target=found.warm_up, name="mockpanel-warm-up").start()
        return found


def _build_services(settings: Settings) -> Services:
    from agents.brains.factory import make_brain
    from agents.session import PanelService
    from knowledge.retrieval import Retriever
    from ui.progress_brain import ProgressBrain
    from ui.steps import StepRegistry

    # One index client for the whole process, opened here (not in two threads at once).
    retriever: Retriever | None = None
    error: str | None = None
    try:
        retriever = Retriever.from_settings(settings)
    except Exception as exc:  # the card and the first step say why, in one line
        error = str(exc).splitlines()[0] if str(exc) else repr(exc)
    offline = retriever is not None and settings.brain == "offline"
    extra: dict[str, Any] = {"retriever": retriever} if offline else {}
    # The brain is built on first use, so a missing API key surfaces as a step's error.
    brain = ProgressBrain(settings.brain, lambda: make_brain(settings.brain, settings, **extra))
    panel = PanelService(settings, brain=brain, brain_name=settings.brain, retriever=retriever)
    return Services(
        settings=settings,
        panel=panel,
        store=panel.store,
        marks=panel.store.marks,
        owners=OwnerStore(panel.store.owners),
        steps=StepRegistry(),
        brain=brain,
        _retriever=retriever,
        _retriever_error=error,
    )
