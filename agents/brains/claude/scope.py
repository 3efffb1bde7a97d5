"""What a question assesses, and which of a panelist's stages may be probed under that scope."""

from __future__ import annotations

from knowledge.models import STAGE_IDS, Panelist, Question, StageId


def assessed(question: Question) -> list[StageId]:
    """The stages the question assesses, in rubric order."""
    return [s for s in STAGE_IDS if s in question.assesses]


def not_assessed(question: Question) -> list[StageId]:
    """The stages the question leaves out: no score, penalty, probe or advice for them."""
    return [s for s in STAGE_IDS if s not in question.assesses]


def probe_stages(panelist: Panelist, question: Question) -> list[StageId]:
    """The in-scope stages this panelist owns; every in-scope stage when it owns none of them."""
    owned = [s for s in assessed(question) if s in panelist.stages]
    return owned or assessed(question)
