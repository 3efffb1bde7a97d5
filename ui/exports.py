"""A session's transcript and debrief as a Markdown document and as JSON, for download."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from agents.debrief import Citation, Debrief
from ui.components.labels import (
    decision_label,
    red_flag_name,
    speaker,
    stage_name,
    stage_order,
)
from ui.components.safe_text import code_inline, escape_inline, escape_markdown

if TYPE_CHECKING:
    from agents.session import SessionView

EXPORT_FORMAT = "mockpanel-session/1"
SnippetText = Callable[[str], str | None]


def export_filename(view: SessionView, extension: str) -> str:
    """A file name that says what the download is: mockpanel-<question>-<thread>.<ext>."""
    slug = re.sub(r"[^a-z0-9]+", "-", view.question.id.lower()).strip("-")[:40] or "session"
    thread = re.sub(r"[^A-Za-z0-9]+", "", view.thread_id)[:12]
    return f"mockpanel-{slug}-{thread}.{extension}"


def session_json(view: SessionView) -> str:
    """The whole session (question, transcript, debrief) as indented JSON."""
    data = {"format": EXPORT_FORMAT, **view.model_dump(mode="json")}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _citation_line(citation: Citation, snippet_text: SnippetText | None) -> str:
    parts: list[str] = []
    if citation.turn is not None and citation.quote is not None:
        parts.append(f"{citation.turn}: “{escape_inline(citation.quote)}”")
    if citation.snippet is not None:
        text = snippet_text(citation.snippet) if snippet_text else None
        shown = f" — {escape_inline(text)}" if text else ""
        parts.append(f"snippet {code_inline(citation.snippet)}{shown}")
    return "; ".join(parts)


def _debrief_markdown(debrief: Debrief, snippet_text: SnippetText | None) -> list[str]:
    out = [
        "## Debrief",
        "",
        f"**Decision:** {decision_label(debrief.decision)} ({debrief.strength}) · "
        f"confidence {debrief.confidence:.2f} · brain {code_inline(debrief.brain)}",
        "",
    ]
    if debrief.needs_review:
        out += ["> Flagged for coach review.", ""]
    for note in debrief.fallbacks:
        out += [f"> Fallback: {escape_inline(note)}", ""]
    if debrief.dropped_citations:
        out += [f"> {debrief.dropped_citations} invalid citation(s) were removed.", ""]
    out += ["### Stage scores", "", "| Stage | Score | Summary |", "|---|---|---|"]
    for stage_id in stage_order():
        score = debrief.stage_scores.get(stage_id)
        if score is None:
            continue
        out.append(
            f"| {escape_inline(stage_name(stage_id))} | {score.score}/4 | "
            f"{escape_inline(score.summary)} |"
        )
    out.append("")
    out += ["### Red flags", ""]
    if not debrief.red_flags:
        out.append("None found.")
    for flag in debrief.red_flags:
        out.append(
            f"- **{escape_inline(red_flag_name(flag.id, flag.name))}** "
            f"(severity {flag.severity}, {escape_inline(stage_name(flag.stage))})"
        )
        out += [f"  - {_citation_line(c, snippet_text)}" for c in flag.citations]
    out += ["", "### Reasons", ""]
    for reason in debrief.reasons:
        where = f" ({escape_inline(stage_name(reason.stage))})" if reason.stage else ""
        out.append(f"- **{reason.kind.capitalize()}**{where}: {escape_inline(reason.claim)}")
        out += [f"  - {_citation_line(c, snippet_text)}" for c in reason.citations]
    if debrief.votes:
        out += ["", "### Panel votes", ""]
        for vote in debrief.votes:
            who = speaker(vote.panelist)
            out.append(
                f"- {escape_inline(who.name)}: {decision_label(vote.decision)} "
                f"({vote.confidence:.2f}) — {escape_inline(vote.rationale)}"
            )
    if debrief.advice:
        out += ["", "### What to do better", ""]
        out += [f"- {escape_inline(a.text)}" for a in debrief.advice]
    usage = debrief.usage
    out += [
        "",
        "### Usage",
        "",
        f"{len(usage.calls)} model call(s) · {usage.input_tokens:,} input tokens "
        f"({usage.cache_read_input_tokens:,} cached) · {usage.output_tokens:,} output tokens · "
        f"${usage.cost_usd:.4f} · {usage.latency_ms / 1000:.1f} s",
        "",
    ]
    return out


def session_markdown(view: SessionView, snippet_text: SnippetText | None = None) -> str:
    """The transcript and debrief as a Markdown document; every quoted text escaped."""
    out = [
        f"# Mock panel: {escape_inline(view.question.title)}",
        "",
        f"Session {code_inline(view.thread_id)} · brain {code_inline(view.brain)} · "
        f"started {view.created_at:%Y-%m-%d %H:%M} UTC · "
        f"{view.round} of {view.max_rounds} follow-up round(s) · {view.status.replace('_', ' ')}",
        "",
        "## Question",
        "",
        escape_markdown(view.question.prompt),
        "",
        "## Transcript",
        "",
    ]
    for turn in view.transcript:
        who = speaker(turn.speaker)
        where = "opening answer" if turn.round == 0 else f"round {turn.round}"
        about = f" · {escape_inline(stage_name(turn.stage))}" if turn.stage else ""
        out += [
            f"### {turn.id} · {escape_inline(who.name)} · {where}{about}",
            "",
            escape_markdown(turn.text),
            "",
        ]
    if view.debrief is not None:
        out += _debrief_markdown(view.debrief, snippet_text)
    else:
        out += ["_No debrief yet: the interview is still in progress._", ""]
    return "\n".join(out).rstrip() + "\n"
