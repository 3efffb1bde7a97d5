"""Where a brain sends the text of a panelist's first probe while the model is still writing it.

A caller (the UI) installs a sink for one graph run; every `probe` task of that run inherits it
(LangGraph copies the context into its node tasks), so concurrent sessions never mix. A brain
that can stream sends the characters of the probe it is producing; brains that cannot simply
never call it. The protocol of a sink, per panelist:

- `sink(panelist_id, "text")`: more characters of the question being written;
- `sink(panelist_id, None)`: discard what this panelist streamed so far (a repair, a retry or
  a fallback replaced it); the final text follows as ordinary deltas.

So the concatenation of the deltas after the last reset is exactly the text of the panelist's
first probe.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ProbeSink = Callable[[str, str | None], None]
"""(panelist id, delta) — a delta of None means "discard what you streamed for this panelist"."""

_SINK: contextvars.ContextVar[ProbeSink | None] = contextvars.ContextVar(
    "mockpanel_probe_sink", default=None
)


def current_sink() -> ProbeSink | None:
    """The sink of the run in progress, or None when nobody is listening."""
    return _SINK.get()


@contextmanager
def streaming_probes_to(sink: ProbeSink | None) -> Iterator[None]:
    """Within the block (and every task started from it), probe text goes to `sink`."""
    token = _SINK.set(sink)
    try:
        yield
    finally:
        _SINK.reset(token)
