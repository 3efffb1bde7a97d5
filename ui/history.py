"""A candidate's progress across their interviews: scores over time, recurring red flags, and
what changed since the previous attempt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.session import SessionView
    from agents.store import Review

RECURRING_MIN = 2


@dataclass(frozen=True)
class Attempt:
    """One of the candidate's interviews, as the history needs it."""

    thread_id: str
    title: str
    started: datetime
    status: str
    decision: str | None
    coach_decision: str | None
    scores: dict[str, int] = field(default_factory=dict)
    """Assessed stages only (a stage outside the question's scope has no score here)."""
    red_flags: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """True once the panel has debriefed it."""
        return self.decision is not None


def attempt_from_view(view: SessionView, coach_decision: str | None = None) -> Attempt:
    """An Attempt from a stored session."""
    d = view.debrief
    scope = set(d.scope) if d is not None else set()
    scores = (
        {str(s): v.score for s, v in d.stage_scores.items() if not scope or s in scope}
        if d is not None
        else {}
    )
    return Attempt(
        thread_id=view.thread_id,
        title=view.question.title,
        started=view.created_at,
        status=view.status,
        decision=d.decision if d is not None else None,
        coach_decision=coach_decision,
        scores=scores,
        red_flags=sorted({f.id for f in d.red_flags}) if d is not None else [],
    )


def score_rows(attempts: Sequence[Attempt]) -> list[dict[str, object]]:
    """(attempt number, date, stage, score) rows of the finished attempts, oldest first."""
    rows: list[dict[str, object]] = []
    finished = [a for a in sorted(attempts, key=lambda a: a.started) if a.finished]
    for number, attempt in enumerate(finished, start=1):
        for stage, score in attempt.scores.items():
            rows.append(
                {"attempt": number, "started": attempt.started, "stage": stage, "score": score}
            )
    return rows


def recurring_flags(
    attempts: Sequence[Attempt], minimum: int = RECURRING_MIN
) -> list[tuple[str, int]]:
    """Red flags raised in at least `minimum` finished attempts, most frequent first."""
    counts = Counter(f for a in attempts if a.finished for f in a.red_flags)
    return sorted(
        ((flag, n) for flag, n in counts.items() if n >= minimum), key=lambda x: (-x[1], x[0])
    )


@dataclass(frozen=True)
class Change:
    """The latest finished attempt against the one before it."""

    before: Attempt
    after: Attempt
    stage_deltas: dict[str, tuple[int, int]]
    """Stage → (score before, score after), for stages both attempts assessed."""
    new_flags: list[str]
    cleared_flags: list[str]

    @property
    def decision_changed(self) -> bool:
        """True when the panel's decision differs between the two attempts."""
        return self.before.decision != self.after.decision


def since_last(attempts: Sequence[Attempt], stage_order: Sequence[str] = ()) -> Change | None:
    """What changed between the last two finished attempts (None with fewer than two)."""
    finished = [a for a in sorted(attempts, key=lambda a: a.started) if a.finished]
    if len(finished) < 2:
        return None
    before, after = finished[-2], finished[-1]
    order = list(stage_order) or sorted(set(before.scores) | set(after.scores))
    deltas = {
        s: (before.scores[s], after.scores[s])
        for s in order
        if s in before.scores and s in after.scores
    }
    return Change(
        before=before,
        after=after,
        stage_deltas=deltas,
        new_flags=sorted(set(after.red_flags) - set(before.red_flags)),
        cleared_flags=sorted(set(before.red_flags) - set(after.red_flags)),
    )


def latest_coach_decisions(reviews: Sequence[Review]) -> Mapping[str, str]:
    """Thread id → the latest review's decision (reviews oldest first)."""
    return {review.thread_id: review.decision for review in reviews}
