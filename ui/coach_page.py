"""Coach page (behind MOCKPANEL_COACH_PASSCODE): sessions, review queue, overrides, agreement,
and "Add to gold set"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from agents.errors import MockpanelError
from agents.session import SessionView
from agents.store import SessionRecord
from knowledge.loader import load_questions
from knowledge.models import StageId
from ui.agreement import Agreement, ReviewedSession, agreement_report, judge_stage_verdict
from ui.coach_auth import (
    PASSCODE_ENV,
    configured_passcode,
    passcode_matches,
    token_valid,
    unlock_token,
)
from ui.coach_marks import CoachMarks
from ui.components.debrief_card import all_citations, cited_quotes, render_debrief
from ui.components.downloads import render_downloads
from ui.components.errors import one_line, user_facing_errors
from ui.components.labels import decision_label, red_flag_name, stage_name, stage_order
from ui.components.safe_text import code_inline, escape_inline, escape_markdown
from ui.components.transcript import render_transcript
from ui.gold_set import (
    GOLD_RED_FLAGS,
    case_from_session,
    gold_dir,
    kinds_for,
    write_gold_case,
)
from ui.services import Services, get_services, run

_TOKEN_KEY = "coach_token"
VIEWS = ("Review queue", "All sessions", "Agreement")
ANY = "any"


def _lock() -> None:
    st.session_state.pop(_TOKEN_KEY, None)


def coach_gate() -> bool:
    """True when this browser session has unlocked the page with the current passcode."""
    expected = configured_passcode()
    if expected is None:
        st.title("Coach review")
        st.info(
            f"The coach page is turned off. To turn it on, set the environment variable "
            f"`{PASSCODE_ENV}` to a passcode for your coaches and restart `mockpanel ui`.",
            icon=":material/lock:",
        )
        return False
    if token_valid(st.session_state.get(_TOKEN_KEY), expected):
        return True
    st.title("Coach review")
    with st.form("coach_login"):
        given = st.text_input("Coach passcode", type="password", key="coach_passcode")
        submitted = st.form_submit_button(
            "Open the coach page", type="primary", key="coach_login_submit"
        )
    if submitted:
        if passcode_matches(given or "", expected):
            st.session_state[_TOKEN_KEY] = unlock_token(expected)
            st.session_state.pop("coach_passcode", None)
            st.rerun()
        st.error("Wrong passcode.", icon=":material/block:")
    return False


# --- session lists ------------------------------------------------------------------------


def _record_label(record: SessionRecord) -> str:
    parts = [f"{record.created_at:%Y-%m-%d %H:%M}", record.question_title[:60]]
    if record.decision is None:
        parts.append("in progress")
    else:
        conf = f" {record.confidence:.0%}" if record.confidence is not None else ""
        parts.append(f"panel: {decision_label(record.decision)}{conf}")
    if record.coach_decision is not None:
        parts.append(f"coach: {decision_label(record.coach_decision)}")
    if record.needs_review:
        parts.append("needs review")
    return " · ".join(parts)


def _records_table(records: list[SessionRecord]) -> None:
    rows = [
        {
            "started": r.created_at,
            "question": r.question_title,
            "status": r.status.replace("_", " "),
            "panel": decision_label(r.decision),
            "confidence": r.confidence,
            "needs review": r.needs_review,
            "coach": decision_label(r.coach_decision),
            "brain": r.brain,
        }
        for r in records
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "confidence": st.column_config.ProgressColumn(
                "confidence", min_value=0.0, max_value=1.0, format="percent"
            ),
            "started": st.column_config.DatetimeColumn("started", format="YYYY-MM-DD HH:mm"),
        },
    )


def _pick(records: list[SessionRecord], key: str) -> str | None:
    if not records:
        return None
    ids = [r.thread_id for r in records]
    by_id = {r.thread_id: r for r in records}
    chosen = st.selectbox(
        "Open a session",
        ids,
        index=None,
        format_func=lambda t: _record_label(by_id[t]),
        key=key,
        placeholder="Choose a session to review",
    )
    return str(chosen) if chosen else None


def _date_bounds(value: Any) -> tuple[datetime | None, datetime | None]:
    if not isinstance(value, tuple | list) or not value:
        return None, None
    start: date = value[0]
    end: date = value[1] if len(value) > 1 else value[0]
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end, time.min, tzinfo=UTC) + timedelta(days=1) - timedelta(
        microseconds=1
    )
    return since, until


def render_filtered_list(services: Services) -> str | None:
    """Filters, the matching sessions, and a picker; returns the chosen thread id."""
    everything = services.store.list()
    questions = {r.question_id: r.question_title for r in everything}
    with st.container(border=True):
        c1, c2, c3 = st.columns(3)
        decision = c1.selectbox(
            "Panel decision", [ANY, "hire", "no_hire"], key="f_decision",
            format_func=lambda d: "Any" if d == ANY else decision_label(d),
        )
        review = c2.selectbox(
            "Needs review", [ANY, "yes", "no"], key="f_review",
            format_func=lambda v: v.capitalize(),
        )
        question = c3.selectbox(
            "Question", [ANY, *sorted(questions)], key="f_question",
            format_func=lambda q: "Any" if q == ANY else questions.get(q, q),
        )
        c4, c5 = st.columns(2)
        low, high = c4.slider(
            "Confidence", 0.0, 1.0, (0.0, 1.0), step=0.05, key="f_confidence"
        )
        today = datetime.now(UTC).date()
        first = min((r.created_at.date() for r in everything), default=today)
        days = c5.date_input("Started between", (first, today), key="f_dates")
    since, until = _date_bounds(days)
    full_range = low <= 0.0 and high >= 1.0
    records = services.store.list(
        decision=None if decision == ANY else decision,
        needs_review=None if review == ANY else review == "yes",
        question_id=None if question == ANY else question,
        since=since,
        until=until,
        min_confidence=None if full_range else low,
        max_confidence=None if full_range else high,
    )
    st.caption(f"{len(records)} of {len(everything)} session(s)")
    if records:
        _records_table(records)
    return _pick(records, "pick_all")


def render_queue(services: Services) -> str | None:
    """Finished sessions nobody reviewed yet, least confident first."""
    queue = services.store.review_queue()
    if not queue:
        st.success("Nothing to review: every finished session has a coach's decision.")
        return None
    st.caption(f"{len(queue)} finished session(s) without a review, least confident first.")
    _records_table(queue)
    return _pick(queue, "pick_queue")


# --- one session --------------------------------------------------------------------------


def _judge_stage_sets(view: SessionView) -> tuple[list[StageId], list[StageId]]:
    if view.debrief is None:
        return [], []
    scores = view.debrief.stage_scores
    strong = [s for s in stage_order() if s in scores and judge_stage_verdict(scores[s].score)
              == "strong"]
    weak = [s for s in stage_order() if s in scores and s not in strong]
    return strong, weak


def render_review_form(services: Services, view: SessionView) -> None:
    """Override (or confirm) the decision with a note and per-stage verdicts."""
    if view.debrief is None:
        return
    thread_id = view.thread_id
    marks = services.marks.latest(thread_id)
    judge_strong, judge_weak = _judge_stage_sets(view)
    judge_flags = [f.id for f in view.debrief.red_flags if f.id in GOLD_RED_FLAGS]
    default_decision: str = view.debrief.decision
    reviews = services.store.reviews(thread_id)
    if reviews:
        default_decision = reviews[-1].decision
    with st.form(f"review_{thread_id}"):
        st.markdown("#### Your decision")
        decision = st.radio(
            "Decision", ["hire", "no_hire"], horizontal=True,
            index=0 if default_decision == "hire" else 1,
            format_func=decision_label, key=f"rv_decision_{thread_id}",
        )
        c1, c2 = st.columns(2)
        strong = c1.multiselect(
            "Strong stages", stage_order(), format_func=stage_name,
            default=list(marks.strong_stages) if marks else judge_strong,
            key=f"rv_strong_{thread_id}",
        )
        weak = c2.multiselect(
            "Weak stages", stage_order(), format_func=stage_name,
            default=list(marks.weak_stages) if marks else judge_weak,
            key=f"rv_weak_{thread_id}",
        )
        flags = st.multiselect(
            "Red flags really present", list(GOLD_RED_FLAGS), format_func=red_flag_name,
            default=list(marks.red_flags) if marks else judge_flags,
            key=f"rv_flags_{thread_id}",
        )
        note = st.text_area(
            "Note (why)", key=f"rv_note_{thread_id}",
            placeholder="What the panel got right or wrong, in a sentence or two.",
        )
        coach = st.text_input("Your name", value="coach", key=f"rv_coach_{thread_id}")
        saved = st.form_submit_button("Save review", type="primary", key=f"rv_save_{thread_id}")
    if not saved:
        return
    with user_facing_errors():
        if not (note or "").strip():
            raise MockpanelError("write a note: the review needs a reason")
        marks_in = CoachMarks(
            thread_id=thread_id, review_id=0, strong_stages=strong, weak_stages=weak,
            red_flags=flags,
        )
        review = services.store.add_review(
            thread_id, str(decision), note.strip(), coach=(coach or "coach").strip() or "coach"
        )
        services.marks.save(marks_in.model_copy(update={"review_id": review.id}))
        st.toast(f"Review saved: {decision_label(review.decision)}", icon=":material/check:")
        st.rerun()


def render_review_history(services: Services, thread_id: str) -> None:
    """Every review of the session, oldest first, with the panel's decision at the time."""
    reviews = services.store.reviews(thread_id)
    if not reviews:
        st.caption("No coach review yet.")
        return
    for review in reviews:
        st.markdown(
            f"**{decision_label(review.decision)}** by {escape_inline(review.coach)} · "
            f"{review.created_at:%Y-%m-%d %H:%M} UTC · panel said "
            f"{decision_label(review.original_decision)}  \n{escape_inline(review.note)}"
        )


