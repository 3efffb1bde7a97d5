"""The coach's verdict on the candidate's page: decision, note and the stage and flag marks."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.components.labels import red_flag_name, stage_name
from ui.components.safe_text import escape_inline


def _page() -> None:
    from agents.storage.coach_marks import CoachMarks
    from tests.ui import factories
    from ui.components.coach_verdict import render_coach_verdict

    marks = CoachMarks(thread_id="t", review_id=1, weak_stages=["evaluation", "objective"],
                       red_flags=["no_gold_set"])
    render_coach_verdict(factories.debrief(), factories.review(), marks)


def test_marks_list_only_what_the_coach_marked() -> None:
    at = AppTest.from_function(_page).run()
    assert not at.exception
    weak = f"{escape_inline(stage_name('evaluation'))}, {escape_inline(stage_name('objective'))}"
    flag = escape_inline(red_flag_name("no_gold_set"))
    assert at.markdown[-1].value == (
        f":material/thumb_down: **Weak:** {weak}  \n"
        f":material/flag: **Red flags the coach confirmed:** {flag}"
    )
