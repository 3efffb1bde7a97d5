"""A fake Anthropic Messages API: scripted replies or errors, honest usage, batches, recording.

One `FakeAnthropic` answers both through `httpx2.MockTransport` (`fake.client()`) and through
a real HTTP server on 127.0.0.1 (`FakeAnthropicServer`, see server.py). Every request is
recorded; the number of requests in flight at once is tracked; token usage is computed from
the request text (about four characters a token), and prompt caching is modelled from the
request's `cache_control` breakpoints: the first call with a given prefix writes the cache
(when its response starts), later calls read it.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

CHARS_PER_TOKEN = 4
CACHE_TTL_S = 300.0
# Smallest prefix each model will cache (tokens); shorter prefixes are processed uncached.
MIN_CACHE_TOKENS = {"claude-haiku-4-5": 4096, "claude-opus-4-6": 4096}
DEFAULT_MIN_CACHE_TOKENS = 1024


def count_tokens(text: str) -> int:
    """The fake tokenizer: one token per four characters, rounded up."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class Scripted:
    """One scripted answer: a message (text), an API error, or a hang the client times out on."""

    kind: Literal["message", "error", "hang", "broken"]
    text: str = ""
    stop_reason: str = "end_turn"
    status: int = 200
    error_type: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def reply_text(text: str, *, stop_reason: str = "end_turn", delay_s: float = 0.0) -> Scripted:
    """A successful message whose single text block is `text`."""
    return Scripted("message", text=text, stop_reason=stop_reason, delay_s=delay_s)


def reply_json(obj: Any, *, delay_s: float = 0.0) -> Scripted:
    """A successful message whose text is `obj` as JSON."""
    return reply_text(json.dumps(obj), delay_s=delay_s)


ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    503: "api_error",
    529: "overloaded_error",
}


def reply_error(
    status: int,
    *,
    retry_after: float | None = None,
    retry_after_ms: float | None = 1,
    message: str = "fake error",
) -> Scripted:
    """An API error response; it asks for a 1 ms wait (retry-after-ms) unless told otherwise,
    so the SDK's retry loop, which sleeps for real, retries at once in tests."""
    headers = {} if retry_after_ms is None else {"retry-after-ms": f"{retry_after_ms:g}"}
    if retry_after is not None:
        headers = {"retry-after": f"{retry_after:g}"}
    return Scripted(
        "error",
        status=status,
        error_type=ERROR_TYPES.get(status, "api_error"),
        message=message,
        headers=headers,
    )


def reply_broken_stream(text: str, error_type: str = "overloaded_error") -> Scripted:
    """A stream that sends `text` and then an SSE error event (an error status when not
    streamed)."""
    return Scripted("broken", text=text, status=529, error_type=error_type, message="broke")


def reply_hang(seconds: float = 30.0) -> Scripted:
    """No answer for `seconds` (the MockTransport raises a read timeout at once instead)."""
    return Scripted("hang", delay_s=seconds)


@dataclass(frozen=True)
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    started: float
    ended: float | None = None


