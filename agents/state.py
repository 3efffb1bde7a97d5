"""The interview graph's state: everything a checkpoint must hold to resume a session."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, is_dataclass
from datetime import datetime
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field

from agents.debrief import CallUsage, Debrief, PanelVote
from agents.transcript import Turn
from knowledge.models import PanelistId, Question, StageId

Phase = Literal["opening", "probing", "deliberating", "done"]


PAST_SHOWN_KINDS = frozenset({"deeper", "follow_up"})
"""Probe kinds that ask past a signal already shown, on purpose: its limit, or what the reply
said of it (never a request for the signal itself)."""

REPEAT_KINDS = PAST_SHOWN_KINDS | {"press"}
"""Probe kinds that may return to a gap already asked, each once: past a shown signal, or a red
flag pressed again after a reply that defended the plan without changing it."""


class Probe(BaseModel):
    """A follow-up question a panelist wants to ask, grounded in a gap and in snippets."""

    model_config = ConfigDict(frozen=True)

    panelist: str
    stage: StageId
    gap: str = Field(description="rubric signal or red-flag id this probe targets")
    gap_kind: str = Field(
        description="missing_signal | thin_signal | red_flag | deeper (past what was covered) | "
        "follow_up (about what the reply said of an idea already pushed on) | press (a red flag "
        "asked again after a reply that defended the plan)"
    )
    severity: float = Field(ge=0, description="higher = asked first")
    text: str = Field(min_length=1)
    snippet_ids: list[str] = Field(default_factory=list)


class RoundProbes(BaseModel):
    """The probes one panelist proposed in one round (the output of a `probe` task)."""

    model_config = ConfigDict(frozen=True)

    round: int
    panelist: PanelistId
    probes: list[Probe]


def append_turns(left: list[Turn], right: list[Turn]) -> list[Turn]:
    """Transcript reducer: turns are only ever appended."""
    return [*left, *right]


def keep_latest_round(left: list[RoundProbes], right: list[RoundProbes]) -> list[RoundProbes]:
    """Proposal reducer: merge, then keep only the newest round (so each round starts empty)."""
    merged = [*left, *right]
    if not merged:
        return []
    latest = max(p.round for p in merged)
    return [p for p in merged if p.round == latest]


def merge_votes(left: list[PanelVote], right: list[PanelVote]) -> list[PanelVote]:
    """Vote reducer: one vote per panelist, a newer vote replacing an older one."""
    by_panelist = {v.panelist: v for v in left}
    for vote in right:
        by_panelist[vote.panelist] = vote
    return list(by_panelist.values())


@dataclass
class PanelState:
    """State of one interview thread, checkpointed after every step."""

    question: Question
    """The design question the candidate is answering."""

    answer: str = ""
    """The candidate's opening answer; `open` turns it into transcript turn t1."""

    brain: str = ""
    """Name of the brain judging this session (offline, claude, cascade, or a test double)."""

    max_rounds: int | None = None
    """Follow-up rounds for this session; None until `open` fills in the context's default."""

    created_at: datetime | None = None
    """When the session started (UTC); set by `open` when the caller leaves it empty."""

    phase: Phase = "opening"
    """Where the interview is: opening answer, probing rounds, deliberation, or done."""

    round: int = 0
    """Current follow-up round; 0 while only the opening answer exists."""

    transcript: Annotated[list[Turn], append_turns] = field(default_factory=list)
    """Every turn in speaking order (ids t1, t2, …); panelist turns carry stage, gap, snippets."""

    proposals: Annotated[list[RoundProbes], keep_latest_round] = field(default_factory=list)
    """Probes proposed by the panelists in the current round, before selection."""

    pending: list[Probe] = field(default_factory=list)
    """The probes selected for this round, asked and awaiting the candidate's reply."""

    finished: bool = False
    """True once the candidate chose to stop answering: remaining rounds are skipped."""

    votes: Annotated[list[PanelVote], merge_votes] = field(default_factory=list)
    """Each panelist's hire / no-hire vote from deliberation."""

    calls: Annotated[list[CallUsage], operator.add] = field(default_factory=list)
    """Every model call of the session so far (tokens, cost, latency); the debrief totals them."""

    fallbacks: Annotated[list[str], operator.add] = field(default_factory=list)
    """Every step another brain answered instead, and why; the debrief lists them."""

    debrief: Debrief | None = None
    """The validated debrief, once the panel has decided."""


@dataclass
class ProbeTask:
    """Input of one `probe` task (sent per panelist with `Send`)."""

    panelist: PanelistId
    round: int
    question: Question
    transcript: list[Turn]


@dataclass
class VoteTask:
    """Input of one `vote` task (sent per panelist with `Send`)."""

    panelist: PanelistId
    question: Question
    transcript: list[Turn]


def _collect_types(tp: Any, found: set[tuple[str, str]]) -> None:
    if isinstance(tp, UnionType) or get_origin(tp) in (Union, Annotated, list, dict, tuple, set):
        args = get_args(tp)[:1] if get_origin(tp) is Annotated else get_args(tp)
        for arg in args:
            _collect_types(arg, found)
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        if (tp.__module__, tp.__name__) not in found:
            found.add((tp.__module__, tp.__name__))
            for f in tp.model_fields.values():
                _collect_types(f.annotation, found)
    elif isinstance(tp, type) and is_dataclass(tp) and (tp.__module__, tp.__name__) not in found:
        found.add((tp.__module__, tp.__name__))
        for hint in get_type_hints(tp, include_extras=True).values():
            _collect_types(hint, found)


def checkpoint_types() -> list[tuple[str, str]]:
    """(module, class) of every model a checkpoint of this graph may hold (serde allowlist)."""
    found: set[tuple[str, str]] = {("datetime", "datetime")}
    for root in (PanelState, ProbeTask, VoteTask):
        _collect_types(root, found)
    return sorted(found)
