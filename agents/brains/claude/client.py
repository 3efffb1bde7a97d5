"""The one place that calls the Anthropic API: retries with backoff, timeouts, usage and cost."""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, TypeVar, cast

import httpx2
from anthropic import (
    AnthropicError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncAnthropic,
    transform_schema,
)
from anthropic.types import Message
from anthropic.types.messages import MessageBatch, MessageBatchIndividualResponse
from pydantic import BaseModel

from agents.brains.claude.config import ClaudeConfig, Step
from agents.brains.claude.cost import call_cost
from agents.debrief import CallUsage
from agents.errors import MockpanelError

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

RETRYABLE_STATUS = frozenset({408, 409, 429})
# Error types the API can also send inside a 200 SSE stream before the first token.
RETRYABLE_ERROR_TYPES = frozenset({"overloaded_error", "rate_limit_error", "api_error"})


class ClaudeCallFailed(MockpanelError):
    """A call failed for good (retries exhausted, or an error retrying cannot fix)."""

    def __init__(self, label: str, reason: str, attempts: int) -> None:
        super().__init__(f"{label}: {reason}")
        self.label = label
        self.reason = reason
        self.attempts = attempts


@dataclass(frozen=True)
class Reply:
    """The text of a finished call, why it stopped, and what it cost."""

    text: str
    stop_reason: str | None
    usage: CallUsage


def error_type(exc: APIStatusError) -> str | None:
    """The API's error type ('overloaded_error', …) from the body, when it sent one."""
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("type"), str):
            return str(inner["type"])
    return None


def describe(exc: BaseException) -> str:
    """A short phrase for a failed attempt: 'HTTP 529 overloaded_error', 'timed out', …"""
    if isinstance(exc, APITimeoutError):
        return "timed out"
    if isinstance(exc, APIConnectionError):
        return "connection error"
    if isinstance(exc, APIStatusError):
        kind = error_type(exc)
        return f"HTTP {exc.status_code}" + (f" {kind}" if kind else "")
    return f"{type(exc).__name__}: {exc}"


