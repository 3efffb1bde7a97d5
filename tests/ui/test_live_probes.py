"""Live probes on the candidate page: the streamed words are the probe the panel asks."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from agents.brains import factory
from knowledge.loader import load_panel
from tests.ui.conftest import APP
from ui.components import live_panel
from ui.components.safe_text import escape_markdown

STREAMING = ("tests.ui.streaming_brain", "StreamingOfflineBrain")
ANSWER = "Coders label 500 charts twice; we audit a 5% sample and route hard charts to a person."


def _live_panel_script() -> None:
    import streamlit as st

    from agents.probe_stream import ProbeSink
    from ui.components.live_panel import run_panel_step

    async def step(sink: ProbeSink) -> str:
        sink("interviewer", "A draft ")
        sink("interviewer", None)
        sink("lead_engineer", "What does one ")
        sink("interviewer", "Who audits *the* ")
        sink("lead_engineer", "label cost?")
        sink("interviewer", "labellers?")
        return "step done"

    with st.status("The panel is reading your answer…", expanded=True):
        result = run_panel_step(step)
    st.text(result)


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
    assert at.text[-1].value == "step done"


@pytest.mark.usefixtures("ui_home")
def test_candidate_page_streams_the_probes_it_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(factory.BRAINS, "streaming-test", STREAMING)
    monkeypatch.setenv("MOCKPANEL_BRAIN", "streaming-test")
    shown: list[dict[str, str]] = []
    close = live_panel.LiveDrafts.close

    def record(self: live_panel.LiveDrafts) -> None:
        shown.append(dict(self.drafts))
        close(self)

    monkeypatch.setattr(live_panel.LiveDrafts, "close", record)
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.chat_input(key="answer_input").set_value(ANSWER).run()
    assert not at.exception and not at.error
    (drafts,) = shown
    panel = {p.name: p.id for p in load_panel().panelists}
    asked = [m for m in at.chat_message if m.name in panel]
    assert asked
    assert len(asked) == len(drafts) == len(panel)
    for message in asked:  # each asked probe is exactly what its panelist's placeholder showed
        assert message.markdown[-1].value.replace("\\", "") == drafts[panel[message.name]]
    assert all("takes back" not in d for d in drafts.values())  # the reset discarded the draft


@pytest.mark.usefixtures("ui_home")
def test_offline_brain_shows_no_live_drafts(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[dict[str, str]] = []
    close = live_panel.LiveDrafts.close

    def record(self: live_panel.LiveDrafts) -> None:
        shown.append(dict(self.drafts))
        close(self)

    monkeypatch.setattr(live_panel.LiveDrafts, "close", record)
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.chat_input(key="answer_input").set_value(ANSWER).run()
    assert not at.exception and not at.error
    assert shown == [{}]
    assert any(m.name in {p.name for p in load_panel().panelists} for m in at.chat_message)
