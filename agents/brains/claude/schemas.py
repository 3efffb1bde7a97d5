"""The JSON shapes Claude answers in (structured output), and their conversion to shared models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agents.debrief import (
    Advice,
    Citation,
    Debrief,
    EvidenceRow,
    PanelVote,
    Reason,
    RedFlagFinding,
    StageScore,
    Stance,
    SubstancePart,
)
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panelist, Rubric, StageId

MAX_PROBES = 3
MAX_EVIDENCE_ROWS = 80
GapKind = Literal["missing_signal", "thin_signal", "red_flag", "deeper", "follow_up"]


class _Draft(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CitationDraft(_Draft):
    """A citation as Claude writes it: a turn id and verbatim quote, and/or a snippet id."""

    turn: str | None = Field(default=None, description="candidate turn id, e.g. t1")
    quote: str | None = Field(default=None, description="exact text copied from that turn")
    snippet: str | None = Field(default=None, description="id of a debrief note")

    def to_citation(self) -> Citation:
        """The shared Citation (the checker has verified it first)."""
        return Citation(turn=self.turn, quote=self.quote, snippet=self.snippet)


class ProbeDraft(_Draft):
    """One follow-up question."""

    stage: StageId
    gap: str = Field(description="rubric signal id or red-flag id")
    gap_kind: GapKind
    severity: float = Field(ge=0, le=3)
    anchor: CitationDraft | None = Field(
        default=None, description="the candidate's words the probe follows up, quoted verbatim"
    )
    text: str = Field(min_length=1, max_length=500)
    snippet_ids: list[str] = Field(default_factory=list)


class ProbeSetDraft(_Draft):
    """A panelist's probes for one round, best first, after the signals already shown."""

    shown_signals: list[str] = Field(
        default_factory=list, description="signal ids the candidate already showed with substance"
    )
    probes: list[ProbeDraft] = Field(min_length=1, max_length=MAX_PROBES)

    def to_probes(self, panelist: Panelist) -> list[Probe]:
        """Shared Probe objects, in the order given."""
        return [
            Probe(
                panelist=panelist.id,
                stage=p.stage,
                gap=p.gap,
                gap_kind=p.gap_kind,
                severity=p.severity,
                text=p.text.strip(),
                snippet_ids=list(dict.fromkeys(p.snippet_ids)),
            )
            for p in self.probes
        ]


class VoteDraft(_Draft):
    """A panelist's vote."""

    decision: Literal["hire", "no_hire"]
    confidence: float = Field(ge=0, le=1)
    rationale: str = Field(min_length=1, max_length=1200)
    citations: list[CitationDraft] = Field(min_length=1)

    def to_vote(self, panelist: Panelist) -> PanelVote:
        """The shared PanelVote."""
        return PanelVote(
            panelist=panelist.id,
            decision=self.decision,
            confidence=self.confidence,
            rationale=self.rationale.strip(),
            citations=[c.to_citation() for c in self.citations],
        )


class StageScoreDraft(_Draft):
    """Score of one stage."""

    stage: StageId
    score: int = Field(ge=1, le=4)
    summary: str = Field(max_length=800)
    signals_found: list[str] = Field(default_factory=list)
    signals_missing: list[str] = Field(default_factory=list)
    evidence: list[CitationDraft] = Field(default_factory=list)


class RedFlagDraft(_Draft):
    """A red flag by rubric id."""

    id: str
    citations: list[CitationDraft] = Field(default_factory=list)


class ReasonDraft(_Draft):
    """A claim behind the decision."""

    claim: str = Field(min_length=1, max_length=800)
    stage: StageId | None = None
    kind: Literal["strength", "concern"]
    citations: list[CitationDraft] = Field(min_length=1)


class EvidenceRowDraft(_Draft):
    """One row of the evidence table: a candidate sentence and what it shows."""

    turn: str = Field(description="candidate turn id, e.g. t1")
    quote: str = Field(description="the sentence, copied verbatim from that turn")
    signal: str | None = Field(default=None, description="primary rubric signal id it shows")
    red_flag: str | None = Field(default=None, description="red-flag id whose practice it asserts")
    stance: Stance
    substance: list[SubstancePart] = Field(default_factory=list)
    credited: bool

    def to_row(self, rubric: Rubric) -> EvidenceRow:
        """The shared EvidenceRow; its stage is the signal's (else the flag's) in the rubric."""
        stages = {s.id: s.stage for s in rubric.signals} | {f.id: f.stage for f in rubric.red_flags}
        stage = stages.get(self.signal or "") or stages.get(self.red_flag or "")
        return EvidenceRow(
            turn=self.turn,
            quote=self.quote,
            signal=self.signal,
            red_flag=self.red_flag,
            stage=stage,
            stance=self.stance,
            substance=list(dict.fromkeys(self.substance)),
            credited=self.credited,
        )


class AdviceDraft(_Draft):
    """One thing to do better, about this answer."""

    text: str = Field(min_length=1, max_length=600)
    stage: StageId
    target: str = Field(description="signal or red-flag id the advice is about")
    citation: CitationDraft | None = Field(
        default=None, description="the candidate's sentence the advice refers to"
    )

    def to_advice(self) -> Advice:
        """The shared Advice."""
        return Advice(
            text=self.text.strip(),
            stage=self.stage,
            target=self.target,
            citation=self.citation.to_citation() if self.citation else None,
        )


class DebriefDraft(_Draft):
    """The verdict as Claude writes it; votes, transcript, scope, brain and usage are added by
    code."""

    evidence: list[EvidenceRowDraft] = Field(default_factory=list, max_length=MAX_EVIDENCE_ROWS)
    decision: Literal["hire", "no_hire"]
    strength: Literal["strong", "lean"]
    confidence: float = Field(ge=0, le=1)
    stage_scores: list[StageScoreDraft] = Field(min_length=1, max_length=5)
    red_flags: list[RedFlagDraft] = Field(default_factory=list)
    reasons: list[ReasonDraft] = Field(min_length=1, max_length=12)
    advice: list[AdviceDraft] = Field(default_factory=list, max_length=8)

    def to_debrief(
        self,
        rubric: Rubric,
        *,
        scope: list[StageId],
        transcript: list[Turn],
        votes: list[PanelVote],
        brain: str,
    ) -> Debrief:
        """The shared Debrief (red-flag names, stages and severities come from the rubric);
        usage and fallbacks are the caller's to attach."""
        flags = {f.id: f for f in rubric.red_flags}
        return Debrief(
            decision=self.decision,
            strength=self.strength,
            confidence=self.confidence,
            stage_scores={
                s.stage: StageScore(
                    stage=s.stage,
                    score=s.score,
                    summary=s.summary.strip(),
                    signals_found=s.signals_found,
                    signals_missing=s.signals_missing,
                    evidence=[c.to_citation() for c in s.evidence],
                )
                for s in self.stage_scores
            },
            red_flags=[
                RedFlagFinding(
                    id=f.id,
                    name=flags[f.id].name,
                    stage=flags[f.id].stage,
                    severity=flags[f.id].severity,
                    citations=[c.to_citation() for c in f.citations],
                )
                for f in self.red_flags
            ],
            reasons=[
                Reason(
                    claim=r.claim.strip(),
                    stage=r.stage,
                    kind=r.kind,
                    citations=[c.to_citation() for c in r.citations],
                )
                for r in self.reasons
            ],
            votes=votes,
            advice=[a.to_advice() for a in self.advice if a.text.strip()],
            scope=list(scope),
            evidence=[row.to_row(rubric) for row in self.evidence],
            transcript=transcript,
            brain=brain,
        )
