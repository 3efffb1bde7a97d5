"""The interview as chat messages: each speaker under their own name and avatar, text kept inert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from agents.transcript import Turn
from ui.components.labels import speaker, stage_name
from ui.components.safe_text import code_inline, escape_inline, highlight_markdown


def turn_caption(turn: Turn) -> str:
    """"Priya Raman · Staff PM … · round 1 · Evaluation and feedback loop · t3" (escaped)."""
    who = speaker(turn.speaker)
    parts = [f"**{escape_inline(who.name)}**"]
    if who.title and turn.speaker != "candidate":
        parts.append(escape_inline(who.title))
    parts.append("opening answer" if turn.round == 0 else f"round {turn.round}")
    if turn.stage:
        parts.append(escape_inline(stage_name(turn.stage)))
    parts.append(code_inline(turn.id))
    return " · ".join(parts)


def render_turn(turn: Turn, quotes: Sequence[str] = ()) -> None:
    """One turn as a chat message; quoted passages highlighted, everything else plain text."""
    who = speaker(turn.speaker)
    role = "user" if turn.speaker == "candidate" else who.name
    with st.chat_message(role, avatar=who.avatar):
        st.caption(turn_caption(turn))
        st.markdown(highlight_markdown(turn.text, quotes))


def render_transcript(
    turns: Sequence[Turn], highlights: Mapping[str, Sequence[str]] | None = None
) -> None:
    """Every turn in order; `highlights` maps a turn id to the quotes to mark in it."""
    marks = highlights or {}
    for turn in turns:
        render_turn(turn, marks.get(turn.id, ()))


def render_sent(text: str, where: str) -> None:
    """What the candidate just sent, before the panel has recorded it as a turn."""
    who = speaker("candidate")
    with st.chat_message("user", avatar=who.avatar):
        st.caption(f"**{escape_inline(who.name)}** · {escape_inline(where)} · sent")
        st.markdown(highlight_markdown(text, ()))
