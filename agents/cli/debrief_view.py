"""How a debrief and an interview look on the terminal, and the `--json` object."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from agents.cli.terminal import display, plain
from agents.errors import MockpanelError

if TYPE_CHECKING:
    from rich.console import Console

    from agents.debrief import Citation, Debrief
    from agents.session import SessionView
    from agents.transcript import Turn
    from knowledge.models import Panel, Question


def debrief_payload(debrief: Debrief) -> dict[str, Any]:
    """The `--json` object: the debrief with null fields left out, transcript kept compact."""
    data = debrief.model_dump(mode="json", exclude_none=True)
    data["transcript"] = [_turn_payload(t) for t in debrief.transcript]
    return data


def _turn_payload(turn: Turn) -> dict[str, Any]:
    item: dict[str, Any] = {"id": turn.id, "speaker": turn.speaker, "text": turn.text}
    if turn.speaker != "candidate":
        item.update(round=turn.round, stage=turn.stage, gap=turn.gap, snippet_ids=turn.snippet_ids)
        if turn.gap_kind is not None:
            item["gap_kind"] = turn.gap_kind
    return item


def print_result(view: SessionView, *, as_json: bool, panel: Panel | None) -> None:
    if view.debrief is None:  # pragma: no cover - a finished session always has one
        raise MockpanelError("the panel did not produce a debrief")
    if as_json:
        sys.stdout.write(json.dumps(debrief_payload(view.debrief), ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
        return
    render_debrief(console(stderr=False), view.debrief, panel)


def console(*, stderr: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def show_question(console: Console, question: Question) -> None:
    from rich.panel import Panel as Box

    from knowledge.scope import scope_line

    console.print(Box(plain(question.prompt), title=plain(question.title, style="bold")))
    console.print(plain(scope_line(question), style="dim"))


def _speaker(panel: Panel, speaker: str) -> str:
    if speaker == "candidate":
        return "You"
    p = panel.get(speaker)
    return f"{p.avatar} {p.name} · {speaker.replace('_', ' ')}"


def show_turns(console: Console, panel: Panel, transcript: list[Turn], shown: int) -> int:
    """Print the turns not shown yet; returns how many are shown now."""
    from rich.panel import Panel as Box
    for turn in transcript[shown:]:
        body = plain(turn.text)
        if turn.gap:
            notes = f"  (notes: {', '.join(turn.snippet_ids)})" if turn.snippet_ids else ""
            body.append(display(f"\nprobing {turn.gap} · {turn.stage}{notes}"), style="dim")
        style = "green" if turn.speaker == "candidate" else "cyan"
        title = plain(f"{turn.id} · {_speaker(panel, turn.speaker)}", style=f"bold {style}")
        console.print(Box(body, title=title, title_align="left", border_style=style))
    return len(transcript)


def _citation_text(c: Citation) -> str:
    parts = []
    if c.turn is not None:
        parts.append(f"“{c.quote}” ({c.turn})")
    if c.snippet is not None:
        parts.append(f"[note {c.snippet}]")
    return " ".join(parts)


def render_debrief(console: Console, debrief: Debrief, panel: Panel | None) -> None:
    """A readable terminal rendering of the debrief (candidate text is never markup)."""
    from rich.panel import Panel as Box
    from rich.table import Table
    verdict = "HIRE" if debrief.decision == "hire" else "NO HIRE"
    colour = "green" if debrief.decision == "hire" else "red"
    head = plain(f"{verdict} ({debrief.strength})", style=f"bold {colour}")
    head.append(
        display(f"   confidence {debrief.confidence:.2f}   brain {debrief.brain}"), style="default"
    )
    if debrief.needs_review:
        head.append("   needs coach review", style="yellow")
    console.print(Box(head, title="Debrief", title_align="left", border_style=colour))

    scores = Table(title="Stage scores", show_lines=False, expand=True)
    scores.add_column("stage")
    scores.add_column("score", justify="center")
    scores.add_column("summary")
    for stage, score in debrief.stage_scores.items():
        scores.add_row(plain(stage), plain("●" * score.score + "○" * (4 - score.score)),
                       plain(score.summary))
    console.print(scores)

    if debrief.red_flags:
        console.print(plain("Red flags", style="bold red"))
        for flag in debrief.red_flags:
            line = plain(f"  ⚑ {flag.name} ({flag.stage}) ")
            line.append(display("; ".join(_citation_text(c) for c in flag.citations)), style="dim")
            console.print(line)

    console.print(plain("Reasons", style="bold"))
    for reason in debrief.reasons:
        mark = "+" if reason.kind == "strength" else "-"
        console.print(plain(f"  {mark} {reason.claim}"))
        for c in reason.citations:
            console.print(plain(f"      {_citation_text(c)}", style="dim"))

    if debrief.votes:
        console.print(plain("Panel votes", style="bold"))
        for vote in debrief.votes:
            who = _speaker(panel, vote.panelist) if panel is not None else vote.panelist
            line = plain(f"  {who}: ")
            line.append(vote.decision.replace("_", " "),
                        style="green" if vote.decision == "hire" else "red")
            line.append(display(f" ({vote.confidence:.2f}) {vote.rationale}"))
            console.print(line)

    if debrief.advice:
        console.print(plain("What to do better", style="bold"))
        for tip in debrief.advice:
            console.print(plain(f"  • {tip.text}"))

    footer = [f"{debrief.dropped_citations} unverifiable citation(s) removed"]
    footer += [f"fallback: {f}" for f in debrief.fallbacks]
    usage = debrief.usage
    if usage.input_tokens or usage.output_tokens:
        footer.append(
            f"tokens in/out {usage.input_tokens}/{usage.output_tokens}, ${usage.cost_usd:.4f}"
        )
    console.print(plain(" · ".join(footer), style="dim"))