def render_gold_form(services: Services, view: SessionView) -> None:
    """Write the reviewed session as an eval case with the coach's decision as gold."""
    thread_id = view.thread_id
    reviews = services.store.reviews(thread_id)
    st.markdown("#### Gold set")
    if not reviews:
        st.caption("Save a review first: the gold decision is the coach's.")
        return
    review = reviews[-1]
    marks = services.marks.for_review(review.id) or CoachMarks(
        thread_id=thread_id, review_id=review.id
    )
    c1, c2 = st.columns(2)
    kind = c1.selectbox(
        "Case kind", kinds_for(review.decision), key=f"gold_kind_{thread_id}",
        format_func=lambda k: k.replace("_", " "),
    )
    split = c2.selectbox("Split", ["dev", "test"], key=f"gold_split_{thread_id}")
    target = gold_dir(services.settings)
    if st.button("Add to gold set", icon=":material/add_task:", key=f"gold_add_{thread_id}"):
        with user_facing_errors():
            case = case_from_session(
                view, review, marks, kind=str(kind), split=str(split),
                bank_question_ids=[q.id for q in load_questions().questions],
            )
            path = write_gold_case(case, target)
            st.success(
                f"Added as eval case {code_inline(case.id)} in {code_inline(str(path), 300)}."
            )
    st.caption(f"Gold cases are written to {code_inline(str(target), 300)} (MOCKPANEL_GOLD_DIR).")


