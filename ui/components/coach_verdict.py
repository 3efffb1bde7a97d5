"""The coach's review beside the panel's verdict, on the candidate's page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from ui.components.labels import decision_label, red_flag_name, stage_name
from ui.components.safe_text import escape_inline, escape_markdown, inline_list

if TYPE_CHECKING:
    from agents.debrief import Debrief
    from agents.store import Review
    from ui.coach_marks import CoachMarks


def coach_summary(debrief: Debrief, review: Review) -> str:
    """"Your coach: No hire (the panel said Hire)" / "Your coach agrees: Hire"."""
    coach = decision_label(review.decision)
    if review.decision == debrief.decision:
        return f"Your coach agrees with the panel: {coach}"
    return f"Your coach's decision: {coach} (the panel said {decision_label(debrief.decision)})"


def render_coach_verdict(
    debrief: Debrief, review: Review | None, marks: CoachMarks | None
) -> None:
    """The latest coach review (decision, note, stage marks), or nothing when none yet."""
    if review is None:
        return
    with st.container(border=True):
        st.markdown(f"#### :material/rate_review: {escape_inline(coach_summary(debrief, review))}")
        st.caption(
            f"Reviewed by {escape_inline(review.coach)} on {review.created_at:%Y-%m-%d %H:%M} UTC. "
            "The coach's decision stands over the panel's."
        )
        st.markdown(escape_markdown(review.note))
        if marks is not None:
            marked = (
                (":material/thumb_up: **Strong:**", [*map(stage_name, marks.strong_stages)]),
                (":material/thumb_down: **Weak:**", [*map(stage_name, marks.weak_stages)]),
                (
                    ":material/flag: **Red flags the coach confirmed:**",
                    [*map(red_flag_name, marks.red_flags)],
                ),
            )
            lines = [f"{label} {inline_list(names)}" for label, names in marked if names]
            if lines:
                st.markdown("  \n".join(lines))
