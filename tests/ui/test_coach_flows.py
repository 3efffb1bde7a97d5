"""Coach flows under AppTest: disjoint stage marks, saving keeps the session open, drafts and the
name survive, agreement with its sample size, gold-set state, passcode limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP
from tests.ui.test_app import PASSCODE, STRONG, WEAK, open_in_queue, start_session, unlock_coach
from ui import coach_auth

pytestmark = pytest.mark.usefixtures("ui_home")


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=180)


def test_a_stage_cannot_be_both_strong_and_weak(monkeypatch: pytest.MonkeyPatch) -> None:
    view = start_session(STRONG)
    at = open_in_queue(unlock_coach(new_app(), monkeypatch), view.thread_id)
    strong = at.multiselect(key=f"rv_strong_{view.thread_id}")
    weak = at.multiselect(key=f"rv_weak_{view.thread_id}")
    assert not set(strong.value) & set(weak.value)
    assert not set(weak.options) & set(strong.value)
    moved = weak.value[0] if weak.value else "scaling"
    weak.set_value([s for s in weak.value if s != moved]).run()
    at.multiselect(key=f"rv_strong_{view.thread_id}").set_value([*strong.value, moved]).run()
    assert not at.exception and not at.error
    assert moved in at.multiselect(key=f"rv_strong_{view.thread_id}").value
    assert moved not in at.multiselect(key=f"rv_weak_{view.thread_id}").options


def test_saving_keeps_the_session_open_with_a_confirmation_and_the_gold_step(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MOCKPANEL_GOLD_DIR", str(tmp_path / "gold"))
    view = start_session(WEAK)
    at = open_in_queue(unlock_coach(new_app(), monkeypatch), view.thread_id)
    at.text_area(key=f"rv_note_{view.thread_id}").set_value("No audit plan at all.")
    at.text_input(key="coach_name").set_value("Dana")
    at.button(key=f"rv_save_{view.thread_id}").click().run()
    assert not at.exception and not at.error
    assert any("Review saved" in s.value for s in at.success)
    assert any(view.question.title in h.value.replace("\\", "") for h in at.subheader)
    assert at.button(key=f"gold_add_{view.thread_id}") is not None
    assert "Save a review first" not in " ".join(c.value for c in at.caption)

    at.button(key=f"gold_add_{view.thread_id}").click().run()
    assert not at.exception and not at.error
    assert any("In the gold set as" in s.value for s in at.success)
    assert at.button(key=f"gold_add_{view.thread_id}").label == "Update in gold set"

    other = start_session(STRONG, question_id="medical-coding-assistant")
    open_in_queue(at, other.thread_id)
    assert at.text_input(key="coach_name").value == "Dana"  # the name is remembered


def test_a_draft_survives_switching_views(monkeypatch: pytest.MonkeyPatch) -> None:
    view = start_session(WEAK)
    at = open_in_queue(unlock_coach(new_app(), monkeypatch), view.thread_id)
    at.text_area(key=f"rv_note_{view.thread_id}").set_value("Half-written note")
    at.radio(key=f"rv_decision_{view.thread_id}").set_value("hire").run()
    at.radio(key="coach_view").set_value("Agreement").run()
    at.radio(key="coach_view").set_value("Review queue").run()
    assert not at.exception
    assert at.text_area(key=f"rv_note_{view.thread_id}").value == "Half-written note"
    assert at.radio(key=f"rv_decision_{view.thread_id}").value == "hire"


def test_agreement_shows_n_and_a_small_sample_caveat(monkeypatch: pytest.MonkeyPatch) -> None:
    view = start_session(WEAK)
    assert view.debrief is not None
    at = open_in_queue(unlock_coach(new_app(), monkeypatch), view.thread_id)
    at.text_area(key=f"rv_note_{view.thread_id}").set_value("Agree.")
    at.button(key=f"rv_save_{view.thread_id}").click().run()
    at.radio(key="coach_view").set_value("Agreement").run()
    caveat = at.warning[0].value
    assert "n = 1" in caveat and "95% interval" in caveat and "fewer than 20" in caveat


def test_failed_passcodes_are_rate_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKPANEL_COACH_PASSCODE", PASSCODE)
    at = new_app().run()
    at.switch_page("coach_page.py").run()
    for _ in range(coach_auth.MAX_FAILURES):
        at.text_input(key="coach_passcode").set_value("wrong-passcode-guess")
        at.button(key="coach_login_submit").click().run()
        assert at.error[0].value == "Wrong passcode."
    at.text_input(key="coach_passcode").set_value(PASSCODE)
    at.button(key="coach_login_submit").click().run()
    assert "Too many wrong passcodes" in at.error[0].value  # even the right one waits
    assert not at.radio


def test_the_limiter_lets_tries_through_again_after_its_window() -> None:
    limiter = coach_auth.FailureLimiter(limit=2, window_s=10.0)
    limiter.failed(now=0.0)
    limiter.failed(now=1.0)
    assert limiter.wait_seconds(now=2.0) == pytest.approx(8.0)
    assert limiter.wait_seconds(now=10.5) == 0.0


def test_a_short_passcode_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKPANEL_COACH_PASSCODE", "short-pass")
    at = new_app().run()
    assert not at.exception
    assert "at least 12" in at.error[0].value and "\n" not in at.error[0].value
    assert not at.chat_input
