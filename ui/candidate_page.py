"""Candidate page: pick or write a question, answer, get probed for 0–5 rounds, read the debrief.

Nothing typed is lost: the session id is in the URL before the panel starts reading, the step
runs outside the page script (a reload re-attaches to it), the chat box is disabled while the
panel works, and any text that cannot be sent is shown back to copy. A session link alone is
read-only: replying needs this browser's candidate key (ui.identity), which owns the session.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from datetime import datetime
from typing import Any

import streamlit as st

from agents.answer_input import AnswerError, clean_answer
from agents.citations import all_citations
from agents.rounds import ROUNDS_LIMIT, default_rounds
from agents.session import SessionView
from knowledge.loader import load_questions
from knowledge.models import Question
from knowledge.scope import infer_product, infer_scope
from ui.components.coach_verdict import render_coach_verdict
from ui.components.debrief_card import cited_quotes, render_debrief
from ui.components.downloads import render_downloads
from ui.components.errors import one_line, page_services
from ui.components.live_panel import watch_step
from ui.components.safe_text import escape_inline, escape_markdown
from ui.components.style import apply_style
from ui.components.transcript import render_sent, render_transcript
from ui.identity import current_key, ensure_key
from ui.services import Services, get_services, run
from ui.steps import PanelStep, StepBusy
from ui.timing import clock_status, time_used

THREAD_PARAM = "thread"
_THREAD_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CUSTOM_TITLE_MAX = 80
CLOCK_CHOICES = (0, 30, 45, 60)
WARM_UP_WAIT_S = 300
# Below these word counts the candidate is asked whether they meant to send so little.
SHORT_OPENING_WORDS = 40
SHORT_REPLY_WORDS = 6
# Setup choices live in the URL, so a reload (or a shared setup link) keeps them.
SETUP_PARAMS = {
    "question_source": "src",
    "bank_question": "q",
    "custom_title": "title",
    "custom_prompt": "prompt",
    "rounds": "rounds",
    "clock": "clock",
}
_PENDING = "pending_message"
_NUDGE = "nudge"


def custom_question(title: str, prompt: str) -> Question:
    """A Question for text the candidate wrote; ValueError with one line if it is unusable."""
    prompt = clean_answer(prompt) if prompt.strip() else ""
    if len(prompt) < 20:
        raise ValueError("write the question in at least 20 characters")
    title = _shorten(" ".join(title.split()), CUSTOM_TITLE_MAX) or _shorten(
        " ".join(prompt.split()), 60
    )
    if len(title) < 3:
        title = "My own question"
    digest = hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:10]
    return Question(
        id=f"custom-{digest}",
        title=title,
        prompt=prompt,
        use_case="custom",
        product=infer_product(prompt),
        stresses=infer_scope(prompt),
        assesses=infer_scope(prompt),
        tags=["custom"],
    )


def _shorten(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def word_count(text: str) -> int:
    """Words in a text (whitespace-separated)."""
    return len(text.split())


# --- setup (the URL keeps the choices) ----------------------------------------------------


def _restore_setup() -> None:
    """On a fresh browser session, take the setup choices from the URL."""
    bank = {q.id: q for q in load_questions().questions}
    for key, param in SETUP_PARAMS.items():
        if key in st.session_state or param not in st.query_params:
            continue
        raw = st.query_params[param]
        value: Any = raw
        if key == "bank_question":
            value = bank.get(raw)
        elif key in ("rounds", "clock"):
            value = int(raw) if raw.isdigit() else None
            if key == "rounds" and value is not None and not 0 <= value <= ROUNDS_LIMIT:
                value = None
            if key == "clock" and value not in CLOCK_CHOICES:
                value = None
        elif key == "question_source" and raw not in ("bank", "own"):
            value = None
        if value is not None:
            st.session_state[key] = value


def _save_setup(rendered: tuple[str, ...]) -> None:
    """Copy the choices of this run's widgets into the URL: only what differs from the defaults
    and only when it changed. A hidden widget's choice stays in the URL, so switching the
    question source back restores the question the candidate wrote."""
    defaults = {"question_source": "bank", "rounds": default_rounds(), "clock": 0,
                "bank_question": load_questions().questions[0].id}
    for key in rendered:
        param = SETUP_PARAMS[key]
        value = st.session_state.get(key)
        if isinstance(value, Question):
            value = value.id
        text = "" if value is None or value == defaults.get(key) else str(value)
        if not text:
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get(param) != text:
            st.query_params[param] = text


def _start_over() -> None:
    st.query_params.clear()
    for key in (*SETUP_PARAMS, _PENDING, _NUDGE):
        st.session_state.pop(key, None)


def _choose_question() -> tuple[Question | None, int, int]:
    """The question form; the chosen question (None if incomplete), rounds and clock minutes."""
    source = st.radio(
        "Question",
        ["bank", "own"],
        format_func=lambda s: "From the question bank" if s == "bank" else "Write my own",
        horizontal=True,
        key="question_source",
    )
    question: Question | None = None
    if source == "bank":
        bank = load_questions().questions
        question = st.selectbox(
            "Design question",
            bank,
            format_func=lambda q: q.title,
            key="bank_question",
        )
        if question is not None:
            with st.container(border=True):
                st.markdown(escape_markdown(question.prompt))
    else:
        title = st.text_input(
            "Title (optional)", key="custom_title", max_chars=CUSTOM_TITLE_MAX,
        )
        prompt = st.text_area(
            "The design question", key="custom_prompt", height=120,
            placeholder="Design a system that …",
        )
        if prompt and prompt.strip():
            try:
                question = custom_question(title or "", prompt)
            except (AnswerError, ValueError) as exc:
                st.error(f"Question: {escape_inline(one_line(exc))}")
    c1, c2 = st.columns(2)
    rounds = c1.slider(
        "Follow-up rounds", min_value=0, max_value=ROUNDS_LIMIT, value=default_rounds(),
        key="rounds",
        help="How many rounds of follow-up questions the panel asks before it decides.",
    )
    clock = c2.selectbox(
        "Interview clock", CLOCK_CHOICES, key="clock",
        format_func=lambda m: "Off" if not m else f"{m} minutes",
        help="Practise against the time a real panel gives you; the debrief shows the time used.",
    )
    own = ("custom_title", "custom_prompt")
    _save_setup(("question_source", *(own if source == "own" else ("bank_question",)),
                 "rounds", "clock"))
    return question, int(rounds), int(clock or 0)


# --- sending ------------------------------------------------------------------------------


def _stash(key: str, seen: int) -> None:
    """Chat box callback: keep what was sent, and how many turns the sender was looking at."""
    text = st.session_state.get(key)
    if text:
        st.session_state[_PENDING] = {"text": text, "seen": seen}
        st.session_state.pop(_NUDGE, None)


def _take_pending() -> tuple[str, int] | None:
    found = st.session_state.pop(_PENDING, None)
    return (found["text"], found["seen"]) if found else None


def show_unsent(text: str, why: str) -> None:
    """Text that was not sent: the reason, and the text to copy."""
    st.error(f"Not sent: {escape_inline(why)}", icon=":material/block:")
    keep_text(text)


def keep_text(text: str) -> None:
    """The candidate's text in a box to copy from (after a failure nothing else keeps it)."""
    if text.strip():
        with st.expander("Your text (copy it from here)", expanded=True):
            st.code(text, language=None, wrap_lines=True)


