"""The two backends behind one small interface: transactions of plain SQL with `?` parameters."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from agents.storage.errors import StorageError, storage_errors
from knowledge.settings import Settings

# psycopg_pool logs every failed reconnect; the caller already gets one StorageError line.
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())

BUSY_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = float(os.environ.get("MOCKPANEL_DB_CONNECT_TIMEOUT", "10") or 10)
POOL_MAX = int(os.environ.get("MOCKPANEL_DB_POOL_MAX", "10") or 10)
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgresql+psycopg://")
SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATION_LOCK_KEY = 0x6D6F636B70616E  # "mockpan": the pg_advisory_lock key of migrations
MIGRATION_WAIT_S = 120.0

Row = dict[str, Any]
Backend = Literal["sqlite", "postgres"]


def is_postgres_url(url: str | None) -> bool:
    """True for a PostgreSQL connection URL."""
    return bool(url) and str(url).startswith(POSTGRES_SCHEMES)


def postgres_conninfo(url: str) -> str:
    """The URL as libpq takes it (the SQLAlchemy-style driver suffix dropped)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


class Transaction(ABC):
    """One open transaction; committed when its block ends without an error."""

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a statement and return its rows as dicts."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None


class Database(ABC):
    """A migrated database: SQLite file or PostgreSQL server."""

    backend: Backend
    where: str
    """The path or the password-free URL, for messages."""

    @abstractmethod
    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Transaction]:
        """A transaction (write=False: reads only); driver errors leave as StorageErrors."""

    @abstractmethod
    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        """Held while migrations run, so one process applies them and the others wait."""

    @abstractmethod
    def setup_checkpointer(self) -> None:
        """Create or upgrade LangGraph's checkpoint tables (called under the migration lock)."""

    def close(self) -> None:  # noqa: B027 - only the pooled backend has anything to release
        """Release connections (a no-op for SQLite)."""


# --- SQLite ------------------------------------------------------------------------------


class _SqliteTransaction(Transaction):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(sql, tuple(params)).rowcount


class SqliteDatabase(Database):
    """The embedded default: one WAL-mode SQLite file in the data dir."""

    backend: Backend = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot create data dir {path.parent}: {exc.strerror or exc}; "
                "point MOCKPANEL_HOME at a writable folder"
            ) from exc

    @property
    def lock_path(self) -> Path:
        """The file whose flock stands in for pg_advisory_lock."""
        return self.path.with_name(self.path.name + ".lock")

    def check_file(self) -> None:
        """Refuse an empty or non-SQLite file instead of silently starting a new database."""
        try:
            with self.path.open("rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        if not header:
            raise StorageError(
                f"database file {self.path} is empty (0 bytes); restore it from a backup, or "
                "move it away to start with a new database"
            )
        if header != SQLITE_HEADER:
            raise StorageError(
                f"{self.path} is not a SQLite database (corrupt or overwritten); restore it "
                "from a backup, or move it away to start with a new database"
            )

    def connect(self) -> sqlite3.Connection:
        """A new connection with the pragmas every connection needs."""
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Transaction]:
        with storage_errors(self.where):
            conn = self.connect()
            with closing(conn):
                if not write:
                    yield _SqliteTransaction(conn)
                    return
                # IMMEDIATE takes the write lock up front, so a read-then-write never deadlocks.
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield _SqliteTransaction(conn)
                except BaseException:
                    if conn.in_transaction:  # SQLite already rolled back after some errors
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        with storage_errors(self.where):
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.check_file()
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock

    def setup_checkpointer(self) -> None:
        from langgraph.checkpoint.sqlite import SqliteSaver

        with storage_errors(self.where), closing(self.connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            SqliteSaver(conn).setup()


# --- PostgreSQL --------------------------------------------------------------------------


class _PostgresTransaction(Transaction):
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cur = self.conn.execute(sql.replace("?", "%s"), tuple(params))
        return list(cur.fetchall()) if cur.description else []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self.conn.execute(sql.replace("?", "%s"), tuple(params)).rowcount)


def _first_value(cursor: Any) -> Any:
    row = cursor.fetchone()
    return None if row is None else next(iter(dict(row).values()))


class PostgresDatabase(Database):
    """PostgreSQL by URL, through one psycopg_pool connection pool per process."""

    backend: Backend = "postgres"

    def __init__(self, url: str) -> None:
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self.url = postgres_conninfo(url)
        self.where = redacted(self.url)
        self.pool = ConnectionPool(
            self.url,
            min_size=1,
            max_size=POOL_MAX,
            kwargs={"row_factory": dict_row, "connect_timeout": max(1, int(CONNECT_TIMEOUT_S))},
            timeout=CONNECT_TIMEOUT_S,
            check=ConnectionPool.check_connection,
            open=False,
            name="mockpanel",
        )
        with storage_errors(self.where):
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Transaction]:
        with storage_errors(self.where), self.pool.connection() as conn, conn.transaction():
            yield _PostgresTransaction(conn)

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        # Polled with pg_try_advisory_lock rather than waited for with pg_advisory_lock: a
        # process blocked inside a statement holds a snapshot, which the CREATE INDEX
        # CONCURRENTLY in LangGraph's own migrations waits for, and the two would deadlock.
        deadline = time.monotonic() + MIGRATION_WAIT_S
        with storage_errors(self.where), self.pool.connection() as conn:
            conn.autocommit = True
            while not _first_value(
                conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (MIGRATION_LOCK_KEY,))
            ):
                if time.monotonic() > deadline:
                    raise StorageError(
                        f"waited {MIGRATION_WAIT_S:.0f} s for another process to finish "
                        f"migrating {self.where}; check for a stuck `mockpanel db migrate`"
                    )
                time.sleep(0.05)
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
                conn.autocommit = False

    def setup_checkpointer(self) -> None:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row

        with storage_errors(self.where), psycopg.connect(
            self.url, autocommit=True, prepare_threshold=0, row_factory=dict_row,
            connect_timeout=max(1, int(CONNECT_TIMEOUT_S)),
        ) as conn:
            PostgresSaver(conn).setup()

    def close(self) -> None:
        self.pool.close()


# --- one migrated database per location and process --------------------------------------

_lock = threading.Lock()
_sqlite: weakref.WeakValueDictionary[Path, SqliteDatabase] = weakref.WeakValueDictionary()
_postgres: dict[str, PostgresDatabase] = {}


def open_database(settings: Settings) -> Database:
    """The settings' database, migrated on first use in this process (StorageError if not)."""
    from agents.storage.migrations import migrate

    url = settings.database_url
    if url and not is_postgres_url(url):
        raise StorageError(
            f"unsupported database URL {url.split(':', 1)[0]}://…; "
            "MOCKPANEL_DATABASE_URL takes a postgresql:// URL"
        )
    with _lock:
        if url:
            found: Database | None = _postgres.get(url)
            if found is None:
                db = PostgresDatabase(url)
                try:
                    migrate(db)
                except BaseException:
                    db.close()
                    raise
                _postgres[url] = db
                found = db
            return found
        path = settings.sqlite_path.resolve()
        found = _sqlite.get(path)
        if found is None:
            sqlite_db = SqliteDatabase(path)
            migrate(sqlite_db)
            _sqlite[path] = sqlite_db
            found = sqlite_db
        return found


def forget_databases() -> None:
    """Close the PostgreSQL pools and forget every migrated database (tests, shutdown)."""
    with _lock:
        for db in _postgres.values():
            db.close()
        _postgres.clear()
        _sqlite.clear()
