"""Citation checking: a debrief only shows quotes that are verbatim and snippet ids that exist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from agents.debrief import Citation, Debrief, Reason
from agents.transcript import Turn

MIN_QUOTE_CHARS = 3
UNVERIFIED_CLAIM = (
    "The evidence behind this decision could not be verified against the transcript "
    "or the debrief notes; treat the decision with caution."
)


class SnippetIndex(Protocol):
    """Anything that can say whether a debrief-snippet id exists (the Retriever does)."""

    def has(self, snippet_id: str) -> bool:
        """True when a snippet with this id exists."""
        ...


class CitationChecker:
    """Checks citations against one transcript and one snippet index, counting what it drops."""

    def __init__(self, transcript: Iterable[Turn], index: SnippetIndex | None) -> None:
        self._turns = {t.id: t.text for t in transcript}
        self._index = index
        self.dropped = 0

    def quote_ok(self, turn_id: str, quote: str) -> bool:
        """The turn exists and the quote (at least 3 visible characters) occurs in it verbatim."""
        text = self._turns.get(turn_id)
        return text is not None and len(quote.strip()) >= MIN_QUOTE_CHARS and quote in text

    def snippet_ok(self, snippet_id: str) -> bool:
        """The snippet exists in the index (nothing can be verified without one)."""
        return self._index is not None and self._index.has(snippet_id)

    def keep(self, citations: Iterable[Citation]) -> list[Citation]:
        """The valid citations (an invalid part of a citation is removed and counted)."""
        kept: list[Citation] = []
        for c in citations:
            turn_ok = c.turn is not None and c.quote is not None and self.quote_ok(c.turn, c.quote)
            snippet_ok = c.snippet is not None and self.snippet_ok(c.snippet)
            self.dropped += int(c.turn is not None and not turn_ok)
            self.dropped += int(c.snippet is not None and not snippet_ok)
            if not (turn_ok or snippet_ok):
                continue
            valid = Citation(
                turn=c.turn if turn_ok else None,
                quote=c.quote if turn_ok else None,
                snippet=c.snippet if snippet_ok else None,
            )
            if valid not in kept:
                kept.append(valid)
        return kept


def validate_debrief(
    debrief: Debrief, transcript: list[Turn], retriever: SnippetIndex | None
) -> Debrief:
    """Drop every unverifiable citation (and any reason or red flag left without evidence)."""
    checker = CitationChecker(transcript, retriever)

    reasons = [
        r.model_copy(update={"citations": kept})
        for r in debrief.reasons
        if (kept := checker.keep(r.citations))
    ]
    unverified = not reasons
    if unverified:
        reasons = [Reason(claim=UNVERIFIED_CLAIM, kind="concern", citations=[])]

    stage_scores = {
        stage: score.model_copy(update={"evidence": checker.keep(score.evidence)})
        for stage, score in debrief.stage_scores.items()
    }
    # A red flag that cited evidence and lost all of it is unsupported; a flag for something
    # absent (e.g. no gold set) may carry no citation at all.
    red_flags = []
    for flag in debrief.red_flags:
        kept_flag = checker.keep(flag.citations)
        if flag.citations and not kept_flag:
            continue
        red_flags.append(flag.model_copy(update={"citations": kept_flag}))
    votes = [v.model_copy(update={"citations": checker.keep(v.citations)}) for v in debrief.votes]

    return debrief.model_copy(
        update={
            "reasons": reasons,
            "stage_scores": stage_scores,
            "red_flags": red_flags,
            "votes": votes,
            "dropped_citations": debrief.dropped_citations + checker.dropped,
            "needs_review": debrief.needs_review or unverified,
        }
    )
