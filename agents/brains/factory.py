"""Pick a brain by name: offline (default), claude or cascade."""

from __future__ import annotations

import importlib
from typing import Any

from agents.brains.base import Brain
from agents.brains.errors import BrainUnavailable
from agents.errors import ConfigError
from knowledge.settings import Settings

BRAINS: dict[str, tuple[str, str]] = {
    "offline": ("agents.brains.offline", "OfflineBrain"),
    "claude": ("agents.brains.claude", "ClaudeBrain"),
    "cascade": ("agents.brains.cascade", "CascadeBrain"),
}


def brain_names() -> list[str]:
    """The names `make_brain` accepts."""
    return list(BRAINS)


def make_brain(name: str, settings: Settings, **kwargs: Any) -> Brain:
    """The brain called `name`, built from settings; BrainUnavailable if it cannot run here."""
    if name not in BRAINS:
        raise ConfigError(f"unknown brain {name!r}; expected one of {', '.join(BRAINS)}")
    module_name, class_name = BRAINS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise BrainUnavailable(f"the {name} brain is not installed ({module_name})") from exc
        raise
    brain_class = getattr(module, class_name)
    brain: Brain = brain_class.from_settings(settings, **kwargs)
    return brain
