"""The coach's per-stage verdicts and red flags of a review, in the shared store.

A review holds the coach's decision and note; the gold set and the per-stage agreement also
need which stages the coach found strong or weak and which red flags were really there. They
are kept per review; the newest review's marks are the ones that count.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agents.storage.database import Database
from knowledge.models import StageId


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
    """The mp_coach_marks table of the shared database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, marks: CoachMarks) -> None:
        """Store (or replace) the marks of one review."""
        with self.db.transaction() as tx:
            tx.execute(
                """INSERT INTO mp_coach_marks (review_id, thread_id, created_at, payload)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (review_id) DO UPDATE SET thread_id = excluded.thread_id,
                       created_at = excluded.created_at, payload = excluded.payload""",
                (marks.review_id, marks.thread_id, marks.created_at.isoformat(),
                 marks.model_dump_json()),
            )

    def latest(self, thread_id: str) -> CoachMarks | None:
        """The newest marks for a thread, if any."""
        with self.db.transaction(write=False) as tx:
            row = tx.one(
                "SELECT payload FROM mp_coach_marks WHERE thread_id = ? "
                "ORDER BY review_id DESC LIMIT 1",
                (thread_id,),
            )
        return CoachMarks.model_validate_json(row["payload"]) if row else None

    def for_review(self, review_id: int) -> CoachMarks | None:
        """The marks saved with one review, if any."""
        with self.db.transaction(write=False) as tx:
            row = tx.one("SELECT payload FROM mp_coach_marks WHERE review_id = ?", (review_id,))
        return CoachMarks.model_validate_json(row["payload"]) if row else None

    def latest_by_thread(self) -> dict[str, CoachMarks]:
        """The newest marks of every thread that has any."""
        with self.db.transaction(write=False) as tx:
            rows = tx.query("SELECT thread_id, payload FROM mp_coach_marks ORDER BY review_id")
        return {r["thread_id"]: CoachMarks.model_validate_json(r["payload"]) for r in rows}
