"""The one place that calls the Anthropic API: the SDK's retries and timeouts, usage and cost."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

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

from agents.brains.claude.config import STEPS, ClaudeConfig, Step
from agents.brains.claude.cost import call_cost
from agents.brains.claude.retry_after import RetryAfterCap
from agents.debrief import CallUsage
from agents.errors import MockpanelError

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
        # Plain and batch calls use the SDK's retry loop (408/409/429/5xx, timeouts, lost
        # connections; exponential backoff with jitter, or the server's retry-after, which
        # RetryAfterCap keeps under max_retry_after_s) and its per-request timeouts.
        policy = config.retries
        retrying = sdk.with_options(
            max_retries=policy.max_retries,
            middleware=[*sdk.middleware, RetryAfterCap(policy.max_retry_after_s)],
        )
        self._by_step = {
            step: retrying.with_options(
                timeout=self._timeout(config, config.timeouts.for_step(step))
            )
            for step in STEPS
        }
        self._batches = retrying.with_options(
            timeout=self._timeout(config, config.timeouts.batch_s)
        )
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

    @staticmethod
    def _timeout(config: ClaudeConfig, seconds: float) -> httpx2.Timeout:
        return httpx2.Timeout(seconds, connect=config.timeouts.connect_s)

    # ---- failures -------------------------------------------------------------------

    def failed(self, label: str, exc: AnthropicError) -> ClaudeCallFailed:
        """The failure of a call the SDK gave up on (after all its retries when retryable)."""
        if not is_retryable(exc):
            return ClaudeCallFailed(label, describe(exc), 1)
        attempts = self.config.retries.max_retries + 1
        return ClaudeCallFailed(
            label, f"gave up after {attempts} attempts ({describe(exc)})", attempts
        )

    def restart_wait_s(self, restart: int) -> float:
        """Wait before restarting a stream that failed midway (0-based): backoff with jitter."""
        policy = self.config.retries
        wait = min(policy.backoff_initial_s * 2**restart, policy.backoff_max_s)
        return wait * (1 - policy.jitter * self._rng.random())

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
        """One non-streaming call (the SDK retries); its latency includes the retry waits."""
        params = self.params(step, system=system, messages=messages, output_model=output_model)
        started = self._clock()
        try:
            message = cast(Message, await self._by_step[step].messages.create(**params))
        except AnthropicError as exc:
            raise self.failed(label, exc) from exc
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
        arrives, and the finished Reply is returned. Opening the stream is retried by the SDK;
        a retryable failure after text went out restarts the call here, `on_restart` told first
        so the listener can discard what it showed."""
        params = self.params(step, system=system, messages=messages, output_model=output_model)
        started = self._clock()
        parts: list[str] = []
        restarts = self.config.retries.max_retries
        for restart in range(restarts + 1):
            parts.clear()
            try:
                stream = await self._by_step[step].messages.create(**params, stream=True)
            except AnthropicError as exc:
                raise self.failed(label, exc) from exc
            try:
                text, stop_reason, usage = await self._consume_stream(stream, parts, on_text)
                break
            except AnthropicError as exc:
                if parts:
                    on_restart()
                if not is_retryable(exc):
                    raise ClaudeCallFailed(label, describe(exc), restart + 1) from exc
                if restart == restarts:
                    raise ClaudeCallFailed(
                        label,
                        f"stream broke {restart + 1} times ({describe(exc)})",
                        restart + 1,
                    ) from exc
                await self._sleep(self.restart_wait_s(restart))
        metered = self.call_usage(label, params["model"], usage, self._clock() - started)
        return Reply(text=text, stop_reason=stop_reason, usage=metered)

    @staticmethod
    async def _consume_stream(
        stream: Any, parts: list[str], on_text: Callable[[str], None]
    ) -> tuple[str, str | None, SimpleNamespace]:
        """Read one SSE response: (text, stop reason, usage from message_start + message_delta)."""
        usage: dict[str, int] = {}
        stop_reason: str | None = None
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
        try:
            return await self._batches.messages.batches.create(requests=cast(Any, requests))
        except AnthropicError as exc:
            raise self.failed("batch:create", exc) from exc

    async def batch_status(self, batch_id: str) -> MessageBatch:
        """The batch, with its processing status and request counts."""
        try:
            return await self._batches.messages.batches.retrieve(batch_id)
        except AnthropicError as exc:
            raise self.failed(f"batch:retrieve:{batch_id}", exc) from exc

    async def batch_results(self, batch_id: str) -> list[MessageBatchIndividualResponse]:
        """Every result line of an ended batch."""
        try:
            decoder = await self._batches.messages.batches.results(batch_id)
            return [item async for item in decoder]
        except AnthropicError as exc:
            raise self.failed(f"batch:results:{batch_id}", exc) from exc
