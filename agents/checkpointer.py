"""LangGraph's checkpointer on the migrated database: no setup per call, a pool for PostgreSQL."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from agents.storage.database import (
    BUSY_TIMEOUT_S,
    CONNECT_TIMEOUT_S,
    POOL_MAX,
    Database,
    PostgresDatabase,
    SqliteDatabase,
    open_database,
)
from agents.storage.errors import storage_errors
from knowledge.settings import Settings

# Async pools belong to the event loop that opened them: one per loop and database URL.
_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Any]] = (
    weakref.WeakKeyDictionary()
)


def checkpoint_serializer() -> Any:
    """The checkpoint serializer, restricted to the types this graph stores."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    from agents.state import checkpoint_types

    return JsonPlusSerializer(allowed_msgpack_modules=checkpoint_types())


async def _async_pool(db: PostgresDatabase) -> Any:
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    loop = asyncio.get_running_loop()
    pools = _pools.setdefault(loop, {})
    pool = pools.get(db.url)
    if pool is None or pool.closed:
        pool = AsyncConnectionPool(
            db.url,
            min_size=1,
            max_size=POOL_MAX,
            kwargs={
                "autocommit": True,
                "prepare_threshold": 0,
                "row_factory": dict_row,
                "connect_timeout": max(1, int(CONNECT_TIMEOUT_S)),
            },
            timeout=CONNECT_TIMEOUT_S,
            check=AsyncConnectionPool.check_connection,
            open=False,
            name="mockpanel-checkpoints",
        )
        with storage_errors(db.where):
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        pools[db.url] = pool
    return pool


async def close_checkpoint_pools() -> None:
    """Close the PostgreSQL pools this event loop opened (call before the loop ends)."""
    pools = _pools.pop(asyncio.get_running_loop(), {})
    for pool in pools.values():
        await pool.close()


@asynccontextmanager
async def open_checkpointer(target: Database | Settings) -> AsyncIterator[Any]:
    """An async checkpointer on the database (migrated first when given settings)."""
    db = open_database(target) if isinstance(target, Settings) else target
    if isinstance(db, PostgresDatabase):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        yield AsyncPostgresSaver(await _async_pool(db), serde=checkpoint_serializer())
        return

    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    assert isinstance(db, SqliteDatabase)
    with storage_errors(db.where):
        conn = await aiosqlite.connect(str(db.path), timeout=BUSY_TIMEOUT_S)
    try:
        with storage_errors(db.where):
            # In WAL mode NORMAL still survives a crashed process; it skips an fsync per commit.
            await conn.execute("PRAGMA synchronous=NORMAL")
        saver = AsyncSqliteSaver(conn, serde=checkpoint_serializer())
        saver.is_setup = True  # the tables were created by the migrations
        yield saver
    finally:
        await conn.close()


@asynccontextmanager
async def open_graph(target: Database | Settings) -> AsyncIterator[Any]:
    """The interview graph compiled with the database's checkpointer."""
    from agents.graph import build_graph

    async with open_checkpointer(target) as saver:
        yield build_graph(saver)
