"""Writes the debrief: stage scores with evidence, red flags, cited reasons, votes, advice."""

from __future__ import annotations

import json

from agents.brains.offline.advice import Advisor
from agents.brains.offline.analysis import Analysis
from agents.brains.offline.calibration import Calibration
from agents.brains.offline.citations import snippets
from agents.brains.offline.grounding import SnippetFinder
from agents.brains.offline.reading import Reading
from agents.brains.offline.red_flags import FlagFinding
from agents.brains.offline.scoring import covered_stages, disqualifying
from agents.debrief import (
    Citation,
    Debrief,
    PanelVote,
    Reason,
    RedFlagFinding,
    StageScore,
    Usage,
)
from agents.transcript import Turn
from knowledge.models import Rubric, Signal, StageId

EVIDENCE_PER_STAGE = 3
NAMES_PER_CLAIM = 4
MISSING_PER_CLAIM = 3


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


class DebriefWriter:
    """Assembles a Debrief from a reading: every score, flag, reason and advice item is read
    off the same evidence table, citing only what exists."""

    def __init__(self, rubric: Rubric, calibration: Calibration, finder: SnippetFinder) -> None:
        self.rubric = rubric
        self.calibration = calibration
        self.finder = finder

    def write(
        self, reading: Reading, transcript: list[Turn], votes: list[PanelVote], usage: Usage
    ) -> Debrief:
        """The full debrief."""
        result = reading.verdict
        review = (
            result.confidence < self.calibration.scoring.confidence.review_below
            or len({v.decision for v in votes}) > 1
            or reading.off_question
            or reading.analysis.state == "not_english"
        )
        return Debrief(
            decision=result.decision,
            strength=result.strength,
            confidence=result.confidence,
            stage_scores={s: self._stage_score(reading, s) for s in reading.scope},
            red_flags=[
                RedFlagFinding(
                    id=f.flag.id,
                    name=f.flag.name,
                    stage=f.flag.stage,
                    severity=f.flag.severity,
                    citations=self._flag_citations(reading, f),
                )
                for f in reading.flags
            ],
            reasons=self._reasons(reading),
            votes=list(votes),
            advice=Advisor(self.rubric, self.calibration).advice(reading),
            scope=list(reading.scope),
            evidence=list(reading.rows),
            transcript=list(transcript),
            brain="offline",
            needs_review=review,
            usage=usage,
        )

    def _names(self, signal_ids: list[str]) -> str:
        names = [_lower_first(self._signal(s).name) for s in signal_ids]
        return "; ".join(names[:NAMES_PER_CLAIM]) + (
            f" and {len(names) - NAMES_PER_CLAIM} more" if len(names) > NAMES_PER_CLAIM else ""
        )

    def _signal(self, signal_id: str) -> Signal:
        return next(s for s in self.rubric.signals if s.id == signal_id)

    def _stage_score(self, reading: Reading, stage: StageId) -> StageScore:
        tpl = self.calibration.writer.summary_templates
        credited_rows = reading.credited_rows(stage)
        credited = _unique([reading.rows[i].signal for i in credited_rows])
        thin = _unique([reading.rows[i].signal for i in reading.thin_rows(stage)])
        if credited:
            summary = tpl["credited"].format(n=len(credited), names=self._names(credited))
        elif thin:
            summary = tpl["thin_only"].format(names=self._names(thin))
        else:
            summary = tpl["absent"]
        best = [reading.best_row(s) for s in credited]
        return StageScore(
            stage=stage,
            score=reading.scores[stage],
            summary=summary,
            signals_found=credited,
            signals_missing=[
                s.id
                for s in self.rubric.signals_for(stage)
                if s.id not in set(credited) and reading.in_focus(s.id)
            ],
            evidence=_row_quotes(reading, [i for i in best if i is not None], EVIDENCE_PER_STAGE),
        )

    def _flag_citations(self, reading: Reading, finding: FlagFinding) -> list[Citation]:
        """Quotes of the flagged sentences; for a flag raised by absence, a past-debrief note."""
        if finding.sentences:
            return _row_quotes(reading, list(finding.sentences), 2)
        flag = finding.flag
        query = f"{flag.name}. {' '.join(flag.description.split())}"
        return snippets(self.finder.find(query, 1, stage=flag.stage, panelist=flag.owner))

    def _stage_snippet(self, stage: str, polarity: str) -> list[Citation]:
        st = self.rubric.stage(stage)
        ids = self.finder.find(
            f"{st.name}. {st.description}", 1, stage=stage, panelist=st.owner, polarity=polarity
        )
        return snippets(ids)

    def _reasons(self, reading: Reading) -> list[Reason]:
        """The overall reason first, then answer-level concerns, red flags and stage reasons."""
        analysis = reading.analysis
        counted = [s.index for s in analysis.sentences if s.index not in analysis.injection]
        # A pleasantry ("Great question.") stands for nothing the answer says.
        said = [i for i in counted if not _is_filler(analysis, i)] or counted
        first_sentence = _row_quotes(reading, said[:1] or [0], 1) if reading.rows else []
        reasons = self._answer_concerns(reading, counted, first_sentence)
        reasons += self._flag_reasons(reading)
        reasons += self._buzzword_reasons(reading, first_sentence)
        if analysis.state == "ok" and not reading.off_question:
            reasons.extend(self._stage_reasons(reading))
        reasons.insert(0, self._overall(reading, reasons, first_sentence))
        return [r for r in reasons if r.citations]

    def _answer_concerns(
        self, reading: Reading, counted: list[int], first_sentence: list[Citation]
    ) -> list[Reason]:
        """An unusable answer, an answer to another question, and text aimed at the panel."""
        tpl = self.calibration.writer.reasons
        analysis = reading.analysis
        reasons: list[Reason] = []
        if analysis.state != "ok":
            claim = {
                "empty": tpl.empty.format(words=analysis.word_count),
                "gibberish": tpl.gibberish,
                "not_english": tpl.not_english,
                "off_topic": tpl.off_topic,
            }[analysis.state]
            cites = _row_quotes(reading, counted, 2) or first_sentence
            if not cites:
                cites = self._stage_snippet(reading.scope[0], "negative")
            reasons.append(Reason(claim=claim, kind="concern", citations=cites))
        elif reading.off_question and not reading.relevance.names_product:
            terms = reading.question.product_terms[:3]
            claim = tpl.off_product.format(
                asked=_lower_first(reading.question.title),
                terms=", ".join(terms[:-1]) + " or " + terms[-1] if len(terms) > 1 else terms[0],
            )
            reasons.append(
                Reason(claim=claim, kind="concern", citations=_row_quotes(reading, counted, 2))
            )
        elif reading.off_question:
            claim = tpl.off_question.format(
                other=_lower_first(reading.relevance.other_title or "another question"),
                asked=_lower_first(reading.question.title),
            )
            reasons.append(
                Reason(claim=claim, kind="concern", citations=_row_quotes(reading, counted, 2))
            )
        if reading.missing_asks and not reading.off_question:
            asks = [_lower_first(a.phrase) for a in reading.missing_asks]
            named = asks[0] if len(asks) == 1 else ", ".join(asks[:-1]) + " and " + asks[-1]
            stage = reading.signals[reading.missing_asks[0].signals[0]].stage
            reasons.append(
                Reason(
                    claim=tpl.missing_asks.format(asks=named),
                    stage=stage,
                    kind="concern",
                    citations=self._stage_snippet(stage, "negative"),
                )
            )
        if analysis.injection:
            cites = _row_quotes(reading, sorted(analysis.injection), 2)
            reasons.append(Reason(claim=tpl.injection, kind="concern", citations=cites))
        return reasons

    def _flag_reasons(self, reading: Reading) -> list[Reason]:
        """One concern per red flag, most severe first."""
        tpl = self.calibration.writer.reasons
        return [
            Reason(
                claim=tpl.red_flag.format(
                    flag_name=f.flag.name, flag_description=" ".join(f.flag.description.split())
                ),
                stage=f.flag.stage,
                kind="concern",
                citations=self._flag_citations(reading, f),
            )
            for f in sorted(reading.flags, key=lambda f: (-f.flag.severity, f.flag.id))
        ]

    def _buzzword_reasons(self, reading: Reading, first_sentence: list[Citation]) -> list[Reason]:
        """A concern when the answer names rubric terms without backing them."""
        analysis = reading.analysis
        if not reading.buzzword_dense:
            return []
        named = sorted(
            (
                i
                for i, f in enumerate(analysis.features)
                if f.term_count and i not in analysis.injection
            ),
            key=lambda i: (-analysis.features[i].term_count, i),
        )
        cites = (
            _row_quotes(reading, sorted(analysis.buzzword_lists), 2)
            or _row_quotes(reading, sorted(named[:2]), 2)
            or first_sentence
        )
        if not cites:
            return []
        claim = self.calibration.writer.reasons.buzzwords.format(
            terms=analysis.buzzword_terms, credited=len(reading.credited_signals())
        )
        return [Reason(claim=claim, kind="concern", citations=cites)]

    def _overall(
        self, reading: Reading, reasons: list[Reason], first_sentence: list[Citation]
    ) -> Reason:
        """The decision's headline, cited with the first quotes of the reasons that support it."""
        tpl = self.calibration.writer.reasons
        hire = reading.verdict.decision == "hire"
        covered = covered_stages(reading.scores, self.calibration.scoring, reading.scope)
        wanted = "strength" if hire else "concern"
        support: list[Citation] = []
        for r in reasons:
            if r.kind == wanted and r.citations:
                support.extend(r.citations[:1])
            if len(support) >= 2:
                break
        if not support and hire:
            # Nothing in depth: the hire rests on the credited sentences, not on the opening line.
            support = _row_quotes(reading, reading.credited_rows(), 2)
        if not support:
            support = first_sentence or self._stage_snippet(reading.scope[0], "negative")
        assessed = len(reading.scope)
        sinking = disqualifying(reading.flags, self.calibration.scoring)
        if not hire and sinking and covered:
            template = tpl.decision_flagged
        elif assessed == 1:
            template = tpl.decision_single_hire if hire else tpl.decision_single_no_hire
        elif covered == 0 and not hire:
            template = tpl.decision_none
        elif hire and covered == 0:
            template = tpl.decision_spread_hire
        elif hire and 2 * covered < assessed:
            template = tpl.decision_thin_hire
        else:
            template = tpl.decision_hire if hire else tpl.decision_no_hire
        claim = template.format(
            covered=covered,
            assessed=assessed,
            stages="stage" if assessed == 1 else "stages",
            stage_name=_lower_first(self.rubric.stage(reading.scope[0]).name),
            flag=_lower_first(sinking[0].flag.name) if sinking else "",
        )
        return Reason(claim=claim, kind=wanted, citations=support)

    def _stage_reasons(self, reading: Reading) -> list[Reason]:
        tpl = self.calibration.writer.reasons
        covered_score = self.calibration.scoring.decision.covered_score
        strengths: list[Reason] = []
        concerns: list[Reason] = []
        hedges = reading.hedge_rows()
        for stage_id in reading.scope:
            stage = self.rubric.stage(stage_id)
            credited_rows = reading.credited_rows(stage_id)
            credited = _unique([reading.rows[i].signal for i in credited_rows])
            thin_rows = reading.thin_rows(stage_id)
            thin = _unique([reading.rows[i].signal for i in thin_rows])
            hedged = [i for i in hedges if reading.rows[i].stage == stage_id]
            if credited and reading.scores[stage_id] >= covered_score:
                best = [reading.best_row(s) for s in credited]
                strengths.append(
                    Reason(
                        claim=tpl.strength.format(
                            stage_name=stage.name, names=self._names(credited)
                        ),
                        stage=stage_id,
                        kind="strength",
                        citations=_row_quotes(reading, [i for i in best if i is not None], 2),
                    )
                )
            if hedged:
                said = _unique([reading.hedge_topics.get(i) for i in hedged])
                admitted = [t for t in said if not reading.shown(t)]
                template = tpl.hedge_on if admitted else tpl.hedge_further
                if set(hedged) <= reading.analysis.undecided:
                    template = tpl.undecided_on
                topics = admitted or said
                claim = (
                    template.format(
                        stage_name=stage.name,
                        topics="; ".join(self.calibration.probes.focus[t] for t in topics[:2]),
                    )
                    if topics
                    else tpl.hedge.format(stage_name=stage.name)
                )
                concerns.append(
                    Reason(
                        claim=claim,
                        stage=stage_id,
                        kind="concern",
                        citations=_row_quotes(reading, hedged, 2),
                    )
                )
            if thin:
                concerns.append(
                    Reason(
                        claim=tpl.thin.format(stage_name=stage.name, names=self._names(thin)),
                        stage=stage_id,
                        kind="concern",
                        citations=_row_quotes(reading, thin_rows, 2),
                    )
                )
            if reading.scores[stage_id] <= 2 and not thin and not hedged:
                missing = [
                    s
                    for s in self.rubric.signals_for(stage_id)
                    if not reading.touched(s.id) and reading.in_focus(s.id)
                ]
                missing.sort(key=lambda s: (-s.weight, s.id))
                if missing:
                    concerns.append(
                        Reason(
                            claim=tpl.missing.format(
                                stage_name=stage.name,
                                names="; ".join(
                                    self.calibration.probes.focus[s.id]
                                    for s in missing[:MISSING_PER_CLAIM]
                                ),
                            ),
                            stage=stage_id,
                            kind="concern",
                            citations=self._stage_snippet(stage_id, "negative"),
                        )
                    )
        return strengths + concerns


def _unique(items: list[str | None]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


def _row_quotes(reading: Reading, indices: list[int], limit: int) -> list[Citation]:
    """Citations of distinct sentences of the table, in the given order, at most `limit`."""
    out: list[Citation] = []
    seen: set[int] = set()
    for i in indices:
        if i in seen or not 0 <= i < len(reading.rows):
            continue
        seen.add(i)
        row = reading.rows[i]
        out.append(Citation(turn=row.turn, quote=row.quote))
        if len(out) == limit:
            break
    return out


def debrief_json_without_latency(debrief: Debrief) -> str:
    """Canonical JSON of a debrief with every latency zeroed, for determinism checks."""
    data = debrief.model_dump(mode="json")
    usage = data.get("usage") or {}
    usage["latency_ms"] = 0.0
    for call in usage.get("calls", []):
        call["latency_ms"] = 0.0
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _is_filler(analysis: Analysis, index: int) -> bool:
    """Whether the sentence is a pleasantry or connective that says nothing of its own."""
    return index < len(analysis.features) and analysis.features[index].filler