def render_session(services: Services, thread_id: str) -> None:
    """Transcript beside the debrief (cited evidence highlighted), reviews, gold set."""
    view = services.store.load(thread_id) or run(services.panel.get(thread_id))
    if view is None:
        st.error("That session no longer exists.")
        return
    st.divider()
    st.subheader(escape_inline(view.question.title))
    st.caption(
        f"Session {code_inline(view.thread_id)} · brain {code_inline(view.brain)} · "
        f"started {view.created_at:%Y-%m-%d %H:%M} UTC · {view.status.replace('_', ' ')}"
    )
    with st.expander("The question"):
        st.markdown(escape_markdown(view.question.prompt))
    left, right = st.columns(2, gap="large")
    highlights = cited_quotes(all_citations(view.debrief)) if view.debrief else {}
    with left:
        st.markdown("#### Transcript")
        st.caption("Passages the debrief cites are highlighted.")
        render_transcript(view.transcript, highlights)
    with right:
        if view.debrief is None:
            st.info("The interview is still in progress: no debrief yet.")
        else:
            render_debrief(view.debrief, view.transcript, services.snippet,
                           services.retriever_error)
    render_downloads(view, services.snippet)
    if view.debrief is None:
        return
    st.markdown("#### Reviews")
    render_review_history(services, thread_id)
    render_review_form(services, view)
    render_gold_form(services, view)


