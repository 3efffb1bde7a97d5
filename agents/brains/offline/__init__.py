"""The offline brain: a deterministic rubric engine that needs no key and no network."""

from agents.brains.offline.brain import OfflineBrain
from agents.brains.offline.writer import debrief_json_without_latency

__all__ = ["OfflineBrain", "debrief_json_without_latency"]
