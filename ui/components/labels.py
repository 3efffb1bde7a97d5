"""Display names for stages, speakers, decisions and red flags, from the knowledge files."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.loader import load_panel, load_rubric
from knowledge.models import StageId

CANDIDATE_AVATAR = "🧑‍💻"
DECISION_LABELS = {"hire": "Hire", "no_hire": "No hire"}
STRENGTH_LABELS = {"strong": "strong", "lean": "lean"}


@dataclass(frozen=True)
class Speaker:
    """Who a transcript turn belongs to, as shown in the chat."""

    name: str
    title: str
    avatar: str


def stage_name(stage_id: str) -> str:
    """The rubric's name for a stage id (the id itself when unknown)."""
    for stage in load_rubric().stages:
        if stage.id == stage_id:
            return stage.name
    return stage_id


def stage_order() -> list[StageId]:
    """Stage ids in the rubric's order."""
    return [s.id for s in sorted(load_rubric().stages, key=lambda s: s.order)]


def red_flag_name(flag_id: str, default: str | None = None) -> str:
    """The rubric's name for a red-flag id (else `default`, else the id)."""
    for flag in load_rubric().red_flags:
        if flag.id == flag_id:
            return flag.name
    return default or flag_id


def speaker(speaker_id: str) -> Speaker:
    """Name, title and avatar of the candidate or a panelist."""
    if speaker_id == "candidate":
        return Speaker(name="You", title="candidate", avatar=CANDIDATE_AVATAR)
    for panelist in load_panel().panelists:
        if panelist.id == speaker_id:
            return Speaker(name=panelist.name, title=panelist.title, avatar=panelist.avatar)
    return Speaker(name=speaker_id, title="", avatar="💬")


def decision_label(decision: str | None) -> str:
    """"Hire" / "No hire" (or "—" for none)."""
    if decision is None:
        return "—"
    return DECISION_LABELS.get(decision, decision)


def signal_name(signal_id: str) -> str:
    """The rubric's name for a signal id (the id itself when unknown)."""
    for signal in load_rubric().signals:
        if signal.id == signal_id:
            return signal.name
    return signal_id
