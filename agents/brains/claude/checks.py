"""Semantic checks of Claude's output: ids that exist, quotes that are verbatim, rules kept."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from agents.brains.claude.render import unescape_quote
from agents.brains.claude.schemas import (
    AdviceDraft,
    CitationDraft,
    DebriefDraft,
    EvidenceRowDraft,
    ProbeSetDraft,
    VoteDraft,
)
from agents.brains.claude.scope import assessed, probe_stages
from agents.state import PAST_SHOWN_KINDS
from agents.transcript import Turn
from knowledge.models import Panelist, Question, Rubric

MIN_QUOTE_CHARS = 3
# Words too common to show that a probe names what the candidate said.
# fmt: off
_COMMON = frozenset({
    "about", "after", "also", "because", "could", "does", "each", "from", "have", "into", "just",
    "more", "most", "should", "some", "than", "that", "their", "them", "then", "there", "these",
    "they", "this", "those", "used", "using", "were", "what", "when", "where", "which", "while",
    "will", "with", "would", "your",
})
# fmt: on
_WORD = re.compile(r"[a-z0-9][a-z0-9%$.\-]*[a-z0-9%]|[0-9]")


def telling_words(text: str) -> set[str]:
    """Numbers and uncommon words of a text (lower-cased), as a probe would name them."""
    words = {w.strip(".-") for w in _WORD.findall(text.lower())}
    return {w for w in words if any(c.isdigit() for c in w) or (len(w) > 3 and w not in _COMMON)}


class SnippetLookup(Protocol):
    """Anything that can say whether a snippet id exists (the Retriever does)."""

    def has(self, snippet_id: str) -> bool:
        """True when the snippet exists."""
        ...


class OutputChecker:
    """Checks drafts against one transcript, the rubric and the snippet index."""

    def __init__(
        self,
        rubric: Rubric,
        transcript: Sequence[Turn],
        snippets: SnippetLookup,
        question: Question,
    ) -> None:
        self._rubric = rubric
        self._candidate_turns = {t.id: t.text for t in transcript if t.speaker == "candidate"}
        self._snippets = snippets
        self._question = question
        self._scope = assessed(question)
        self._signals = {s.id: s.stage for s in rubric.signals}
        self._flags = {f.id: f.stage for f in rubric.red_flags}

    def quote(self, turn: str, quote: str, where: str) -> tuple[str, list[str]]:
        """(the quote, restored if the model copied it from escaped text; its errors)."""
        text = self._candidate_turns.get(turn)
        if text is None:
            return quote, [f"{where}: turn {turn!r} is not a candidate turn of this transcript"]
        if quote not in text and unescape_quote(quote) in text:
            quote = unescape_quote(quote)
        if len(quote.strip()) < MIN_QUOTE_CHARS:
            return quote, [f"{where}: the quote is too short to be evidence"]
        if quote not in text:
            return quote, [f"{where}: the quote does not appear verbatim in turn {turn}"]
        return quote, []

    def _in_scope(self, stage: str, where: str) -> list[str]:
        if stage in self._scope:
            return []
        return [
            f"{where}: stage {stage!r} is not assessed by this question "
            f"(assessed: {', '.join(self._scope)}); leave it out"
        ]

    def citation(self, c: CitationDraft, where: str) -> list[str]:
        """Errors of one citation; a quote the model copied from escaped text is restored."""
        errors: list[str] = []
        if c.turn is None and c.snippet is None:
            return [f"{where}: a citation needs a turn and quote, or a snippet id"]
        if (c.turn is None) != (c.quote is None):
            errors.append(f"{where}: a turn citation needs both turn and quote")
        elif c.turn is not None and c.quote is not None:
            c.quote, found = self.quote(c.turn, c.quote, where)
            errors += found
        if c.snippet is not None and not self._snippets.has(c.snippet):
            errors.append(f"{where}: snippet {c.snippet!r} does not exist")
        return errors

    def citations(self, cs: Sequence[CitationDraft], where: str) -> list[str]:
        """Errors of a list of citations."""
        return [e for i, c in enumerate(cs) for e in self.citation(c, f"{where}.citations[{i}]")]

    def probes(self, draft: ProbeSetDraft, panelist: Panelist) -> list[str]:
        """Errors of a panelist's probes: in scope, anchored in the candidate's words, never
        asking for a signal already shown."""
        errors: list[str] = []
        allowed = probe_stages(panelist, self._question)
        shown = set(draft.shown_signals)
        for sid in draft.shown_signals:
            if sid not in self._signals:
                errors.append(f"shown_signals: {sid!r} is not a rubric signal id")
        for i, p in enumerate(draft.probes):
            where = f"probes[{i}]"
            if p.stage not in allowed:
                errors.append(
                    f"{where}: stage {p.stage!r} is not one this panelist may probe "
                    f"({', '.join(allowed)})"
                )
            past = p.gap_kind in PAST_SHOWN_KINDS
            if p.gap in shown and not past:
                errors.append(f"{where}: {p.gap!r} is already shown; probe a real gap instead")
            if past and p.gap not in shown:
                errors.append(
                    f"{where}: a {p.gap_kind} probe pushes past a signal in shown_signals"
                )
            errors += self._anchor(p.anchor, p.gap_kind, p.text, where)
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

    def _anchor(
        self, anchor: CitationDraft | None, gap_kind: str, text: str, where: str
    ) -> list[str]:
        """A probe follows up the candidate's own words (only a missing signal may have none)."""
        if anchor is None:
            if gap_kind != "missing_signal":
                return [f"{where}: a {gap_kind} probe needs an anchor quoting the candidate"]
            return []
        if anchor.turn is None or anchor.quote is None:
            return [f"{where}.anchor: needs the turn and the candidate's verbatim words"]
        anchor.quote, errors = self.quote(anchor.turn, anchor.quote, f"{where}.anchor")
        if (
            not errors
            and telling_words(anchor.quote)
            and not (telling_words(anchor.quote) & telling_words(text))
        ):
            errors.append(f"{where}: the text does not name anything from its anchor quote")
        return errors

    def vote(self, draft: VoteDraft) -> list[str]:
        """Errors of a vote."""
        errors = self.citations(draft.citations, "vote")
        if not draft.rationale.strip():
            errors.append("vote: rationale is empty")
        return errors

    def debrief(self, draft: DebriefDraft) -> list[str]:
        """Errors of a debrief: the evidence table, then scores, flags, reasons and advice that
        stay inside the question's scope and agree with the table."""
        errors: list[str] = []
        credited: set[str] = set()
        for i, row in enumerate(draft.evidence):
            errors += self.evidence_row(row, f"evidence[{i}]")
            if row.credited and row.signal:
                credited.add(row.signal)
        stages = [s.stage for s in draft.stage_scores]
        missing = [s for s in self._scope if s not in stages]
        doubled = sorted({s for s in stages if stages.count(s) > 1})
        if missing or doubled:
            errors.append(
                f"stage_scores: need each assessed stage exactly once "
                f"(missing {missing}, repeated {doubled})"
            )
        for i, s in enumerate(draft.stage_scores):
            where = f"stage_scores[{i}]"
            errors += self._in_scope(s.stage, where)
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
            else:
                errors += self._in_scope(self._flags[f.id], where)
            seen.add(f.id)
            errors += self.citations(f.citations, where)
        for i, r in enumerate(draft.reasons):
            if r.stage is not None:
                errors += self._in_scope(r.stage, f"reasons[{i}]")
            errors += self.citations(r.citations, f"reasons[{i}]")
        for i, a in enumerate(draft.advice):
            errors += self.advice(a, credited, f"advice[{i}]")
        return errors

    def evidence_row(self, row: EvidenceRowDraft, where: str) -> list[str]:
        """Errors of one evidence-table row: verbatim, ids of assessed stages, stance kept."""
        row.quote, errors = self.quote(row.turn, row.quote, where)
        for kind, ident, known in (
            ("signal", row.signal, self._signals),
            ("red flag", row.red_flag, self._flags),
        ):
            if ident is None:
                continue
            if ident not in known:
                errors.append(f"{where}: {ident!r} is not a rubric {kind} id")
            else:
                errors += self._in_scope(known[ident], where)
        if row.red_flag is not None and row.stance != "asserts":
            errors.append(f"{where}: a red flag needs the practice asserted, not {row.stance}")
        if row.credited and row.signal is None:
            errors.append(f"{where}: a credited row needs its signal")
        if row.credited and row.stance in ("hedges", "asks"):
            errors.append(f"{where}: a row that {row.stance} is not credited")
        return errors

    def advice(self, a: AdviceDraft, credited: set[str], where: str) -> list[str]:
        """Errors of one advice item: in scope, about a real id, never on credited ground."""
        errors = self._in_scope(a.stage, where)
        stage = self._signals.get(a.target) or self._flags.get(a.target)
        if stage is None:
            errors.append(f"{where}: target {a.target!r} is not a rubric signal or red-flag id")
        elif stage != a.stage:
            errors.append(f"{where}: target {a.target!r} belongs to stage {stage!r}")
        if a.target in credited:
            errors.append(f"{where}: {a.target!r} is credited in the evidence table; no advice")
        if a.citation is not None:
            errors += self.citation(a.citation, f"{where}.citation")
        return errors
