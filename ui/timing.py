"""The interview clock: minutes used against the chosen limit, and the time a session took."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.session import SessionView


@dataclass(frozen=True)
class TimeUsed:
    """How long an interview took, against its clock (None: no clock was set)."""

    minutes: int
    limit: int | None

    @property
    def over(self) -> bool:
        """True when the interview ran past its clock."""
        return self.limit is not None and self.minutes > self.limit

    def text(self) -> str:
        """"23 min of 45" / "23 min" (with "over time" when it ran past the clock)."""
        if self.limit is None:
            return f"{self.minutes} min"
        suffix = " (over time)" if self.over else ""
        return f"{self.minutes} min of {self.limit}{suffix}"


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from start to end, rounded up (a started minute counts), never negative."""
    seconds = max(0.0, (end - start).total_seconds())
    return int(-(-seconds // 60))


def clock_status(start: datetime, now: datetime, limit: int) -> tuple[int, bool]:
    """Minutes used so far, and whether the clock has run out."""
    used = minutes_between(start, now)
    return used, used >= limit and (now - start).total_seconds() >= limit * 60


def time_used(view: SessionView, limit: int | None) -> TimeUsed | None:
    """The time a finished session took, from its start to its debrief."""
    if view.status != "done":
        return None
    return TimeUsed(minutes_between(view.created_at, view.updated_at), limit)
