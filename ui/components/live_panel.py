"""Run a panel step while the panelists' questions stream onto the page as they are written."""

from __future__ import annotations

import queue
from collections.abc import Coroutine
from typing import Any, TypeVar

import streamlit as st

from ui.components.labels import speaker
from ui.components.safe_text import escape_inline, escape_markdown
from ui.live_probes import with_probe_sink
from ui.services import Services, bridge, run

T = TypeVar("T")
CURSOR = " ▌"
POLL_S = 0.05


def run_panel_step(services: Services, coro: Coroutine[Any, Any, T]) -> T:
    """Run a PanelService call; with a streaming brain, show each panelist's draft live.

    Call inside an `st.status` block: the drafts appear there, one chat message per panelist.
    """
    try:
        streams = services.live.can_stream()
    except BaseException:
        coro.close()
        raise
    if not streams:
        return run(coro)
    deltas: queue.SimpleQueue[tuple[str, str | None]] = queue.SimpleQueue()
    future = bridge().submit(with_probe_sink(coro, lambda pid, d: deltas.put((pid, d))))
    drafts: dict[str, str] = {}
    slots: dict[str, Any] = {}

    def show(panelist_id: str, delta: str | None) -> None:
        if panelist_id not in slots:
            who = speaker(panelist_id)
            with st.chat_message(who.name, avatar=who.avatar):
                st.caption(f"**{escape_inline(who.name)}** is drafting a question")
                slots[panelist_id] = st.empty()
            drafts[panelist_id] = ""
        if delta is None:
            slots[panelist_id].markdown(escape_markdown(drafts[panelist_id]))
        else:
            drafts[panelist_id] += delta
            slots[panelist_id].markdown(escape_markdown(drafts[panelist_id]) + CURSOR)

    while True:
        try:
            show(*deltas.get(timeout=POLL_S))
        except queue.Empty:
            if future.done() and deltas.empty():
                break
    return future.result()
