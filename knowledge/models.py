"""Pydantic models that validate every knowledge data file on load."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

StageId = Literal["objective", "data_strategy", "model_integration", "evaluation", "scaling"]
PanelistId = Literal["interviewer", "hiring_manager", "lead_engineer"]
Polarity = Literal["positive", "negative"]

STAGE_IDS: tuple[StageId, ...] = (
    "objective",
    "data_strategy",
    "model_integration",
    "evaluation",
    "scaling",
)
PANELIST_IDS: tuple[PanelistId, ...] = ("interviewer", "hiring_manager", "lead_engineer")

_ID = r"^[a-z0-9][a-z0-9_\-]*$"


class StrictModel(BaseModel):
    """A frozen model that rejects unknown fields (every data file uses it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_patterns(patterns: list[str]) -> list[str]:
    """Validator: every entry compiles as a regular expression."""
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"bad regular expression {p!r}: {exc}") from exc
    return patterns


class Stage(StrictModel):
    """One of the five stages of a strong answer."""

    id: StageId
    name: str = Field(min_length=3)
    description: str = Field(min_length=10)
    owner: PanelistId
    order: int = Field(ge=1, le=5)


class Signal(StrictModel):
    """A concrete thing a strong candidate does within a stage."""

    id: str = Field(pattern=_ID)
    stage: StageId
    owner: PanelistId
    name: str = Field(min_length=3)
    description: str = Field(min_length=10)
    exemplars: list[str] = Field(min_length=3)
    substance: str = Field(min_length=10, description="what counts as substance for this signal")
    patterns: list[str] = Field(
        default_factory=list, description="regexes that also count as evidence"
    )
    decisive_patterns: list[str] = Field(
        default_factory=list,
        description="regexes naming the practice in any wording: a hit is evidence even when the "
        "sentence reads little like the exemplars",
    )
    weight: float = Field(default=1.0, gt=0, le=3)
    not_shown_by: list[str] = Field(
        default_factory=list,
        description="regexes of look-alike sentences that never show this signal",
    )

    _patterns_ok = field_validator("patterns", "decisive_patterns", "not_shown_by")(check_patterns)


class RedFlag(StrictModel):
    """A concrete failure pattern the panel must catch."""

    id: str = Field(pattern=_ID)
    stage: StageId
    owner: PanelistId
    name: str = Field(min_length=3)
    description: str = Field(min_length=10)
    exemplars: list[str] = Field(min_length=3)
    patterns: list[str] = Field(default_factory=list)
    severity: int = Field(default=2, ge=1, le=3)
    wording_only: bool = False
    """Raised only by its patterns: a sentence that merely resembles the exemplars often says the
    opposite (“only the resolved ones save anything”)."""

    _patterns_ok = field_validator("patterns")(check_patterns)


class Rubric(StrictModel):
    """The whole rubric: five stages, their signals, and the red flags."""

    stages: list[Stage]
    signals: list[Signal]
    red_flags: list[RedFlag] = Field(min_length=8)

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        if sorted(s.id for s in self.stages) != sorted(STAGE_IDS):
            raise ValueError(f"stages must be exactly {list(STAGE_IDS)}")
        ids = [s.id for s in self.signals] + [f.id for f in self.red_flags]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate ids: {dupes}")
        for stage in STAGE_IDS:
            n = sum(1 for s in self.signals if s.stage == stage)
            if n < 5:
                raise ValueError(f"stage {stage!r} has {n} signals; at least 5 are required")
        return self

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id."""
        return next(s for s in self.stages if s.id == stage_id)

    def signals_for(self, stage_id: str) -> list[Signal]:
        """The signals of one stage."""
        return [s for s in self.signals if s.stage == stage_id]


class Question(StrictModel):
    """A design question from the bank."""

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=3)
    prompt: str = Field(min_length=20)
    use_case: str = Field(min_length=3)
    product: str | None = Field(
        default=None, description="what the panel calls the thing being designed, in probes"
    )
    stresses: list[StageId] = Field(min_length=1, max_length=5)
    assesses: list[StageId] = Field(
        default_factory=lambda: list(STAGE_IDS),
        min_length=1,
        max_length=5,
        description="stages this question assesses; the others are not assessed",
    )
    focus_signals: list[str] = Field(
        default_factory=list, description="rubric signals the question asks about directly"
    )
    unused_signals: list[str] = Field(
        default_factory=list,
        description="rubric signals this product has no use for (no prompt in a tabular fraud "
        "model): never probed or advised, and not held against it",
    )
    product_terms: list[str] = Field(
        default_factory=list,
        description="word starts any answer about this product uses at least once (transcript, "
        "audio, accent); a substantial answer with none of them is about another problem",
    )
    tags: list[str] = Field(default_factory=list)

    @field_validator("product_terms")
    @classmethod
    def _lowercase_terms(cls, value: list[str]) -> list[str]:
        bad = [t for t in value if not t.strip() or t != t.strip().lower()]
        if bad:
            raise ValueError(f"product terms must be lowercase, non-empty word starts: {bad}")
        return value

    @model_validator(mode="after")
    def _scope(self) -> Question:
        if len(set(self.assesses)) != len(self.assesses):
            raise ValueError(f"question {self.id}: duplicate stages in assesses")
        if set(self.focus_signals) & set(self.unused_signals):
            raise ValueError(f"question {self.id}: a signal both in focus and unused")
        outside = [s for s in self.stresses if s not in self.assesses]
        if outside:
            raise ValueError(f"question {self.id}: stresses {outside} outside assesses")
        return self


class QuestionBank(StrictModel):
    """All design questions."""

    questions: list[Question] = Field(min_length=12)

    @model_validator(mode="after")
    def _unique(self) -> QuestionBank:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate question ids")
        return self

    def get(self, question_id: str) -> Question:
        """The question with this id; KeyError if unknown."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


