"""The API client: retries with backoff honouring retry-after, timeouts, usage and cost."""

from __future__ import annotations

import random

import httpx2
import pytest
from anthropic import APIStatusError

from agents.brains.claude.client import ClaudeCallFailed, ClaudeClient, retry_after_s
from agents.brains.claude.render import system_blocks, user_message
from tests.agents.brains.claude.helpers import SleepRecorder, claude_config
from tests.fake_anthropic import (
    FakeAnthropic,
    count_tokens,
    mock_client,
    reply_error,
    reply_hang,
    reply_text,
)

SYSTEM = system_blocks("static rules " * 10)
MESSAGES = user_message("hello")


def client_for(fake: FakeAnthropic, sleep: SleepRecorder, **changes: object) -> ClaudeClient:
    return ClaudeClient(
        mock_client(fake), claude_config(**changes), sleep=sleep, rng=random.Random(1)
    )


async def call(client: ClaudeClient) -> object:
    return await client.create("probe", "probe:test", system=SYSTEM, messages=MESSAGES)


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


async def test_429_waits_for_retry_after_then_succeeds() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(429, retry_after=7), reply_text("ok"))
    reply = await client_for(fake, sleep).create(
        "vote", "vote:test", system=SYSTEM, messages=MESSAGES
    )
    assert reply.text == "ok"
    assert sleep.waits == [7.0]
    assert len(fake.message_requests()) == 2


async def test_retry_after_is_capped() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(429, retry_after=3600), reply_text("ok"))
    await client_for(fake, sleep, retries={"max_retry_after_s": 30}).create(
        "vote", "vote:test", system=SYSTEM, messages=MESSAGES
    )
    assert sleep.waits == [30.0]


async def test_529_until_retries_run_out_fails_with_exponential_backoff() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(*[reply_error(529) for _ in range(3)])
    client = client_for(fake, sleep, retries={"backoff_initial_s": 1.0, "jitter": 0.25})
    with pytest.raises(ClaudeCallFailed) as failed:
        await client.create("debrief", "debrief", system=SYSTEM, messages=MESSAGES)
    assert failed.value.reason == "gave up after 3 attempts (HTTP 529 overloaded_error)"
    assert failed.value.attempts == 3
    assert len(fake.message_requests()) == 3
    first, second = sleep.waits
    assert 0.75 <= first <= 1.0
    assert 1.5 <= second <= 2.0


async def test_timeout_is_retried() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_hang(), reply_text("late but fine"))
    reply = await client_for(fake, sleep).create(
        "probe", "probe:test", system=SYSTEM, messages=MESSAGES
    )
    assert reply.text == "late but fine"
    assert len(sleep.waits) == 1


async def test_timeouts_until_retries_run_out() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_hang(), reply_hang(), reply_hang())
    with pytest.raises(ClaudeCallFailed, match=r"gave up after 3 attempts \(timed out\)"):
        await call(client_for(fake, sleep))


async def test_client_errors_are_not_retried() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(401, message="bad key"))
    with pytest.raises(ClaudeCallFailed, match="HTTP 401 authentication_error"):
        await call(client_for(fake, sleep))
    assert len(fake.message_requests()) == 1
    assert sleep.waits == []


async def test_server_errors_5xx_are_retried() -> None:
    fake, sleep = FakeAnthropic(), SleepRecorder()
    fake.enqueue(reply_error(500), reply_error(503), reply_text("ok"))
    reply = await client_for(fake, sleep).create(
        "probe", "probe:test", system=SYSTEM, messages=MESSAGES
    )
    assert reply.text == "ok"
    assert len(sleep.waits) == 2


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


def _status_error(headers: dict[str, str]) -> APIStatusError:
    request = httpx2.Request("POST", "https://example.test/v1/messages")
    response = httpx2.Response(429, headers=headers, request=request)
    return APIStatusError("rate limited", response=response, body=None)


def test_retry_after_header_forms() -> None:
    assert retry_after_s(_status_error({"retry-after": "12"})) == 12.0
    assert retry_after_s(_status_error({"retry-after-ms": "1500"})) == 1.5
    assert retry_after_s(_status_error({"retry-after": "soon"})) is None
    assert retry_after_s(_status_error({})) is None
    dated = retry_after_s(_status_error({"retry-after": "Thu, 01 Jan 1970 00:00:00 GMT"}))
    assert dated == 0.0
