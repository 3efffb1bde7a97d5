"""Candidate page: pick or write a question, answer, get probed for 0–5 rounds, read the debrief.

The session's thread id lives in the URL (`?thread=…`), so a reload resumes the interview where
it was; the page never lists or opens any other session.
"""

from __future__ import annotations

import hashlib
import re

import streamlit as st

from agents.answer_input import AnswerError, clean_answer
from agents.rounds import ROUNDS_LIMIT, default_rounds
from knowledge.loader import load_questions
from knowledge.models import STAGE_IDS, Question
from ui.components.debrief_card import all_citations, cited_quotes, render_debrief
from ui.components.downloads import render_downloads
from ui.components.errors import one_line, user_facing_errors
from ui.components.live_panel import run_panel_step
from ui.components.safe_text import escape_inline, escape_markdown
from ui.components.transcript import render_transcript
from ui.services import Services, get_services, run

THREAD_PARAM = "thread"
_THREAD_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CUSTOM_TITLE_MAX = 80


def custom_question(title: str, prompt: str) -> Question:
    """A Question for text the candidate wrote; ValueError with one line if it is unusable."""
    prompt = clean_answer(prompt) if prompt.strip() else ""
    if len(prompt) < 20:
        raise ValueError("write the question in at least 20 characters")
    title = " ".join(title.split())[:CUSTOM_TITLE_MAX] or " ".join(prompt.split())[:60]
    if len(title) < 3:
        title = "My own question"
    digest = hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:10]
    return Question(
        id=f"custom-{digest}",
        title=title,
        prompt=prompt,
        use_case="custom",
        stresses=list(STAGE_IDS),
        tags=["custom"],
    )


def _thread_from_url() -> str | None:
    value = st.query_params.get(THREAD_PARAM)
    return value or None


def _start_over() -> None:
    st.query_params.clear()
    for key in ("question_source", "bank_question", "custom_title", "custom_prompt"):
        st.session_state.pop(key, None)


def _choose_question() -> tuple[Question | None, int]:
    """The question form; returns the chosen question (None if incomplete) and the rounds."""
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
        title = st.text_input("Title (optional)", key="custom_title", max_chars=CUSTOM_TITLE_MAX)
        prompt = st.text_area(
            "The design question",
            key="custom_prompt",
            height=120,
            placeholder="Design a system that …",
        )
        if prompt and prompt.strip():
            try:
                question = custom_question(title or "", prompt)
            except (AnswerError, ValueError) as exc:
                st.error(f"Question: {one_line(exc)}")
    rounds = st.slider(
        "Follow-up rounds",
        min_value=0,
        max_value=ROUNDS_LIMIT,
        value=default_rounds(),
        key="rounds",
        help="How many rounds of follow-up questions the panel asks before it decides.",
    )
    return question, int(rounds)


def _show_rejected(text: str, exc: Exception) -> None:
    st.error(f"Not sent: {one_line(exc)}")
    if text.strip():
        with st.expander("Your text (copy it from here)"):
            st.code(text, language=None)


def render_setup(services: Services) -> None:
    """No session yet: choose a question and rounds, then answer in the chat box."""
    st.title("Mock panel interview")
    st.caption(
        "Answer a product system-design question. A three-person panel probes your answer, "
        "then debriefs: hire or no hire, with reasons that quote your own words."
    )
    question, rounds = _choose_question()
    answer = st.chat_input(
        "Your answer: what you would build and why (Shift+Enter for a new line)",
        key="answer_input",
        disabled=question is None,
    )
    if not answer:
        return
    if question is None:
        st.error("Choose or write a question first.")
        return
    try:
        cleaned = clean_answer(answer)
    except AnswerError as exc:
        _show_rejected(answer, exc)
        return
    with st.status("The panel is reading your answer…", expanded=True) as status:
        st.write("Each panelist looks for gaps in their stages and pulls notes from past debriefs.")
        with user_facing_errors(status):
            view = run_panel_step(
                lambda sink: services.panel.start(
                    question, cleaned, max_rounds=rounds, on_probe_token=sink
                )
            )
            status.update(label="The panel is ready", state="complete", expanded=False)
            st.query_params[THREAD_PARAM] = view.thread_id
            st.rerun()


def render_interview(services: Services, thread_id: str) -> None:
    """A session in progress or done: transcript, reply box or debrief."""
    view = run(services.panel.get(thread_id))
    if view is None:
        st.error("No interview matches this link. Start a new one below.")
        st.button("Start a new interview", on_click=_start_over, type="primary")
        return
    st.title(escape_inline(view.question.title))
    with st.expander("The question", expanded=False):
        st.markdown(escape_markdown(view.question.prompt))
    highlights = cited_quotes(all_citations(view.debrief)) if view.debrief else {}
    render_transcript(view.transcript, highlights)

    if view.status == "done" and view.debrief is not None:
        render_debrief(
            view.debrief, view.transcript, services.snippet, services.retriever_error
        )
        render_downloads(view, services.snippet)
        st.button("Start a new interview", on_click=_start_over, type="primary")
        return

    rounds = max(1, view.max_rounds)
    st.progress(
        min(view.round, rounds) / rounds,
        text=f"Round {view.round} of {view.max_rounds}: reply to the panel's questions above.",
    )
    finish = st.button(
        "Finish and get my debrief", type="primary", icon=":material/gavel:", key="finish"
    )
    reply = st.chat_input("Your reply to the panel (Shift+Enter for a new line)", key="reply")
    if finish:
        with st.status("The panel is deliberating…", expanded=True) as status:
            st.write("Each panelist votes; then the debrief is written and every citation checked.")
            with user_facing_errors(status):
                run(services.panel.finish(thread_id))
                status.update(label="Debrief ready", state="complete")
                st.rerun()
    elif reply:
        try:
            cleaned = clean_answer(reply)
        except AnswerError as exc:
            _show_rejected(reply, exc)
            return
        last_round = view.round >= view.max_rounds
        label = "The panel is deliberating…" if last_round else "The panel is reading your reply…"
        with st.status(label, expanded=True) as status, user_facing_errors(status):
            run_panel_step(
                lambda sink: services.panel.reply(thread_id, cleaned, on_probe_token=sink)
            )
            status.update(label="Done", state="complete")
            st.rerun()


def render() -> None:
    """The candidate page."""
    try:
        services = get_services()
    except Exception as exc:  # a misconfigured data dir or database: say it in one line
        st.error(f"The panel cannot start: {one_line(exc)}")
        return
    thread_id = _thread_from_url()
    if thread_id is None:
        render_setup(services)
    elif not _THREAD_ID.match(thread_id):
        st.error("No interview matches this link. Start a new one below.")
        st.button("Start a new interview", on_click=_start_over, type="primary")
    else:
        render_interview(services, thread_id)


if __name__ == "__main__":
    render()
