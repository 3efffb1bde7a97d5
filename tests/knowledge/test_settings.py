"""Settings from the environment: a bad value is one clear line, not a traceback."""

from __future__ import annotations

import pytest

from agents.errors import MockpanelError
from knowledge.settings import Settings


def test_embed_threads_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKPANEL_EMBED_THREADS", raising=False)
    assert Settings().embed_threads == 0
    monkeypatch.setenv("MOCKPANEL_EMBED_THREADS", " 1 ")
    assert Settings().embed_threads == 1


@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_bad_embed_thread_count_is_one_line(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MOCKPANEL_EMBED_THREADS", value)
    with pytest.raises(MockpanelError, match="MOCKPANEL_EMBED_THREADS must be a whole number"):
        Settings()
