"""Pydantic models of the eval set: one case, one case file, and the rules that tie them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.models import STAGE_IDS, StageId

# dev and realistic_dev may be tuned on; test and realistic_test are held out.
Split = Literal["dev", "test", "realistic_dev", "realistic_test"]
SPLIT_IDS: tuple[str, ...] = Split.__args__  # type: ignore[attr-defined]
TUNING_SPLITS: tuple[str, ...] = ("dev", "realistic_dev")
GoldDecision = Literal["hire", "no_hire"]
Stance = Literal["asserts", "rejects", "hedges", "asks"]
Kind = Literal[
    "strong",
    "weak",
    "borderline_hire",
    "borderline_no_hire",
    "buzzword_salad",
    "plain_words_strong",
    "prompt_injection",
    "empty",
    "gibberish",
    "off_topic",
    "infra_only",
    "ui_only",
    "very_long",
    "padded_weak",
    "reworded_strong",
    # realistic styles (realistic_* splits)
    "markdown_structured",
    "bullet_outline",
    "markdown_table",
    "focused_short",
    "conversational",
    "rejects_bad_practice",
    "hedged_admission",
    "confident_mediocre",
    "unusual_vocab_strong",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]

# The red-flag ids CONTRACTS.md fixes; the loader also checks them against the rubric.
CONTRACT_RED_FLAGS: tuple[str, ...] = (
    "ui_focus",
    "magic_box",
    "full_expert_verification",
    "accuracy_at_any_cost",
    "manual_data_collection",
    "thumbs_only_feedback",
    "infra_over_data",
    "no_gold_set",
)

# Kinds whose gold decision is fixed by what the kind means; very_long takes either label.
KIND_DECISION: dict[str, GoldDecision] = {
    "strong": "hire",
    "borderline_hire": "hire",
    "plain_words_strong": "hire",
    "reworded_strong": "hire",
    "weak": "no_hire",
    "borderline_no_hire": "no_hire",
    "buzzword_salad": "no_hire",
    "prompt_injection": "no_hire",
    "empty": "no_hire",
    "gibberish": "no_hire",
    "off_topic": "no_hire",
    "infra_only": "no_hire",
    "ui_only": "no_hire",
    "padded_weak": "no_hire",
    "confident_mediocre": "no_hire",
    "unusual_vocab_strong": "hire",
}
REALISTIC_KINDS: tuple[str, ...] = KINDS[KINDS.index("markdown_structured") :]

# Kinds that vary another case, and the kind that case must have.
PAIRED_KINDS: dict[str, str] = {
    "prompt_injection": "weak",
    "padded_weak": "weak",
    "reworded_strong": "strong",
}

# Words a plain_words_strong answer must avoid (the usual vocabulary of the domain).
PLAIN_WORDS_BANNED: tuple[str, ...] = (
    "rlhf",
    "hitl",
    "human-in-the-loop",
    "human in the loop",
    "gold set",
    "golden set",
    "gold dataset",
    "golden dataset",
    "gold standard",
    "cascade",
    "drift",
    "flywheel",
)

VERY_LONG_MIN_WORDS = 1500
PADDING_MIN_RATIO = 2.5  # padded copies aim at 3x; 2.5x leaves room for the base's replies

_ID = r"^[a-z0-9][a-z0-9\-]*[a-z0-9]$"


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


class GoldSentence(BaseModel):
    """One sentence of the opening answer as an expert reads it; unlisted sentences show nothing.

    With stance `asserts`, `red_flag` is a bad practice the sentence states; with `rejects`, the
    bad practice it turns down (raising that flag on it is a misreading)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quote: str = Field(min_length=3, description="verbatim in the answer")
    signals: list[str] = Field(
        default_factory=list, description="acceptable primary rubric signal ids"
    )
    red_flag: str | None = None
    stance: Stance = "asserts"
    credited: bool = Field(default=False, description="shows the signal with substance")

    @model_validator(mode="after")
    def _consistent(self) -> GoldSentence:
        if not self.signals and self.red_flag is None:
            raise ValueError(f"{self.quote[:40]!r}: a listed sentence needs a signal or red flag")
        if len(set(self.signals)) != len(self.signals):
            raise ValueError(f"{self.quote[:40]!r}: a signal is listed twice")
        if self.credited and self.stance not in ("asserts", "rejects"):
            raise ValueError(f"{self.quote[:40]!r}: a {self.stance} sentence cannot be credited")
        if self.credited and not self.signals:
            raise ValueError(f"{self.quote[:40]!r}: credited without a signal")
        if self.red_flag is not None and self.stance not in ("asserts", "rejects"):
            raise ValueError(f"{self.quote[:40]!r}: a red flag is asserted or rejected")
        if self.red_flag is not None and self.stance == "asserts" and self.credited:
            raise ValueError(f"{self.quote[:40]!r}: a sentence asserting a red flag is not credit")
        return self


