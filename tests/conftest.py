"""Shared fixtures: an isolated MOCKPANEL_HOME per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.settings import Settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir, exported as MOCKPANEL_HOME for the test."""
    path = tmp_path / "mockpanel-home"
    monkeypatch.setenv("MOCKPANEL_HOME", str(path))
    monkeypatch.delenv("MOCKPANEL_CHROMA_URL", raising=False)
    monkeypatch.delenv("MOCKPANEL_DATABASE_URL", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    return path


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings bound to the test's data dir."""
    return Settings()
