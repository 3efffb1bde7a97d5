"""Who owns which interview, without accounts: a session belongs to the browser key that started it.

A candidate's key is a random secret their browser keeps (a cookie, or a private `?me=` link);
only its SHA-256 is stored, beside the session's optional interview clock, in the shared store
(agents.storage.session_owners: SQLite, or PostgreSQL for several app servers). A session link
without the key is read-only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from agents.storage.session_owners import Ownership, SessionOwners
from knowledge.settings import Settings

__all__ = ["KEY_BYTES", "OwnerStore", "Ownership", "key_hash", "new_candidate_key"]

KEY_BYTES = 18


def new_candidate_key() -> str:
    """A fresh, unguessable candidate key (URL-safe)."""
    return secrets.token_urlsafe(KEY_BYTES)


def key_hash(key: str) -> str:
    """What is stored for a key: its SHA-256 (keys are random, so no salt is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class OwnerStore:
    """Claim a session for a key, check a key, list a key's sessions (keys are only hashed)."""

    def __init__(self, owners: SessionOwners) -> None:
        self.owners = owners

    @classmethod
    def from_settings(cls, settings: Settings) -> OwnerStore:
        """The owners table of the settings' store."""
        from agents.store import SessionStore

        return cls(SessionStore.from_settings(settings).owners)

    def claim(self, thread_id: str, key: str, clock_minutes: int | None = None) -> None:
        """Record that `key` owns `thread_id` (a session is claimed once; later claims fail)."""
        self.owners.claim(thread_id, key_hash(key), clock_minutes)

    def get(self, thread_id: str) -> Ownership | None:
        """The session's ownership row, if the UI started it."""
        return self.owners.get(thread_id)

    def is_owner(self, thread_id: str, key: str | None) -> bool:
        """True when `key` started this session (constant-time compare of the hashes)."""
        if not key:
            return False
        found = self.get(thread_id)
        return found is not None and hmac.compare_digest(found.owner_hash, key_hash(key))

    def threads_of(self, key: str) -> list[str]:
        """The key's sessions, oldest first."""
        return self.owners.threads_of(key_hash(key))