def _nudge_or_send(text: str, minimum: int, seen: int) -> str | None:
    """The cleaned text to send now; None after showing why not (unusable text) or after asking
    about a short answer (the text is kept to edit, and the page reruns to show it)."""
    nudge = st.session_state.get(_NUDGE)
    confirmed = nudge is not None and nudge.get("confirmed")
    if confirmed:
        st.session_state.pop(_NUDGE, None)
    try:
        cleaned = clean_answer(text)
    except AnswerError as exc:
        show_unsent(text, one_line(exc))
        return None
    if confirmed or word_count(cleaned) >= minimum:
        return cleaned
    st.session_state[_NUDGE] = {"text": text, "seen": seen}
    st.rerun()


def _render_nudge(minimum: int) -> None:
    """A short answer waiting for a decision: edit it and send, or send it as it is."""
    nudge = st.session_state.get(_NUDGE)
    if nudge is None or nudge.get("confirmed"):
        return
    words = word_count(nudge["text"])
    st.warning(
        f"Your answer is {words} word{'s' if words != 1 else ''}. A panel judges only what you "
        f"write: say what you would build, who checks it and how you would know it works "
        f"(around {minimum} words or more).",
        icon=":material/short_text:",
    )
    st.text_area("Your answer (edit it, or send it as it is)", value=nudge["text"],
                 key="nudge_text")

    def confirm() -> None:
        text = st.session_state.get("nudge_text") or nudge["text"]
        st.session_state[_PENDING] = {"text": text, "seen": nudge["seen"]}
        st.session_state[_NUDGE] = {**nudge, "text": text, "confirmed": True}

    st.button("Send this answer", on_click=confirm, key="nudge_send", type="primary")


