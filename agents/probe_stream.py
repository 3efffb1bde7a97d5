"""Probe text while a panelist is still writing it, on LangGraph's custom stream.

A brain that can stream sends each panelist's first probe through the run's stream writer
(`get_stream_writer()`); a caller that asks for `stream_mode="custom"` (LangGraph's server
and Studio included) receives the events, every other caller loses nothing by ignoring them.
One event, per panelist:

- `{"probe_text": {"panelist": ID, "delta": "text"}}`: more characters of the question;
- `{"probe_text": {"panelist": ID, "delta": null}}`: discard what this panelist streamed so far
  (a repair, a retry or a fallback replaced it); the final text follows as ordinary deltas.

So the concatenation of the deltas after the last reset is exactly the text of the panelist's
first probe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.config import get_stream_writer

PROBE_TEXT = "probe_text"

ProbeSink = Callable[[str, str | None], None]
"""(panelist id, delta) — a delta of None means "discard what you streamed for this panelist"."""


def probe_text_event(panelist_id: str, delta: str | None) -> dict[str, Any]:
    """The custom-stream event carrying one delta of a panelist's probe text."""
    return {PROBE_TEXT: {"panelist": panelist_id, "delta": delta}}


def probe_text_writer(panelist_id: str) -> Callable[[str | None], None] | None:
    """Where this panelist's probe deltas go in the graph run in progress; None outside one."""
    try:
        write = get_stream_writer()
    except RuntimeError:  # not inside a graph run (a brain called directly)
        return None
    return lambda delta: write(probe_text_event(panelist_id, delta))


def read_probe_text(chunk: Any) -> tuple[str, str | None] | None:
    """(panelist id, delta) of a custom-stream chunk carrying probe text; None for others."""
    if not isinstance(chunk, dict) or not isinstance(chunk.get(PROBE_TEXT), dict):
        return None
    event = chunk[PROBE_TEXT]
    panelist, delta = event.get("panelist"), event.get("delta")
    if not isinstance(panelist, str) or not (delta is None or isinstance(delta, str)):
        return None
    return panelist, delta
