"""The server's retry-after hint, read and capped before the SDK's retry loop waits on it."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

from anthropic import AsyncAPIResponse, Middleware
from anthropic._middleware import AsyncCallNext
from anthropic._request import APIRequest  # the type of a middleware's request argument


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms, retry-after seconds or HTTP date)."""
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, float(email.utils.mktime_tz(parsed) - time.time()))


class RetryAfterCap(Middleware):
    """Caps the retry-after hint of every response at `max_s` seconds.

    The installed SDK (anthropic 2.15, `_base_client._calculate_retry_timeout`) waits for
    whatever retry-after / retry-after-ms says, up to 4,294,967 s; this middleware runs inside
    its retry loop, once per attempt, so a longer hint is rewritten before the SDK reads it.
    """

    def __init__(self, max_s: float) -> None:
        self.max_s = max_s

    async def handle_async(
        self, request: APIRequest, call_next: AsyncCallNext
    ) -> AsyncAPIResponse[Any]:
        """Pass the attempt on; shorten an over-long retry-after on its response."""
        response = await call_next(request)
        headers = response.http_response.headers
        asked = retry_after_s(headers)
        if asked is not None and asked > self.max_s:
            headers["retry-after-ms"] = f"{self.max_s * 1000:g}"
            headers.pop("retry-after", None)
        return response
