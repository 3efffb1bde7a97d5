"""Fixtures for the panel tests: the FakeBrain wiring and, for end-to-end runs, a built index."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.context import PanelContext
from knowledge.loader import load_panel, load_questions
from knowledge.models import Panel, Question
from knowledge.settings import Settings
from tests.doubles import FakeBrain, KnownSnippets


@pytest.fixture
def panel() -> Panel:
    """The real panel definitions."""
    return load_panel()


@pytest.fixture
def question() -> Question:
    """A question from the bank."""
    return load_questions().get("support-bot-deflection")


@pytest.fixture
def fake_brain() -> FakeBrain:
    """A FakeBrain with no delay."""
    return FakeBrain()


ContextFactory = Callable[..., PanelContext]


@pytest.fixture
def make_context(panel: Panel, settings: Settings) -> ContextFactory:
    """Build a PanelContext around a brain, with the fake index and the real panel."""

    def make(brain: FakeBrain, **knobs: Any) -> PanelContext:
        return PanelContext(
            brain=brain, retriever=KnownSnippets(), settings=settings, panel=panel, **knobs
        )

    return make


@pytest.fixture(scope="session")
def index_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the knowledge index built once per test session."""
    from knowledge.index import ingest

    home = tmp_path_factory.mktemp("indexed-home")
    saved = os.environ.get("MOCKPANEL_HOME")
    os.environ["MOCKPANEL_HOME"] = str(home)
    try:
        ingest(Settings())
    finally:
        if saved is None:
            os.environ.pop("MOCKPANEL_HOME", None)
        else:
            os.environ["MOCKPANEL_HOME"] = saved
    return home


@pytest.fixture
def indexed_home(index_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """MOCKPANEL_HOME pointing at the session's built index (offline brain, no network)."""
    monkeypatch.setenv("MOCKPANEL_HOME", str(index_home))
    for name in ("MOCKPANEL_CHROMA_URL", "MOCKPANEL_DATABASE_URL", "MOCKPANEL_BRAIN",
                 "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield index_home


@pytest.fixture
def fake_brains(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every brain the CLI builds is a FakeBrain (fast, deterministic)."""
    monkeypatch.setattr(
        "agents.brains.factory.make_brain", lambda name, settings, **kw: FakeBrain(name=name)
    )
