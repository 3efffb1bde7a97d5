"""Render the rubric, panelists, snippets and transcript as prompt blocks (candidate fenced)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from agents.brains.claude import prompts
from agents.brains.claude.scope import assessed, not_assessed, probe_stages
from agents.debrief import PanelVote
from agents.transcript import Turn
from knowledge.models import Panelist, Question, Rubric, Snippet

# Tag names of the data fences; a candidate who types one of them cannot close a fence early.
FENCE_TAGS = (
    "candidate_transcript",
    "turn",
    "panel_votes",
    "design_question",
    "question_scope",
)
_FENCE_TAG = re.compile(r"<(?=\s*/?\s*(?:" + "|".join(FENCE_TAGS) + r")\b)", re.IGNORECASE)
ESCAPED_LT = "&lt;"

TextBlock = dict[str, Any]
EPHEMERAL = {"type": "ephemeral"}
# Exemplars shown per signal and red flag: enough to calibrate, few enough to stay compact.
EXEMPLARS_SHOWN = 1


def fence_escape(text: str) -> str:
    """Neutralise anything in untrusted text that looks like one of our fence tags."""
    return _FENCE_TAG.sub(ESCAPED_LT, text)


def unescape_quote(quote: str) -> str:
    """Undo fence_escape in a quote the model copied from fenced text."""
    return quote.replace(ESCAPED_LT, "<")


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", ESCAPED_LT)


def _examples(exemplars: list[str]) -> str:
    return " | ".join(e.strip() for e in exemplars[:EXEMPLARS_SHOWN])


def render_rubric(rubric: Rubric) -> str:
    """The rubric, one line per item: stages, their signals, then the red flags.

    Exemplars are kept: they calibrate the judgment, and they lift the static prefix above
    the smallest prompt the cheap model will cache (4,096 tokens for Claude Haiku 4.5).
    """
    lines = ["RUBRIC", ""]
    for stage in sorted(rubric.stages, key=lambda s: s.order):
        lines.append(f"Stage {stage.order} `{stage.id}` — {stage.name}: {stage.description}")
        for signal in rubric.signals_for(stage.id):
            lines.append(
                f"  - signal `{signal.id}` ({signal.name}): {signal.description} "
                f"Substance: {signal.substance} Sounds like: {_examples(signal.exemplars)}"
            )
        lines.append("")
    lines.append("RED FLAGS")
    for flag in rubric.red_flags:
        lines.append(
            f"  - red flag `{flag.id}` (stage `{flag.stage}`, severity {flag.severity}) "
            f"{flag.name}: {flag.description} Sounds like: {_examples(flag.exemplars)}"
        )
    return "\n".join(lines).strip() + "\n"


def render_snippets(snippets: Iterable[Snippet]) -> str:
    """Debrief notes, one per line, with the id the model must cite."""
    rows = [
        f"[snippet {s.id}] ({s.panelist}, stage {s.stage}, {s.polarity}) {s.text.strip()}"
        for s in snippets
    ]
    if not rows:
        return prompts.NO_SNIPPETS + "\n"
    return prompts.SNIPPETS_HEADER + "\n".join(rows) + "\n"


def render_panelist(panelist: Panelist) -> str:
    """Who this panelist is, how they talk, what they own."""
    return prompts.PANELIST_TEMPLATE.format(
        name=panelist.name,
        title=panelist.title,
        voice=panelist.voice.strip(),
        charter=panelist.charter.strip(),
        stages=", ".join(panelist.stages),
    )


def render_question(question: Question) -> str:
    """The design question (our own data, fenced all the same)."""
    return prompts.QUESTION_TEMPLATE.format(
        id=_attr(question.id),
        title=fence_escape(question.title.strip()),
        prompt=fence_escape(question.prompt.strip()),
    )


def render_scope(question: Question, rubric: Rubric, panelist: Panelist | None = None) -> str:
    """The question's scope: assessed and not-assessed stages, focus signals, probe stages.

    It goes in the per-request user turn, not the cached system blocks (it varies per question).
    """
    names: dict[str, str] = {s.id: s.name for s in rubric.stages}

    def named(stages: Iterable[str]) -> str:
        return ", ".join(f"{names[s]} (`{s}`)" for s in stages)

    absent = not_assessed(question)
    known = {s.id for s in rubric.signals}
    focus = [s for s in question.focus_signals if s in known]
    unused = [s for s in question.unused_signals if s in known]
    return prompts.SCOPE_TEMPLATE.format(
        assessed=", ".join(assessed(question)),
        assessed_names=named(assessed(question)),
        not_assessed_line=prompts.NOT_ASSESSED_LINE.format(names=named(absent)) if absent else "",
        focus_line=(
            prompts.FOCUS_LINE.format(signals=", ".join(f"`{s}`" for s in focus)) if focus else ""
        )
        + (
            prompts.UNUSED_LINE.format(signals=", ".join(f"`{s}`" for s in unused))
            if unused
            else ""
        ),
        probe_line=prompts.PROBE_STAGES_LINE.format(stages=named(probe_stages(panelist, question)))
        if panelist is not None
        else "",
    )


def render_transcript(transcript: list[Turn]) -> str:
    """Every turn inside the untrusted-data fence, with ids, speakers and rounds."""
    parts = ["<candidate_transcript>"]
    for turn in transcript:
        parts.append(
            f'<turn id="{_attr(turn.id)}" speaker="{turn.speaker}" round="{turn.round}">\n'
            f"{fence_escape(turn.text)}\n</turn>"
        )
    parts.append("</candidate_transcript>")
    return prompts.TRANSCRIPT_INTRO + "\n".join(parts) + "\n"


def render_votes(votes: list[PanelVote]) -> str:
    """The panel's votes, fenced as data (their rationales may echo the candidate)."""
    if not votes:
        return "<panel_votes>\n(no votes were taken)\n</panel_votes>\n"
    rows = [
        f"- {v.panelist}: {v.decision} (confidence {v.confidence:.2f}) "
        f"{fence_escape(v.rationale.strip())}"
        for v in votes
    ]
    return "<panel_votes>\n" + "\n".join(rows) + "\n</panel_votes>\n"


def system_blocks(*static_texts: str) -> list[TextBlock]:
    """System blocks, each marked as a cache breakpoint: they repeat call after call."""
    return [
        {"type": "text", "text": text, "cache_control": dict(EPHEMERAL)} for text in static_texts
    ]


def user_message(*parts: str) -> list[dict[str, Any]]:
    """The single user turn of a request."""
    return [{"role": "user", "content": [{"type": "text", "text": "\n".join(parts)}]}]
