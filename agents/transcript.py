"""A transcript turn: who spoke, what they said, and which probe it answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge.models import PanelistId, StageId

Speaker = Literal["candidate"] | PanelistId


class Turn(BaseModel):
    """One utterance; ids are "t1", "t2", … in order of speaking."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^t[0-9]+$")
    speaker: Speaker
    text: str
    round: int = Field(default=0, ge=0, description="0 = the opening answer")
    stage: StageId | None = Field(default=None, description="stage a probe targets")
    gap: str | None = Field(
        default=None, description="rubric signal or red-flag id a probe targets"
    )
    gap_kind: str | None = Field(
        default=None, description="missing_signal | thin_signal | red_flag | deeper, for a probe"
    )
    snippet_ids: list[str] = Field(default_factory=list, description="snippets grounding a probe")


def next_turn_id(transcript: list[Turn]) -> str:
    """The id the next turn gets."""
    return f"t{len(transcript) + 1}"


def candidate_text(transcript: list[Turn]) -> str:
    """Everything the candidate said, in order."""
    return "\n\n".join(t.text for t in transcript if t.speaker == "candidate")
