"""Stage scores, the decision margin, strength and calibrated confidence."""

from __future__ import annotations

import math
from dataclasses import dataclass

from agents.brains.offline.analysis import Analysis
from agents.brains.offline.calibration import Scoring
from knowledge.models import STAGE_IDS


@dataclass(frozen=True)
class Verdict:
    """A decision with its margin and calibrated confidence."""

    decision: str  # "hire" | "no_hire"
    margin: float
    confidence: float
    strength: str  # "strong" | "lean"


def stage_scores(analysis: Analysis, scoring: Scoring) -> dict[str, int]:
    """Score 1–4 per stage: how many cut points its credited weight reaches, plus one."""
    return {
        stage: 1 + sum(1 for cut in scoring.stage_cuts if analysis.stage_credit[stage] >= cut)
        for stage in STAGE_IDS
    }


def covered_stages(scores: dict[str, int], scoring: Scoring) -> int:
    """Stages at or above the 'covered' score."""
    return sum(1 for s in scores.values() if s >= scoring.decision.covered_score)


def margin(
    analysis: Analysis, scoring: Scoring, stage_boost: dict[str, float] | None = None
) -> float:
    """Signed evidence for hire (> 0) or no-hire (≤ 0).

    Weighted mean-normalised stage scores plus coverage, minus red-flag severity and
    buzzword density, minus a bias. `stage_boost` re-weights stages (a panelist's own
    stages) while keeping the total stage weight unchanged.
    """
    d = scoring.decision
    if analysis.state != "ok":
        return d.non_answer_margin
    scores = stage_scores(analysis, scoring)
    weights = dict(d.stage_weights)
    if stage_boost:
        boosted = {s: w * stage_boost.get(s, 1.0) for s, w in weights.items()}
        scale = sum(weights.values()) / sum(boosted.values())
        weights = {s: w * scale for s, w in boosted.items()}
    value = sum(weights[s] * (scores[s] - 1) / 3 for s in STAGE_IDS)
    value += d.coverage_weight * covered_stages(scores, scoring)
    value -= d.red_flag_weight * sum(
        f.flag.severity * (d.absence_flag_weight if f.absent else 1.0) for f in analysis.flags
    )
    value -= d.extra_flag_penalty * max(0, len(analysis.flags) - 1)
    if analysis.buzzword_dense:
        value -= d.buzzword_penalty
    return round(value - d.bias, 6)


def hire_probability(value: float, scoring: Scoring) -> float:
    """Calibrated P(hire) = logistic(slope × margin)."""
    return 1.0 / (1.0 + math.exp(-scoring.confidence.slope * value))


def verdict(value: float, scoring: Scoring) -> Verdict:
    """Decision, strength and confidence from a margin.

    Confidence is the calibrated probability that the decision is the one a human
    panel would reach: the logistic of the margin, with its slope fitted on the dev
    split, reported for the side chosen (so it is never below 0.5).
    """
    p_hire = hire_probability(value, scoring)
    decision = "hire" if value > 0 else "no_hire"
    confidence = p_hire if decision == "hire" else 1.0 - p_hire
    strength = "strong" if abs(value) >= scoring.decision.strong_margin else "lean"
    return Verdict(decision, round(value, 4), round(confidence, 4), strength)
