"""Writes the debrief: stage scores with evidence, red flags, cited reasons, votes, advice."""

from __future__ import annotations

import json

from agents.brains.offline.analysis import Analysis
from agents.brains.offline.calibration import Calibration
from agents.brains.offline.citations import quote, quotes, snippets
from agents.brains.offline.grounding import SnippetFinder
from agents.brains.offline.red_flags import FlagFinding
from agents.brains.offline.scoring import Verdict, covered_stages
from agents.debrief import (
    Advice,
    Citation,
    Debrief,
    PanelVote,
    Reason,
    RedFlagFinding,
    StageScore,
    Usage,
)
from agents.transcript import Turn
from knowledge.models import STAGE_IDS, Rubric

EVIDENCE_PER_STAGE = 3
NAMES_PER_CLAIM = 4


def _names(items: list[str]) -> str:
    shown = items[:NAMES_PER_CLAIM]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


class DebriefWriter:
    """Assembles a Debrief from an analysis and a verdict, citing only what exists."""

    def __init__(self, rubric: Rubric, calibration: Calibration, finder: SnippetFinder) -> None:
        self.rubric = rubric
        self.calibration = calibration
        self.finder = finder

    def write(
        self,
        analysis: Analysis,
        scores: dict[str, int],
        result: Verdict,
        transcript: list[Turn],
        votes: list[PanelVote],
        usage: Usage,
    ) -> Debrief:
        """The full debrief."""
        review = result.confidence < self.calibration.scoring.confidence.review_below or (
            len({v.decision for v in votes}) > 1
        )
        return Debrief(
            decision=result.decision,
            strength=result.strength,
            confidence=result.confidence,
            stage_scores={s: self._stage_score(analysis, s, scores[s]) for s in STAGE_IDS},
            red_flags=[
                RedFlagFinding(
                    id=f.flag.id,
                    name=f.flag.name,
                    stage=f.flag.stage,
                    severity=f.flag.severity,
                    citations=self._flag_citations(analysis, f),
                )
                for f in analysis.flags
            ],
            reasons=self._reasons(analysis, scores, result),
            votes=list(votes),
            advice=self._advice(analysis, scores),
            transcript=list(transcript),
            brain="offline",
            needs_review=review,
            usage=usage,
        )

    def _stage_score(self, analysis: Analysis, stage: str, score: int) -> StageScore:
        tpl = self.calibration.writer.summary_templates
        signals = self.rubric.signals_for(stage)
        credited = [analysis.findings[s.id] for s in signals if analysis.findings[s.id].credited]
        thin = [analysis.findings[s.id] for s in signals if analysis.findings[s.id].thin]
        if credited:
            summary = tpl["credited"].format(
                n=len(credited), names=_names([_lower_first(f.signal.name) for f in credited])
            )
        elif thin:
            summary = tpl["thin_only"].format(
                names=_names([_lower_first(f.signal.name) for f in thin])
            )
        else:
            summary = tpl["absent"]
        evidence = [f.best.sentence for f in credited if f.best is not None]
        return StageScore(
            stage=stage,
            score=score,
            summary=summary,
            signals_found=[f.signal.id for f in credited],
            signals_missing=[s.id for s in signals if not analysis.findings[s.id].credited],
            evidence=quotes(analysis, evidence, EVIDENCE_PER_STAGE),
        )

    def _flag_citations(self, analysis: Analysis, finding: FlagFinding) -> list[Citation]:
        """Quotes of the flagged sentences; for a flag raised by absence, a past-debrief note."""
        if finding.sentences:
            return quotes(analysis, list(finding.sentences), 2)
        flag = finding.flag
        query = f"{flag.name}. {' '.join(flag.description.split())}"
        return snippets(self.finder.find(query, 1, stage=flag.stage, panelist=flag.owner))

    def _stage_snippet(self, stage: str, polarity: str) -> list[Citation]:
        st = self.rubric.stage(stage)
        ids = self.finder.find(
            f"{st.name}. {st.description}", 1, stage=stage, panelist=st.owner, polarity=polarity
        )
        return snippets(ids)

    def _reasons(self, analysis: Analysis, scores: dict[str, int], result: Verdict) -> list[Reason]:
        tpl = self.calibration.writer.reasons
        reasons: list[Reason] = []
        first_sentence = [quote(analysis, 0)] if analysis.sentences else []

        if analysis.state != "ok":
            claim = {
                "empty": tpl.empty.format(words=analysis.word_count),
                "gibberish": tpl.gibberish,
                "off_topic": tpl.off_topic,
            }[analysis.state]
            counted = [s.index for s in analysis.sentences if s.index not in analysis.injection]
            cites = quotes(analysis, counted, 2) or first_sentence
            if not cites:
                cites = self._stage_snippet("objective", "negative")
            reasons.append(Reason(claim=claim, kind="concern", citations=cites))

        if analysis.injection:
            reasons.append(
                Reason(
                    claim=tpl.injection,
                    kind="concern",
                    citations=quotes(analysis, sorted(analysis.injection), 2),
                )
            )

        for f in sorted(analysis.flags, key=lambda f: (-f.flag.severity, f.flag.id)):
            reasons.append(
                Reason(
                    claim=tpl.red_flag.format(
                        flag_name=f.flag.name, flag_description=" ".join(f.flag.description.split())
                    ),
                    stage=f.flag.stage,
                    kind="concern",
                    citations=self._flag_citations(analysis, f),
                )
            )

        if analysis.buzzword_dense:
            credited = len(analysis.credited_signals())
            cites = quotes(analysis, sorted(analysis.buzzword_lists), 2)
            if not cites:
                cites = first_sentence
            if cites:
                reasons.append(
                    Reason(
                        claim=tpl.buzzwords.format(
                            terms=analysis.buzzword_terms, credited=credited
                        ),
                        kind="concern",
                        citations=cites,
                    )
                )

        if analysis.state == "ok":
            reasons.extend(self._stage_reasons(analysis, scores))

        covered = covered_stages(scores, self.calibration.scoring)
        overall = tpl.decision_hire if result.decision == "hire" else tpl.decision_no_hire
        support: list[Citation] = []
        for r in reasons:
            wanted = "strength" if result.decision == "hire" else "concern"
            if r.kind == wanted and r.citations:
                support.extend(r.citations[:1])
            if len(support) >= 2:
                break
        if not support:
            support = first_sentence or self._stage_snippet("objective", "negative")
        reasons.insert(
            0,
            Reason(
                claim=overall.format(covered=covered),
                kind=("strength" if result.decision == "hire" else "concern"),
                citations=support,
            ),
        )
        return [r for r in reasons if r.citations]

    def _stage_reasons(self, analysis: Analysis, scores: dict[str, int]) -> list[Reason]:
        tpl = self.calibration.writer.reasons
        strengths: list[Reason] = []
        concerns: list[Reason] = []
        for stage_id in STAGE_IDS:
            stage = self.rubric.stage(stage_id)
            signals = self.rubric.signals_for(stage_id)
            credited = [
                analysis.findings[s.id] for s in signals if analysis.findings[s.id].credited
            ]
            thin = [analysis.findings[s.id] for s in signals if analysis.findings[s.id].thin]
            if credited and scores[stage_id] >= self.calibration.scoring.decision.covered_score:
                strengths.append(
                    Reason(
                        claim=tpl.strength.format(
                            stage_name=stage.name,
                            names=_names([_lower_first(f.signal.name) for f in credited]),
                        ),
                        stage=stage_id,
                        kind="strength",
                        citations=quotes(
                            analysis, [f.best.sentence for f in credited if f.best], 2
                        ),
                    )
                )
            if thin:
                concerns.append(
                    Reason(
                        claim=tpl.thin.format(
                            stage_name=stage.name,
                            names=_names([_lower_first(f.signal.name) for f in thin]),
                        ),
                        stage=stage_id,
                        kind="concern",
                        citations=quotes(analysis, [f.best.sentence for f in thin if f.best], 2),
                    )
                )
            if scores[stage_id] <= 2 and not thin:
                missing = [s for s in signals if not analysis.findings[s.id].credited]
                missing.sort(key=lambda s: (-s.weight, s.id))
                concerns.append(
                    Reason(
                        claim=tpl.missing.format(
                            stage_name=stage.name,
                            names=_names([_lower_first(s.name) for s in missing]),
                        ),
                        stage=stage_id,
                        kind="concern",
                        citations=self._stage_snippet(stage_id, "negative"),
                    )
                )
        return strengths + concerns

    def _advice(self, analysis: Analysis, scores: dict[str, int]) -> list[Advice]:
        advice_tpl = self.calibration.writer.advice
        order = sorted(STAGE_IDS, key=lambda s: (scores[s], self.rubric.stage(s).order))
        weak = [s for s in order if scores[s] <= 2][:3] or order[:1]
        advice = [advice_tpl[s] for s in weak]
        for f in sorted(analysis.flags, key=lambda f: (-f.flag.severity, f.flag.id))[:2]:
            advice.append(
                advice_tpl["red_flag"].format(
                    flag_name=f.flag.name,
                    flag_description=_lower_first(" ".join(f.flag.description.split())),
                )
            )
        if analysis.buzzword_dense:
            advice.append(advice_tpl["buzzwords"])
        return [Advice(text=a) for a in advice]


def debrief_json_without_latency(debrief: Debrief) -> str:
    """Canonical JSON of a debrief with every latency zeroed, for determinism checks."""
    data = debrief.model_dump(mode="json")
    usage = data.get("usage") or {}
    usage["latency_ms"] = 0.0
    for call in usage.get("calls", []):
        call["latency_ms"] = 0.0
    return json.dumps(data, sort_keys=True, ensure_ascii=False)
