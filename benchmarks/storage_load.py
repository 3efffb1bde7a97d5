"""One app process of the storage load benchmark: K live interviews at once, each step timed.

usage: python -m benchmarks.storage_load K PREFIX START_AT  (configured by MOCKPANEL_* env)
prints {"steps": {"start": [s, …], "reply": […], "finish": […]}, "began": t, "ended": t}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from agents.session import PanelService
from knowledge.loader import load_panel, load_questions
from knowledge.settings import Settings
from tests.doubles import FakeBrain, KnownSnippets

OPENING = "We define a resolved ticket first, then build a gold set of 400 solved tickets."
REPLIES = ("Experts audit a 10% sample every week.", "Drift alerts trigger retraining.")


async def interview(service: PanelService, thread: str, steps: dict[str, list[float]]) -> None:
    """start → reply → reply → finish, each against the turn it saw."""
    question = load_questions().get("support-bot-deflection")
    t0 = time.perf_counter()
    view = await service.start(question, OPENING, max_rounds=3, thread_id=thread)
    steps["start"].append(time.perf_counter() - t0)
    for text in REPLIES:
        t0 = time.perf_counter()
        view = await service.reply(thread, text, expected_turn=view.last_turn_id)
        steps["reply"].append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    view = await service.finish(thread, expected_turn=view.last_turn_id)
    steps["finish"].append(time.perf_counter() - t0)
    assert view.status == "done"


async def run(count: int, prefix: str, start_at: float) -> dict[str, object]:
    service = PanelService(Settings(), FakeBrain(), retriever=KnownSnippets(), panel=load_panel())
    steps: dict[str, list[float]] = {"start": [], "reply": [], "finish": []}
    await asyncio.sleep(max(0.0, start_at - time.time()))
    began = time.time()
    await asyncio.gather(*(interview(service, f"{prefix}-{i}", steps) for i in range(count)))
    ended = time.time()
    await service.aclose()
    return {"steps": steps, "began": began, "ended": ended}


if __name__ == "__main__":
    count, prefix, start_at = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    print(json.dumps(asyncio.run(run(count, prefix, start_at))))
