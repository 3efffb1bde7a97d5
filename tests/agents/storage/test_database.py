"""The SQLite backend: migrations once under a lock, bad files refused, one-line failures."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from agents.storage.database import SqliteDatabase, forget_databases, open_database, redacted
from agents.storage.errors import StorageError
from agents.storage.migrations import LATEST, applied_versions, migrate
from agents.store import SessionStore
from knowledge.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_migrations_run_once_and_record_their_versions(settings: Settings) -> None:
    db = SqliteDatabase(settings.sqlite_path)
    assert migrate(db) == list(range(1, LATEST + 1))
    assert migrate(db) == []
    assert applied_versions(db) == list(range(1, LATEST + 1))
    with sqlite3.connect(settings.sqlite_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"mp_sessions", "mp_reviews", "mp_coach_marks", "mp_gold_entries",
            "checkpoints", "writes"} <= tables


def test_a_database_from_before_migrations_is_upgraded(settings: Settings) -> None:
    settings.home.mkdir(parents=True)
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.executescript(
            """CREATE TABLE mp_sessions (thread_id TEXT PRIMARY KEY, question_id TEXT NOT NULL,
                 question_title TEXT NOT NULL, brain TEXT NOT NULL, created_at TEXT NOT NULL,
                 updated_at TEXT NOT NULL, status TEXT NOT NULL, decision TEXT, confidence REAL,
                 needs_review INTEGER NOT NULL DEFAULT 0, view_json TEXT NOT NULL);
               CREATE TABLE ui_coach_marks (review_id INTEGER PRIMARY KEY, thread_id TEXT NOT NULL,
                 created_at TEXT NOT NULL, payload TEXT NOT NULL);
               INSERT INTO ui_coach_marks VALUES (7, 'old', '2026-01-01T00:00:00+00:00',
                 '{"thread_id": "old", "review_id": 7, "red_flags": ["no_gold_set"],
                   "created_at": "2026-01-01T00:00:00Z"}');
               CREATE TABLE ui_session_owners (thread_id TEXT PRIMARY KEY,
                 owner_hash TEXT NOT NULL, clock_minutes INTEGER, created_at TEXT NOT NULL);
               INSERT INTO ui_session_owners VALUES ('old', 'h', 45,
                 '2026-01-01T00:00:00+00:00');"""
        )
    store = SessionStore.from_settings(settings)
    marks = store.marks.latest("old")
    assert marks is not None and marks.red_flags == ["no_gold_set"]
    owner = store.owners.get("old")
    assert owner is not None and (owner.owner_hash, owner.clock_minutes) == ("h", 45)


def test_concurrent_processes_on_a_fresh_home_all_succeed(home: Path) -> None:
    code = (
        "from agents.store import SessionStore; from knowledge.settings import Settings; "
        "SessionStore.from_settings(Settings()).list()"
    )
    env = {"MOCKPANEL_HOME": str(home), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE)
             for _ in range(8)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    assert applied_versions(SqliteDatabase(home / "mockpanel.sqlite")) == list(
        range(1, LATEST + 1))


def test_an_empty_database_file_is_refused_not_replaced(settings: Settings) -> None:
    settings.home.mkdir(parents=True)
    settings.sqlite_path.write_bytes(b"")
    forget_databases()
    with pytest.raises(StorageError, match="is empty") as info:
        open_database(settings)
    assert str(settings.sqlite_path) in str(info.value) and "\n" not in str(info.value)
    assert settings.sqlite_path.stat().st_size == 0


def test_a_corrupt_database_file_is_refused(settings: Settings) -> None:
    settings.home.mkdir(parents=True)
    settings.sqlite_path.write_bytes(b"this is not a database at all" * 100)
    forget_databases()
    with pytest.raises(StorageError, match="not a SQLite database"):
        open_database(settings)


def test_a_damaged_page_is_one_line(settings: Settings) -> None:
    store = SessionStore.from_settings(settings)
    forget_databases()
    del store
    data = bytearray(settings.sqlite_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page, past the file header
    settings.sqlite_path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="corrupt") as info:
        SessionStore.from_settings(settings).list()
    assert "\n" not in str(info.value)


def test_a_data_dir_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="cannot create data dir"):
        open_database(Settings(home=blocker / "home"))


def test_passwords_stay_out_of_messages() -> None:
    assert redacted("postgresql://coach:secret@db:5432/mp") == "postgresql://coach@db:5432/mp"
    assert redacted("postgresql://db/mp") == "postgresql://db/mp"


def _limited(monkeypatch: pytest.MonkeyPatch, pragma: str) -> None:
    """Every new connection gets `pragma`, standing in for a full or read-only disk."""
    original = SqliteDatabase.connect

    def connect(self: SqliteDatabase) -> sqlite3.Connection:
        conn = original(self)
        conn.execute(pragma)
        return conn

    monkeypatch.setattr(SqliteDatabase, "connect", connect)


def test_a_full_disk_is_one_line(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from knowledge.loader import load_questions
    from tests.agents.test_store import view

    store = SessionStore.from_settings(settings)
    question = load_questions().get("support-bot-deflection")
    _limited(monkeypatch, "PRAGMA max_page_count = 1")
    with pytest.raises(StorageError, match="is full; free some space") as info:
        store.save(view("big", question, decision=None).model_copy(
            update={"transcript": view("big", question, decision=None).transcript * 400}))
    assert str(settings.sqlite_path) in str(info.value)


def test_a_read_only_database_is_one_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge.loader import load_questions
    from tests.agents.test_store import view

    store = SessionStore.from_settings(settings)
    _limited(monkeypatch, "PRAGMA query_only = 1")
    question = load_questions().get("support-bot-deflection")
    with pytest.raises(StorageError, match="read-only; make it writable"):
        store.save(view("ro", question, decision=None))
