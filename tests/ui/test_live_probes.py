"""Live progress on the candidate page: each panelist's state, and the streamed words are the
probe the panel asks."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from agents.brains import factory
from knowledge.loader import load_panel
from tests.ui.conftest import APP
from ui.components import live_panel
from ui.components.safe_text import escape_markdown

STREAMING = ("tests.doubles.brains", "StreamingOfflineBrain")
ANSWER = (
    "Coders label 500 charts twice so we know what a correct code is; we audit a 5% sample of "
    "the model's suggestions each week to estimate the error of the rest, route hard charts to "
    "a person, and compare every new model against the gold set before it ships to billing."
)


def _live_panel_script() -> None:
    import streamlit as st

    from ui.components.live_panel import watch_step
    from ui.steps import PanelStep, StepEvent

    step = PanelStep(thread_id="t" * 32, kind="start", text="answer")
    step.add(StepEvent("interviewer", phase="reading"))
    step.probe_sink("interviewer", "A draft ")
    step.probe_sink("interviewer", None)
    step.probe_sink("lead_engineer", "What does one ")
    step.probe_sink("interviewer", "Who audits *the* ")
    step.probe_sink("lead_engineer", "label cost?")
    step.probe_sink("interviewer", "labellers?")
    step.add(StepEvent("interviewer", phase="asked"))
    step.future.set_result("step done")  # type: ignore[arg-type]
    st.text(str(watch_step(step)))


def test_each_panelist_gets_one_placeholder_that_ends_on_the_final_text() -> None:
    at = AppTest.from_function(_live_panel_script, default_timeout=30).run()
    assert not at.exception
    names = {p.id: p.name for p in load_panel().panelists}
    messages = {m.name: m for m in at.chat_message}
    assert set(messages) == {names["interviewer"], names["lead_engineer"]}
    shown = {name: m.markdown[-1].value for name, m in messages.items()}
    assert shown[names["lead_engineer"]] == escape_markdown("What does one label cost?")
    assert shown[names["interviewer"]] == escape_markdown("Who audits *the* labellers?")
    assert "\\*the\\*" in shown[names["interviewer"]]  # the candidate-facing text stays text
    rows = at.status[0].markdown[0].value
    assert f"**{names['interviewer']}** · has a question ready" in rows.replace("\\", "")
    assert f"**{names['hiring_manager']}** · waiting" in rows.replace("\\", "")
    assert at.text[-1].value == "step done"


def _record(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, str], dict[str, object]]]:
    shown: list[tuple[dict[str, str], dict[str, object]]] = []
    close = live_panel.StepView.close

    def record(self: live_panel.StepView) -> None:
        shown.append((dict(self.drafts), dict(self.phases)))
        close(self)

    monkeypatch.setattr(live_panel.StepView, "close", record)
    return shown


@pytest.mark.usefixtures("ui_home")
def test_candidate_page_streams_the_probes_it_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(factory.BRAINS, "streaming-test", STREAMING)
    monkeypatch.setenv("MOCKPANEL_BRAIN", "streaming-test")
    shown = _record(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.chat_input(key="answer_input").set_value(ANSWER).run()
    assert not at.exception and not at.error
    ((drafts, _),) = shown
    panel = {p.name: p.id for p in load_panel().panelists}
    asked = [m for m in at.chat_message if m.name in panel]
    assert asked
    assert len(asked) == len(drafts) == len(panel)
    for message in asked:  # each asked probe is exactly what its panelist's placeholder showed
        assert message.markdown[-1].value.replace("\\", "") == drafts[panel[message.name]]
    assert all("takes back" not in d for d in drafts.values())  # the reset discarded the draft


@pytest.mark.usefixtures("ui_home")
def test_offline_brain_reports_each_panelist_without_drafts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = _record(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.chat_input(key="answer_input").set_value(ANSWER).run()
    assert not at.exception and not at.error
    ((drafts, phases),) = shown
    assert drafts == {}
    assert phases == {p.id: "asked" for p in load_panel().panelists}
    assert any(m.name in {p.name for p in load_panel().panelists} for m in at.chat_message)