# --- agreement ----------------------------------------------------------------------------


def _fmt(value: float | None, pattern: str) -> str:
    return "n/a" if value is None else format(value, pattern)


def reviewed_sessions(services: Services) -> list[ReviewedSession]:
    """Every finished session a coach has decided, with the judge's stage scores."""
    marks = services.marks.latest_by_thread()
    out: list[ReviewedSession] = []
    for record in services.store.list():
        if record.decision is None or record.coach_decision is None:
            continue
        view = services.store.load(record.thread_id)
        scores = (
            {str(s): v.score for s, v in view.debrief.stage_scores.items()}
            if view is not None and view.debrief is not None
            else {}
        )
        mark = marks.get(record.thread_id)
        out.append(
            ReviewedSession(
                thread_id=record.thread_id,
                judge_decision=record.decision,
                coach_decision=record.coach_decision,
                judge_stage_scores=scores,
                coach_strong_stages=list(mark.strong_stages) if mark else [],
                coach_weak_stages=list(mark.weak_stages) if mark else [],
            )
        )
    return out


def _confusion_table(result: Agreement, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [[result.confusion[(j, c)] for c in result.labels] for j in result.labels],
        index=[f"panel: {names.get(j, j)}" for j in result.labels],
        columns=[f"coach: {names.get(c, c)}" for c in result.labels],
    )


def render_agreement(services: Services) -> None:
    """Judge vs coach: count, accuracy, Cohen's kappa, confusion matrix, and per stage."""
    report = agreement_report(reviewed_sessions(services), stage_order())
    decisions = report.decisions
    st.markdown("#### Panel vs coach")
    c1, c2, c3 = st.columns(3)
    c1.metric("Reviewed sessions", decisions.count)
    c2.metric("Agreement", _fmt(decisions.accuracy, ".0%"))
    c3.metric("Cohen's kappa", _fmt(decisions.kappa, ".2f"))
    if decisions.count == 0:
        st.caption("No reviewed sessions yet: save a review to start measuring agreement.")
        return
    if decisions.kappa is None:
        st.caption("Kappa is undefined while the panel and the coach each use a single label.")
    st.dataframe(_confusion_table(decisions, {"hire": "hire", "no_hire": "no hire"}))
    st.markdown("#### By stage")
    st.caption(
        f"A stage the panel scored {3}/4 or more counts as strong; compared where the coach "
        "marked the stage strong or weak."
    )
    rows = [
        {
            "stage": stage_name(stage),
            "compared": result.count,
            "agreement": _fmt(result.accuracy, ".0%"),
            "kappa": _fmt(result.kappa, ".2f"),
        }
        for stage, result in report.by_stage.items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


# --- page ---------------------------------------------------------------------------------


def render() -> None:
    """The coach page."""
    if not coach_gate():
        return
    try:
        services = get_services()
    except Exception as exc:  # a misconfigured data dir or database: say it in one line
        st.error(f"The session store cannot be opened: {escape_inline(one_line(exc))}")
        return
    title, lock = st.columns([5, 1], vertical_alignment="center")
    title.title("Coach review")
    lock.button("Lock", on_click=_lock, icon=":material/lock:", key="coach_lock")
    view = st.radio("View", VIEWS, horizontal=True, key="coach_view",
                    label_visibility="collapsed")
    chosen: str | None = None
    if view == "Review queue":
        chosen = render_queue(services)
    elif view == "All sessions":
        chosen = render_filtered_list(services)
    else:
        render_agreement(services)
    if chosen:
        render_session(services, chosen)


if __name__ == "__main__":
    render()
