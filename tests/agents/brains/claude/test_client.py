"""The API client: the SDK's retries (retry-after capped), timeouts, usage and cost."""

from __future__ import annotations

import asyncio
import random

import httpx2
import pytest

from agents.brains.claude.client import ClaudeCallFailed, ClaudeClient, Reply
from agents.brains.claude.render import system_blocks, user_message
from agents.brains.claude.retry_after import retry_after_s
from tests.agents.brains.claude.helpers import SleepRecorder, claude_config
from tests.fake_anthropic import (
    FakeAnthropic,
    count_tokens,
    mock_client,
    reply_broken_stream,
    reply_error,
    reply_hang,
    reply_text,
)

SYSTEM = system_blocks("static rules " * 10)
MESSAGES = user_message("hello")
# Ends a test that would otherwise wait out an uncapped retry-after.
NO_LONG_WAIT_S = 20


def client_for(fake: FakeAnthropic, sleep: SleepRecorder, **changes: object) -> ClaudeClient:
    return ClaudeClient(
        mock_client(fake), claude_config(**changes), sleep=sleep, rng=random.Random(1)
    )


async def call(client: ClaudeClient) -> object:
    return await client.create("probe", "probe:test", system=SYSTEM, messages=MESSAGES)


def retry_counts(fake: FakeAnthropic) -> list[str | None]:
    """The SDK's retry counter on each request the fake received."""
    return [r.headers.get("x-stainless-retry-count") for r in fake.message_requests()]


async def test_success_reports_text_tokens_and_cost() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_text("a short reply"))
    reply = await client_for(fake, sleep).create(
        "probe", "probe:test", system=SYSTEM, messages=MESSAGES
    )
    assert reply.text == "a short reply"
    assert reply.usage.step == "probe:test"
    assert reply.usage.model == "claude-haiku-4-5"
    assert reply.usage.output_tokens == count_tokens("a short reply")
    assert reply.usage.input_tokens > 0
    expected = (reply.usage.input_tokens * 1.00 + reply.usage.output_tokens * 5.00) / 1e6
    assert reply.usage.cost_usd == pytest.approx(expected)
    assert sleep.waits == []
    assert len(fake.message_requests()) == 1


async def test_429_is_retried_by_the_sdk_after_its_retry_after() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(429, retry_after_ms=5), reply_text("ok"))
    reply = await client_for(fake, sleep).create(
        "vote", "vote:test", system=SYSTEM, messages=MESSAGES
    )
    assert reply.text == "ok"
    assert retry_counts(fake) == ["0", "1"]  # the SDK's loop, not ours
    assert sleep.waits == []


async def test_an_hour_long_retry_after_is_capped() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(429, retry_after=3600), reply_text("ok"))
    client = client_for(fake, sleep, retries={"max_retry_after_s": 0.01})
    reply = await asyncio.wait_for(
        client.create("vote", "vote:test", system=SYSTEM, messages=MESSAGES), NO_LONG_WAIT_S
    )
    assert reply.text == "ok" and retry_counts(fake) == ["0", "1"]


async def test_529_until_retries_run_out_fails() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(*[reply_error(529) for _ in range(3)])
    with pytest.raises(ClaudeCallFailed) as failed:
        await client_for(fake, sleep).create("debrief", "debrief", system=SYSTEM, messages=MESSAGES)
    assert failed.value.reason == "gave up after 3 attempts (HTTP 529 overloaded_error)"
    assert failed.value.attempts == 3
    assert retry_counts(fake) == ["0", "1", "2"]


async def test_timeout_is_retried() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_hang(), reply_text("late but fine"))
    reply = await client_for(fake, sleep, retries={"max_retries": 1}).create(
        "probe", "probe:test", system=SYSTEM, messages=MESSAGES
    )
    assert reply.text == "late but fine"
    assert len(fake.message_requests()) == 2