def is_retryable(exc: BaseException) -> bool:
    """408/409/429, 5xx (529 overloaded included), timeouts and lost connections are retried."""
    if isinstance(exc, APIConnectionError):  # APITimeoutError is a subclass
        return True
    if isinstance(exc, APIStatusError):
        if exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500:
            return True
        return exc.status_code < 400 and error_type(exc) in RETRYABLE_ERROR_TYPES
    return False


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms, retry-after seconds or HTTP date)."""
    if not isinstance(exc, APIStatusError):
        return None
    headers = exc.response.headers
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


def _counts(usage: Any) -> dict[str, int]:
    """The token counts an SSE usage object carries (fields it leaves out stay unreported)."""
    names = (
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    )
    return {n: int(v) for n in names if (v := getattr(usage, n, None)) is not None}


def message_text(message: Message) -> str:
    """All text blocks of a reply, joined."""
    return "".join(block.text for block in message.content if block.type == "text")


class ClaudeClient:
    """Wraps AsyncAnthropic: builds request bodies, retries, times out, meters tokens and cost."""

    def __init__(
        self,
        sdk: AsyncAnthropic,
        config: ClaudeConfig,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.perf_counter,
        rng: random.Random | None = None,
    ) -> None:
        # The SDK's own retry loop is switched off so that the policy, the waits and the
        # usage of every attempt are ours (and a test can inject the sleep).
        self._sdk = sdk.with_options(max_retries=0)
        self.config = config
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()

    # ---- request bodies ---------------------------------------------------------------

    def params(
        self,
        step: Step,
        *,
        system: list[dict[str, Any]],
        messages: list[dict[str, Any]],
        output_model: type[BaseModel] | None = None,
    ) -> dict[str, Any]:
        """The Messages API body of one call (also what a batch request carries).

        Structured output uses `output_config.format` with the schema built by the SDK's
        `transform_schema`, exactly what `messages.parse(output_format=…)` sends; we validate
        the text ourselves so that an invalid reply still yields its usage and can be repaired.
        """
        body: dict[str, Any] = {
            "model": self.config.model_for(step),
            "max_tokens": getattr(self.config.max_tokens, step),
            "system": system,
            "messages": messages,
        }
        if output_model is not None:
            body["output_config"] = {
                "format": {"type": "json_schema", "schema": transform_schema(output_model)}
            }
        return body

    def _timeout(self, seconds: float) -> httpx2.Timeout:
        return httpx2.Timeout(seconds, connect=self.config.timeouts.connect_s)

    # ---- retries --------------------------------------------------------------------

    def backoff_s(self, attempt: int, exc: BaseException) -> float:
        """Wait before retry number `attempt` (0-based): the server's retry-after, else backoff."""
        policy = self.config.retries
        asked = retry_after_s(exc)
        if asked is not None:
            return min(asked, policy.max_retry_after_s)
        wait = min(policy.backoff_initial_s * 2**attempt, policy.backoff_max_s)
        return wait * (1 - policy.jitter * self._rng.random())

    async def with_retries(self, label: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run `call`, retrying retryable failures; ClaudeCallFailed when it cannot succeed."""
        max_retries = self.config.retries.max_retries
        for attempt in range(max_retries + 1):
            try:
                return await call()
            except AnthropicError as exc:
                if not is_retryable(exc):
                    raise ClaudeCallFailed(label, describe(exc), attempt + 1) from exc
                if attempt == max_retries:
                    raise ClaudeCallFailed(
                        label,
                        f"gave up after {attempt + 1} attempts ({describe(exc)})",
                        attempt + 1,
                    ) from exc
                await self._sleep(self.backoff_s(attempt, exc))
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- usage ----------------------------------------------------------------------

    def call_usage(
        self, label: str, model: str, usage: Any, latency_s: float, *, discount: float = 1.0
    ) -> CallUsage:
        """A CallUsage from an API usage object, priced at the configured rates."""
        counts = {
            "input_tokens": int(getattr(usage, "input_tokens", 0) or 0),
            "output_tokens": int(getattr(usage, "output_tokens", 0) or 0),
            "cache_creation_input_tokens": int(
                getattr(usage, "cache_creation_input_tokens", 0) or 0
            ),
            "cache_read_input_tokens": int(getattr(usage, "cache_read_input_tokens", 0) or 0),
        }
        cost = call_cost(self.config.price(model), discount=discount, **counts)
        return CallUsage(
            step=label, model=model, latency_ms=round(latency_s * 1000, 3), cost_usd=cost, **counts
        )

    # ---- calls ----------------------------------------------------------------------

    async def create(
        self,
        step: Step,
        label: str,
        *,
        system: list[dict[str, Any]],
        messages: list[dict[str, Any]],
        output_model: type[BaseModel] | None = None,
    ) -> Reply:
        """One non-streaming call (with retries); its latency includes the retry waits."""
        params = self.params(step, system=system, messages=messages, output_model=output_model)
        timeout = self._timeout(self.config.timeouts.for_step(step))
        started = self._clock()

        async def attempt() -> Message:
            return cast(Message, await self._sdk.messages.create(**params, timeout=timeout))

        message = await self.with_retries(label, attempt)
        usage = self.call_usage(label, params["model"], message.usage, self._clock() - started)
        return Reply(text=message_text(message), stop_reason=message.stop_reason, usage=usage)

    async def create_streamed(
        self,
        step: Step,
        label: str,
        *,
        system: list[dict[str, Any]],
        messages: list[dict[str, Any]],
        output_model: type[BaseModel] | None = None,
        on_text: Callable[[str], None],
        on_restart: Callable[[], None],
    ) -> Reply:
        """The same call as `create`, streamed (SSE): every text delta goes to `on_text` as it
        arrives, and the finished Reply is returned. A retryable failure is retried even after
        text went out; `on_restart` is told first, so the listener can discard it."""
        params = self.params(step, system=system, messages=messages, output_model=output_model)
        timeout = self._timeout(self.config.timeouts.for_step(step))
        started = self._clock()
        parts: list[str] = []

        async def attempt() -> tuple[str, str | None, SimpleNamespace]:
            parts.clear()
            try:
                return await self._consume_stream(params, timeout, parts, on_text)
            except AnthropicError:
                if parts:
                    on_restart()
                raise

        text, stop_reason, usage = await self.with_retries(label, attempt)
        metered = self.call_usage(label, params["model"], usage, self._clock() - started)
        return Reply(text=text, stop_reason=stop_reason, usage=metered)

    async def _consume_stream(
        self,
        params: dict[str, Any],
        timeout: httpx2.Timeout,
        parts: list[str],
        on_text: Callable[[str], None],
    ) -> tuple[str, str | None, SimpleNamespace]:
        """Read one SSE response: (text, stop reason, usage from message_start + message_delta)."""
        usage: dict[str, int] = {}
        stop_reason: str | None = None
        stream = await self._sdk.messages.create(**params, stream=True, timeout=timeout)
        async with stream:
            async for event in stream:
                if event.type == "message_start":
                    usage.update(_counts(event.message.usage))
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    parts.append(event.delta.text)
                    on_text(event.delta.text)
                elif event.type == "message_delta":
                    usage.update(_counts(event.usage))  # cumulative counts replace the start's
                    stop_reason = event.delta.stop_reason or stop_reason
        return "".join(parts), stop_reason, SimpleNamespace(**usage)

    # ---- message batches ------------------------------------------------------------

    async def submit_batch(self, requests: list[dict[str, Any]]) -> MessageBatch:
        """Create a Message Batch of {custom_id, params} requests."""
        timeout = self._timeout(self.config.timeouts.batch_s)

        async def attempt() -> MessageBatch:
            return await self._sdk.messages.batches.create(
                requests=cast(Any, requests), timeout=timeout
            )

        return await self.with_retries("batch:create", attempt)

    async def batch_status(self, batch_id: str) -> MessageBatch:
        """The batch, with its processing status and request counts."""
        timeout = self._timeout(self.config.timeouts.batch_s)

        async def attempt() -> MessageBatch:
            return await self._sdk.messages.batches.retrieve(batch_id, timeout=timeout)

        return await self.with_retries(f"batch:retrieve:{batch_id}", attempt)

    async def batch_results(self, batch_id: str) -> list[MessageBatchIndividualResponse]:
        """Every result line of an ended batch."""
        timeout = self._timeout(self.config.timeouts.batch_s)

        async def attempt() -> list[MessageBatchIndividualResponse]:
            decoder = await self._sdk.messages.batches.results(batch_id, timeout=timeout)
            return [item async for item in decoder]

        return await self.with_retries(f"batch:results:{batch_id}", attempt)
