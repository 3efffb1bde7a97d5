"""Probe text for the UI as it is written, relayed from the streamed structured call."""

from __future__ import annotations

from collections.abc import Callable

from agents.brains.claude.json_field_stream import JsonFieldStream, TrimmedText

FIRST_PROBE_TEXT = ("probes", 0, "text")


class ProbeTextRelay:
    """Sends a panelist's first probe text on while a ProbeSetDraft is being streamed.

    Only the characters of `probes[0].text` go out (decoded, trimmed as the probe will be);
    `settle` then makes the listener end on the text actually asked, resetting it first when
    the streamed words were replaced (a retry, a repair or the offline fallback). `send` takes
    a delta, or None for "discard what was sent" (see agents.probe_stream).
    """

    def __init__(self, send: Callable[[str | None], None]) -> None:
        self._send = send
        self._shown: list[str] = []
        self._field = JsonFieldStream(FIRST_PROBE_TEXT)
        self._trim = TrimmedText()

    def text(self, delta: str) -> None:
        """A delta of the JSON reply."""
        shown = self._trim.feed(self._field.feed(delta))
        if shown:
            self._shown.append(shown)
            self._send(shown)

    def restart(self) -> None:
        """The reply is being written again: discard what was shown, decode afresh."""
        if self._shown:
            self._shown.clear()
            self._send(None)
        self._field = JsonFieldStream(FIRST_PROBE_TEXT)
        self._trim = TrimmedText()

    def settle(self, final: str) -> None:
        """Leave the listener showing exactly `final`, the first probe's text as asked."""
        if "".join(self._shown) == final:
            return
        self.restart()
        if final:
            self._shown.append(final)
            self._send(final)
