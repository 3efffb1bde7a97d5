"""Coach page (behind MOCKPANEL_COACH_PASSCODE): sessions, review queue, overrides, agreement,
and "Add to gold set"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from agents.citations import all_citations
from agents.errors import MockpanelError
from agents.session import SessionView
from agents.store import SessionRecord
from knowledge.loader import load_questions
from knowledge.models import StageId
from ui.agreement import (
    SMALL_SAMPLE,
    Agreement,
    ReviewedSession,
    agreement_report,
    judge_stage_verdict,
    wilson_interval,
)
from ui.coach_auth import (
    LIMITER,
    PASSCODE_ENV,
    configured_passcode,
    passcode_matches,
    token_valid,
    unlock_token,
)
from ui.coach_marks import CoachMarks
from ui.components.debrief_card import cited_quotes, render_debrief
from ui.components.downloads import render_downloads
from ui.components.errors import page_services, user_facing_errors
from ui.components.labels import (
    decision_label,
    red_flag_name,
    stage_name,
    stage_order,
    stage_short_name,
)
from ui.components.safe_text import code_inline, escape_inline, escape_markdown
from ui.components.style import apply_style
from ui.components.transcript import render_transcript
from ui.gold_set import (
    GOLD_RED_FLAGS,
    add_to_gold_set,
    case_from_session,
    case_id,
    gold_dir,
    kinds_for,
)
from ui.identity import remember_coach_name, restore_coach_name
from ui.services import Services, run

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
        wait = LIMITER.wait_seconds()
        if wait > 0:
            st.error(
                f"Too many wrong passcodes: try again in {wait:.0f} s.", icon=":material/timer:"
            )
            return False
        if passcode_matches(given or "", expected):
            st.session_state[_TOKEN_KEY] = unlock_token(expected)
            st.session_state.pop("coach_passcode", None)
            st.rerun()
        LIMITER.failed()
        st.error("Wrong passcode.", icon=":material/block:")
    return False


# --- session lists ------------------------------------------------------------------------


SHORT_ID_CHARS = 8


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
    parts.append(f"#{record.thread_id[:SHORT_ID_CHARS]}")  # tells apart same-minute sessions
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


_OPEN = "coach_open"
_FLASH = "coach_flash"
_KEPT = "coach_kept"
# Widget state Streamlit would drop while its view is hidden: the review drafts, the gold-set
# choices and the coach's name are kept here and restored when the view comes back.
KEPT_PREFIXES = ("rv_", "gold_kind_", "gold_split_", "coach_name")


def _open_session(key: str) -> None:
    st.session_state[_OPEN] = st.session_state.get(key)


def _pick(records: list[SessionRecord], key: str) -> str | None:
    """A picker over the records; the open session stays open across views and after a save."""
    ids = [r.thread_id for r in records]
    by_id = {r.thread_id: r for r in records}
    opened = st.session_state.get(_OPEN)
    if records:
        st.selectbox(
            "Open a session",
            ids,
            index=ids.index(opened) if opened in ids else None,
            format_func=lambda t: _record_label(by_id[t]),
            key=key,
            placeholder="Choose a session to review",
            on_change=_open_session,
            args=(key,),
        )
    return str(opened) if opened else None


def keep_drafts() -> None:
    """Copy the kept widgets' values aside (called at the end of every run)."""
    kept = st.session_state.setdefault(_KEPT, {})
    for key, value in st.session_state.items():
        if isinstance(key, str) and key.startswith(KEPT_PREFIXES) and "_save_" not in key:
            kept[key] = value


def restore_drafts() -> None:
    """Put back the kept values of widgets that a view switch removed (start of every run)."""
    for key, value in st.session_state.get(_KEPT, {}).items():
        if key not in st.session_state:
            st.session_state[key] = value


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
        opened = st.session_state.get(_OPEN)
        return str(opened) if opened else None
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


