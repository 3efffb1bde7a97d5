"""Judge-vs-coach agreement: count, accuracy and Cohen's kappa, on decisions and per stage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from evals.metrics import cohen_kappa

DECISIONS = ("hire", "no_hire")
STAGE_VERDICTS = ("strong", "weak")
STRONG_SCORE = 3
"""A stage the judge scored at least this (out of 4) counts as strong; lower counts as weak."""


@dataclass(frozen=True)
class Agreement:
    """How often two raters agree on a set of items, beyond chance."""

    labels: tuple[str, ...]
    count: int = 0
    agreed: int = 0
    kappa: float | None = None
    """Cohen's kappa; None when undefined (no items, or both raters used a single label)."""
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)
    """(judge label, coach label) → number of items."""

    @property
    def accuracy(self) -> float | None:
        """Share of items where the judge matched the coach; None with no items."""
        return self.agreed / self.count if self.count else None


def agreement(pairs: Iterable[tuple[str, str]], labels: Sequence[str]) -> Agreement:
    """Count, agreements, kappa and confusion matrix of (judge, coach) label pairs."""
    kept = [(a, b) for a, b in pairs if a in labels and b in labels]
    confusion = {(a, b): 0 for a in labels for b in labels}
    for pair in kept:
        confusion[pair] += 1
    return Agreement(
        labels=tuple(labels),
        count=len(kept),
        agreed=sum(1 for a, b in kept if a == b),
        kappa=cohen_kappa([a for a, _ in kept], [b for _, b in kept]),
        confusion=confusion,
    )


@dataclass(frozen=True)
class ReviewedSession:
    """What the judge and the coach said about one session."""

    thread_id: str
    judge_decision: str
    coach_decision: str
    judge_stage_scores: Mapping[str, int] = field(default_factory=dict)
    coach_strong_stages: Sequence[str] = ()
    coach_weak_stages: Sequence[str] = ()


@dataclass(frozen=True)
class AgreementReport:
    """Agreement on the decision, and on each stage the coach labelled strong or weak."""

    decisions: Agreement
    by_stage: dict[str, Agreement]


def judge_stage_verdict(score: int) -> str:
    """"strong" or "weak" for a 1–4 stage score."""
    return "strong" if score >= STRONG_SCORE else "weak"


def agreement_report(sessions: Iterable[ReviewedSession], stages: Sequence[str]) -> AgreementReport:
    """Decision agreement over every reviewed session; stage agreement where the coach said."""
    items = list(sessions)
    decisions = agreement(((s.judge_decision, s.coach_decision) for s in items), DECISIONS)
    by_stage: dict[str, Agreement] = {}
    for stage in stages:
        pairs: list[tuple[str, str]] = []
        for s in items:
            score = s.judge_stage_scores.get(stage)
            if score is None:
                continue
            if stage in s.coach_strong_stages:
                pairs.append((judge_stage_verdict(score), "strong"))
            elif stage in s.coach_weak_stages:
                pairs.append((judge_stage_verdict(score), "weak"))
        by_stage[stage] = agreement(pairs, STAGE_VERDICTS)
    return AgreementReport(decisions=decisions, by_stage=by_stage)


SMALL_SAMPLE = 20
"""Below this many reviewed sessions, agreement and kappa come with a small-sample caveat."""


def wilson_interval(agreed: int, count: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson score interval of an agreement rate (None with no items)."""
    if count <= 0:
        return None
    p = agreed / count
    denominator = 1 + z * z / count
    centre = (p + z * z / (2 * count)) / denominator
    half = z * ((p * (1 - p) / count + z * z / (4 * count * count)) ** 0.5) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
