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
from ui.components.safe_text import code_inline, export_inline, export_markdown

if TYPE_CHECKING:
    from agents.session import SessionView
    from agents.store import Review
    from ui.coach_marks import CoachMarks
    from ui.timing import TimeUsed

EXPORT_FORMAT = "mockpanel-session/1"
SnippetText = Callable[[str], str | None]


def export_filename(view: SessionView, extension: str) -> str:
    """A file name that says what the download is: mockpanel-<question>-<thread>.<ext>."""
    slug = re.sub(r"[^a-z0-9]+", "-", view.question.id.lower()).strip("-")[:40] or "session"
    thread = re.sub(r"[^A-Za-z0-9]+", "", view.thread_id)[:12]
    return f"mockpanel-{slug}-{thread}.{extension}"


def coach_review_data(review: Review | None, marks: CoachMarks | None) -> dict[str, object] | None:
    """The coach's latest review as plain data (None when there is none)."""
    if review is None:
        return None
    return {
        "decision": review.decision,
        "note": review.note,
        "coach": review.coach,
        "reviewed_at": review.created_at.isoformat(),
        "panel_decision": review.original_decision,
        "strong_stages": list(marks.strong_stages) if marks else [],
        "weak_stages": list(marks.weak_stages) if marks else [],
        "red_flags": list(marks.red_flags) if marks else [],
    }


def session_json(
    view: SessionView,
    review: Review | None = None,
    marks: CoachMarks | None = None,
    time_used: TimeUsed | None = None,
) -> str:
    """The whole session (question, transcript, debrief, the coach's review, the time used)
    as indented JSON."""
    data = {
        "format": EXPORT_FORMAT,
        **view.model_dump(mode="json"),
        "coach_review": coach_review_data(review, marks),
        "time_used": (
            {"minutes": time_used.minutes, "clock_minutes": time_used.limit}
            if time_used is not None
            else None
        ),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _coach_markdown(review: Review, marks: CoachMarks | None) -> list[str]:
    out = [
        "## Coach's review",
        "",
        f"**Decision:** {decision_label(review.decision)} · panel said "
        f"{decision_label(review.original_decision)} · by {export_inline(review.coach)}, "
        f"{review.created_at:%Y-%m-%d %H:%M} UTC",
        "",
        export_markdown(review.note),
        "",
    ]
    if marks is not None:
        for label, stages in (("Strong", marks.strong_stages), ("Weak", marks.weak_stages)):
            if stages:
                out.append(f"- **{label}:** " + ", ".join(stage_name(s) for s in stages))
        if marks.red_flags:
            out.append("- **Red flags confirmed:** " + ", ".join(
                red_flag_name(f) for f in marks.red_flags))
        out.append("")
    return out


def _citation_line(citation: Citation, snippet_text: SnippetText | None) -> str:
    parts: list[str] = []
    if citation.turn is not None and citation.quote is not None:
        parts.append(f"{citation.turn}: “{export_inline(citation.quote)}”")
    if citation.snippet is not None:
        text = snippet_text(citation.snippet) if snippet_text else None
        shown = f" — {export_inline(text)}" if text else ""
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
        out += [f"> Fallback: {export_inline(note)}", ""]
    if debrief.dropped_citations:
        out += [f"> {debrief.dropped_citations} invalid citation(s) were removed.", ""]
    out += ["### Stage scores", "", "| Stage | Score | Summary |", "|---|---|---|"]
    for stage_id in stage_order():
        score = debrief.stage_scores.get(stage_id)
        if score is None:
            continue
        out.append(
            f"| {export_inline(stage_name(stage_id))} | {score.score}/4 | "
            f"{export_inline(score.summary)} |"
        )
    out.append("")
    out += ["### Red flags", ""]
    if not debrief.red_flags:
        out.append("None found.")
    for flag in debrief.red_flags:
        out.append(
            f"- **{export_inline(red_flag_name(flag.id, flag.name))}** "
            f"(severity {flag.severity}, {export_inline(stage_name(flag.stage))})"
        )
        out += [f"  - {_citation_line(c, snippet_text)}" for c in flag.citations]
    out += ["", "### Reasons", ""]
    for reason in debrief.reasons:
        where = f" ({export_inline(stage_name(reason.stage))})" if reason.stage else ""
        out.append(f"- **{reason.kind.capitalize()}**{where}: {export_inline(reason.claim)}")
        out += [f"  - {_citation_line(c, snippet_text)}" for c in reason.citations]
    if debrief.votes:
        out += ["", "### Panel votes", ""]
        for vote in debrief.votes:
            who = speaker(vote.panelist)
            out.append(
                f"- {export_inline(who.name)}: {decision_label(vote.decision)} "
                f"({vote.confidence:.2f}) — {export_inline(vote.rationale)}"
            )
    if debrief.advice:
        out += ["", "### What to do better", ""]
        out += [f"- {export_inline(a.text)}" for a in debrief.advice]
    usage = debrief.usage
    out += [
        "",
        "### Details",
        "",
        f"{len(usage.calls)} model call(s) · {usage.input_tokens:,} input tokens "
        f"({usage.cache_read_input_tokens:,} cached) · {usage.output_tokens:,} output tokens · "
        f"${usage.cost_usd:.4f} · {usage.latency_ms / 1000:.1f} s",
        "",
    ]
    return out


def session_markdown(
    view: SessionView,
    snippet_text: SnippetText | None = None,
    review: Review | None = None,
    marks: CoachMarks | None = None,
    time_used: TimeUsed | None = None,
) -> str:
    """The transcript, the debrief and the coach's review as a Markdown document; the
    candidate's text is escaped only where Markdown would read it as markup."""
    out = [
        f"# Mock panel: {export_inline(view.question.title)}",
        "",
        f"Session {code_inline(view.thread_id)} · brain {code_inline(view.brain)} · "
        f"started {view.created_at:%Y-%m-%d %H:%M} UTC · "
        f"{view.round} of {view.max_rounds} follow-up round(s) · {view.status.replace('_', ' ')}",
        "",
        "## Question",
        "",
        export_markdown(view.question.prompt),
        "",
        "## Transcript",
        "",
    ]
    for turn in view.transcript:
        who = speaker(turn.speaker)
        where = "opening answer" if turn.round == 0 else f"round {turn.round}"
        about = f" · {export_inline(stage_name(turn.stage))}" if turn.stage else ""
        out += [
            f"### {turn.id} · {export_inline(who.name)} · {where}{about}",
            "",
            export_markdown(turn.text),
            "",
        ]
    if review is not None:
        out += _coach_markdown(review, marks)
    if time_used is not None:
        out += [f"**Time used:** {time_used.text()}", ""]
    if view.debrief is not None:
        out += _debrief_markdown(view.debrief, snippet_text)
    else:
        out += ["_No debrief yet: the interview is still in progress._", ""]
    return "\n".join(out).rstrip() + "\n"
