"""The fake API over real HTTP on 127.0.0.1, in a thread of its own, with SSE streaming."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from http import HTTPStatus
from typing import Any

from anthropic import AsyncAnthropic

from tests.fake_anthropic.core import FakeAnthropic, FakeResponse

MAX_HEADER_LINES = 200


class FakeAnthropicServer:
    """`with FakeAnthropicServer(fake) as server:` serves `fake` at `server.base_url`."""

    def __init__(self, fake: FakeAnthropic) -> None:
        self.fake = fake
        self.base_url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def __enter__(self) -> FakeAnthropicServer:
        self._thread = threading.Thread(target=self._run, name="fake-anthropic", daemon=True)
        self._thread.start()
        if not self._ready.wait(10) or self._failure is not None:
            raise RuntimeError(f"fake Anthropic server did not start: {self._failure}")
        return self

    def __exit__(self, *exc: object) -> None:
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def client(self, **kwargs: Any) -> AsyncAnthropic:
        """An AsyncAnthropic pointed at this server (retries off; ClaudeClient sets its own)."""
        return AsyncAnthropic(api_key="test", base_url=self.base_url, max_retries=0, **kwargs)

    # ---- server thread ----------------------------------------------------------------

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._server = loop.run_until_complete(
                asyncio.start_server(self._serve, "127.0.0.1", 0)
            )
            port = self._server.sockets[0].getsockname()[1]
            self.base_url = f"http://127.0.0.1:{port}"
        except BaseException as exc:  # reported by __enter__
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:  # gather() with nothing to wait for needs a current loop
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                method, path, headers, body = request
                response = await self.fake.respond(method, path, headers, body, self.base_url)
                if response.hang_s is not None:
                    await asyncio.sleep(response.hang_s)
                    return
                keep_alive = await self._write(writer, response)
                if not keep_alive:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            # Shutdown with a kept-alive connection open; ending quietly avoids asyncio's
            # "exception in callback" noise for a cancelled connection task (Python 3.11).
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _write(self, writer: asyncio.StreamWriter, response: FakeResponse) -> bool:
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        head = [f"HTTP/1.1 {response.status} {reason}"]
        head += [f"{k}: {v}" for k, v in response.headers.items()]
        if response.events is None:
            head += [f"content-length: {len(response.body)}", "connection: keep-alive"]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + response.body)
            await writer.drain()
            return True
        # SSE: no length, the body ends when the connection closes.
        head += ["cache-control: no-cache", "connection: close"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        await writer.drain()
        for event in response.events:
            writer.write(event)
            await writer.drain()
            if self.fake.stream_chunk_delay_s:
                await asyncio.sleep(self.fake.stream_chunk_delay_s)
        return False


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, dict[str, str], bytes] | None:
    line = await reader.readline()
    if not line:
        return None
    method, path, _version = line.decode("latin-1").strip().split(" ", 2)
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    return method, path, headers, body
