"""My interviews: this browser's own sessions and the progress across them, without an account."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ui.components.errors import page_services
from ui.components.labels import decision_label, red_flag_name, stage_order, stage_short_name
from ui.components.safe_text import escape_inline, inline_list
from ui.components.style import apply_style
from ui.history import (
    Attempt,
    Change,
    attempt_from_view,
    latest_coach_decisions,
    recurring_flags,
    score_rows,
    since_last,
)
from ui.identity import current_key, private_link_query
from ui.services import Services

CHART_HEIGHT = 220
"""Height of the plot itself; the legend sits below it."""


def load_attempts(services: Services, key: str) -> list[Attempt]:
    """The key's sessions, oldest first, with the coach's latest decision on each."""
    coach = latest_coach_decisions(services.store.reviews())
    out = []
    for thread_id in services.owners.threads_of(key):
        view = services.store.load(thread_id)
        if view is not None:
            out.append(attempt_from_view(view, coach.get(thread_id)))
    return out


def progress_chart(rows: list[dict[str, object]]) -> alt.Chart:
    """Per-stage score over the attempts: one line per stage, on a fixed 1–4 axis."""
    data = pd.DataFrame(rows)
    data["stage"] = [stage_short_name(str(s)) for s in data["stage"]]
    order = [stage_short_name(s) for s in stage_order()]
    return (
        alt.Chart(data, description=progress_description(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("attempt:O", title="attempt", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 4]),
                    axis=alt.Axis(values=[1, 2, 3, 4], format="d"), title="score"),
            color=alt.Color("stage:N", sort=order,
                            legend=alt.Legend(title=None, orient="bottom", columns=2)),
            tooltip=["attempt", "stage", "score"],
        )
        .properties(height=CHART_HEIGHT)
    )


def progress_description(rows: list[dict[str, object]]) -> str:
    """The chart in words: each stage's scores in attempt order."""
    by_stage: dict[str, list[str]] = {}
    for row in rows:
        by_stage.setdefault(str(row["stage"]), []).append(str(row["score"]))
    parts = [
        f"{stage_short_name(s)}: {', '.join(by_stage[s])}" for s in stage_order() if s in by_stage
    ]
    return "Scores by attempt (out of 4). " + "; ".join(parts) + "."


def render_sessions(attempts: list[Attempt]) -> None:
    """Every session, newest first, each a link back to it."""
    st.markdown("#### Sessions")
    for attempt in sorted(attempts, key=lambda a: a.started, reverse=True):
        if attempt.finished:
            outcome = f"panel: {decision_label(attempt.decision)}"
            if attempt.coach_decision is not None:
                outcome += f" · coach: {decision_label(attempt.coach_decision)}"
        else:
            outcome = "in progress"
        st.page_link(
            "candidate_page.py",
            label=escape_inline(f"{attempt.started:%Y-%m-%d %H:%M} · {attempt.title} · {outcome}",
                                limit=120),
            query_params={"thread": attempt.thread_id},
            icon=":material/chat:",
        )


def render_change(change: Change) -> None:
    """What moved between the last two finished attempts."""
    st.markdown("#### Since your last attempt")
    if change.decision_changed:
        st.markdown(
            f"Panel decision: {decision_label(change.before.decision)} → "
            f"**{decision_label(change.after.decision)}**"
        )
    else:
        st.markdown(f"Panel decision unchanged: {decision_label(change.after.decision)}")
    lines = []
    for stage, (before, after) in change.stage_deltas.items():
        if after > before:
            icon = ":green[:material/trending_up:]"
        elif after < before:
            icon = ":red[:material/trending_down:]"
        else:
            icon = ":material/trending_flat:"
        lines.append(f"{icon} {escape_inline(stage_short_name(stage))}: {before} → {after}")
    if lines:
        st.markdown("  \n".join(lines))
    if change.cleared_flags:
        cleared = inline_list(map(red_flag_name, change.cleared_flags))
        st.markdown(f":green[:material/check:] No longer flagged: {cleared}")
    if change.new_flags:
        new = inline_list(map(red_flag_name, change.new_flags))
        st.markdown(f":red[:material/flag:] New red flags: {new}")


def render_progress(attempts: list[Attempt]) -> None:
    """Scores over time (chart and its text), recurring red flags, change since last time."""
    rows = score_rows(attempts)
    if not rows:
        st.caption("Finish an interview to see your stage scores here.")
        return
    st.markdown("#### Stage scores over time")
    st.altair_chart(progress_chart(rows), width="stretch")
    st.caption(escape_inline(progress_description(rows)))
    flags = recurring_flags(attempts)
    st.markdown("#### Red flags that keep coming back")
    if flags:
        st.markdown("  \n".join(
            f":red[:material/flag:] {escape_inline(red_flag_name(f))}: in {n} interviews"
            for f, n in flags
        ))
    else:
        st.caption("None: no red flag was raised in more than one interview.")
    change = since_last(attempts, stage_order())
    if change is not None:
        render_change(change)


def render() -> None:
    """The My interviews page."""
    apply_style()
    st.title("My interviews")
    services = page_services("Your interviews cannot be loaded")
    if services is None:
        return
    key = current_key()
    attempts = load_attempts(services, key) if key else []
    if not attempts:
        st.info(
            "No interviews from this browser yet. They appear here once you start one; no "
            "account needed.",
            icon=":material/history:",
        )
        st.page_link("candidate_page.py", label="Start an interview", icon=":material/play_arrow:")
        return
    render_progress(attempts)
    render_sessions(attempts)
    assert key is not None
    with st.expander("Open these interviews in another browser"):
        st.caption(
            "This private link lets another browser see these interviews and reply to them. "
            "Keep it to yourself: anyone with it can."
        )
        st.code(
            f"{_base_url()}/interview?{private_link_query(key)}", language=None, wrap_lines=True
        )


def _base_url() -> str:
    try:
        return str(st.context.url).split("?")[0].rsplit("/", 1)[0]
    except Exception:  # no request context: the path alone
        return ""


if __name__ == "__main__":
    render()
