"""Download buttons for a session: Markdown and JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from knowledge.models import Snippet
from ui.exports import export_filename, session_json, session_markdown
from ui.timing import time_used

if TYPE_CHECKING:
    from agents.session import SessionView
    from agents.store import Review
    from ui.coach_marks import CoachMarks


def render_downloads(
    view: SessionView,
    snippet: Callable[[str], Snippet | None],
    review: Review | None = None,
    marks: CoachMarks | None = None,
    clock_minutes: int | None = None,
) -> None:
    """Two buttons in a row: the session (with the coach's review) as Markdown, and as JSON."""
    used = time_used(view, clock_minutes)

    def snippet_text(snippet_id: str) -> str | None:
        found = snippet(snippet_id)
        return found.text if found is not None else None

    row = st.container(horizontal=True)
    row.download_button(
        "Download Markdown",
        data=session_markdown(view, snippet_text, review, marks, used),
        file_name=export_filename(view, "md"),
        mime="text/markdown",
        icon=":material/description:",
        on_click="ignore",
        key=f"download_md_{view.thread_id}",
    )
    row.download_button(
        "Download JSON",
        data=session_json(view, review, marks, used),
        file_name=export_filename(view, "json"),
        mime="application/json",
        icon=":material/data_object:",
        on_click="ignore",
        key=f"download_json_{view.thread_id}",
    )
