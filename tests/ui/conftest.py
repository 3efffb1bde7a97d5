"""Fixtures for the UI tests: a knowledge index built once, copied into each test's data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from knowledge.settings import Settings

# As ui/.streamlit/config.toml sets for the served app (AppTest does not read that file).
streamlit_config.set_option("runner.magicEnabled", False)

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
    """A fresh data dir (empty session store) with a copy of the built index, as MOCKPANEL_HOME.

    The model files are identical in every copy, so the template's warm, memoised embedder is
    registered for this data dir too: each test then skips reloading the ONNX model and
    re-embedding the rubric.
    """
    from knowledge import embeddings

    home = tmp_path / "home"
    home.mkdir()
    shutil.copytree(indexed_template / "chroma", home / "chroma")
    (home / "models").symlink_to(indexed_template / "models", target_is_directory=True)
    for name in _ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOCKPANEL_HOME", str(home))
    template = embeddings.get_embedder(Settings(home=indexed_template))
    monkeypatch.setitem(embeddings._shared, Settings().model_dir, template)
    return home


@pytest.fixture(autouse=True)
def fresh_passcode_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no failed passcode attempts on record."""
    from ui import coach_auth

    monkeypatch.setattr(coach_auth, "LIMITER", coach_auth.FailureLimiter())
