"""Watch a panel step: each panelist's progress, their questions as a streaming brain writes them.

The step runs on the UI's event loop (ui.steps); this only draws. Any number of page runs may
watch the same step (a reload, a second tab): each reads the step's events from the start.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import streamlit as st

from knowledge.loader import load_panel
from ui.components.errors import user_facing_errors
from ui.components.labels import speaker
from ui.components.safe_text import escape_inline, escape_markdown
from ui.progress_brain import DEBRIEF_WRITER
from ui.steps import PanelStep, StepEvent

if TYPE_CHECKING:
    from agents.session import SessionView

CURSOR = " ▌"
POLL_S = 0.1
PHASE_TEXT = {
    None: ("waiting", ":material/hourglass_empty:"),
    "reading": ("reading your answer", ":material/menu_book:"),
    "asked": ("has a question ready", ":material/check_circle:"),
    "voting": ("deciding their vote", ":material/how_to_vote:"),
    "voted": ("has voted", ":material/check_circle:"),
    "writing": ("writing the debrief and checking every citation", ":material/edit_note:"),
    "written": ("debrief written", ":material/check_circle:"),
}
STEP_LABELS = {
    "start": "The panel is reading your answer…",
    "reply": "The panel is reading your reply…",
    "finish": "The panel is deliberating…",
}


class StepView:
    """The progress rows and the streamed drafts of one step, redrawn as events arrive."""

    def __init__(self) -> None:
        self.phases: dict[str, str | None] = {p.id: None for p in load_panel().panelists}
        self.drafts: dict[str, str] = {}
        self._rows = st.empty()
        self._clock = st.empty()
        self._slots: dict[str, Any] = {}

    def apply(self, event: StepEvent) -> None:
        """One event: a phase change (redraw the rows) or more question text."""
        if event.phase is not None:
            self.phases[event.panelist_id] = event.phase
            return
        pid = event.panelist_id
        if pid not in self._slots:
            who = speaker(pid)
            with st.chat_message(who.name, avatar=who.avatar):
                st.caption(f"**{escape_inline(who.name)}** is asking")
                self._slots[pid] = st.empty()
        text = "" if event.delta is None else self.drafts.get(pid, "") + event.delta
        self.drafts[pid] = text
        self._slots[pid].markdown(escape_markdown(text) + CURSOR)

    def draw(self, elapsed: float) -> None:
        """The per-panelist rows and the elapsed time."""
        lines = []
        for pid, phase in self.phases.items():
            if pid == DEBRIEF_WRITER:
                continue
            text, icon = PHASE_TEXT.get(phase, PHASE_TEXT[None])
            lines.append(f"{icon} **{escape_inline(speaker(pid).name)}** · {text}")
        writer = self.phases.get(DEBRIEF_WRITER)
        if writer is not None:
            text, icon = PHASE_TEXT[writer]
            lines.append(f"{icon} **Debrief** · {text}")
        self._rows.markdown("  \n".join(lines))
        self._clock.caption(f"{elapsed:.0f} s")

    def close(self) -> None:
        """The step is over: drafts stand as written, without the cursor."""
        for pid, slot in self._slots.items():
            slot.markdown(escape_markdown(self.drafts[pid]))


def watch_step(step: PanelStep) -> SessionView | None:
    """Draw the step's progress until it ends; its view, or None after showing its error."""
    label = STEP_LABELS[step.kind]
    with st.status(label, expanded=True) as status:
        live = StepView()
        seen = 0
        last_draw = -1.0
        while True:
            events = step.events_since(seen)
            seen += len(events)
            for event in events:
                live.apply(event)
            now = time.monotonic()
            if events or now - last_draw >= 1.0:
                live.draw(step.elapsed())
                last_draw = now
            if step.done and not step.events_since(seen):
                break
            time.sleep(POLL_S)
        live.draw(step.elapsed())
        live.close()
        with user_facing_errors(status):
            view = step.future.result()
            status.update(label="Done", state="complete", expanded=False)
            return view
    return None
