"""Token-by-token probe text for the UI, with a visible offline fallback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from agents.brains.claude.client import ClaudeCallFailed, ClaudeClient
from agents.brains.claude.ledger import SessionLedger


async def stream_or_fallback(
    client: ClaudeClient,
    *,
    label: str,
    system: list[dict[str, Any]],
    messages: list[dict[str, Any]],
    ledger: SessionLedger,
    fallback: Callable[[], Awaitable[str]],
) -> AsyncIterator[str]:
    """Claude's text deltas as they arrive (SSE).

    If Claude fails before the first token, the offline brain's question is yielded in one
    piece and the ledger records the fallback; if the stream breaks midway, the partial text
    stands (it cannot be unsent) and the ledger records the break.
    """
    emitted = False
    try:
        async for chunk in client.stream_text(
            "probe", label, system=system, messages=messages, on_usage=ledger.add
        ):
            emitted = True
            yield chunk
    except ClaudeCallFailed as exc:
        if emitted:
            ledger.fell_back(f"{label}: {exc.reason}; the streamed question is incomplete")
            return
        ledger.fell_back(f"{label}: claude unavailable ({exc.reason}); offline brain used")
        text = await fallback()
        if text:
            yield text
