"""Who owns which session (a hash of the candidate's browser key) and its interview clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from agents.session_view import SessionError
from agents.storage.database import Database


@dataclass(frozen=True)
class Ownership:
    """A session's owner (as a key hash) and its interview clock in minutes (None: no clock)."""

    thread_id: str
    owner_hash: str
    clock_minutes: int | None
    created_at: datetime


class SessionOwners:
    """The mp_session_owners table of the shared database; a session is claimed once."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, thread_id: str, owner_hash: str, clock_minutes: int | None = None) -> None:
        """Record the owner of a session; SessionError when it already has one."""
        with self.db.transaction() as tx:
            added = tx.execute(
                """INSERT INTO mp_session_owners (thread_id, owner_hash, clock_minutes, created_at)
                   VALUES (?, ?, ?, ?) ON CONFLICT (thread_id) DO NOTHING""",
                (thread_id, owner_hash, clock_minutes, datetime.now(UTC).isoformat()),
            )
        if not added:
            raise SessionError(f"session {thread_id} already has an owner")

    def get(self, thread_id: str) -> Ownership | None:
        """The session's ownership, if it has one."""
        with self.db.transaction(write=False) as tx:
            row = tx.one("SELECT * FROM mp_session_owners WHERE thread_id = ?", (thread_id,))
        if row is None:
            return None
        return Ownership(row["thread_id"], row["owner_hash"], row["clock_minutes"],
                         datetime.fromisoformat(row["created_at"]))

    def threads_of(self, owner_hash: str) -> list[str]:
        """The sessions of one owner, oldest first."""
        with self.db.transaction(write=False) as tx:
            rows = tx.query(
                "SELECT thread_id FROM mp_session_owners WHERE owner_hash = ? "
                "ORDER BY created_at, thread_id",
                (owner_hash,),
            )
        return [r["thread_id"] for r in rows]
