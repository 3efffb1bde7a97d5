"""Citations the offline brain makes: verbatim sentences of a turn, or snippet ids."""

from __future__ import annotations

from agents.brains.offline.analysis import Analysis
from agents.debrief import Citation


def quote(analysis: Analysis, sentence: int) -> Citation:
    """A citation of one sentence, verbatim, in the turn it came from."""
    s = analysis.sentence(sentence)
    return Citation(turn=s.turn_id, quote=s.text)


def quotes(analysis: Analysis, sentences: list[int], limit: int) -> list[Citation]:
    """Citations of distinct sentences, in order, at most `limit`."""
    seen: list[int] = []
    for index in sentences:
        if index not in seen:
            seen.append(index)
        if len(seen) == limit:
            break
    return [quote(analysis, i) for i in seen]


def snippets(ids: list[str]) -> list[Citation]:
    """Citations of snippet ids."""
    return [Citation(snippet=i) for i in ids]
