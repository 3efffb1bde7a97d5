"""Run an eval in several worker processes: each takes a shard of the cases through both passes.

The offline brain is CPU-bound Python under one GIL, so a second process is what puts a second
core to work. Every outcome is a pure function of its case (features are row-by-row, each case
has its own session), so a sharded run gives the same fingerprints as a single process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from evals.models import EvalCase
from evals.results import RunRecord
from evals.runner import OnPass, OnProgress
from knowledge.settings import Settings

_events: Any = None  # the worker's end of the progress queue (set by _init_worker)


def case_cost(case: EvalCase) -> int:
    """Rough work of a case: the words the panel reads (answer and every reply)."""
    return sum(len(text.split()) for text in (case.answer, *case.replies.values()))


def split_cases(cases: Sequence[EvalCase], shards: int) -> list[list[EvalCase]]:
    """Cases dealt into `shards` groups of near-equal cost (largest first onto the lightest
    group); each group keeps the cases' original order. Empty groups are dropped."""
    if shards < 1:
        raise ValueError(f"shards must be at least 1, not {shards}")
    position = {case.id: n for n, case in enumerate(cases)}
    groups: list[list[EvalCase]] = [[] for _ in range(shards)]
    loads = [0] * shards
    for case in sorted(cases, key=lambda c: (-case_cost(c), position[c.id])):
        lightest = loads.index(min(loads))
        groups[lightest].append(case)
        loads[lightest] += case_cost(case)
    return [sorted(g, key=lambda c: position[c.id]) for g in groups if g]


def _init_worker(events: Any) -> None:
    global _events
    _events = events


def _run_shard(
    number: int,
    cases: list[EvalCase],
    settings: Settings,
    options: dict[str, Any],
) -> list[RunRecord]:
    """One shard, both passes, in this worker process; progress goes to the parent's queue."""
    from evals.runner import run_graph_eval

    current = [0]

    def on_pass(n: int) -> None:
        current[0] = n
        _events.put(("pass", n, ""))

    def on_done(_pass: int, case_id: str) -> None:
        _events.put(("done", current[0], case_id))

    return asyncio.run(
        run_graph_eval(
            cases,
            # One embedding thread per worker: the workers together fill the cores.
            dataclasses.replace(settings, embed_threads=1),
            work_dir=options["work_dir"] / f"shard-{number}",
            processes=1,
            on_pass=on_pass,
            on_done=on_done,
            **{k: v for k, v in options.items() if k != "work_dir"},
        )
    )


def _relay(events: Any, on_pass: OnPass | None, on_done: OnProgress | None) -> None:
    """Parent side: turn the workers' events into callbacks, each pass announced once."""
    announced: set[int] = set()
    while (event := events.get()) is not None:
        kind, number, case_id = event
        if number not in announced:
            announced.add(number)
            if on_pass is not None:
                on_pass(number)
        if kind == "done" and on_done is not None:
            on_done(number, case_id)


def merge(cases: Sequence[EvalCase], shard_runs: Sequence[Sequence[RunRecord]]) -> list[RunRecord]:
    """The shards' runs as whole-eval runs: outcomes pooled per pass, a pass's time its slowest
    shard's, its order the order a single process would have used."""
    passes = len(shard_runs[0])
    orders = [list(cases), list(reversed(cases))][:passes]
    return [
        RunRecord(
            order=[c.id for c in orders[p]],
            seconds=max(runs[p].seconds for runs in shard_runs),
            outcomes=sorted(
                (o for runs in shard_runs for o in runs[p].outcomes), key=lambda o: o.case_id
            ),
        )
        for p in range(passes)
    ]


async def run_sharded(
    cases: Sequence[EvalCase],
    settings: Settings,
    *,
    processes: int,
    work_dir: Path,
    on_pass: OnPass | None = None,
    on_done: OnProgress | None = None,
    **options: Any,
) -> list[RunRecord]:
    """`run_graph_eval` over `processes` worker processes (spawned: no inherited threads)."""
    shards = split_cases(cases, processes)
    context = multiprocessing.get_context("spawn")
    events = context.Queue()
    relay = threading.Thread(target=_relay, args=(events, on_pass, on_done), daemon=True)
    relay.start()
    loop = asyncio.get_running_loop()
    try:
        with ProcessPoolExecutor(
            len(shards), mp_context=context, initializer=_init_worker, initargs=(events,)
        ) as pool:
            futures = [
                loop.run_in_executor(
                    pool, _run_shard, n, shard, settings, {"work_dir": work_dir, **options}
                )
                for n, shard in enumerate(shards, start=1)
            ]
            shard_runs = await asyncio.gather(*futures)
    finally:
        events.put(None)
        relay.join()
    return merge(cases, shard_runs)
