"""Where mockpanel keeps its data, and which services it talks to (env overrides)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from agents.errors import MockpanelError


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _env_count(name: str) -> int:
    value = _env(name)
    if value is None:
        return 0
    if not value.isdigit():
        raise MockpanelError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


@dataclass(frozen=True)
class Settings:
    """Run-time locations and switches; every field has a MOCKPANEL_* env override."""

    home: Path = field(
        default_factory=lambda: Path(
            _env("MOCKPANEL_HOME") or platformdirs.user_data_dir("mockpanel", appauthor=False)
        )
    )
    """Data dir: Chroma index, model files, SQLite database (MOCKPANEL_HOME)."""

    chroma_url: str | None = field(default_factory=lambda: _env("MOCKPANEL_CHROMA_URL"))
    """A Chroma server URL; when set, HttpClient replaces the embedded PersistentClient."""

    database_url: str | None = field(default_factory=lambda: _env("MOCKPANEL_DATABASE_URL"))
    """A postgresql:// URL; when unset, SQLite in the data dir."""

    brain: str = field(default_factory=lambda: _env("MOCKPANEL_BRAIN") or "offline")
    """Default brain: offline, claude or cascade (MOCKPANEL_BRAIN)."""

    anthropic_api_key: str | None = field(
        default_factory=lambda: _env("ANTHROPIC_API_KEY"), repr=False
    )
    """Key for the claude brain and cascade escalation (ANTHROPIC_API_KEY); never printed."""

    coach_passcode: str | None = field(
        default_factory=lambda: (
            os.environ.get("MOCKPANEL_COACH_PASSCODE", "").strip("\r\n") or None
        ),
        repr=False,
    )
    """Passcode of the coach page (MOCKPANEL_COACH_PASSCODE; unset: page off); never printed."""

    embed_threads: int = field(default_factory=lambda: _env_count("MOCKPANEL_EMBED_THREADS"))
    """Threads of the embedding model (MOCKPANEL_EMBED_THREADS; 0: one per core). A sharded
    eval gives each worker process one, so its processes do not fight over the cores."""

    gold_dir: Path | None = field(
        default_factory=lambda: (
            Path(value).expanduser() if (value := _env("MOCKPANEL_GOLD_DIR")) else None
        )
    )
    """Where "Add to gold set" writes eval cases (MOCKPANEL_GOLD_DIR; default <home>/gold)."""

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma index."""
        return self.home / "chroma"

    @property
    def model_dir(self) -> Path:
        """Folder laid out as chromadb's ONNX model cache expects."""
        return self.home / "models" / "all-MiniLM-L6-v2"

    @property
    def sqlite_path(self) -> Path:
        """SQLite file for sessions, debriefs, reviews and graph checkpoints."""
        return self.home / "mockpanel.sqlite"
