"""The coach's per-stage verdicts and red flags for a review, kept beside the session store.

A review in `agents.store` holds the coach's decision and note; the gold set and the per-stage
agreement also need which stages the coach found strong or weak and which red flags were really
there. Those live here, keyed by the review they belong to, in a table of the SQLite file that
also holds the sessions and reviews (`settings.sqlite_path`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge.models import StageId
from knowledge.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ui_coach_marks (
    review_id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ui_coach_marks_thread ON ui_coach_marks (thread_id);
"""


class CoachMarks(BaseModel):
    """Which stages the coach judged strong or weak, and which red flags were present."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    thread_id: str = Field(min_length=1)
    review_id: int = Field(ge=0)
    strong_stages: list[StageId] = Field(default_factory=list)
    weak_stages: list[StageId] = Field(default_factory=list)
    red_flags: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @model_validator(mode="after")
    def _disjoint(self) -> CoachMarks:
        both = sorted(set(self.strong_stages) & set(self.weak_stages))
        if both:
            raise ValueError(f"stage(s) {', '.join(both)} cannot be both strong and weak")
        return self


class CoachMarksStore:
    """SQLite table of CoachMarks; the newest review's marks are the ones that count."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @classmethod
    def from_settings(cls, settings: Settings) -> CoachMarksStore:
        """The table in the data dir's SQLite file."""
        return cls(settings.sqlite_path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30)
        with closing(conn), conn:
            yield conn

    def save(self, marks: CoachMarks) -> None:
        """Store (or replace) the marks of one review."""
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO ui_coach_marks VALUES (?, ?, ?, ?)",
                (
                    marks.review_id,
                    marks.thread_id,
                    marks.created_at.isoformat(),
                    marks.model_dump_json(),
                ),
            )

    def latest(self, thread_id: str) -> CoachMarks | None:
        """The newest marks for a thread, if any."""
        with self._lock, self._connect() as db:
            row = db.execute(
                "SELECT payload FROM ui_coach_marks WHERE thread_id = ? "
                "ORDER BY review_id DESC LIMIT 1",
                (thread_id,),
            ).fetchone()
        return CoachMarks.model_validate_json(row[0]) if row else None

    def for_review(self, review_id: int) -> CoachMarks | None:
        """The marks saved with one review, if any."""
        with self._lock, self._connect() as db:
            row = db.execute(
                "SELECT payload FROM ui_coach_marks WHERE review_id = ?", (review_id,)
            ).fetchone()
        return CoachMarks.model_validate_json(row[0]) if row else None

    def latest_by_thread(self) -> dict[str, CoachMarks]:
        """The newest marks of every thread that has any."""
        with self._lock, self._connect() as db:
            rows = db.execute(
                "SELECT thread_id, payload FROM ui_coach_marks ORDER BY review_id"
            ).fetchall()
        return {thread: CoachMarks.model_validate_json(payload) for thread, payload in rows}
