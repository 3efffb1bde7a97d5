"""Markdown and JSON downloads of a session."""

from __future__ import annotations

import json

import markdown_it

from agents.session import SessionView
from tests.ui import factories
from ui.exports import EXPORT_FORMAT, export_filename, session_json, session_markdown

MD = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])


def test_json_round_trips_the_session() -> None:
    view = factories.view()
    data = json.loads(session_json(view))
    assert data["format"] == EXPORT_FORMAT
    data.pop("format")
    assert SessionView.model_validate(data) == view


def test_markdown_has_transcript_and_debrief_with_candidate_text_inert() -> None:
    view = factories.view()
    text = session_markdown(view, lambda sid: f"note text of {sid}")
    assert text.startswith("# Mock panel: Customer\\-support assistant")
    for heading in ("## Transcript", "## Debrief", "### Stage scores", "### Red flags",
                    "### Reasons", "### What to do better", "### Usage"):
        assert heading in text
    assert "> Fallback: debrief\\: claude timed out\\; offline brain used" in text
    assert "Flagged for coach review" in text
    assert "note text of int\\-eval\\-001" in text
    tokens = MD.parse(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"link_open", "image", "html_inline", "html_block"}


def test_markdown_of_an_unfinished_session() -> None:
    text = session_markdown(factories.view(done=False))
    assert "No debrief yet" in text and "## Debrief" not in text


def test_file_names() -> None:
    view = factories.view()
    assert export_filename(view, "md") == "mockpanel-support-bot-deflection-0123456789ab.md"
