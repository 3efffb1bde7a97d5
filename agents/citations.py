"""Citation checking: a debrief only shows quotes that are verbatim and snippet ids that exist."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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


def citing_parts(debrief: Debrief) -> Iterator[tuple[str, list[Citation]]]:
    """Each list of citations in a debrief with where it stands ("reasons[0]",
    "stage_scores.evaluation", "red_flags[1]", "votes[2]"); the lists themselves, not copies."""
    for i, reason in enumerate(debrief.reasons):
        yield f"reasons[{i}]", reason.citations
    for stage, score in debrief.stage_scores.items():
        yield f"stage_scores.{stage}", score.evidence
    for i, flag in enumerate(debrief.red_flags):
        yield f"red_flags[{i}]", flag.citations
    for i, vote in enumerate(debrief.votes):
        yield f"votes[{i}]", vote.citations


def all_citations(debrief: Debrief) -> list[Citation]:
    """Every citation the debrief makes: reasons, stage evidence, red flags and votes."""
    return [c for _, citations in citing_parts(debrief) for c in citations]


def validate_debrief(
    debrief: Debrief, transcript: list[Turn], retriever: SnippetIndex | None
) -> Debrief:
    """Drop every unverifiable citation (and any reason or red flag left without evidence)."""
    checker = CitationChecker(transcript, retriever)
    # A deep copy, so that rewriting its citation lists in place leaves the caller's alone.
    checked = debrief.model_copy(deep=True)
    for _, citations in citing_parts(checked):
        citations[:] = checker.keep(citations)

    reasons = [r for r in checked.reasons if r.citations]
    unverified = not reasons
    if unverified:
        reasons = [Reason(claim=UNVERIFIED_CLAIM, kind="concern", citations=[])]
    # A red flag that cited evidence and lost all of it is unsupported; a flag for something
    # absent (e.g. no gold set) may carry no citation at all.
    red_flags = [
        flag
        for flag, before in zip(checked.red_flags, debrief.red_flags, strict=True)
        if flag.citations or not before.citations
    ]

    return checked.model_copy(
        update={
            "reasons": reasons,
            "red_flags": red_flags,
            "dropped_citations": debrief.dropped_citations + checker.dropped,
            "needs_review": debrief.needs_review or unverified,
        }
    )