@dataclass
class FakeResponse:
    """What the transport should send: a body, a list of SSE events, or nothing (hang)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: list[bytes] | None = None
    hang_s: float | None = None


@dataclass
class _Batch:
    id: str
    requests: list[dict[str, Any]]
    created: float
    polls: int = 0
    results: list[dict[str, Any]] | None = None


Responder = Callable[[dict[str, Any]], Scripted]


class FakeAnthropic:
    """The fake API's state: script, responder, recordings, cache, batches, in-flight counter."""

    def __init__(
        self,
        *,
        sleep_s: float = 0.0,
        responder: Responder | None = None,
        stream_chunk_chars: int = 6,
        stream_chunk_delay_s: float = 0.0,
        batch_polls_until_ended: int = 1,
        min_cache_tokens: dict[str, int] | None = None,
    ) -> None:
        self.sleep_s = sleep_s
        self.responder = responder
        self.stream_chunk_chars = stream_chunk_chars
        self.stream_chunk_delay_s = stream_chunk_delay_s
        self.batch_polls_until_ended = batch_polls_until_ended
        self.min_cache_tokens = {**MIN_CACHE_TOKENS, **(min_cache_tokens or {})}
        self.script: deque[Scripted] = deque()
        self.batch_script: dict[str, Scripted] = {}
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.unscripted = 0
        self._cache: dict[str, float] = {}
        self._batches: dict[str, _Batch] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # ---- scripting ------------------------------------------------------------------

    def enqueue(self, *replies: Scripted) -> None:
        """Answer the next message requests with these, in order."""
        self.script.extend(replies)

    def message_requests(self) -> list[Recorded]:
        """Recorded POST /v1/messages requests."""
        return [r for r in self.requests if r.method == "POST" and r.path == "/v1/messages"]

    def reset_cache(self) -> None:
        """Forget every cached prefix."""
        with self._lock:
            self._cache.clear()

    # ---- routing --------------------------------------------------------------------

    async def respond(
        self, method: str, path: str, headers: dict[str, str], body: bytes, base_url: str
    ) -> FakeResponse:
        """Answer one HTTP request."""
        path = path.split("?", 1)[0]
        parsed: Any = json.loads(body) if body else None
        lower = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            record = Recorded(method, path, lower, parsed, time.monotonic())
            self.requests.append(record)
            index = len(self.requests) - 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if "x-api-key" not in lower and "authorization" not in lower:
                return _error(401, "authentication_error", "no API key")
            if method == "POST" and path == "/v1/messages":
                return await self._messages(parsed)
            if method == "POST" and path == "/v1/messages/batches":
                return self._create_batch(parsed)
            if method == "GET" and path.startswith("/v1/messages/batches/"):
                rest = path.removeprefix("/v1/messages/batches/")
                if rest.endswith("/results"):
                    return self._batch_results(rest.removesuffix("/results"))
                return self._retrieve_batch(rest, base_url)
            return _error(404, "not_found_error", f"fake: no route {method} {path}")
        finally:
            with self._lock:
                self.in_flight -= 1
                self.requests[index] = Recorded(
                    record.method,
                    record.path,
                    record.headers,
                    record.body,
                    record.started,
                    time.monotonic(),
                )

    def _next_script(self, body: dict[str, Any]) -> Scripted:
        with self._lock:
            if self.script:
                return self.script.popleft()
        if self.responder is not None:
            return self.responder(body)
        with self._lock:
            self.unscripted += 1
        # 418 is not retried by the client, so a missing script fails fast and visibly.
        return Scripted(
            "error",
            status=418,
            error_type="invalid_request_error",
            message="fake: no scripted reply left",
        )

    async def _messages(self, body: dict[str, Any]) -> FakeResponse:
        scripted = self._next_script(body)
        read, write, uncached, keys = self._cache_lookup(body)
        delay = self.sleep_s + scripted.delay_s
        if scripted.kind == "hang":
            return FakeResponse(hang_s=scripted.delay_s)
        if delay:
            await asyncio.sleep(delay)
        if scripted.kind == "error" or (scripted.kind == "broken" and not body.get("stream")):
            return _error(scripted.status, scripted.error_type, scripted.message, scripted.headers)
        self._cache_store(keys)
        usage = _usage(scripted, read, write, uncached)
        message = self._message(body.get("model", "?"), scripted, usage)
        if body.get("stream"):
            events = self._sse(message)
            if scripted.kind == "broken":
                error = {
                    "type": "error",
                    "error": {"type": scripted.error_type, "message": "broke"},
                }
                events = [*events[:-3], f"event: error\ndata: {json.dumps(error)}\n\n".encode()]
            return FakeResponse(headers={"content-type": "text/event-stream"}, events=events)
        return _json(200, message)

    def _message(self, model: str, scripted: Scripted, usage: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"msg_fake_{next(self._ids)}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": scripted.text}],
            "stop_reason": scripted.stop_reason,
            "stop_sequence": None,
            "usage": usage,
        }

    def _sse(self, message: dict[str, Any]) -> list[bytes]:
        text = message["content"][0]["text"]
        start = {
            **message,
            "content": [],
            "stop_reason": None,
            "usage": {**message["usage"], "output_tokens": 1},
        }
        events: list[tuple[str, dict[str, Any]]] = [
            ("message_start", {"type": "message_start", "message": start}),
            (
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
            ),
        ]
        step = max(1, self.stream_chunk_chars)
        for i in range(0, len(text), step):
            events.append(
                (
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": 0,
                        "delta": {"type": "text_delta", "text": text[i : i + step]},
                    },
                )
            )
        events += [
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                    "usage": {"output_tokens": message["usage"]["output_tokens"]},
                },
            ),
            ("message_stop", {"type": "message_stop"}),
        ]
        return [f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events]

    # ---- prompt caching -------------------------------------------------------------

    def _cache_lookup(self, body: dict[str, Any]) -> tuple[int, int, int, list[str]]:
        """(cache-read, cache-write, uncached input tokens, prefix keys to store on success)."""
        model = str(body.get("model", ""))
        blocks = _prompt_blocks(body)
        total = sum(count_tokens(text) for text, _ in blocks)
        total += (
            count_tokens(json.dumps(body.get("output_config", {})))
            if "output_config" in body
            else 0
        )
        minimum = self.min_cache_tokens.get(model, DEFAULT_MIN_CACHE_TOKENS)
        breakpoints: list[tuple[str, int]] = []  # (key, prefix tokens)
        digest = hashlib.sha256(model.encode())
        prefix_tokens = 0
        for text, cached in blocks:
            digest.update(b"\x00" + text.encode())
            prefix_tokens += count_tokens(text)
            if cached and prefix_tokens >= minimum:
                breakpoints.append((digest.hexdigest(), prefix_tokens))
        now = time.monotonic()
        read = 0
        with self._lock:
            for key, tokens in breakpoints:
                expires = self._cache.get(key)
                if expires is not None and expires > now:
                    read = tokens
        write = max(0, (breakpoints[-1][1] if breakpoints else 0) - read)
        return read, write, total - read - write, [k for k, _ in breakpoints]

    def _cache_store(self, keys: list[str]) -> None:
        expires = time.monotonic() + CACHE_TTL_S
        with self._lock:
            for key in keys:
                self._cache[key] = expires

    # ---- message batches ------------------------------------------------------------

    def _create_batch(self, body: dict[str, Any]) -> FakeResponse:
        batch = _Batch(
            id=f"msgbatch_fake_{next(self._ids)}", requests=body["requests"], created=time.time()
        )
        ids = [r["custom_id"] for r in batch.requests]
        if len(set(ids)) != len(ids):
            return _error(400, "invalid_request_error", "custom_id values must be unique")
        with self._lock:
            self._batches[batch.id] = batch
        return _json(200, self._batch_json(batch, ""))

    def _retrieve_batch(self, batch_id: str, base_url: str) -> FakeResponse:
        batch = self._batches.get(batch_id)
        if batch is None:
            return _error(404, "not_found_error", f"no batch {batch_id}")
        batch.polls += 1
        if batch.polls >= self.batch_polls_until_ended and batch.results is None:
            batch.results = [self._batch_result(r) for r in batch.requests]
        return _json(200, self._batch_json(batch, base_url))

    def _batch_result(self, request: dict[str, Any]) -> dict[str, Any]:
        custom_id = request["custom_id"]
        params = request["params"]
        scripted = self.batch_script.get(custom_id) or self._next_script(params)
        if scripted.kind == "error":
            result: dict[str, Any] = {
                "type": "errored",
                "error": {
                    "type": "error",
                    "error": {"type": scripted.error_type, "message": scripted.message},
                },
            }
        elif scripted.kind == "hang":
            result = {"type": "expired"}
        else:
            read, write, uncached, keys = self._cache_lookup(params)
            self._cache_store(keys)
            usage = _usage(scripted, read, write, uncached, service_tier="batch")
            result = {
                "type": "succeeded",
                "message": self._message(params.get("model", "?"), scripted, usage),
            }
        return {"custom_id": custom_id, "result": result}

    def _batch_json(self, batch: _Batch, base_url: str) -> dict[str, Any]:
        ended = batch.results is not None
        counts = {
            "processing": 0 if ended else len(batch.requests),
            "succeeded": 0,
            "errored": 0,
            "canceled": 0,
            "expired": 0,
        }
        for line in batch.results or []:
            counts[line["result"]["type"]] += 1
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(batch.created))
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(batch.created + 86400))
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": counts,
            "created_at": created,
            "expires_at": expires,
            "ended_at": created if ended else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{base_url}/v1/messages/batches/{batch.id}/results" if ended else None,
        }

    def _batch_results(self, batch_id: str) -> FakeResponse:
        batch = self._batches.get(batch_id)
        if batch is None or batch.results is None:
            return _error(404, "not_found_error", f"no results for {batch_id}")
        lines = "".join(json.dumps(r) + "\n" for r in batch.results)
        return FakeResponse(200, {"content-type": "application/binary"}, lines.encode())

    def batch_ids(self) -> list[str]:
        """Ids of every batch created, in order."""
        return list(self._batches)


