"""Fixtures for the UI tests: a knowledge index built once, copied into each test's data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.settings import Settings

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "ui" / "app.py"
# Env vars that would change what the app does; each test starts without them.
_ISOLATED_ENV = (
    "MOCKPANEL_CHROMA_URL",
    "MOCKPANEL_DATABASE_URL",
    "MOCKPANEL_BRAIN",
    "MOCKPANEL_COACH_PASSCODE",
    "MOCKPANEL_GOLD_DIR",
    "MOCKPANEL_MAX_ROUNDS",
    "ANTHROPIC_API_KEY",
)


@pytest.fixture(scope="session")
def indexed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose knowledge index (and model files) are built once per test session."""
    from knowledge.index import ingest

    home = tmp_path_factory.mktemp("ui-indexed-home")
    with pytest.MonkeyPatch.context() as mp:
        for name in _ISOLATED_ENV:
            mp.delenv(name, raising=False)
        mp.setenv("MOCKPANEL_HOME", str(home))
        ingest(Settings())
    return home


@pytest.fixture
def ui_home(
    indexed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A fresh data dir (empty session store) with a copy of the built index, as MOCKPANEL_HOME."""
    home = tmp_path / "home"
    home.mkdir()
    for part in ("chroma", "models"):
        shutil.copytree(indexed_template / part, home / part)
    for name in _ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOCKPANEL_HOME", str(home))
    return home
