"""Knowledge-test fixtures: the real corpus indexed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.cli import main


@pytest.fixture(scope="session")
def real_index_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir where `mockpanel ingest` indexed the real corpus (read-only for tests)."""
    path = tmp_path_factory.mktemp("real-index") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOCKPANEL_HOME", str(path))
        patch.delenv("MOCKPANEL_CHROMA_URL", raising=False)
        assert main(["ingest"]) == 0
    return path