class EvalCase(BaseModel):
    """One interview: the opening answer, scripted replies per stage, and the gold judgment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID, max_length=60)
    question_id: str = Field(min_length=1)
    answer: str
    replies: dict[StageId, str] = Field(default_factory=dict)
    gold_decision: GoldDecision
    gold_strong_stages: list[StageId] = Field(default_factory=list)
    gold_weak_stages: list[StageId] = Field(default_factory=list)
    red_flags: list[str] = Field(default_factory=list)
    kind: Kind
    split: Split
    pair_of: str | None = None
    variant_group: str | None = Field(
        default=None,
        pattern=_ID,
        description="cases with the same content in other formats; all must get one decision",
    )
    rationale: str = Field(min_length=10, max_length=300)
    evidence: list[GoldSentence] | None = Field(
        default=None, description="gold sentence annotations of the answer; None = not annotated"
    )

    @field_validator("answer")
    @classmethod
    def _answer_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("answer is blank; an empty case needs at least a word or two")
        return value

    @field_validator("replies")
    @classmethod
    def _replies_have_text(cls, value: dict[str, str]) -> dict[str, str]:
        blank = [stage for stage, text in value.items() if not text.strip()]
        if blank:
            raise ValueError(f"blank reply for stage(s) {blank}; leave the stage out instead")
        return value

    @field_validator("red_flags")
    @classmethod
    def _known_red_flags(cls, value: list[str]) -> list[str]:
        unknown = [f for f in value if f not in CONTRACT_RED_FLAGS]
        if unknown:
            raise ValueError(f"unknown red flag(s) {unknown}; expected {list(CONTRACT_RED_FLAGS)}")
        if len(set(value)) != len(value):
            raise ValueError("red flags listed twice")
        return value

    @field_validator("rationale")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("rationale must be one line")
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self) -> EvalCase:
        overlap = set(self.gold_strong_stages) & set(self.gold_weak_stages)
        if overlap:
            raise ValueError(f"stage(s) {sorted(overlap)} are both strong and weak")
        for name in ("gold_strong_stages", "gold_weak_stages"):
            stages = getattr(self, name)
            if len(set(stages)) != len(stages):
                raise ValueError(f"{name} lists a stage twice")
        expected = KIND_DECISION.get(self.kind)
        if expected is not None and self.gold_decision != expected:
            raise ValueError(f"kind {self.kind} must have gold_decision {expected}")
        needs_pair = self.kind in PAIRED_KINDS
        if needs_pair and self.pair_of is None:
            raise ValueError(f"kind {self.kind} needs pair_of (the {PAIRED_KINDS[self.kind]} case)")
        if not needs_pair and self.pair_of is not None:
            raise ValueError(f"kind {self.kind} cannot have pair_of")
        if self.pair_of == self.id:
            raise ValueError("pair_of points at the case itself")
        if self.kind == "very_long" and word_count(self.answer) < VERY_LONG_MIN_WORDS:
            raise ValueError(
                f"very_long answer has {word_count(self.answer)} words; "
                f"at least {VERY_LONG_MIN_WORDS} are required"
            )
        if self.kind == "plain_words_strong":
            text = " ".join([self.answer, *self.replies.values()]).lower()
            used = [w for w in PLAIN_WORDS_BANNED if w in text]
            if used:
                raise ValueError(f"plain_words_strong uses the usual vocabulary: {used}")
        # The loader holds each hire to min(3, stages its question assesses); here, at least one.
        if self.gold_decision == "hire" and not self.gold_strong_stages:
            raise ValueError(
                "a hire needs at least 3 gold strong stages (or every stage a focused question "
                "assesses)"
            )
        if self.split.startswith("realistic") and self.kind not in REALISTIC_KINDS:
            raise ValueError(f"kind {self.kind} does not belong in a {self.split} case")
        self._check_evidence()
        return self

    def _check_evidence(self) -> None:
        if self.evidence is None:
            return
        seen: set[str] = set()
        for sentence in self.evidence:
            if sentence.quote not in self.answer:
                raise ValueError(f"evidence quote not verbatim in the answer: {sentence.quote!r}")
            if sentence.quote in seen:
                raise ValueError(f"evidence quote listed twice: {sentence.quote!r}")
            seen.add(sentence.quote)
            if (
                sentence.stance == "asserts"
                and sentence.red_flag in CONTRACT_RED_FLAGS
                and sentence.red_flag not in self.red_flags
            ):
                raise ValueError(
                    f"evidence asserts red flag {sentence.red_flag} the case does not list"
                )

    @property
    def gold_credited_signals(self) -> set[str]:
        """Every signal an annotated sentence shows with substance (empty when not annotated)."""
        return {s for g in self.evidence or [] if g.credited for s in g.signals}

    @property
    def all_stages_text(self) -> str:
        """The answer and every scripted reply, in stage order."""
        parts = [self.answer] + [self.replies[s] for s in STAGE_IDS if s in self.replies]
        return "\n\n".join(parts)


class EvalCaseFile(BaseModel):
    """One YAML file of cases; its name says its split (dev_, test_, realistic_dev_ ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cases: list[EvalCase] = Field(min_length=1)
