"""One writer per session across threads, processes and machines; a second one is refused.

SQLite: an flock on a per-session file beside the database (per open file, so two writers in
one process conflict too). PostgreSQL: a session-level advisory lock on its own connection.
Both are released by the operating system or the server when the holder dies, so a session
whose process was killed can be resumed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from agents.session_view import ReplyConflictError
from agents.storage.database import (
    CONNECT_TIMEOUT_S,
    Database,
    PostgresDatabase,
    SqliteDatabase,
)
from agents.storage.errors import storage_errors

SESSION_LOCK_CLASS = 0x6D70  # "mp": the first key of every session's advisory lock


def busy_message(thread_id: str) -> str:
    """The refusal a second concurrent writer gets."""
    return (
        f"session {thread_id} is taking another reply right now; this one was not applied — "
        "reload the session and answer the questions it shows"
    )


@asynccontextmanager
async def session_write_lock(db: Database, thread_id: str) -> AsyncIterator[None]:
    """Hold the session's write lock for the block; ReplyConflictError when someone else has it."""
    if isinstance(db, PostgresDatabase):
        async with _postgres_lock(db, thread_id):
            yield
    else:
        assert isinstance(db, SqliteDatabase)
        async with _file_lock(db, thread_id):
            yield


@asynccontextmanager
async def _file_lock(db: SqliteDatabase, thread_id: str) -> AsyncIterator[None]:
    folder = db.path.parent / "locks"
    name = hashlib.sha256(thread_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    with storage_errors(str(folder)):
        folder.mkdir(exist_ok=True)
        fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReplyConflictError(busy_message(thread_id)) from None
        yield
    finally:
        os.close(fd)


@asynccontextmanager
async def _postgres_lock(db: PostgresDatabase, thread_id: str) -> AsyncIterator[None]:
    import psycopg

    with storage_errors(db.where):
        conn = await asyncio.wait_for(
            psycopg.AsyncConnection.connect(
                db.url, autocommit=True, connect_timeout=max(1, int(CONNECT_TIMEOUT_S))
            ),
            CONNECT_TIMEOUT_S + 1,
        )
    try:
        with storage_errors(db.where):
            cur = await conn.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (SESSION_LOCK_CLASS, thread_id)
            )
            row = await cur.fetchone()
        if not row or not row[0]:
            raise ReplyConflictError(busy_message(thread_id))
        try:
            yield
        finally:
            # Unlocked explicitly: the server ends a closed connection's backend (and frees its
            # locks) only a moment later, and the same client's next step may be quicker.
            with contextlib.suppress(Exception):
                await conn.execute(
                    "SELECT pg_advisory_unlock(%s, hashtext(%s))", (SESSION_LOCK_CLASS, thread_id)
                )
    finally:
        # A dead server has released the lock already; a crashed process's lock goes with its
        # connection.
        with contextlib.suppress(Exception):
            await conn.close()
