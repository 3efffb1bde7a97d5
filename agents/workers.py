"""The worker threads that keep blocking CPU work (embedding, scoring) off the event loop."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def cpu_workers() -> int:
    """Threads for CPU-bound work: one per core this process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)


def cpu_pool() -> ThreadPoolExecutor:
    """The process's CPU pool, created on first use.

    Apart from asyncio's default executor on purpose: quick blocking I/O (a session read, a
    save) must not queue behind a burst of debriefs, and more CPU threads than cores would
    only make each debrief slower."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(cpu_workers(), thread_name_prefix="mockpanel-cpu")
        return _pool


async def run_cpu_bound(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` on the CPU pool, awaited; context variables go along, as with
    `asyncio.to_thread` (LangGraph's run config and stream writer among them)."""
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await loop.run_in_executor(cpu_pool(), call)
