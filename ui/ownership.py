"""Who owns which interview, without accounts: a session belongs to the browser key that started it.

A candidate's key is a random secret their browser keeps (a cookie, or a private `?me=` link);
only its SHA-256 is stored here, beside the session's optional interview clock. A session link
without the key is read-only. The table lives in the SQLite file that holds the sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.settings import Settings

KEY_BYTES = 18
_SCHEMA = """
CREATE TABLE IF NOT EXISTS ui_session_owners (
    thread_id     TEXT PRIMARY KEY,
    owner_hash    TEXT NOT NULL,
    clock_minutes INTEGER,
    created_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ui_session_owners_owner ON ui_session_owners (owner_hash);
"""


def new_candidate_key() -> str:
    """A fresh, unguessable candidate key (URL-safe)."""
    return secrets.token_urlsafe(KEY_BYTES)


def key_hash(key: str) -> str:
    """What is stored for a key: its SHA-256 (keys are random, so no salt is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Ownership:
    """A session's owner (as a key hash) and its interview clock in minutes (None: no clock)."""

    thread_id: str
    owner_hash: str
    clock_minutes: int | None
    created_at: datetime


class OwnerStore:
    """The ui_session_owners table: claim a session, check a key, list a key's sessions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @classmethod
    def from_settings(cls, settings: Settings) -> OwnerStore:
        """The table in the data dir's SQLite file."""
        return cls(settings.sqlite_path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30)
        with closing(conn), conn:
            yield conn

    def claim(self, thread_id: str, key: str, clock_minutes: int | None = None) -> None:
        """Record that `key` owns `thread_id` (a session is claimed once; later claims fail)."""
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO ui_session_owners VALUES (?, ?, ?, ?)",
                (thread_id, key_hash(key), clock_minutes, datetime.now(UTC).isoformat()),
            )

    def get(self, thread_id: str) -> Ownership | None:
        """The session's ownership row, if the UI started it."""
        with self._lock, self._connect() as db:
            row = db.execute(
                "SELECT thread_id, owner_hash, clock_minutes, created_at FROM ui_session_owners "
                "WHERE thread_id = ?",
                (thread_id,),
            ).fetchone()
        if row is None:
            return None
        return Ownership(row[0], row[1], row[2], datetime.fromisoformat(row[3]))

    def is_owner(self, thread_id: str, key: str | None) -> bool:
        """True when `key` started this session (constant-time compare of the hashes)."""
        if not key:
            return False
        found = self.get(thread_id)
        return found is not None and hmac.compare_digest(found.owner_hash, key_hash(key))

    def threads_of(self, key: str) -> list[str]:
        """The key's sessions, oldest first."""
        with self._lock, self._connect() as db:
            rows = db.execute(
                "SELECT thread_id FROM ui_session_owners WHERE owner_hash = ? "
                "ORDER BY created_at",
                (key_hash(key),),
            ).fetchall()
        return [r[0] for r in rows]
