"""`mockpanel db migrate` and `mockpanel gold export` on the shared store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.cli.main import main
from agents.storage.migrations import LATEST
from agents.store import SessionStore
from evals.loader import load_cases
from knowledge.loader import load_questions
from knowledge.settings import Settings
from tests.ui import factories
from ui.coach_marks import CoachMarks
from ui.gold_set import add_to_gold_set, case_from_session


def test_db_migrate_reports_the_schema(settings: Settings, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    assert main(["db", "migrate", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["backend"], result["version"], result["latest"]) == ("sqlite", LATEST, LATEST)
    assert result["database"] == str(settings.sqlite_path.resolve())
    assert main(["db", "migrate"]) == 0
    assert f"schema at version {LATEST} of {LATEST}" in capsys.readouterr().out


def test_db_migrate_on_an_empty_file_is_one_line(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from agents.storage.database import forget_databases

    forget_databases()
    settings.home.mkdir(parents=True)
    settings.sqlite_path.write_bytes(b"")
    assert main(["db", "migrate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is empty" in err and str(settings.sqlite_path) in err


def test_gold_entries_are_shared_and_exported(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = SessionStore.from_settings(settings)
    view = factories.view(decision="hire")
    store.save(view)
    review = store.add_review(view.thread_id, "no_hire", "Ships with no gold set.")
    marks = CoachMarks(thread_id=view.thread_id, review_id=review.id,
                       weak_stages=["evaluation"], red_flags=["no_gold_set"])
    case = case_from_session(view, review, marks, kind="weak", split="test",
                             bank_question_ids=[q.id for q in load_questions().questions])
    add_to_gold_set(store, case, review, tmp_path / "machine-a")

    assert main(["gold", "export", "--dir", str(tmp_path / "exported"), "--json"]) == 0
    (path,) = json.loads(capsys.readouterr().out)
    assert Path(path).parent == tmp_path / "exported"
    assert load_cases(tmp_path / "exported") == [case]
