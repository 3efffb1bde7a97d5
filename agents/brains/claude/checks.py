"""Semantic checks of Claude's output: ids that exist, quotes that are verbatim, rules kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from agents.brains.claude.render import unescape_quote
from agents.brains.claude.schemas import (
    CitationDraft,
    DebriefDraft,
    ProbeSetDraft,
    VoteDraft,
)
from agents.transcript import Turn
from knowledge.models import STAGE_IDS, Panelist, Rubric

MIN_QUOTE_CHARS = 3


class SnippetLookup(Protocol):
    """Anything that can say whether a snippet id exists (the Retriever does)."""

    def has(self, snippet_id: str) -> bool:
        """True when the snippet exists."""
        ...


class OutputChecker:
    """Checks drafts against one transcript, the rubric and the snippet index."""

    def __init__(self, rubric: Rubric, transcript: Sequence[Turn], snippets: SnippetLookup) -> None:
        self._rubric = rubric
        self._candidate_turns = {t.id: t.text for t in transcript if t.speaker == "candidate"}
        self._snippets = snippets
        self._signals = {s.id: s.stage for s in rubric.signals}
        self._flags = {f.id: f.stage for f in rubric.red_flags}

    def citation(self, c: CitationDraft, where: str) -> list[str]:
        """Errors of one citation; a quote the model copied from escaped text is restored."""
        errors: list[str] = []
        if c.turn is None and c.snippet is None:
            return [f"{where}: a citation needs a turn and quote, or a snippet id"]
        if (c.turn is None) != (c.quote is None):
            errors.append(f"{where}: a turn citation needs both turn and quote")
        elif c.turn is not None and c.quote is not None:
            text = self._candidate_turns.get(c.turn)
            if text is None:
                errors.append(
                    f"{where}: turn {c.turn!r} is not a candidate turn of this transcript"
                )
            else:
                if c.quote not in text and unescape_quote(c.quote) in text:
                    c.quote = unescape_quote(c.quote)
                if len(c.quote.strip()) < MIN_QUOTE_CHARS:
                    errors.append(f"{where}: the quote is too short to be evidence")
                elif c.quote not in text:
                    errors.append(f"{where}: the quote does not appear verbatim in turn {c.turn}")
        if c.snippet is not None and not self._snippets.has(c.snippet):
            errors.append(f"{where}: snippet {c.snippet!r} does not exist")
        return errors

    def citations(self, cs: Sequence[CitationDraft], where: str) -> list[str]:
        """Errors of a list of citations."""
        return [e for i, c in enumerate(cs) for e in self.citation(c, f"{where}.citations[{i}]")]

    def probes(self, draft: ProbeSetDraft, panelist: Panelist) -> list[str]:
        """Errors of a panelist's probes."""
        errors: list[str] = []
        for i, p in enumerate(draft.probes):
            where = f"probes[{i}]"
            if p.stage not in panelist.stages:
                errors.append(
                    f"{where}: stage {p.stage!r} is not one this panelist owns "
                    f"({', '.join(panelist.stages)})"
                )
            if p.gap in self._flags:
                if p.gap_kind != "red_flag":
                    errors.append(
                        f"{where}: gap {p.gap!r} is a red flag; gap_kind must be red_flag"
                    )
            elif p.gap in self._signals:
                if p.gap_kind == "red_flag":
                    errors.append(f"{where}: gap {p.gap!r} is a signal, not a red flag")
                if self._signals[p.gap] != p.stage:
                    errors.append(
                        f"{where}: signal {p.gap!r} belongs to stage {self._signals[p.gap]!r}"
                    )
            else:
                errors.append(f"{where}: gap {p.gap!r} is not a rubric signal or red-flag id")
            if not p.text.strip():
                errors.append(f"{where}: text is empty")
            for sid in p.snippet_ids:
                if not self._snippets.has(sid):
                    errors.append(f"{where}: snippet {sid!r} does not exist")
        return errors

    def vote(self, draft: VoteDraft) -> list[str]:
        """Errors of a vote."""
        errors = self.citations(draft.citations, "vote")
        if not draft.rationale.strip():
            errors.append("vote: rationale is empty")
        return errors

    def debrief(self, draft: DebriefDraft) -> list[str]:
        """Errors of a debrief."""
        errors: list[str] = []
        stages = [s.stage for s in draft.stage_scores]
        missing = [s for s in STAGE_IDS if s not in stages]
        doubled = sorted({s for s in stages if stages.count(s) > 1})
        if missing or doubled:
            errors.append(
                f"stage_scores: need each of the five stages exactly once "
                f"(missing {missing}, repeated {doubled})"
            )
        for i, s in enumerate(draft.stage_scores):
            where = f"stage_scores[{i}]"
            for sig in [*s.signals_found, *s.signals_missing]:
                if self._signals.get(sig) != s.stage:
                    errors.append(f"{where}: {sig!r} is not a signal id of stage {s.stage!r}")
            errors += self.citations(s.evidence, f"{where}.evidence")
        seen: set[str] = set()
        for i, f in enumerate(draft.red_flags):
            where = f"red_flags[{i}]"
            if f.id not in self._flags:
                errors.append(f"{where}: {f.id!r} is not a rubric red-flag id")
            elif f.id in seen:
                errors.append(f"{where}: {f.id!r} is listed twice")
            seen.add(f.id)
            errors += self.citations(f.citations, where)
        for i, r in enumerate(draft.reasons):
            errors += self.citations(r.citations, f"reasons[{i}]")
        return errors
