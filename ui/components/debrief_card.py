"""The debrief card: verdict, stage chart, red flags, cited reasons, votes, advice, usage, notes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd
import streamlit as st

from agents.debrief import Citation, Debrief
from agents.transcript import Turn
from knowledge.models import Snippet
from ui.agreement import judge_stage_verdict
from ui.components.labels import (
    decision_label,
    red_flag_name,
    signal_name,
    speaker,
    stage_name,
    stage_order,
    stage_short_name,
)
from ui.components.safe_text import code_inline, escape_inline, escape_markdown, inline_list
from ui.components.transcript import render_turn

if TYPE_CHECKING:
    from knowledge.models import StageId
    from ui.timing import TimeUsed

SnippetLookup = Callable[[str], Snippet | None]
VERDICT_COLOURS = {"strong": "#2f9e44", "weak": "#e8590c"}
CHART_HEIGHT = 240
REASON_ICONS = {"strength": ":green[:material/thumb_up:]", "concern": ":orange[:material/error:]"}


def cited_quotes(citations: Iterable[Citation]) -> dict[str, list[str]]:
    """Turn id → the quotes cited from it (for highlighting the transcript)."""
    quotes: dict[str, list[str]] = {}
    for c in citations:
        if c.turn is not None and c.quote:
            bucket = quotes.setdefault(c.turn, [])
            if c.quote not in bucket:
                bucket.append(c.quote)
    return quotes


def assessed_stages(debrief: Debrief) -> list[StageId]:
    """The stages the debrief scores, in rubric order: its scope (empty: every stage scored)."""
    scope = set(debrief.scope)
    return [
        s for s in stage_order() if s in debrief.stage_scores and (not scope or s in scope)
    ]


def not_assessed_stages(debrief: Debrief) -> list[StageId]:
    """Stages outside the question's scope: shown as "not assessed", never as a low score."""
    assessed = set(assessed_stages(debrief))
    return [s for s in stage_order() if s not in assessed]


def chart_description(debrief: Debrief) -> str:
    """The chart as one sentence, for screen readers and as its caption."""
    scores = debrief.stage_scores
    parts = [f"{stage_name(s)} {scores[s].score} of 4" for s in assessed_stages(debrief)]
    parts += [f"{stage_name(s)} not assessed" for s in not_assessed_stages(debrief)]
    return "Stage scores: " + "; ".join(parts) + "."


