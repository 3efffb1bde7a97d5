"""Persistence: graph checkpoints (SQLite or PostgreSQL) and the session / review tables."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from agents.errors import MockpanelError
from agents.session import SessionError, SessionView
from knowledge.settings import Settings

BUSY_TIMEOUT_S = 30.0
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgresql+psycopg://")


class StorageError(MockpanelError):
    """The database cannot be used as configured; the message is one line."""


# --- checkpoints -------------------------------------------------------------------------


def checkpoint_serializer() -> Any:
    """The checkpoint serializer, restricted to the types this graph stores."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    from agents.state import checkpoint_types

    return JsonPlusSerializer(allowed_msgpack_modules=checkpoint_types())


def is_postgres_url(url: str | None) -> bool:
    """True for a PostgreSQL connection URL."""
    return bool(url) and str(url).startswith(POSTGRES_SCHEMES)


@asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[Any]:
    """An async checkpointer: PostgreSQL when database_url says so, else WAL SQLite."""
    url = settings.database_url
    if url and not is_postgres_url(url):
        raise StorageError(f"unsupported database URL {url.split(':', 1)[0]}://…; use postgresql://")
    if url:
        try:
            from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        except ImportError as exc:
            raise StorageError(
                "PostgreSQL needs the postgres extra: pip install 'mockpanel[postgres]'"
            ) from exc
        async with AsyncPostgresSaver.from_conn_string(
            url.replace("postgresql+psycopg://", "postgresql://"), serde=checkpoint_serializer()
        ) as saver:
            await saver.setup()
            yield saver
        return

    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    path = _sqlite_file(settings)
    async with aiosqlite.connect(str(path), timeout=BUSY_TIMEOUT_S) as conn:
        await conn.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL still survives a crashed process; it only skips an fsync per commit.
        await conn.execute("PRAGMA synchronous=NORMAL")
        saver = AsyncSqliteSaver(conn, serde=checkpoint_serializer())
        await saver.setup()
        yield saver


@asynccontextmanager
async def open_graph(settings: Settings) -> AsyncIterator[Any]:
    """The interview graph compiled with the configured checkpointer."""
    from agents.graph import build_graph

    async with open_checkpointer(settings) as saver:
        yield build_graph(saver)


def _sqlite_file(settings: Settings) -> Path:
    path = settings.sqlite_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create data dir {path.parent}: {exc.strerror}") from exc
    return path


# --- sessions and reviews ----------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mp_sessions (
    thread_id      TEXT PRIMARY KEY,
    question_id    TEXT NOT NULL,
    question_title TEXT NOT NULL,
    brain          TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    status         TEXT NOT NULL,
    decision       TEXT,
    confidence     REAL,
    needs_review   INTEGER NOT NULL DEFAULT 0,
    view_json      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mp_sessions_created ON mp_sessions (created_at);
CREATE TABLE IF NOT EXISTS mp_reviews (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id         TEXT NOT NULL REFERENCES mp_sessions (thread_id),
    coach             TEXT NOT NULL,
    decision          TEXT NOT NULL,
    note              TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    original_decision TEXT
);
CREATE INDEX IF NOT EXISTS mp_reviews_thread ON mp_reviews (thread_id);
"""

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
    """Sessions, debriefs and coach reviews in the SQLite file that also holds the checkpoints."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionStore:
        """The store at settings.sqlite_path."""
        return cls(_sqlite_file(settings))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open session database {self.path}: {exc}") from exc
        with closing(conn):
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            with conn:
                yield conn

    def save(self, view: SessionView) -> None:
        """Insert or update the session (called after every turn)."""
        d = view.debrief
        row = {
            "thread_id": view.thread_id,
            "question_id": view.question.id,
            "question_title": view.question.title,
            "brain": view.brain,
            "created_at": _ts(view.created_at),
            "updated_at": _ts(view.updated_at),
            "status": view.status,
            "decision": d.decision if d else None,
            "confidence": d.confidence if d else None,
            "needs_review": int(bool(d and d.needs_review)),
            "view_json": view.model_dump_json(),
        }
        with self._connect() as conn:
            conn.execute(
                """INSERT INTO mp_sessions VALUES (:thread_id, :question_id, :question_title,
                       :brain, :created_at, :updated_at, :status, :decision, :confidence,
                       :needs_review, :view_json)
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
        with self._connect() as conn:
            row = conn.execute(
                "SELECT view_json FROM mp_sessions WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        return None if row is None else SessionView.model_validate_json(row["view_json"])

    def add_review(
        self, thread_id: str, decision: str, note: str, coach: str = "coach"
    ) -> Review:
        """Record a coach's decision; the panel's decision at that moment is kept with it."""
        if decision not in ("hire", "no_hire"):
            raise ValueError(f"decision must be hire or no_hire, not {decision!r}")
        created = _ts(datetime.now(UTC))
        with self._connect() as conn:
            row = conn.execute(
                "SELECT decision FROM mp_sessions WHERE thread_id = ?", (thread_id,)
            ).fetchone()
            if row is None:
                raise SessionError(f"no session with id {thread_id}")
            cursor = conn.execute(
                """INSERT INTO mp_reviews (thread_id, coach, decision, note, created_at,
                                           original_decision) VALUES (?, ?, ?, ?, ?, ?)""",
                (thread_id, coach, decision, note, created, row["decision"]),
            )
            review_id = cursor.lastrowid
        return Review(
            id=int(review_id or 0),
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
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return [Review.model_validate(dict(r)) for r in rows]

    def _records(self, sql: str, params: Params) -> Records:
        with self._connect() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [SessionRecord.model_validate(dict(r)) for r in rows]

