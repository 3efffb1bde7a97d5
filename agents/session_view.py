"""What a client sees of one interview, and the errors a session request can meet."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from agents.debrief import Debrief
from agents.errors import MockpanelError
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Question

Status = Literal["awaiting_reply", "done"]


class SessionError(MockpanelError):
    """A request that does not fit the session (unknown thread, not awaiting a reply, …)."""


class ReplyConflictError(SessionError):
    """A reply refused because another reply is being applied or the session moved on."""


class SessionView(BaseModel):
    """What a client sees of one interview: transcript, pending probes, debrief."""

    thread_id: str
    question: Question
    transcript: list[Turn]
    round: int
    max_rounds: int
    pending_probes: list[Probe]
    status: Status
    debrief: Debrief | None
    brain: str
    created_at: datetime
    updated_at: datetime

    @property
    def last_turn_id(self) -> str | None:
        """Id of the newest transcript turn: the `expected_turn` of a reply to this view."""
        return self.transcript[-1].id if self.transcript else None


def view_from_state(
    thread_id: str, values: dict[str, Any], *, status: Status, updated_at: datetime
) -> SessionView:
    """A SessionView from the graph's state values."""
    created = values.get("created_at") or updated_at
    return SessionView(
        thread_id=thread_id,
        question=values["question"],
        transcript=list(values.get("transcript") or []),
        round=values.get("round", 0),
        max_rounds=values.get("max_rounds") or 0,
        pending_probes=list(values.get("pending") or []) if status == "awaiting_reply" else [],
        status=status,
        debrief=values.get("debrief"),
        brain=values.get("brain") or "",
        created_at=created,
        updated_at=updated_at,
    )
