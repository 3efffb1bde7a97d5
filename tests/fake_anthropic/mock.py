"""The fake API behind `httpx2.MockTransport`: an AsyncAnthropic that never leaves the process."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import httpx2
from anthropic import AsyncAnthropic

from tests.fake_anthropic.core import FakeAnthropic


def mock_handler(
    fake: FakeAnthropic,
) -> Callable[[httpx2.Request], Coroutine[None, None, httpx2.Response]]:
    """An async MockTransport handler answering from `fake`; a hang raises a read timeout."""

    async def handle(request: httpx2.Request) -> httpx2.Response:
        base_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
        response = await fake.respond(
            request.method,
            request.url.raw_path.decode(),
            dict(request.headers),
            request.content,
            base_url,
        )
        if response.hang_s is not None:
            raise httpx2.ReadTimeout("fake: the server did not answer", request=request)
        content = b"".join(response.events) if response.events is not None else response.body
        return httpx2.Response(response.status, headers=response.headers, content=content)

    return handle


def mock_client(fake: FakeAnthropic, **kwargs: Any) -> AsyncAnthropic:
    """An AsyncAnthropic wired to `fake` through MockTransport (no sockets)."""
    transport = httpx2.MockTransport(mock_handler(fake))
    return AsyncAnthropic(
        api_key="test", max_retries=0, http_client=httpx2.AsyncClient(transport=transport), **kwargs
    )
