"""Run-time context of the interview graph: what a run uses but a checkpoint does not store."""

from __future__ import annotations

import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

from agents.brains.base import Brain
from agents.citations import SnippetIndex
from agents.errors import ConfigError
from agents.rounds import default_rounds
from agents.state import Probe
from knowledge.models import Panel
from knowledge.settings import Settings

Responder = Callable[[list[Probe]], str | Awaitable[str]]
"""A simulated candidate: gets the round's probes, returns the reply ("" = no more replies)."""


def _env_number(name: str, default: float, *, minimum: float, integer: bool) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise ConfigError(f"{name}={raw!r} is not {kind}") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum:g}")
    return value


def _default_probes_per_round() -> int:
    return int(_env_number("MOCKPANEL_PROBES_PER_ROUND", 3, minimum=1, integer=True))


def _default_severity_floor() -> float:
    return _env_number("MOCKPANEL_SEVERITY_FLOOR", 0.0, minimum=0, integer=False)


@dataclass
class PanelContext:
    """Per-run dependencies and knobs; every field may be left out (Studio passes none)."""

    brain: Brain | None = None
    """The brain that probes, votes and writes the debrief; None = the settings' default brain."""

    retriever: SnippetIndex | None = None
    """Answers `has(snippet_id)` for citation checks; None = open the index from settings."""

    settings: Settings = field(default_factory=Settings)
    """Data dir, database and default brain."""

    panel: Panel | None = None
    """The three panelists; None = load knowledge/data/panelists.yaml."""

    max_rounds: int = field(default_factory=default_rounds)
    """Follow-up rounds when the session does not say (MOCKPANEL_MAX_ROUNDS, default 2)."""

    probes_per_round: int = field(default_factory=_default_probes_per_round)
    """K: probes kept per round after dedupe and ordering (MOCKPANEL_PROBES_PER_ROUND, 3)."""

    severity_floor: float = field(default_factory=_default_severity_floor)
    """Probes at or below this severity are not asked; none left ends probing early
    (MOCKPANEL_SEVERITY_FLOOR, default 0)."""

    responder: Responder | None = None
    """Batch mode: a simulated candidate answers instead of `interrupt()`."""

    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def resolved(self) -> bool:
        """Whether brain, index and panel are all at hand (no loading left to do)."""
        return None not in (self.brain, self.retriever, self.panel)

    def resolve(self) -> PanelContext:
        """Fill in each part that was not injected with the process's shared one for these
        settings (see `shared_context`). Blocking the first time: call it off the event loop."""
        with self._lock:
            if self.brain is None:
                self.brain = _shared_part("brain", self.settings)
            if self.retriever is None:
                self.retriever = _shared_part("retriever", self.settings)
            if self.panel is None:
                self.panel = _shared_part("panel", self.settings)
        return self

    def resolved_brain(self) -> Brain:
        """The brain (resolving first when it was not injected)."""
        if self.brain is None:
            self.resolve()
        return cast(Brain, self.brain)

    def resolved_retriever(self) -> SnippetIndex:
        """The snippet index (resolving first when it was not injected)."""
        if self.retriever is None:
            self.resolve()
        return cast(SnippetIndex, self.retriever)

    def resolved_panel(self) -> Panel:
        """The panel (resolving first when it was not injected)."""
        if self.panel is None:
            self.resolve()
        return cast(Panel, self.panel)


def _build(part: str, settings: Settings) -> Any:
    if part == "brain":
        from agents.brains.factory import make_brain

        brain = make_brain(settings.brain, settings)
        prepare = getattr(brain, "prepare", None)
        if callable(prepare):  # the offline brain: load the model, embed exemplars, open the index
            prepare()
        return brain
    if part == "retriever":
        from knowledge.retrieval import Retriever

        return Retriever.from_settings(settings)
    from knowledge.loader import load_panel

    return load_panel()


_shared: dict[tuple[str, Settings], Any] = {}
_shared_lock = threading.RLock()


def _shared_part(part: str, settings: Settings) -> Any:
    """The process's brain, retriever or panel for these settings, built once. Brains keep no
    per-session state, so every run may share one."""
    key = (part, settings)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = _build(part, settings)
        return _shared[key]


def shared_context(settings: Settings | None = None) -> PanelContext:
    """A context of the process's shared brain, index and panel for these settings, built and
    prepared once: what a run that injects nothing uses (LangGraph's server builds a bare
    context per run). Blocking the first time: call it at start-up or in a worker thread."""
    return PanelContext(settings=settings or Settings()).resolve()
