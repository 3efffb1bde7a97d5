"""Storage failures as one line naming the database and the fix, never a driver traceback."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from agents.errors import MockpanelError

DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


class StorageError(MockpanelError):
    """The database cannot be used as configured; the message names it and the fix."""


def _postgres_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
        import psycopg_pool
    except ImportError:  # pragma: no cover - the postgres packages are dependencies
        return ()
    return (psycopg.Error, psycopg_pool.PoolTimeout, psycopg_pool.TooManyRequests)


def _is_unreachable(exc: BaseException) -> bool:
    try:
        import psycopg
        import psycopg_pool
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, psycopg.OperationalError | psycopg_pool.PoolTimeout)


def describe(exc: BaseException, where: str) -> str:
    """One line for a driver error raised while using the database at `where`."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    low = text.lower()
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in low:
        return f"the disk holding {where} is full; free some space and try again"
    if "readonly" in low or "read-only" in low or (
        isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
    ):
        return (
            f"cannot write {where}: it is read-only; make it writable or point MOCKPANEL_HOME "
            "at a writable data dir"
        )
    if "malformed" in low or "not a database" in low:
        return (
            f"{where} is corrupt ({text}); restore it from a backup, or move it away to start "
            "with an empty database"
        )
    if "unable to open" in low:
        return f"cannot open {where} ({text}); check that the data dir exists and is writable"
    if _is_unreachable(exc) or "connection" in low or "server" in low:
        return (
            f"PostgreSQL at {where} is unreachable ({text}); start the server or fix "
            "MOCKPANEL_DATABASE_URL"
        )
    return f"database {where} failed: {text}"


DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, *_postgres_errors())


@contextmanager
def storage_errors(where: str) -> Iterator[None]:
    """Turn SQLite, PostgreSQL and disk errors raised inside into one-line StorageErrors."""
    try:
        yield
    except StorageError:
        raise
    except DRIVER_ERRORS as exc:
        raise StorageError(describe(exc, where)) from exc
    except OSError as exc:
        if exc.errno not in DISK_ERRNOS:
            raise
        raise StorageError(describe(exc, where)) from exc