def _start(services: Services, question: Question, text: str, rounds: int, clock: int) -> None:
    """Create the session (id in the URL, owned by this browser), then run the first step."""
    key = ensure_key()
    thread_id = uuid.uuid4().hex
    services.owners.claim(thread_id, key, clock or None)
    st.query_params.clear()
    st.query_params[THREAD_PARAM] = thread_id

    _begin_first_step(services, thread_id, question, text, rounds)


def _begin_first_step(
    services: Services, thread_id: str, question: Question, answer: str, rounds: int
) -> None:
    async def first_step(step: PanelStep) -> SessionView:
        await _wait_warm(services)
        return await services.panel.start(
            question, answer, max_rounds=rounds, thread_id=thread_id,
            on_probe_token=step.probe_sink,
        )

    try:
        step = services.steps.begin(thread_id, "start", answer, first_step)
    except StepBusy as exc:
        show_unsent(answer, str(exc))
        return
    step.question = question
    step.rounds = rounds
    _show_first_step(step)


async def _wait_warm(services: Services) -> None:
    """Let the start-up warm-up finish (the model loads once, not in two threads at once)."""
    await asyncio.to_thread(services.warmed.wait, WARM_UP_WAIT_S)


def _show_first_step(step: PanelStep) -> None:
    """The opening answer at once, then the panel's progress until its questions are ready;
    after a failure, the answer to copy and a way to try again."""
    question = step.question
    if question is not None:
        st.title(escape_inline(question.title))
    render_sent(step.text, "opening answer")
    if watch_step(step) is not None:
        st.rerun()
    keep_text(step.text)
    retry = st.button("Try again", icon=":material/refresh:", key="retry_start", type="primary")
    st.button("Start a new interview", on_click=_start_over, key="start_over_failed")
    if retry and question is not None:
        _begin_first_step(get_services(), step.thread_id, question, step.text, step.rounds)


def _chosen_from_state() -> tuple[Question | None, int, int]:
    """The setup choices as the widgets left them (read before the form is drawn again)."""
    state = st.session_state
    question: Question | None
    if state.get("question_source", "bank") == "own":
        try:
            question = custom_question(state.get("custom_title") or "",
                                       state.get("custom_prompt") or "")
        except (AnswerError, ValueError):
            question = None
    else:
        question = state.get("bank_question") or load_questions().questions[0]
    return question, int(state.get("rounds", default_rounds())), int(state.get("clock") or 0)


def render_setup(services: Services) -> None:
    """No session yet: choose a question, rounds and clock, then answer in the chat box. Once
    the answer is sent, the form gives way to the interview at once."""
    _restore_setup()
    pending = _take_pending()
    if pending is not None:
        question, rounds, clock = _chosen_from_state()
        if question is None:
            show_unsent(pending[0], "choose or write a question first")
        else:
            text = _nudge_or_send(pending[0], SHORT_OPENING_WORDS, 0)
            if text is not None:
                _start(services, question, text, rounds, clock)
                return
    st.title("Mock panel interview")
    st.caption(
        "Answer a product system-design question. A three-person panel probes your answer, "
        "then debriefs: hire or no hire, with reasons that quote your own words."
    )
    question, rounds, clock = _choose_question()
    st.chat_input(
        "Your answer: what you would build and why",
        key="answer_input",
        disabled=question is None,
        submit_mode="disable",
        on_submit=_stash,
        args=("answer_input", 0),
    )
    _render_nudge(SHORT_OPENING_WORDS)


# --- a session ----------------------------------------------------------------------------


def _reply(services: Services, view: SessionView, text: str, seen: int) -> None:
    """Send a reply, unless the interview moved on since the candidate looked at it."""
    if seen != len(view.transcript):
        show_unsent(text, "the interview moved on while you wrote this (another tab?)")
        return

    async def reply_step(step: PanelStep) -> SessionView:
        return await services.panel.reply(
            view.thread_id, text, expected_turn=view.last_turn_id, on_probe_token=step.probe_sink
        )

    try:
        step = services.steps.begin(view.thread_id, "reply", text, reply_step)
    except StepBusy as exc:
        show_unsent(text, str(exc))
        return
    _watch_and_rerun(step)