class QuestionAsk(StrictModel):
    """A part a question asks for by name ("how many reviewers we need") and the rubric signals
    that answer it."""

    pattern: str
    signals: list[str] = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _pattern_ok(cls, value: str) -> str:
        check_patterns([value])
        return value


class ScopeRules(StrictModel):
    """How a free-text question's assessed stages and product are read from its wording."""

    broad_patterns: list[str] = Field(min_length=1)
    restricting_patterns: list[str] = Field(default_factory=list)
    """A sentence that limits the question to some parts ("Only the cost side:")."""
    stages: dict[StageId, list[str]]
    product_patterns: list[str] = Field(default_factory=list)
    generic_product_heads: list[str] = Field(default_factory=list)
    vague_product_modifiers: list[str] = Field(default_factory=list)
    """Words that leave a generic head as bare as before ("an AI feature" says no more than
    "a feature"), so it too is named with what it does."""
    purpose_ends_at: list[str] = Field(default_factory=list)
    """Verbs of the question's own sentence: a product's purpose clause ends before them
    ("our AI that flags expense claims | is good enough…")."""
    asks: list[QuestionAsk] = Field(default_factory=list)
    """Parts a question can ask for by name; an answer that leaves several of them out answers
    a neighbouring question."""

    _broad_ok = field_validator("broad_patterns", "restricting_patterns", "product_patterns")(
        check_patterns
    )

    @field_validator("stages")
    @classmethod
    def _stage_patterns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if sorted(value) != sorted(STAGE_IDS):
            raise ValueError(f"stages must name exactly {list(STAGE_IDS)}")
        for patterns in value.values():
            check_patterns(patterns)
        return value


class Snippet(StrictModel):
    """A short note a panelist wrote after a past debrief."""

    id: str = Field(pattern=_ID)
    panelist: PanelistId
    stage: StageId
    polarity: Polarity
    question_tags: list[str] = Field(default_factory=list)
    text: str = Field(min_length=20, max_length=600)


class SnippetCorpus(StrictModel):
    """Every debrief snippet."""

    snippets: list[Snippet] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> SnippetCorpus:
        ids = [s.id for s in self.snippets]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate snippet ids: {dupes}")
        return self


class Panelist(StrictModel):
    """A member of the panel: who they are and what they own."""

    id: PanelistId
    name: str
    title: str
    avatar: str
    voice: str = Field(min_length=10, description="how they talk")
    charter: str = Field(min_length=10, description="what they are on the panel to find out")
    stages: list[StageId] = Field(min_length=1)


class Panel(StrictModel):
    """The three panelists."""

    panelists: list[Panelist]

    @model_validator(mode="after")
    def _all_three(self) -> Panel:
        if sorted(p.id for p in self.panelists) != sorted(PANELIST_IDS):
            raise ValueError(f"panel must be exactly {list(PANELIST_IDS)}")
        return self

    def get(self, panelist_id: str) -> Panelist:
        """The panelist with this id."""
        return next(p for p in self.panelists if p.id == panelist_id)


class ScoredSnippet(BaseModel):
    """A retrieved snippet with its similarity score (higher is closer)."""

    model_config = ConfigDict(frozen=True)

    snippet: Snippet
    score: float