def stage_chart(debrief: Debrief) -> alt.Chart:
    """Horizontal bars of the assessed stage scores on a fixed 0–4 axis, coloured strong / weak."""
    stages = assessed_stages(debrief)
    order = [stage_short_name(s) for s in stages]
    rows = [
        {
            "stage": stage_short_name(stage_id),
            "score": debrief.stage_scores[stage_id].score,
            "verdict": judge_stage_verdict(debrief.stage_scores[stage_id].score),
        }
        for stage_id in stages
    ]
    data = pd.DataFrame(rows)
    base = alt.Chart(data, description=chart_description(debrief)).encode(
        y=alt.Y("stage:N", sort=order, title=None, axis=alt.Axis(labelLimit=140)),
        x=alt.X(
            "score:Q",
            scale=alt.Scale(domain=[0, 4]),
            axis=alt.Axis(values=[0, 1, 2, 3, 4], format="d", title="score (1 absent, 4 strong)"),
        ),
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color(
            "verdict:N",
            scale=alt.Scale(domain=list(VERDICT_COLOURS), range=list(VERDICT_COLOURS.values())),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        tooltip=["stage", "score", "verdict"],
    )
    labels = base.mark_text(align="left", dx=4).encode(text="score:Q")
    return bars + labels


def render_citation(
    citation: Citation,
    turns: dict[str, Turn],
    snippet: SnippetLookup,
    snippet_error: str | None = None,
) -> None:
    """A citation as an expander: the quoted turn with the quote highlighted, or the snippet."""
    if citation.turn is not None and citation.quote is not None:
        label = f"{escape_inline(citation.turn)} · “{escape_inline(citation.quote, limit=90)}”"
        with st.expander(label, icon=":material/format_quote:"):
            turn = turns.get(citation.turn)
            if turn is None:
                st.caption(f"Turn {escape_inline(citation.turn)} is not in this transcript.")
            else:
                render_turn(turn, [citation.quote])
    if citation.snippet is not None:
        found = snippet(citation.snippet)
        label = f"Past debrief note {code_inline(citation.snippet)}"
        if found is not None:
            label += f" · “{escape_inline(found.text, limit=70)}”"
        with st.expander(label, icon=":material/sticky_note_2:"):
            if found is None:
                why = f": {escape_inline(snippet_error)}" if snippet_error else ""
                st.caption(f"The note's text is not available{why}.")
            else:
                who = speaker(found.panelist)
                st.caption(
                    f"{escape_inline(who.name)} · {escape_inline(stage_name(found.stage))} · "
                    f"{found.polarity} example"
                )
                st.markdown(escape_markdown(found.text))


def _render_citations(
    citations: Sequence[Citation],
    turns: dict[str, Turn],
    snippet: SnippetLookup,
    snippet_error: str | None,
) -> None:
    for citation in citations:
        render_citation(citation, turns, snippet, snippet_error)


def _signals(signal_ids: Sequence[str]) -> str:
    return inline_list(map(signal_name, signal_ids))


def render_verdict(
    debrief: Debrief, *, details: bool = True, time_used: TimeUsed | None = None
) -> None:
    """Decision, strength, confidence, red-flag count (and the brain with `details`), the time
    used when known, and the visible notes."""
    colour = "green" if debrief.decision == "hire" else "red"
    cols = st.columns(4 if details or time_used else 3)
    cols[0].metric("Decision", decision_label(debrief.decision))
    verdict = f"{debrief.strength} {decision_label(debrief.decision).lower()}"
    cols[0].markdown(f":{colour}-badge[{verdict}]")
    cols[1].metric("Confidence", f"{debrief.confidence:.0%}")
    cols[2].metric("Red flags", len(debrief.red_flags))
    if time_used is not None:
        cols[3].metric("Time used", time_used.text())
    elif details:
        cols[3].metric("Brain", debrief.brain)
    if debrief.needs_review:
        st.warning(
            "The panel was not confident enough on its own: this session is queued for a "
            "coach's review, and the decision may change.",
            icon=":material/rate_review:",
        )
    for note in debrief.fallbacks:
        st.warning(f"Fallback: {escape_inline(note)}", icon=":material/warning:")
    if debrief.dropped_citations:
        st.info(
            f"{debrief.dropped_citations} citation(s) the panel made could not be verified "
            "against the transcript or the notes, and were removed.",
            icon=":material/link_off:",
        )


def render_stages(
    debrief: Debrief, turns: dict[str, Turn], snippet: SnippetLookup, snippet_error: str | None
) -> None:
    """The stage chart, then a tab per stage: summary, signals shown and missing, evidence."""
    st.markdown("#### Stage scores")
    scores = debrief.stage_scores
    stage_ids = assessed_stages(debrief)
    if stage_ids:
        st.altair_chart(stage_chart(debrief), width="stretch", height=CHART_HEIGHT)
    st.caption(escape_inline(chart_description(debrief)))
    missing = not_assessed_stages(debrief)
    if missing:
        names = inline_list(map(stage_name, missing))
        st.markdown(f":material/remove_circle_outline: **Not assessed** by this question: {names}")
    if not stage_ids:
        return
    tabs = st.tabs([f"{stage_short_name(s)} · {scores[s].score}/4" for s in stage_ids])
    for tab, stage_id in zip(tabs, stage_ids, strict=True):
        score = scores[stage_id]
        with tab:
            if score.summary:
                st.markdown(escape_markdown(score.summary))
            if score.signals_found:
                st.markdown(f":material/check_circle: **Shown:** {_signals(score.signals_found)}")
            if score.signals_missing:
                st.markdown(
                    f":material/radio_button_unchecked: **Missing:** "
                    f"{_signals(score.signals_missing)}"
                )
            _render_citations(score.evidence, turns, snippet, snippet_error)


def render_red_flags(
    debrief: Debrief, turns: dict[str, Turn], snippet: SnippetLookup, snippet_error: str | None
) -> None:
    """Each red flag found, with its evidence."""
    st.markdown("#### Red flags")
    if not debrief.red_flags:
        st.markdown("None found.")
    for flag in debrief.red_flags:
        st.markdown(
            f":red[:material/flag:] **{escape_inline(red_flag_name(flag.id, flag.name))}** "
            f"· {escape_inline(stage_name(flag.stage))} · severity {flag.severity}/3"
        )
        _render_citations(flag.citations, turns, snippet, snippet_error)


def render_reasons(
    debrief: Debrief, turns: dict[str, Turn], snippet: SnippetLookup, snippet_error: str | None
) -> None:
    """The claims behind the decision; each citation opens the quoted turn or the note."""
    st.markdown("#### Why")
    for reason in debrief.reasons:
        icon = REASON_ICONS.get(reason.kind, REASON_ICONS["concern"])
        named = stage_name(reason.stage) if reason.stage else ""
        where = f" *({escape_inline(named)})*" if named and named not in reason.claim else ""
        st.markdown(f"{icon} {escape_inline(reason.claim)}{where}")
        _render_citations(reason.citations, turns, snippet, snippet_error)


def render_votes(debrief: Debrief) -> None:
    """Each panelist's vote, confidence and rationale."""
    if not debrief.votes:
        return
    st.markdown("#### The panel's votes")
    cols = st.columns(len(debrief.votes))
    for col, vote in zip(cols, debrief.votes, strict=True):
        who = speaker(vote.panelist)
        with col, st.container(border=True):
            st.markdown(
                f"{who.avatar} **{escape_inline(who.name)}**  \n"
                f"{decision_label(vote.decision)} · {vote.confidence:.0%}"
            )
            if vote.rationale:
                st.caption(escape_inline(vote.rationale))


def render_debrief(
    debrief: Debrief,
    transcript: Sequence[Turn],
    snippet: SnippetLookup,
    snippet_error: str | None = None,
    *,
    details: bool = True,
    time_used: TimeUsed | None = None,
) -> None:
    """The whole debrief card; without `details` (the candidate's page) the brain and usage sit
    behind a "Details" toggle."""
    turns = {t.id: t for t in transcript}
    with st.container(border=True):
        st.subheader("Debrief")
        render_verdict(debrief, details=details, time_used=time_used)
        render_stages(debrief, turns, snippet, snippet_error)
        render_red_flags(debrief, turns, snippet, snippet_error)
        render_reasons(debrief, turns, snippet, snippet_error)
        if debrief.advice:
            st.markdown("#### What to do better")
            st.markdown("\n".join(f"- {escape_inline(a.text)}" for a in debrief.advice))
        render_votes(debrief)
        if details:
            render_usage(debrief)
        elif st.toggle("Details", key="debrief_details",
                       help="How the panel ran: the brain, model calls, cost and time."):
            st.caption(f"Brain: {code_inline(debrief.brain)}")
            render_usage(debrief)


def render_usage(debrief: Debrief) -> None:
    """Tokens, cache, cost and latency, with the per-call breakdown."""
    usage = debrief.usage
    with st.expander(
        f"Usage: {len(usage.calls)} model call(s) · ${usage.cost_usd:.4f} · "
        f"{usage.latency_ms / 1000:.1f} s",
        icon=":material/payments:",
    ):
        cols = st.columns(4)
        cols[0].metric("Input tokens", f"{usage.input_tokens:,}")
        cols[1].metric("Cached input", f"{usage.cache_read_input_tokens:,}")
        cols[2].metric("Output tokens", f"{usage.output_tokens:,}")
        cols[3].metric("Cost", f"${usage.cost_usd:.4f}")
        if usage.calls:
            st.dataframe(
                pd.DataFrame([c.model_dump() for c in usage.calls]),
                hide_index=True,
                width="stretch",
            )
        else:
            st.caption("No model calls: the offline brain judged this session locally.")
