"""PanelContext resolution: only the parts not injected are filled, each shared per process."""

from __future__ import annotations

import pytest

from agents import context as context_module
from agents.context import PanelContext
from knowledge.settings import Settings
from tests.doubles import FakeBrain, KnownSnippets


def test_only_the_missing_part_is_loaded(settings: Settings) -> None:
    brain, index = FakeBrain(), KnownSnippets()
    ctx = PanelContext(brain=brain, retriever=index, settings=settings)  # no index on disk
    assert not ctx.resolved
    ctx.resolve()
    assert ctx.resolved and ctx.brain is brain and ctx.retriever is index
    assert [p.id for p in ctx.resolved_panel().panelists] == [
        "interviewer", "hiring_manager", "lead_engineer"
    ]


def test_parts_are_shared_per_settings(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context_module, "_shared", {})
    first = PanelContext(brain=FakeBrain(), retriever=KnownSnippets(), settings=settings).resolve()
    second = PanelContext(brain=FakeBrain(), retriever=KnownSnippets(), settings=settings).resolve()
    assert first.panel is second.panel
    assert list(context_module._shared) == [("panel", settings)]