def _finish(services: Services, view: SessionView) -> None:
    async def finish_step(step: PanelStep) -> SessionView:
        return await services.panel.finish(view.thread_id, expected_turn=view.last_turn_id)

    try:
        step = services.steps.begin(view.thread_id, "finish", "", finish_step)
    except StepBusy as exc:
        st.error(escape_inline(str(exc)), icon=":material/block:")
        return
    _watch_and_rerun(step)


def _watch_and_rerun(step: PanelStep, echo: bool = True) -> None:
    """Show what the candidate sent (unless the transcript shows it), then the panel's progress."""
    if step.text and echo:
        render_sent(step.text, "reply")
    if watch_step(step) is not None:
        st.rerun()
    keep_text(step.text)


def _render_clock(view: SessionView, minutes: int | None) -> None:
    if not minutes or view.status == "done":
        return

    @st.fragment(run_every=15)
    def clock() -> None:
        used, over = clock_status(view.created_at, datetime.now(view.created_at.tzinfo), minutes)
        if over:
            st.warning(
                f"Time is up: {used} of {minutes} minutes used. Finish to get your debrief.",
                icon=":material/timer_off:",
            )
        else:
            st.caption(f":material/timer: {used} of {minutes} minutes used")

    clock()


def render_interview(services: Services, thread_id: str) -> None:
    """A session in progress or done: transcript, reply box or debrief; read-only for others."""
    owner = services.owners.is_owner(thread_id, current_key())
    running = services.steps.running(thread_id)
    view = run(services.panel.get(thread_id))
    if view is None:
        latest = services.steps.get(thread_id)
        if latest is not None and latest.kind == "start" and owner:
            _show_first_step(latest)
            return
        st.error("No interview matches this link. Start a new one below.")
        st.button("Start a new interview", on_click=_start_over, type="primary")
        return
    ownership = services.owners.get(thread_id)
    clock = ownership.clock_minutes if ownership else None
    st.title(escape_inline(view.question.title))
    with st.expander("The question", expanded=False):
        st.markdown(escape_markdown(view.question.prompt))
    highlights = cited_quotes(all_citations(view.debrief)) if view.debrief else {}
    render_transcript(view.transcript, highlights)
    if running is not None:
        candidate_turns = [t.text for t in view.transcript if t.speaker == "candidate"]
        shown = bool(candidate_turns) and candidate_turns[-1] == running.text
        _watch_and_rerun(running, echo=not shown)
        return

    if view.status == "done" and view.debrief is not None:
        reviews = services.store.reviews(thread_id)
        review = reviews[-1] if reviews else None
        marks = services.marks.for_review(review.id) if review else None
        render_coach_verdict(view.debrief, review, marks)
        render_debrief(
            view.debrief, view.transcript, services.snippet, services.retriever_error,
            details=False, time_used=time_used(view, clock),
        )
        render_downloads(view, services.snippet, review, marks, clock)
        st.button("Start a new interview", on_click=_start_over, type="primary")
        return

    rounds = max(1, view.max_rounds)
    st.progress(
        min(view.round, rounds) / rounds,
        text=f"Round {view.round} of {view.max_rounds}: reply to the panel's questions above.",
    )
    _render_clock(view, clock)
    if not owner:
        st.info(
            "This link shows the interview read-only. Only the browser that started it can "
            "reply.",
            icon=":material/visibility:",
        )
        return
    finish = st.button(
        "Finish and get my debrief", type="primary", icon=":material/gavel:", key="finish"
    )
    st.chat_input(
        "Your reply to the panel",
        key="reply",
        submit_mode="disable",
        on_submit=_stash,
        args=("reply", len(view.transcript)),
    )
    _render_nudge(SHORT_REPLY_WORDS)
    pending = _take_pending()
    if finish:
        _finish(services, view)
    elif pending is not None:
        text = _nudge_or_send(pending[0], SHORT_REPLY_WORDS, pending[1])
        if text is not None:
            _reply(services, view, text, pending[1])


def render() -> None:
    """The candidate page."""
    apply_style()
    services = page_services("The panel cannot start")
    if services is None:
        return
    thread_id = st.query_params.get(THREAD_PARAM) or None
    if thread_id is None:
        render_setup(services)
    elif not _THREAD_ID.match(thread_id):
        st.error("No interview matches this link. Start a new one below.")
        st.button("Start a new interview", on_click=_start_over, type="primary")
    else:
        render_interview(services, thread_id)


if __name__ == "__main__":
    render()
