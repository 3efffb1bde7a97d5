"""One UI-style process, 8 sessions computing debriefs at once: does a light request (loading a
session view) wait for them?

The UI runs every PanelService call on one private event loop (ui.services.AsyncBridge) and
the page's thread waits for each result. While 8 interviews run to their debriefs on that loop,
the page keeps loading one session view; its latency is measured idle and under load, twice:

- "blocking": the offline brain's steps run inline on the event loop, as before issue 13;
- "offloaded": as shipped, they run on the CPU pool (agents/workers.py).

Each pass uses other answers and an emptied embedding cache, so neither replays the other's
work. Prints a table and writes benchmarks/results/concurrency.json.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks import environment, percentile, show, write_results

SESSIONS = 8
LIGHT_INTERVAL_S = 0.02
IDLE_SAMPLES = 60
REPLY = (
    "Two senior agents label a gold set of 400 tickets; an expert re-checks a random 5% of the "
    "vendor's labels each week, and when accuracy on the gold set drops 3 points we retrain."
)


def _answers(count: int) -> list[tuple[str, str]]:
    """(question id, answer) of the longest distinct eval answers: real, varied work."""
    from evals.loader import load_cases

    cases = sorted(load_cases(), key=lambda c: -len(c.answer))
    seen: set[str] = set()
    picked = []
    for case in cases:
        if case.answer not in seen and len(case.answer.split()) >= 80:
            seen.add(case.answer)
            picked.append((case.question_id, case.answer))
    if len(picked) < count:
        raise RuntimeError(f"need {count} distinct eval answers, found {len(picked)}")
    return picked[:count]


@contextmanager
def _steps_inline() -> Iterator[None]:
    """The offline brain's steps run on the calling (event-loop) thread, as before."""
    from agents.brains.offline import brain as offline_brain

    async def inline(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    saved = offline_brain.run_cpu_bound
    offline_brain.run_cpu_bound = inline  # type: ignore[assignment]
    try:
        yield
    finally:
        offline_brain.run_cpu_bound = saved


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 50) * 1000, 2),
        "p95_ms": round(percentile(samples, 95) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
    }


def _pass(answers: list[tuple[str, str]]) -> dict[str, Any]:
    """Idle light-request latency, then the same while SESSIONS interviews reach a debrief."""
    from agents.session import PanelService
    from knowledge.embeddings import get_embedder
    from knowledge.loader import load_questions
    from knowledge.settings import Settings
    from ui.services import AsyncBridge

    settings = Settings()
    get_embedder(settings)._cache.clear()  # no embedding replayed from the other pass
    bank = load_questions()
    bridge = AsyncBridge()
    service = PanelService(settings)
    # Start-up, as the UI does once per process: brain, index and one session to look at.
    light = bridge.run(service.start(bank.get("support-bot-deflection"), REPLY, max_rounds=1))

    def load_view() -> float:
        started = time.perf_counter()
        bridge.run(service.get(light.thread_id))
        return time.perf_counter() - started

    idle = [load_view() for _ in range(IDLE_SAMPLES)]

    async def interview(question_id: str, answer: str) -> float:
        started = time.perf_counter()
        done = await service.start(bank.get(question_id), answer, max_rounds=1)
        if done.status == "awaiting_reply":  # no gap worth a probe ends the interview at once
            done = await service.reply(done.thread_id, REPLY)
        assert done.debrief is not None
        return time.perf_counter() - started

    started = time.perf_counter()
    heavy = [bridge.submit(interview(q, a)) for q, a in answers]
    loaded: list[float] = []
    while not all(f.done() for f in heavy):
        loaded.append(load_view())
        time.sleep(LIGHT_INTERVAL_S)
    wall = time.perf_counter() - started
    debriefs = [f.result() for f in heavy]
    return {
        "idle": _summary(idle),
        "under_load": _summary(loaded),
        "debriefs": SESSIONS,
        "debrief_wall_s": round(wall, 2),
        "debrief_p50_s": round(percentile(debriefs, 50), 2),
    }


def main() -> dict[str, Any]:
    """Run both passes in a scratch data dir, print a table, write results/concurrency.json."""
    from knowledge.index import ingest
    from knowledge.settings import Settings

    answers = _answers(2 * SESSIONS)
    saved = os.environ.get("MOCKPANEL_HOME")
    with tempfile.TemporaryDirectory(prefix="mockpanel-bench-") as home:
        os.environ["MOCKPANEL_HOME"] = home
        try:
            ingest(Settings())
            with _steps_inline():
                before = _pass(answers[:SESSIONS])
            after = _pass(answers[SESSIONS:])
        finally:
            if saved is None:
                os.environ.pop("MOCKPANEL_HOME", None)
            else:
                os.environ["MOCKPANEL_HOME"] = saved
    results = {
        "blocking": before,
        "offloaded": after,
        "environment": environment(),
    }
    path = write_results("concurrency", results)
    _print(results, path)
    return results


def _print(results: dict[str, Any], path: Path) -> None:
    from rich.table import Table

    table = Table(title=f"light request (load a session view) while {SESSIONS} debriefs run")
    for column in ("steps", "idle p50 ms", "idle p95 ms", "loaded p50 ms", "loaded p95 ms",
                   "loaded max ms", "8 debriefs s"):
        table.add_column(column, justify="right")
    for name in ("blocking", "offloaded"):
        r = results[name]
        table.add_row(
            name,
            f"{r['idle']['p50_ms']:.1f}",
            f"{r['idle']['p95_ms']:.1f}",
            f"{r['under_load']['p50_ms']:.1f}",
            f"{r['under_load']['p95_ms']:.1f}",
            f"{r['under_load']['max_ms']:.1f}",
            f"{r['debrief_wall_s']:.1f}",
        )
    show(table, path)


if __name__ == "__main__":
    main()
