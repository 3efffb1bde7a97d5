"""The suite's test doubles in one place: snippet indexes and brains."""

from __future__ import annotations

from tests.doubles.brains import (
    Call,
    CountingBrain,
    FakeBrain,
    StreamingOfflineBrain,
    StubOffline,
    overlapping,
)
from tests.doubles.indexes import KNOWN_SNIPPETS, CorpusIndex, KnownSnippets

__all__ = [
    "KNOWN_SNIPPETS",
    "Call",
    "CorpusIndex",
    "CountingBrain",
    "FakeBrain",
    "KnownSnippets",
    "StreamingOfflineBrain",
    "StubOffline",
    "overlapping",
]
