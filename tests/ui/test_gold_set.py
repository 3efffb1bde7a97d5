"""A reviewed session becomes an eval case in the eval set's format, the coach's decision gold."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evals.loader import load_cases
from knowledge.loader import load_questions
from knowledge.settings import Settings
from tests.ui import factories
from ui.coach_marks import CoachMarks
from ui.gold_set import (
    GoldSetError,
    case_from_session,
    case_id,
    gold_dir,
    kinds_for,
    replies_by_stage,
    write_gold_case,
)

BANK = [q.id for q in load_questions().questions]


def marks(**kw: object) -> CoachMarks:
    fields: dict[str, object] = {"thread_id": factories.view().thread_id, "review_id": 7}
    fields.update(kw)
    return CoachMarks.model_validate(fields)


def test_gold_dir_env_override(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                               tmp_path: Path) -> None:
    assert gold_dir(settings) == settings.home / "gold"
    monkeypatch.setenv("MOCKPANEL_GOLD_DIR", str(tmp_path / "g"))
    assert gold_dir(Settings(home=settings.home)) == tmp_path / "g"  # read into the settings


def test_kinds_fit_the_decision_and_need_no_pair() -> None:
    assert "strong" in kinds_for("hire") and "weak" not in kinds_for("hire")
    assert "weak" in kinds_for("no_hire") and "very_long" in kinds_for("no_hire")
    assert not {"prompt_injection", "padded_weak", "reworded_strong"} & set(
        kinds_for("hire") + kinds_for("no_hire")
    )


def test_replies_are_keyed_by_the_stages_each_round_probed() -> None:
    replies = replies_by_stage(factories.view())
    assert replies == {
        "evaluation": factories.REPLY_ONE,
        "data_strategy": factories.REPLY_ONE,
        "scaling": factories.REPLY_TWO,
    }


def test_case_carries_the_coach_decision(tmp_path: Path) -> None:
    view = factories.view(decision="hire")
    case = case_from_session(
        view, factories.review("no_hire", "Ships with no gold set."),
        marks(weak_stages=["evaluation"], red_flags=["no_gold_set"]),
        kind="weak", split="test", bank_question_ids=BANK,
    )
    assert case.id == case_id(view) and case.id.startswith("gold-support-bot-deflection-")
    assert case.gold_decision == "no_hire" and case.kind == "weak" and case.split == "test"
    assert case.answer == factories.OPENING
    assert case.rationale.startswith("Coach review 7: no_hire (panel said hire).")

    path = write_gold_case(case, tmp_path / "gold")
    assert path.name == f"test_{case.id}.yaml"
    assert yaml.safe_load(path.read_text())["cases"][0]["gold_decision"] == "no_hire"
    assert load_cases(tmp_path / "gold") == [case]

    moved = case.model_copy(update={"split": "dev"})
    again = write_gold_case(moved, tmp_path / "gold")
    assert sorted(p.name for p in (tmp_path / "gold").glob("*.yaml")) == [again.name]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"done": False}, "not finished"),
        ({"question_id": "nope"}, "only sessions on a question from the bank"),
    ],
)
def test_sessions_that_cannot_be_cases(kwargs: dict[str, object], message: str) -> None:
    question_id = kwargs.get("question_id")
    view = factories.view(done=bool(kwargs.get("done", True)))
    bank = BANK if question_id is None else [q for q in BANK if q != view.question.id]
    with pytest.raises(GoldSetError, match=message):
        case_from_session(view, factories.review(), marks(), kind="weak", split="dev",
                          bank_question_ids=bank)


def test_invalid_case_is_one_line() -> None:
    with pytest.raises(GoldSetError, match="at least 3 gold strong stages") as info:
        case_from_session(factories.view(), factories.review("hire"), marks(strong_stages=[]),
                          kind="strong", split="dev", bank_question_ids=BANK)
    assert "\n" not in str(info.value)
    with pytest.raises(GoldSetError, match="not eval-set red flags"):
        case_from_session(factories.view(), factories.review(), marks(red_flags=["made_up"]),
                          kind="weak", split="dev", bank_question_ids=BANK)


def test_marks_cannot_be_strong_and_weak() -> None:
    with pytest.raises(ValueError, match="both strong and weak"):
        marks(strong_stages=["scaling"], weak_stages=["scaling"])
