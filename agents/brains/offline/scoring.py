"""Stage scores, the decision margin, strength and calibrated confidence."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agents.brains.offline.analysis import Analysis
from agents.brains.offline.calibration import Scoring
from agents.brains.offline.red_flags import FlagFinding
from knowledge.models import STAGE_IDS, StageId


@dataclass(frozen=True)
class Verdict:
    """A decision with its margin and calibrated confidence."""

    decision: str  # "hire" | "no_hire"
    margin: float
    confidence: float
    strength: str  # "strong" | "lean"


def stage_scores(analysis: Analysis, scoring: Scoring) -> dict[str, int]:
    """Score 1–4 per stage: how many cut points its credited weight reaches, plus one."""
    return scores_from_credit(analysis.stage_credit, scoring)


def is_focused(scope: Sequence[str]) -> bool:
    """A question that assesses fewer than all five stages."""
    return len(set(scope)) < len(STAGE_IDS)


def scores_from_credit(
    credit: Mapping[str, float],
    scoring: Scoring,
    scope: Sequence[str] = STAGE_IDS,
    opening_words: int | None = None,
) -> dict[str, int]:
    """Score 1–4 per stage from the credited weight in it. A focused question's answer spends
    all its words on the few stages asked, so their cuts are raised: one idea is not depth;
    a short opening has room for fewer ideas, so its cuts are raised less."""
    scale = 1.0
    if is_focused(scope):
        short = opening_words is not None and opening_words < scoring.focused_short_words
        scale = scoring.focused_short_cut_scale if short else scoring.focused_cut_scale
    return {
        stage: 1 + sum(1 for cut in scoring.stage_cuts if credit.get(stage, 0.0) >= cut * scale)
        for stage in STAGE_IDS
    }


def cap_flagged_stages(
    scores: Mapping[str, int], flags: Sequence[FlagFinding], scoring: Scoring
) -> dict[str, int]:
    """Scores with each stage that states a serious red flag held at the cap."""
    d = scoring.decision
    capped = {
        f.flag.stage for f in flags if f.stated and f.flag.severity >= d.flagged_stage_severity
    }
    return {s: min(v, d.flagged_stage_cap) if s in capped else v for s, v in scores.items()}


def depth_weight(parts: Sequence[str], scoring: Scoring) -> float:
    """The share of a signal's weight its best sentence earns, by its concrete parts."""
    concrete = sum(1 for p in parts if p != "who")
    return scoring.depth_credit[min(concrete, len(scoring.depth_credit) - 1)]


def covered_stages(
    scores: Mapping[str, int], scoring: Scoring, scope: Sequence[str] = STAGE_IDS
) -> int:
    """Assessed stages at or above the 'covered' score."""
    return sum(1 for s in scope if scores.get(s, 1) >= scoring.decision.covered_score)


def counts_as_dense(
    analysis: Analysis, scores: Mapping[str, int], scoring: Scoring, scope: Sequence[str]
) -> bool:
    """Many rubric terms, few of them backed, while some assessed stage is not covered in depth:
    a focused answer on one choice names many terms and shows the few ideas asked."""
    return analysis.buzzword_dense and covered_stages(scores, scoring, scope) < len(scope)


def assessed_flags(analysis: Analysis, scope: Sequence[str] = STAGE_IDS) -> list[FlagFinding]:
    """The red flags that count: every one a sentence states, and those raised by the answer's
    shape or silence (infrastructure over data, no gold set) in assessed stages only."""
    return [f for f in analysis.flags if not f.structural or f.flag.stage in scope]


def margin(
    analysis: Analysis,
    scoring: Scoring,
    stage_boost: dict[str, float] | None = None,
    scope: Sequence[str] = STAGE_IDS,
) -> float:
    """Signed evidence for hire (> 0) or no-hire (≤ 0) straight from an analysis."""
    if analysis.state != "ok":
        return scoring.decision.non_answer_margin
    scores = stage_scores(analysis, scoring)
    dense = counts_as_dense(analysis, scores, scoring, scope)
    return margin_from(scores, assessed_flags(analysis, scope), dense, scoring, stage_boost, scope)


