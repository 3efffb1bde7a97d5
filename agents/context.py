"""Run-time context of the interview graph: what a run uses but a checkpoint does not store."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from agents.brains.base import Brain
from agents.citations import SnippetIndex
from agents.errors import ConfigError
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


def default_max_rounds() -> int:
    """Follow-up rounds when nobody says (MOCKPANEL_MAX_ROUNDS, default 2)."""
    return int(_env_number("MOCKPANEL_MAX_ROUNDS", 2, minimum=0, integer=True))


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

    max_rounds: int = field(default_factory=default_max_rounds)
    """Follow-up rounds when the session does not say (MOCKPANEL_MAX_ROUNDS, default 2)."""

    probes_per_round: int = field(default_factory=_default_probes_per_round)
    """K: probes kept per round after dedupe and ordering (MOCKPANEL_PROBES_PER_ROUND, 3)."""

    severity_floor: float = field(default_factory=_default_severity_floor)
    """Probes at or below this severity are not asked; none left ends probing early
    (MOCKPANEL_SEVERITY_FLOOR, default 0)."""

    responder: Responder | None = None
    """Batch mode: a simulated candidate answers instead of `interrupt()`."""

    def resolved_brain(self) -> Brain:
        """The brain, created from settings on first use when none was injected."""
        if self.brain is None:
            from agents.brains.factory import make_brain

            self.brain = make_brain(self.settings.brain, self.settings)
        return self.brain

    def resolved_retriever(self) -> SnippetIndex:
        """The snippet index, opened from settings on first use when none was injected."""
        if self.retriever is None:
            from knowledge.retrieval import Retriever

            self.retriever = Retriever.from_settings(self.settings)
        return self.retriever

    def resolved_panel(self) -> Panel:
        """The panel, loaded from the knowledge data on first use when none was injected."""
        if self.panel is None:
            from knowledge.loader import load_panel

            self.panel = load_panel()
        return self.panel
