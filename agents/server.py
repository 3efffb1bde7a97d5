"""The graph as LangGraph's server loads it (`langgraph dev`, Studio, a platform deployment).

Loading this module starts preparing the shared run context (the brain, its model and
exemplars, the knowledge index) in a background thread, so that work happens at start-up,
off the event loop, and the first request does not wait for it longer than it must.
"""

from __future__ import annotations

import threading

from agents.context import shared_context
from agents.graph import graph
from knowledge.settings import Settings

__all__ = ["graph"]

threading.Thread(
    target=shared_context, args=(Settings(),), name="mockpanel-prepare", daemon=True
).start()
