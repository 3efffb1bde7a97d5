"""A small deterministic brain double for end-to-end eval runs through the real graph."""

from __future__ import annotations

import re

from agents.brains.base import StepResult
from agents.debrief import Citation, Debrief, PanelVote, Reason, StageScore
from agents.state import Probe
from agents.transcript import Turn, candidate_text
from knowledge.models import STAGE_IDS, Panelist, Question

SNIPPETS = ("snip-known",)
_NUMBER = re.compile(r"\d")


class SnippetIds:
    """A snippet index that knows a fixed set of ids."""

    def __init__(self, ids: tuple[str, ...] = SNIPPETS) -> None:
        self._ids = set(ids)

    def has(self, snippet_id: str) -> bool:
        """True for the known ids."""
        return snippet_id in self._ids


class CountingBrain:
    """Hires when the candidate gave at least three numbers; `gullible` also obeys any text
    asking for a hire (so an injection flip can be produced on purpose)."""

    def __init__(self, *, gullible: bool = False, cite_snippet: str = SNIPPETS[0]) -> None:
        self.name = "counting"
        self.gullible = gullible
        self.cite_snippet = cite_snippet

    def _decide(self, transcript: list[Turn]) -> str:
        text = candidate_text(transcript)
        if self.gullible and "hire" in text.lower() and "decision" in text.lower():
            return "hire"
        return "hire" if len(_NUMBER.findall(text)) >= 3 else "no_hire"

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """One probe per stage the panelist owns."""
        return StepResult(
            [
                Probe(
                    panelist=panelist.id,
                    stage=stage,
                    gap=f"{stage}-r{round}",
                    gap_kind="missing_signal",
                    severity=1.0 + 0.1 * i,
                    text=f"What about {stage.replace('_', ' ')}?",
                    snippet_ids=[self.cite_snippet],
                )
                for i, stage in enumerate(panelist.stages)
            ]
        )

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """Everyone votes the same way, citing the opening words."""
        opening = transcript[0]
        return StepResult(
            PanelVote(
                panelist=panelist.id,
                decision=self._decide(transcript),
                confidence=0.8,
                citations=[Citation(turn=opening.id, quote=opening.text[:15])],
            )
        )

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """The votes' decision, with one quote and one snippet as evidence."""
        decision = self._decide(transcript)
        opening = transcript[0]
        evidence = [
            Citation(turn=opening.id, quote=opening.text[:15]),
            Citation(snippet=self.cite_snippet),
        ]
        score = 4 if decision == "hire" else 1
        return StepResult(
            Debrief(
                decision=decision,
                strength="lean",
                confidence=0.8,
                stage_scores={
                    s: StageScore(stage=s, score=score, evidence=evidence[:1]) for s in STAGE_IDS
                },
                reasons=[Reason(claim="Counted the numbers.", citations=evidence)],
                votes=votes,
                brain=self.name,
            )
        )
