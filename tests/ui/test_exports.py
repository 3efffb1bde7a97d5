"""Markdown and JSON downloads of a session: readable, inert, with the coach's review."""

from __future__ import annotations

import json
import re

import markdown_it

from agents.session import SessionView
from tests.ui import factories
from ui.coach_marks import CoachMarks
from ui.exports import EXPORT_FORMAT, export_filename, session_json, session_markdown
from ui.timing import TimeUsed

MD = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
UNSAFE = {"link_open", "image", "html_inline", "html_block"}


def _kinds(text: str) -> set[str]:
    tokens = MD.parse(text)
    return {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}


def _marks() -> CoachMarks:
    return CoachMarks(thread_id=factories.view().thread_id, review_id=7,
                      strong_stages=["data_strategy"], weak_stages=["evaluation"],
                      red_flags=["no_gold_set"])


def test_json_round_trips_the_session() -> None:
    view = factories.view()
    data = json.loads(session_json(view))
    assert data["format"] == EXPORT_FORMAT
    assert data.pop("coach_review") is None and data.pop("time_used") is None
    data.pop("format")
    assert SessionView.model_validate(data) == view


def test_json_carries_the_coach_review_and_time_used() -> None:
    data = json.loads(session_json(factories.view(), factories.review("hire", "Good audit."),
                                   _marks(), TimeUsed(23, 45)))
    assert data["coach_review"]["decision"] == "hire"
    assert data["coach_review"]["note"] == "Good audit."
    assert data["coach_review"]["panel_decision"] == "hire"
    assert data["coach_review"]["weak_stages"] == ["evaluation"]
    assert data["time_used"] == {"minutes": 23, "clock_minutes": 45}


def test_markdown_has_transcript_and_debrief_with_candidate_text_inert() -> None:
    view = factories.view()
    text = session_markdown(view, lambda sid: f"note text of {sid}")
    assert text.startswith("# Mock panel: Customer-support assistant")
    for heading in ("## Transcript", "## Debrief", "### Stage scores", "### Red flags",
                    "### Reasons", "### What to do better", "### Details"):
        assert heading in text
    assert "> Fallback: debrief: claude timed out; offline brain used" in text
    assert "Flagged for coach review" in text
    assert "note text of int-eval-001" in text
    assert not _kinds(text) & UNSAFE
    # Readable: the candidate's prose keeps its punctuation; only markup characters are escaped.
    assert "Each label costs \\$1.20, so the gold set costs under \\$400." in text
    assert "We would label 300 tickets with \\[links\\]" in text
    assert "\\<b\\>audit\\</b\\>" in text
    backslashes = text.count("\\")
    assert backslashes < len(text) / 60, "the export should not be escaped throughout"


def test_markdown_shows_the_coach_review_beside_the_panel() -> None:
    review = factories.review("hire", "The audit plan is *sound*: see http://evil.example/x")
    text = session_markdown(factories.view(), None, review, _marks(), TimeUsed(50, 45))
    assert "## Coach's review" in text
    assert "**Decision:** Hire · panel said Hire" in text
    assert "The audit plan is \\*sound\\*: see `http://evil.example/x`" in text
    assert "- **Weak:** Evaluation and feedback loop" in text
    assert "**Time used:** 50 min of 45 (over time)" in text
    assert not _kinds(text) & UNSAFE
    assert text.index("## Coach's review") < text.index("## Debrief")


def test_bare_urls_and_emails_are_code_not_links() -> None:
    view = factories.view()
    opening = view.transcript[0].model_copy(
        update={"text": "See www.evil.example or https://evil.example/a_b, mail eve@evil.io"}
    )
    text = session_markdown(view.model_copy(update={"transcript": [opening]}))
    assert "`www.evil.example`" in text and "`https://evil.example/a_b,`" in text
    assert "`eve@evil.io`" in text
    prose = re.sub(r"`[^`]*`", "", text)
    assert not re.search(r"https?://|www\.|\w@\w", prose)


def test_markdown_of_an_unfinished_session() -> None:
    text = session_markdown(factories.view(done=False))
    assert "No debrief yet" in text and "## Debrief" not in text


def test_file_names() -> None:
    view = factories.view()
    assert export_filename(view, "md") == "mockpanel-support-bot-deflection-0123456789ab.md"