def _init(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def render_review_form(services: Services, view: SessionView) -> None:
    """Override (or confirm) the decision with a note and per-stage verdicts. A stage picked as
    strong is not offered as weak (and the other way round), so the two cannot overlap."""
    if view.debrief is None:
        return
    thread_id = view.thread_id
    marks = services.marks.latest(thread_id)
    judge_strong, judge_weak = _judge_stage_sets(view)
    judge_flags = [f.id for f in view.debrief.red_flags if f.id in GOLD_RED_FLAGS]
    reviews = services.store.reviews(thread_id)
    keys = {name: f"rv_{name}_{thread_id}" for name in ("decision", "strong", "weak", "flags",
                                                          "note")}
    _init(keys["decision"], reviews[-1].decision if reviews else view.debrief.decision)
    _init(keys["strong"], list(marks.strong_stages) if marks else judge_strong)
    _init(keys["weak"], list(marks.weak_stages) if marks else judge_weak)
    _init(keys["flags"], list(marks.red_flags) if marks else judge_flags)
    _init("coach_name", "")
    with st.container(border=True):
        st.markdown("#### Your decision")
        decision = st.radio("Decision", ["hire", "no_hire"], horizontal=True,
                            format_func=decision_label, key=keys["decision"])
        st.caption("A stage is strong or weak, not both: pick it in one list to free it in "
                   "the other.")
        c1, c2 = st.columns(2)
        everything = stage_order()
        strong = c1.multiselect(
            "Strong stages", [s for s in everything if s not in st.session_state[keys["weak"]]],
            format_func=stage_short_name, key=keys["strong"],
        )
        weak = c2.multiselect(
            "Weak stages", [s for s in everything if s not in strong],
            format_func=stage_short_name, key=keys["weak"],
        )
        flags = st.multiselect("Red flags really present", list(GOLD_RED_FLAGS),
                               format_func=red_flag_name, key=keys["flags"])
        note = st.text_area("Note (why)", key=keys["note"],
                            placeholder="What the panel got right or wrong, in a sentence or two.")
        coach = st.text_input("Your name", key="coach_name", placeholder="coach",
                              help="Remembered for your next reviews in this browser.")
        saved = st.button("Save review", type="primary", key=f"rv_save_{thread_id}")
    if not saved:
        return
    with user_facing_errors():
        if not (note or "").strip():
            raise MockpanelError("write a note: the review needs a reason")
        marks_in = CoachMarks(
            thread_id=thread_id, review_id=0, strong_stages=strong, weak_stages=weak,
            red_flags=flags,
        )
        name = " ".join((coach or "").split()) or "coach"
        review = services.store.add_review(thread_id, str(decision), note.strip(), coach=name)
        services.marks.save(marks_in.model_copy(update={"review_id": review.id}))
        remember_coach_name(name)
        st.session_state.pop(keys["note"], None)
        st.session_state.get(_KEPT, {}).pop(keys["note"], None)
        st.session_state[_FLASH] = (
            f"Review saved: {decision_label(review.decision)} "
            f"(the panel said {decision_label(review.original_decision)}). "
            "The candidate sees it on their page and in their downloads."
        )
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
    existing = sorted(target.glob(f"*_{case_id(view)}.yaml")) if target.is_dir() else []
    if existing:
        split_now = existing[0].name.split("_", 1)[0]
        st.success(
            f"In the gold set as {code_inline(case_id(view))} ({split_now} split). Adding it "
            "again replaces it with the latest review.",
            icon=":material/task_alt:",
        )
    label = "Update in gold set" if existing else "Add to gold set"
    if st.button(label, icon=":material/add_task:", key=f"gold_add_{thread_id}"):
        with user_facing_errors():
            case = case_from_session(
                view, review, marks, kind=str(kind), split=str(split),
                bank_question_ids=[q.id for q in load_questions().questions],
            )
            path = add_to_gold_set(services.store, case, review, target)
            st.session_state[_FLASH] = (
                f"Added as eval case {case.id} in {path}."
            )
            st.rerun()
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
    reviews = services.store.reviews(thread_id)
    latest = reviews[-1] if reviews else None
    ownership = services.owners.get(thread_id)
    render_downloads(view, services.snippet, latest,
                     services.marks.for_review(latest.id) if latest else None,
                     ownership.clock_minutes if ownership else None)
    if view.debrief is None:
        return
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(escape_inline(flash), icon=":material/check_circle:")
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
    interval = wilson_interval(decisions.agreed, decisions.count)
    if interval is not None:
        low, high = interval
        text = (f"n = {decisions.count}. Agreement {decisions.accuracy:.0%}, 95% interval "
                f"{low:.0%}–{high:.0%}.")
        if decisions.count < SMALL_SAMPLE:
            st.warning(
                f"{text} With fewer than {SMALL_SAMPLE} reviewed sessions these figures move a "
                "lot with each review: read them as a first indication, not a measurement.",
                icon=":material/info:",
            )
        else:
            st.caption(text)
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
    apply_style()
    if not coach_gate():
        return
    restore_drafts()
    restore_coach_name()
    services = page_services("The session store cannot be opened")
    if services is None:
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
    if chosen and view != "Agreement":
        render_session(services, chosen)
    keep_drafts()


if __name__ == "__main__":
    render()
