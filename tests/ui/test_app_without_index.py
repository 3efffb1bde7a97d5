"""Without a built index the candidate page says how to build it, in one line."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP


def test_missing_index_says_run_ingest(home: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.chat_input(key="answer_input").set_value("We would label a gold set of 500 cases.").run()
    at.button(key="nudge_send").click().run()  # short: sent anyway
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value.replace("\\", "")
    assert "run `mockpanel ingest`" in message and "\n" not in message