def margin_from(
    scores: Mapping[str, int],
    flags: Sequence[FlagFinding],
    buzzword_dense: bool,
    scoring: Scoring,
    stage_boost: Mapping[str, float] | None = None,
    scope: Sequence[str] = STAGE_IDS,
) -> float:
    """Signed evidence for hire (> 0) or no-hire (≤ 0).

    Weighted mean-normalised scores of the assessed stages plus their coverage, scaled to
    five stages, minus red-flag severity and buzzword density, minus a bias. `stage_boost`
    re-weights stages (a panelist's own stages) while keeping the total stage weight unchanged.
    """
    d = scoring.decision
    assessed: list[StageId] = [s for s in STAGE_IDS if s in scope] or list(STAGE_IDS)
    weights: dict[str, float] = {s: d.stage_weights[s] for s in assessed}
    if stage_boost:
        boosted = {s: w * stage_boost.get(s, 1.0) for s, w in weights.items()}
        scale = sum(weights.values()) / sum(boosted.values())
        weights = {s: w * scale for s, w in boosted.items()}
    value = sum(weights[s] * (scores.get(s, 1) - 1) / 3 for s in assessed)
    value += d.coverage_weight * covered_stages(scores, scoring, assessed)
    focus = len(STAGE_IDS) / len(assessed)
    value *= focus
    if len(assessed) < len(STAGE_IDS):
        # A focused question asks for each of its few stages: one left blank is half the answer.
        value -= d.blank_focus_stage_penalty * sum(1 for s in assessed if scores.get(s, 1) <= 1)
        if len(assessed) > 1 and not flags and all(scores.get(s, 1) >= 2 for s in assessed):
            value += d.complete_focus_bonus
    # A focused question's answer is all about its few stages, so a practice it states in one of
    # them weighs as much, relative to the whole answer, as the stage scores do.
    value -= d.red_flag_weight * sum(
        f.flag.severity
        * (1.0 if f.stated else d.absence_flag_weight)
        * (d.restated_flag_weight if f.restated else 1.0)
        * (focus if f.flag.stage in assessed and f.stated else 1.0)
        for f in flags
    )
    value -= d.extra_flag_penalty * max(0, len(flags) - 1)
    if buzzword_dense:
        value -= d.buzzword_penalty
    value -= d.bias
    # One disqualifying practice, stated in so many words or put to use, sinks an otherwise
    # strong answer; a sentence that merely resembles it weighs as above and no more.
    if disqualifying(flags, scoring):
        value = min(value, d.disqualified_margin)
    return round(value, 6)


def disqualifying(flags: Sequence[FlagFinding], scoring: Scoring) -> list[FlagFinding]:
    """The flags that sink an answer alone: a practice this severe, stated in so many words or
    put to use."""
    severe = scoring.decision.disqualifying_severity
    return [f for f in flags if (f.practice_used or f.worded) and f.flag.severity >= severe]


def hire_probability(value: float, scoring: Scoring) -> float:
    """Calibrated P(hire) = logistic(slope × margin)."""
    return 1.0 / (1.0 + math.exp(-scoring.confidence.slope * value))


def verdict(value: float, scoring: Scoring, shrink: float = 1.0) -> Verdict:
    """Decision, strength and confidence from a margin.

    Confidence is the calibrated probability that the decision is the one a human
    panel would reach: the logistic of the margin, with its slope fitted on the dev
    split, reported for the side chosen (so it is never below 0.5). `shrink` (≤ 1) pulls
    it towards 0.5 for answer shapes the calibration has seen little of. "Strong" needs both
    a wide margin and a confidence at the strong level.
    """
    p_hire = hire_probability(value, scoring)
    decision = "hire" if value > 0 else "no_hire"
    confidence = p_hire if decision == "hire" else 1.0 - p_hire
    confidence = 0.5 + (confidence - 0.5) * shrink
    strong = (
        abs(value) >= scoring.decision.strong_margin
        and confidence >= scoring.confidence.strong_above
    )
    return Verdict(decision, round(value, 4), round(confidence, 4), "strong" if strong else "lean")
