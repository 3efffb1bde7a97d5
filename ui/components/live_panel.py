"""Run a panel step while the panelists' questions stream onto the page as they are written."""

from __future__ import annotations

import queue
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import streamlit as st

from agents.probe_stream import ProbeSink
from ui.components.labels import speaker
from ui.components.safe_text import escape_inline, escape_markdown
from ui.services import bridge

T = TypeVar("T")
CURSOR = " ▌"
POLL_S = 0.05


class LiveDrafts:
    """One placeholder per panelist, created when its first words arrive, showing its question."""

    def __init__(self) -> None:
        self.drafts: dict[str, str] = {}
        self._slots: dict[str, Any] = {}

    def show(self, panelist_id: str, delta: str | None) -> None:
        """Apply one sink event: more text, or None to discard what this panelist streamed."""
        if panelist_id not in self._slots:
            who = speaker(panelist_id)
            with st.chat_message(who.name, avatar=who.avatar):
                st.caption(f"**{escape_inline(who.name)}** is asking")
                self._slots[panelist_id] = st.empty()
        text = "" if delta is None else self.drafts.get(panelist_id, "") + delta
        self.drafts[panelist_id] = text
        self._slots[panelist_id].markdown(escape_markdown(text) + CURSOR)

    def close(self) -> None:
        """The step is over: the drafts stand as written, without the cursor."""
        for panelist_id, slot in self._slots.items():
            slot.markdown(escape_markdown(self.drafts[panelist_id]))


def run_panel_step(step: Callable[[ProbeSink], Coroutine[Any, Any, T]]) -> T:
    """Run a PanelService call, given the sink to pass as its `on_probe_token`.

    Call inside an `st.status` block. A streaming brain's questions appear there as they are
    written, one chat message per panelist; with a brain that does not stream nothing appears
    until the step is done. The sink runs on the panel's event loop thread; it only queues, and
    this (the script's) thread draws.
    """
    deltas: queue.SimpleQueue[tuple[str, str | None]] = queue.SimpleQueue()
    future = bridge().submit(step(lambda pid, delta: deltas.put((pid, delta))))
    live = LiveDrafts()
    while True:
        try:
            live.show(*deltas.get(timeout=POLL_S))
        except queue.Empty:
            if future.done() and deltas.empty():
                break
    live.close()
    return future.result()