def _prompt_blocks(body: dict[str, Any]) -> list[tuple[str, bool]]:
    """(text, has cache_control) for the system blocks, then every message block, in order."""
    blocks: list[tuple[str, bool]] = []
    system = body.get("system")
    if isinstance(system, str):
        blocks.append((system, False))
    elif isinstance(system, list):
        blocks += [(b.get("text", ""), "cache_control" in b) for b in system]
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, str):
            blocks.append((content, False))
        else:
            blocks += [(b.get("text", json.dumps(b)), "cache_control" in b) for b in content]
    return blocks


def _json(status: int, obj: Any, headers: dict[str, str] | None = None) -> FakeResponse:
    return FakeResponse(
        status, {"content-type": "application/json", **(headers or {})}, json.dumps(obj).encode()
    )


def _error(
    status: int, error_type: str, message: str, headers: dict[str, str] | None = None
) -> FakeResponse:
    body = {"type": "error", "error": {"type": error_type, "message": message}}
    return _json(status, body, headers)


def _usage(
    scripted: Scripted, read: int, write: int, uncached: int, **extra: str
) -> dict[str, Any]:
    """A reply's usage block: the cache lookup's input figures, output counted from the text."""
    return {
        "input_tokens": uncached,
        "output_tokens": max(1, count_tokens(scripted.text)),
        "cache_creation_input_tokens": write,
        "cache_read_input_tokens": read,
        **extra,
    }
