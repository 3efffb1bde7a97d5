"""Per-interview record of model calls and fallbacks, so the debrief can report all of them."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field

from agents.debrief import CallUsage
from agents.transcript import Turn
from knowledge.models import Question


def session_key(question: Question, transcript: list[Turn]) -> str:
    """Identifies an interview from what every brain call sees: the question and the opening turn.

    The Brain protocol carries no thread id; two interviews with the same question and the
    same opening answer share a record, which only merges their usage lists.
    """
    opening = transcript[0].text if transcript else ""
    digest = hashlib.sha256(opening.encode("utf-8")).hexdigest()[:16]
    return f"{question.id}:{digest}"


@dataclass
class SessionLedger:
    """Calls made and fallbacks taken for one interview."""

    calls: list[CallUsage] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)

    def add(self, usage: CallUsage) -> None:
        """Record one call."""
        self.calls.append(usage)

    def fell_back(self, note: str) -> None:
        """Record a step that the offline brain answered instead."""
        self.fallbacks.append(note)


class Ledgers:
    """The ledgers of open interviews (bounded: the oldest is forgotten beyond `limit`)."""

    def __init__(self, limit: int = 512) -> None:
        self._limit = limit
        self._open: OrderedDict[str, SessionLedger] = OrderedDict()

    def get(self, key: str) -> SessionLedger:
        """The ledger of an interview, created on first use."""
        ledger = self._open.get(key)
        if ledger is None:
            ledger = self._open[key] = SessionLedger()
            while len(self._open) > self._limit:
                self._open.popitem(last=False)
        else:
            self._open.move_to_end(key)
        return ledger

    def close(self, key: str) -> SessionLedger:
        """Remove and return an interview's ledger (empty if it made no calls)."""
        return self._open.pop(key, None) or SessionLedger()
