"""Progress across a candidate's interviews, the debrief's scope, titles and the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.ui import factories
from ui.candidate_page import custom_question
from ui.components.debrief_card import assessed_stages, chart_description, not_assessed_stages
from ui.history import Attempt, attempt_from_view, recurring_flags, score_rows, since_last
from ui.timing import TimeUsed, clock_status, minutes_between

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _attempt(day: int, scores: dict[str, int], flags: list[str], decision: str | None = "no_hire"
             ) -> Attempt:
    return Attempt(thread_id=f"t{day}", title="Q", started=T0 + timedelta(days=day),
                   status="done" if decision else "awaiting_reply", decision=decision,
                   coach_decision=None, scores=scores, red_flags=flags)


def test_scores_over_time_are_numbered_by_finished_attempt() -> None:
    attempts = [_attempt(2, {"evaluation": 3}, []), _attempt(1, {"evaluation": 1}, []),
                _attempt(3, {}, [], decision=None)]
    assert [(r["attempt"], r["score"]) for r in score_rows(attempts)] == [(1, 1), (2, 3)]


def test_recurring_flags_need_two_interviews() -> None:
    attempts = [_attempt(1, {}, ["magic_box", "no_gold_set"]), _attempt(2, {}, ["magic_box"]),
                _attempt(3, {}, ["magic_box", "ui_focus"])]
    assert recurring_flags(attempts) == [("magic_box", 3)]


def test_what_changed_since_the_last_attempt() -> None:
    before = _attempt(1, {"evaluation": 1, "scaling": 3}, ["magic_box", "no_gold_set"])
    after = _attempt(2, {"evaluation": 3, "scaling": 2, "objective": 4},
                     ["no_gold_set", "ui_focus"], decision="hire")
    change = since_last([after, before], ["objective", "evaluation", "scaling"])
    assert change is not None and change.decision_changed
    assert change.stage_deltas == {"evaluation": (1, 3), "scaling": (3, 2)}
    assert change.cleared_flags == ["magic_box"] and change.new_flags == ["ui_focus"]
    assert since_last([after]) is None


def test_stages_outside_the_scope_are_not_assessed() -> None:
    view = factories.view()
    assert view.debrief is not None
    scoped = view.debrief.model_copy(update={"scope": ["evaluation", "scaling"]})
    assert assessed_stages(scoped) == ["evaluation", "scaling"]
    assert "objective" in not_assessed_stages(scoped)
    assert "Objective and ground truth not assessed" in chart_description(scoped)
    attempt = attempt_from_view(view.model_copy(update={"debrief": scoped}))
    assert set(attempt.scores) == {"evaluation", "scaling"}


def test_a_custom_title_is_cut_at_a_word() -> None:
    prompt = "Design an assistant that answers HR policy questions for a company of 5,000 people."
    question = custom_question("", prompt)
    assert question.title.endswith("…") and len(question.title) <= 60
    assert question.title[:-1] == prompt[: len(question.title) - 1].rstrip(" ,;:.-")
    assert " " + question.title[:-1].split()[-1] + " " in " " + prompt + " "


def test_time_used_and_the_clock() -> None:
    assert minutes_between(T0, T0 + timedelta(seconds=61)) == 2
    assert clock_status(T0, T0 + timedelta(minutes=44), 45) == (44, False)
    assert clock_status(T0, T0 + timedelta(minutes=45, seconds=1), 45)[1]
    assert TimeUsed(50, 45).text() == "50 min of 45 (over time)"
    assert TimeUsed(12, None).text() == "12 min"