async def test_timeouts_until_retries_run_out() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_hang(), reply_hang())
    with pytest.raises(ClaudeCallFailed, match=r"gave up after 2 attempts \(timed out\)"):
        await call(client_for(fake, sleep, retries={"max_retries": 1}))


async def test_client_errors_are_not_retried() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(401, message="bad key"))
    with pytest.raises(ClaudeCallFailed, match="HTTP 401 authentication_error"):
        await call(client_for(fake, sleep))
    assert len(fake.message_requests()) == 1


async def test_server_errors_5xx_are_retried() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(500), reply_error(503), reply_text("ok"))
    reply = await client_for(fake, sleep).create(
        "probe", "probe:test", system=SYSTEM, messages=MESSAGES
    )
    assert reply.text == "ok"
    assert retry_counts(fake) == ["0", "1", "2"]


async def test_request_carries_model_timeout_and_structured_output() -> None:
    from agents.brains.claude.schemas import VoteDraft

    fake = FakeAnthropic()
    fake.enqueue(reply_text("{}"))
    client = client_for(fake, SleepRecorder())
    await client.create(
        "debrief", "debrief", system=SYSTEM, messages=MESSAGES, output_model=VoteDraft
    )
    (request,) = fake.message_requests()
    assert request.body["model"] == "claude-sonnet-4-6"
    assert request.body["max_tokens"] == 4096
    fmt = request.body["output_config"]["format"]
    assert fmt["type"] == "json_schema"
    assert fmt["schema"]["title"] == "VoteDraft"
    assert fmt["schema"]["additionalProperties"] is False
    assert float(request.headers["x-stainless-read-timeout"]) == 2.0


def test_retry_after_header_forms() -> None:
    assert retry_after_s(httpx2.Headers({"retry-after": "12"})) == 12.0
    assert retry_after_s(httpx2.Headers({"retry-after-ms": "1500"})) == 1.5
    assert retry_after_s(httpx2.Headers({"retry-after": "soon"})) is None
    assert retry_after_s(httpx2.Headers({})) is None
    dated = retry_after_s(httpx2.Headers({"retry-after": "Thu, 01 Jan 1970 00:00:00 GMT"}))
    assert dated == 0.0


async def streamed(client: ClaudeClient, shown: list[str | None]) -> Reply:
    return await client.create_streamed(
        "probe",
        "probe:test",
        system=SYSTEM,
        messages=MESSAGES,
        on_text=shown.append,
        on_restart=lambda: shown.append(None),
    )


async def test_a_stream_broken_midway_restarts_after_telling_the_listener() -> None:
    fake, sleep = FakeAnthropic(stream_chunk_chars=4), SleepRecorder()
    fake.enqueue(reply_broken_stream("half an ans"), reply_text("the whole answer"))
    shown: list[str | None] = []
    reply = await streamed(client_for(fake, sleep), shown)
    assert reply.text == "the whole answer"
    restart = shown.index(None)
    assert "".join(p for p in shown[:restart] if p) == "half an ans"
    assert "".join(p for p in shown[restart + 1 :] if p) == "the whole answer"
    assert len(sleep.waits) == 1  # our restart wait (injected), not the SDK's
    assert [r.body["stream"] for r in fake.message_requests()] == [True, True]


async def test_a_stream_that_keeps_breaking_fails() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(*[reply_broken_stream("again") for _ in range(3)])
    shown: list[str | None] = []
    with pytest.raises(ClaudeCallFailed, match=r"stream broke 3 times \(.*overloaded_error\)"):
        await streamed(client_for(fake, sleep), shown)
    assert shown.count(None) == 3 and len(sleep.waits) == 2


async def test_opening_a_stream_is_retried_by_the_sdk() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(529), reply_text("ok"))
    shown: list[str | None] = []
    reply = await streamed(client_for(fake, sleep), shown)
    assert reply.text == "ok"
    assert None not in shown and sleep.waits == []
    assert retry_counts(fake) == ["0", "1"]
