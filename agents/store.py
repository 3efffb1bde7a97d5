"""The shared store: sessions, coach reviews, coach marks and gold-set entries, on one database
(SQLite in the data dir, or PostgreSQL by URL; see agents.storage)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from agents.session_view import SessionError, SessionView
from agents.storage.coach_marks import CoachMarksStore
from agents.storage.database import Database, open_database
from agents.storage.errors import StorageError
from agents.storage.gold_entries import GoldEntries
from agents.storage.session_owners import SessionOwners
from knowledge.settings import Settings

__all__ = ["Review", "SessionRecord", "SessionStore", "StorageError"]

_RECORD_COLUMNS = """
    s.thread_id, s.question_id, s.question_title, s.brain, s.created_at, s.updated_at,
    s.status, s.decision, s.confidence, s.needs_review,
    (SELECT r.decision FROM mp_reviews r WHERE r.thread_id = s.thread_id
     ORDER BY r.id DESC LIMIT 1) AS coach_decision
"""


def _ts(value: datetime) -> str:
    """A sortable UTC timestamp string (naive datetimes are taken as UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


class SessionRecord(BaseModel):
    """One row of the session list."""

    thread_id: str
    question_id: str
    question_title: str
    brain: str
    created_at: datetime
    updated_at: datetime
    status: str
    decision: str | None
    confidence: float | None
    needs_review: bool
    coach_decision: str | None


class Review(BaseModel):
    """A coach's decision on a session; the panel's original decision is kept beside it."""

    id: int
    thread_id: str
    coach: str
    decision: Literal["hire", "no_hire"]
    note: str
    created_at: datetime
    original_decision: str | None


Records = list[SessionRecord]
Params = list[Any]
Reviews = list[Review]


class SessionStore:
    """Sessions and coach reviews; `marks`, `gold` and `owners` are the coach marks, the
    gold-set entries and the session owners."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.marks = CoachMarksStore(db)
        self.gold = GoldEntries(db)
        self.owners = SessionOwners(db)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionStore:
        """The store on the settings' database (migrated once per process)."""
        return cls(open_database(settings))

    def save(self, view: SessionView) -> None:
        """Insert or update the session (called after every turn)."""
        d = view.debrief
        row = (
            view.thread_id, view.question.id, view.question.title, view.brain,
            _ts(view.created_at), _ts(view.updated_at), view.status,
            d.decision if d else None, d.confidence if d else None,
            int(bool(d and d.needs_review)), view.model_dump_json(),
        )
        with self.db.transaction() as tx:
            tx.execute(
                """INSERT INTO mp_sessions (thread_id, question_id, question_title, brain,
                       created_at, updated_at, status, decision, confidence, needs_review,
                       view_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (thread_id) DO UPDATE SET
                       question_id = excluded.question_id,
                       question_title = excluded.question_title, brain = excluded.brain,
                       updated_at = excluded.updated_at, status = excluded.status,
                       decision = excluded.decision, confidence = excluded.confidence,
                       needs_review = excluded.needs_review, view_json = excluded.view_json""",
                row,
            )

    def list(
        self,
        *,
        decision: str | None = None,
        needs_review: bool | None = None,
        question_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        min_confidence: float | None = None,
        max_confidence: float | None = None,
    ) -> Records:
        """Sessions matching every given filter, newest first (since/until bound created_at)."""
        where: list[str] = []
        params: Params = []
        for clause, value in (
            ("s.decision = ?", decision),
            ("s.needs_review = ?", None if needs_review is None else int(needs_review)),
            ("s.question_id = ?", question_id),
            ("s.created_at >= ?", None if since is None else _ts(since)),
            ("s.created_at <= ?", None if until is None else _ts(until)),
            ("s.confidence >= ?", min_confidence),
            ("s.confidence <= ?", max_confidence),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        sql = f"SELECT {_RECORD_COLUMNS} FROM mp_sessions s"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.created_at DESC, s.thread_id"
        return self._records(sql, params)

    def review_queue(self) -> Records:
        """Finished sessions no coach has reviewed, least confident first."""
        sql = f"""SELECT {_RECORD_COLUMNS} FROM mp_sessions s
                  WHERE s.status = 'done'
                    AND NOT EXISTS (SELECT 1 FROM mp_reviews r WHERE r.thread_id = s.thread_id)
                  ORDER BY s.confidence IS NULL, s.confidence ASC, s.created_at ASC,
                           s.thread_id"""
        return self._records(sql, [])

    def load(self, thread_id: str) -> SessionView | None:
        """The last saved view of a session, or None."""
        with self.db.transaction(write=False) as tx:
            row = tx.one("SELECT view_json FROM mp_sessions WHERE thread_id = ?", (thread_id,))
        return None if row is None else SessionView.model_validate_json(row["view_json"])

    def add_review(
        self, thread_id: str, decision: str, note: str, coach: str = "coach"
    ) -> Review:
        """Record a coach's decision; the panel's decision at that moment is kept with it."""
        if decision not in ("hire", "no_hire"):
            raise ValueError(f"decision must be hire or no_hire, not {decision!r}")
        created = _ts(datetime.now(UTC))
        with self.db.transaction() as tx:
            row = tx.one("SELECT decision FROM mp_sessions WHERE thread_id = ?", (thread_id,))
            if row is None:
                raise SessionError(f"no session with id {thread_id}")
            added = tx.one(
                """INSERT INTO mp_reviews (thread_id, coach, decision, note, created_at,
                                           original_decision) VALUES (?, ?, ?, ?, ?, ?)
                   RETURNING id""",
                (thread_id, coach, decision, note, created, row["decision"]),
            )
        assert added is not None
        return Review(
            id=int(added["id"]),
            thread_id=thread_id,
            coach=coach,
            decision=decision,
            note=note,
            created_at=datetime.fromisoformat(created),
            original_decision=row["decision"],
        )

    def reviews(self, thread_id: str | None = None) -> Reviews:
        """Coach reviews, oldest first; of one session when thread_id is given."""
        sql = "SELECT * FROM mp_reviews"
        params: Params = []
        if thread_id is not None:
            sql += " WHERE thread_id = ?"
            params.append(thread_id)
        with self.db.transaction(write=False) as tx:
            rows = tx.query(sql + " ORDER BY id", params)
        return [Review.model_validate(r) for r in rows]

    def _records(self, sql: str, params: Params) -> Records:
        with self.db.transaction(write=False) as tx:
            rows = tx.query(sql, params)
        return [SessionRecord.model_validate(r) for r in rows]
