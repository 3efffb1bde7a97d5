"""What one eval run records per case, and the results file that holds every run."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from agents.debrief import Decision
from evals.models import GoldSentence


class CitationProblem(BaseModel):
    """A citation that failed the independent re-check."""

    where: str = Field(description="e.g. reasons[2], stage_scores.evaluation, votes[0]")
    turn: str | None = None
    quote: str | None = None
    snippet: str | None = None
    problem: str


class CaseOutcome(BaseModel):
    """One case through the panel: the gold labels beside what the panel decided."""

    case_id: str
    kind: str
    split: str
    question_id: str
    pair_of: str | None = None
    gold_decision: Decision
    gold_strong_stages: list[str] = Field(default_factory=list)
    gold_weak_stages: list[str] = Field(default_factory=list)
    gold_red_flags: list[str] = Field(default_factory=list)
    variant_group: str | None = None
    gold_evidence: list[GoldSentence] | None = Field(
        default=None, description="the case's sentence annotations of the answer, if any"
    )

    decision: Decision | None = None
    strength: str | None = None
    confidence: float | None = None
    stage_scores: dict[str, int] = Field(default_factory=dict)
    red_flags: list[str] = Field(default_factory=list)
    brain: str = ""
    fallbacks: list[str] = Field(default_factory=list)
    needs_review: bool = False
    dropped_citations: int = 0
    citations_total: int = 0
    citation_problems: list[CitationProblem] = Field(default_factory=list)
    cost_usd: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    model_calls: int = 0
    seconds: float = 0.0
    rounds: list[dict[str, list[str]]] = Field(
        default_factory=list, description="per round: probed, scripted, unscripted, repeated"
    )
    fingerprint: str = ""
    error: str | None = None
    debrief: dict[str, Any] | None = None

    @property
    def correct(self) -> bool:
        """The panel's decision equals the gold decision."""
        return self.decision == self.gold_decision

    @property
    def path(self) -> str:
        """How the verdict was reached: the debrief's brain, marked when something fell back."""
        return f"{self.brain}+fallback" if self.fallbacks else self.brain

    @property
    def escalated(self) -> bool:
        """A paid model was called for this case."""
        return self.input_tokens + self.output_tokens > 0 or self.cost_usd > 0


class RunRecord(BaseModel):
    """One pass over the selected cases."""

    order: list[str]
    seconds: float
    outcomes: list[CaseOutcome]

    def by_id(self) -> dict[str, CaseOutcome]:
        """Outcomes keyed by case id."""
        return {o.case_id: o for o in self.outcomes}


class EvalResults(BaseModel):
    """Everything `mockpanel eval` measured: the runs, the metrics and the gate's verdict."""

    brain: str
    split: str
    rounds: int
    jobs: int
    processes: int = 1
    batch: bool = False
    created_at: str
    runs: list[RunRecord]
    metrics: dict[str, Any] = Field(default_factory=dict)
    gate: dict[str, Any] | None = None
