"""The debrief: hire / no-hire with scores, red flags, cited reasons, votes and usage."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agents.transcript import Turn
from knowledge.models import PanelistId, StageId

Decision = Literal["hire", "no_hire"]
Strength = Literal["strong", "lean"]
Stance = Literal["asserts", "rejects", "hedges", "asks"]
SubstancePart = Literal["who", "what", "quantity", "threshold", "causal"]


class Citation(BaseModel):
    """Evidence: a verbatim quote from a transcript turn, and/or a debrief-snippet id."""

    model_config = ConfigDict(frozen=True)

    turn: str | None = Field(default=None, description="transcript turn id, e.g. t1")
    quote: str | None = Field(default=None, description="text that appears verbatim in that turn")
    snippet: str | None = Field(default=None, description="id of a debrief snippet")

    @model_validator(mode="after")
    def _shape(self) -> Citation:
        if (self.turn is None) != (self.quote is None):
            raise ValueError("a turn citation needs both turn and quote")
        if self.turn is None and self.snippet is None:
            raise ValueError("a citation needs a turn quote or a snippet id")
        return self


class Reason(BaseModel):
    """A claim behind the decision, with its evidence."""

    claim: str = Field(min_length=1)
    stage: StageId | None = None
    kind: Literal["strength", "concern"] = "concern"
    citations: list[Citation] = Field(default_factory=list)


class EvidenceRow(BaseModel):
    """One sentence of the transcript as the panel read it: the single source of every judgment."""

    model_config = ConfigDict(frozen=True)

    turn: str = Field(description="transcript turn id, e.g. t1")
    quote: str = Field(description="the sentence, verbatim in that turn (markdown markers cut)")
    signal: str | None = Field(default=None, description="primary rubric signal it shows")
    red_flag: str | None = Field(default=None, description="red flag whose practice it asserts")
    stage: StageId | None = None
    stance: Stance = "asserts"
    substance: list[SubstancePart] = Field(default_factory=list)
    credited: bool = Field(default=False, description="counts as evidence for `signal`")


class Advice(BaseModel):
    """One thing to do better, tied to the candidate's own words or to an in-scope gap."""

    text: str = Field(min_length=1)
    stage: StageId | None = None
    target: str | None = Field(default=None, description="signal or red-flag id it is about")
    citation: Citation | None = Field(default=None, description="the sentence it refers to")


class StageScore(BaseModel):
    """Score 1 (absent) … 4 (strong) for one stage, with its evidence."""

    stage: StageId
    score: int = Field(ge=1, le=4)
    summary: str = ""
    signals_found: list[str] = Field(default_factory=list)
    signals_missing: list[str] = Field(default_factory=list)
    evidence: list[Citation] = Field(default_factory=list)


class RedFlagFinding(BaseModel):
    """A red flag seen in the transcript."""

    id: str
    name: str
    stage: StageId
    severity: int = Field(ge=1, le=3)
    citations: list[Citation] = Field(default_factory=list)


class PanelVote(BaseModel):
    """One panelist's vote in deliberation."""

    panelist: PanelistId
    decision: Decision
    confidence: float = Field(ge=0, le=1)
    rationale: str = ""
    citations: list[Citation] = Field(default_factory=list)


class CallUsage(BaseModel):
    """Tokens, cost and latency of one model call (zero tokens for the offline brain)."""

    step: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    latency_ms: float = 0.0
    cost_usd: float = 0.0


class Usage(BaseModel):
    """Totals over every call of a session."""

    calls: list[CallUsage] = Field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0

    @classmethod
    def total(cls, calls: list[CallUsage]) -> Usage:
        """Sum a list of calls."""
        return cls(
            calls=list(calls),
            input_tokens=sum(c.input_tokens for c in calls),
            output_tokens=sum(c.output_tokens for c in calls),
            cache_creation_input_tokens=sum(c.cache_creation_input_tokens for c in calls),
            cache_read_input_tokens=sum(c.cache_read_input_tokens for c in calls),
            cost_usd=round(sum(c.cost_usd for c in calls), 6),
            latency_ms=round(sum(c.latency_ms for c in calls), 3),
        )


class Debrief(BaseModel):
    """The panel's verdict on one interview."""

    decision: Decision
    strength: Strength
    confidence: float = Field(ge=0, le=1)
    stage_scores: dict[StageId, StageScore]
    red_flags: list[RedFlagFinding] = Field(default_factory=list)
    reasons: list[Reason] = Field(min_length=1)
    votes: list[PanelVote] = Field(default_factory=list)
    advice: list[Advice] = Field(default_factory=list, description="what to do better")
    scope: list[StageId] = Field(
        default_factory=list, description="stages assessed (empty: all); others not assessed"
    )
    evidence: list[EvidenceRow] = Field(
        default_factory=list, description="the evidence table every judgment is read from"
    )
    transcript: list[Turn] = Field(default_factory=list)
    brain: str
    fallbacks: list[str] = Field(
        default_factory=list, description="steps that fell back to another brain, and why"
    )
    needs_review: bool = False
    dropped_citations: int = Field(default=0, ge=0, description="invalid citations removed")
    usage: Usage = Field(default_factory=Usage)

    @field_validator("advice", mode="before")
    @classmethod
    def _advice_items(cls, value: Any) -> Any:
        """Plain strings (older checkpoints, simple brains) become advice items."""
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str) else v for v in value]
        return value
