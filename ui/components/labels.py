"""Display names for stages, speakers, decisions and red flags, from the knowledge files."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.loader import load_panel, load_rubric
from knowledge.models import StageId

# Material icons, not emoji: they render from Streamlit's own font, with no emoji font installed.
CANDIDATE_AVATAR = ":material/person:"
PANELIST_AVATARS = {
    "interviewer": ":material/record_voice_over:",
    "hiring_manager": ":material/work:",
    "lead_engineer": ":material/engineering:",
}
OTHER_AVATAR = ":material/chat:"
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


def stage_short_name(stage_id: str) -> str:
    """A stage's name up to its first " and " ("Data strategy"), for charts and tabs."""
    return stage_name(stage_id).split(" and ")[0]


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
            avatar = PANELIST_AVATARS.get(panelist.id, OTHER_AVATAR)
            return Speaker(name=panelist.name, title=panelist.title, avatar=avatar)
    return Speaker(name=speaker_id, title="", avatar=OTHER_AVATAR)


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
