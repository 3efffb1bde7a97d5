"""A panelist's vote: the shared evidence, weighted towards the stages it owns."""

from __future__ import annotations

from agents.brains.offline.analysis import Analysis
from agents.brains.offline.calibration import Calibration
from agents.brains.offline.citations import quotes, snippets
from agents.brains.offline.grounding import SnippetFinder
from agents.brains.offline.scoring import margin, stage_scores, verdict
from agents.debrief import PanelVote
from knowledge.models import Panelist, Rubric


def panelist_vote(
    analysis: Analysis,
    panelist: Panelist,
    rubric: Rubric,
    calibration: Calibration,
    finder: SnippetFinder,
) -> PanelVote:
    """Hire / no-hire from this panelist's point of view, with its evidence."""
    scoring = calibration.scoring
    own = set(panelist.stages)
    boost: dict[str, float] = {s: scoring.votes.own_stage_boost for s in own}
    result = verdict(margin(analysis, scoring, boost), scoring)
    credited = [f for f in analysis.credited_signals() if f.signal.stage in own]
    flags = [f for f in analysis.flags if f.flag.owner == panelist.id or f.flag.stage in own]
    stage_names = ", ".join(rubric.stage(s).name for s in panelist.stages)
    template = calibration.writer.vote_rationale[result.decision]
    rationale = template.format(
        name=panelist.name, own_stages=stage_names, credited=len(credited), flags=len(flags)
    )
    evidence = [
        f.best.substance_from for f in credited if f.best and f.best.substance_from is not None
    ]
    cited = quotes(analysis, [f.best.sentence for f in credited if f.best][:2], 2)
    cited += quotes(analysis, [f.sentences[0] for f in flags if f.sentences], 1)
    if not cited and evidence:
        cited = quotes(analysis, evidence, 1)
    if not cited:
        scores = stage_scores(analysis, scoring)
        weakest = min(panelist.stages, key=lambda s: (scores[s], rubric.stage(s).order))
        stage = rubric.stage(weakest)
        cited = snippets(
            finder.find(
                f"{stage.name}. {stage.description}",
                1,
                stage=weakest,
                panelist=panelist.id,
                polarity="negative",
            )
        )
    return PanelVote(
        panelist=panelist.id,
        decision=result.decision,
        confidence=result.confidence,
        rationale=rationale,
        citations=cited,
    )
