"""The async bridge and the per-process services cache."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from knowledge.settings import Settings
from ui.services import AsyncBridge, get_services


def test_bridge_runs_coroutines_on_one_long_lived_loop() -> None:
    bridge = AsyncBridge()

    async def loop_id() -> int:
        return id(asyncio.get_running_loop())

    assert bridge.run(loop_id()) == bridge.run(loop_id())
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(bridge.run(loop_id())))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1


def test_bridge_propagates_errors_and_iterates_streams() -> None:
    bridge = AsyncBridge()

    async def boom() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        bridge.run(boom())

    async def words() -> AsyncIterator[str]:
        for w in ("a", "b", "c"):
            await asyncio.sleep(0)
            yield w

    assert list(bridge.iterate(words())) == ["a", "b", "c"]


def test_services_are_cached_per_settings(settings: Settings, tmp_path: Path) -> None:
    first = get_services(settings)
    assert get_services(settings) is first
    assert first.store is first.panel.store
    other = get_services(Settings(home=tmp_path / "other"))
    assert other is not first


def test_missing_index_is_reported_not_raised(settings: Settings) -> None:
    services = get_services(settings)
    assert services.snippet("int-eval-001") is None
    assert services.retriever_error is not None and "mockpanel ingest" in services.retriever_error
