"""`mockpanel debrief` and `mockpanel interview`: judge a written answer, or run the roleplay."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from agents.errors import MockpanelError

if TYPE_CHECKING:
    from rich.console import Console

    from agents.brains.base import Probe
    from agents.debrief import Citation, Debrief
    from agents.session import PanelService, SessionView
    from agents.transcript import Turn
    from knowledge.models import Panel, Question
    from knowledge.settings import Settings

T = TypeVar("T")

CUSTOM_QUESTION_ID = "custom"
MAX_ROUNDS_ALLOWED = 5
END_OF_REPLY = "."
FINISH_COMMAND = "/done"
SCRIPT_OPENING_KEYS = ("answer", "opening")
SCRIPT_DEFAULT_KEY = "default"


def register(subparsers: Any) -> None:
    """Add the `debrief` and `interview` sub-commands."""
    debrief = subparsers.add_parser(
        "debrief",
        help="judge one written answer (no follow-up rounds)",
        description="Judge one written answer with no follow-ups and print the debrief.",
    )
    _question_options(debrief)
    debrief.add_argument("--answer-file", metavar="PATH", help="the answer (UTF-8 text; - = stdin)")
    _common_options(debrief)
    debrief.set_defaults(func=run_debrief)

    interview = subparsers.add_parser(
        "interview",
        help="the panel roleplay in the terminal",
        description=(
            "Answer a design question, get probed by the panel, then read the debrief. "
            f"Replies come from stdin (end each with a line holding only '{END_OF_REPLY}', "
            f"or type {FINISH_COMMAND} to go to the debrief) or from --script."
        ),
    )
    _question_options(interview)
    interview.add_argument(
        "--answer-file", metavar="PATH", help="the opening answer (default: the script or stdin)"
    )
    interview.add_argument(
        "--rounds", metavar="N", help="follow-up rounds (default 2, MOCKPANEL_MAX_ROUNDS)"
    )
    interview.add_argument(
        "--resume",
        metavar="SESSION",
        help="continue an interrupted interview (its id is shown when it starts)",
    )
    interview.add_argument(
        "--script",
        metavar="FILE",
        help="YAML replies: a list (one per round), or a mapping stage -> reply "
        "(keys: stage ids, 'default', and 'answer' for the opening answer)",
    )
    _common_options(interview)
    interview.set_defaults(func=run_interview)


def _question_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--question", metavar="TEXT", help="a free-text design question")
    parser.add_argument("--question-id", metavar="ID", help="a question from the bank")


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--brain", metavar="NAME", help="offline | claude | cascade")
    parser.add_argument("--json", action="store_true", help="print the debrief as one JSON object")


# --- commands ----------------------------------------------------------------------------


def run_debrief(args: argparse.Namespace) -> int:
    """Judge one answer with max_rounds 0 and print the debrief."""
    from agents.answer_input import read_answer_file, read_answer_stream

    settings = _settings()
    question = resolve_question(args.question, args.question_id, required=True)
    if not args.answer_file:
        raise MockpanelError("--answer-file is required (a path, or - for stdin)")
    answer = (
        read_answer_stream(sys.stdin.buffer)
        if args.answer_file == "-"
        else read_answer_file(args.answer_file)
    )
    service = _service(settings, args.brain)
    view = _run(service.start(question, answer, max_rounds=0))
    _print_result(view, as_json=args.json, panel=None)
    return 0


def run_interview(args: argparse.Namespace) -> int:
    """The roleplay: opening answer, probing rounds, debrief (or carry on with --resume)."""
    from agents.answer_input import read_answer_file
    from agents.context import default_max_rounds
    from knowledge.loader import load_panel

    settings = _settings()
    if args.resume and (args.question or args.question_id or args.answer_file or args.rounds):
        raise MockpanelError("--resume continues a session; it takes no question, answer or rounds")
    question = None if args.resume else resolve_question(
        args.question, args.question_id, required=False
    )
    rounds = _rounds(args.rounds) if args.rounds is not None else default_max_rounds()
    script = load_script(Path(args.script)) if args.script else None
    opening: str | None = None
    panel = load_panel()
    if args.answer_file:
        opening = read_answer_file(args.answer_file)
    if opening is None and script is not None:
        opening = script.opening
    service = _service(settings, args.brain)
    console = _console(stderr=args.json)

    if args.resume:
        found = _run(service.get(args.resume))
        if found is None:
            raise MockpanelError(f"no session with id {args.resume}")
        view = found
        _show_question(console, view.question)
    else:
        assert question is not None
        _show_question(console, question)
        if opening is None:
            opening = _read_reply(console, sys.stdin, "Your answer")
            if opening is None:
                raise MockpanelError("no answer given on stdin")
        view = _run(service.start(question, opening, max_rounds=rounds))
    shown = _show_turns(console, panel, view.transcript, 0)
    if view.status == "awaiting_reply":
        console.print(
            f"[dim]session {view.thread_id} · if interrupted, continue with: "
            f"mockpanel interview --resume {view.thread_id}[/]"
        )
    while view.status == "awaiting_reply":
        reply = (
            script.reply_to(view.pending_probes)
            if script is not None
            else _read_reply(console, sys.stdin, "Your reply")
        )
        if reply is None:
            view = _run(service.finish(view.thread_id))
        else:
            view = _run(service.reply(view.thread_id, reply))
        shown = _show_turns(console, panel, view.transcript, shown)
    _print_result(view, as_json=args.json, panel=panel)
    return 0


# --- inputs ------------------------------------------------------------------------------


def resolve_question(text: str | None, question_id: str | None, *, required: bool) -> Question:
    """The bank question by id, or an ad-hoc one from free text (exactly one of the two)."""
    from pydantic import ValidationError

    from knowledge.loader import load_questions
    from knowledge.models import STAGE_IDS, Question

    if text is not None and question_id is not None:
        raise MockpanelError("give either --question or --question-id, not both")
    bank = load_questions()
    if question_id is not None:
        try:
            return bank.get(question_id)
        except KeyError:
            known = ", ".join(q.id for q in bank.questions)
            raise MockpanelError(
                f"unknown question id {question_id!r}; known ids: {known}"
            ) from None
    if text is None:
        if required:
            raise MockpanelError("give --question TEXT or --question-id ID")
        return bank.questions[0]
    prompt = " ".join(text.split())
    try:
        return Question(
            id=CUSTOM_QUESTION_ID,
            title=prompt if len(prompt) <= 80 else prompt[:79].rstrip() + "…",
            prompt=prompt,
            use_case="custom",
            stresses=list(STAGE_IDS),
        )
    except ValidationError:
        raise MockpanelError(
            "--question must be a design question of at least 20 characters"
        ) from None


def _rounds(raw: str) -> int:
    try:
        rounds = int(raw)
    except ValueError:
        raise MockpanelError(f"--rounds must be a whole number, not {raw!r}") from None
    if not 0 <= rounds <= MAX_ROUNDS_ALLOWED:
        raise MockpanelError(f"--rounds must be between 0 and {MAX_ROUNDS_ALLOWED}, not {rounds}")
    return rounds


@dataclass
class Script:
    """Scripted replies for `interview --script`: in order, or chosen by the probed stage."""

    opening: str | None = None
    replies: list[str] | None = None
    by_stage: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    _used: set[str] = field(default_factory=set)

    def reply_to(self, probes: list[Probe]) -> str | None:
        """The reply to this round's probes; None when the script has nothing left to say."""
        if self.replies is not None:
            return self.replies.pop(0) if self.replies else None
        parts: list[str] = []
        for p in probes:
            if p.stage in self.by_stage and p.stage not in self._used:
                self._used.add(p.stage)
                parts.append(self.by_stage[p.stage])
        if parts:
            return "\n\n".join(parts)
        if self.default is not None and SCRIPT_DEFAULT_KEY not in self._used:
            self._used.add(SCRIPT_DEFAULT_KEY)
            return self.default
        return None


def load_script(path: Path) -> Script:
    """Read and check a script file; MockpanelError with one line on any problem."""
    import yaml

    from agents.answer_input import AnswerError, clean_answer, read_answer_file
    from knowledge.models import STAGE_IDS

    text = read_answer_file(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise MockpanelError(f"script {path}: malformed YAML{where}") from None

    def reply(value: object, where: str) -> str:
        if not isinstance(value, str):
            raise MockpanelError(f"script {path}: {where} must be text")
        try:
            return clean_answer(value)
        except AnswerError as exc:
            raise MockpanelError(f"script {path}: {where}: {exc}") from None

    if isinstance(data, list):
        if not data:
            raise MockpanelError(f"script {path}: the list of replies is empty")
        return Script(replies=[reply(v, f"reply {i + 1}") for i, v in enumerate(data)])
    if isinstance(data, dict):
        allowed = (*STAGE_IDS, SCRIPT_DEFAULT_KEY, *SCRIPT_OPENING_KEYS)
        unknown = [str(k) for k in data if k not in allowed]
        if unknown:
            raise MockpanelError(
                f"script {path}: unknown key {unknown[0]!r}; use {', '.join(allowed)}"
            )
        opening_key = next((k for k in SCRIPT_OPENING_KEYS if k in data), None)
        return Script(
            opening=reply(data[opening_key], opening_key) if opening_key else None,
            by_stage={str(k): reply(v, str(k)) for k, v in data.items() if k in STAGE_IDS},
            default=(
                reply(data[SCRIPT_DEFAULT_KEY], SCRIPT_DEFAULT_KEY)
                if SCRIPT_DEFAULT_KEY in data
                else None
            ),
        )
    raise MockpanelError(f"script {path}: expected a list of replies or a mapping stage -> reply")


def _read_reply(console: Console, stream: TextIO, label: str) -> str | None:
    """One reply from stdin, ended by a line holding only '.', or EOF; None = finish."""
    from rich.text import Text

    from agents.answer_input import AnswerError, clean_answer

    while True:
        if stream.isatty():
            console.print(
                f"[bold]{label}[/] [dim](end with a line holding only '{END_OF_REPLY}'; "
                f"{FINISH_COMMAND} goes to the debrief)[/]"
            )
        lines: list[str] = []
        for line in stream:
            stripped = line.strip()
            if stripped == END_OF_REPLY:
                break
            if stripped == FINISH_COMMAND and not lines:
                return None
            lines.append(line)
        else:
            if not lines:
                return None
        try:
            return clean_answer("".join(lines))
        except AnswerError as exc:
            if not stream.isatty():
                raise
            console.print(Text(f"{exc}; please try again.", style="red"))


# --- running -----------------------------------------------------------------------------


def _settings() -> Settings:
    from knowledge.settings import Settings

    return Settings()


def _service(settings: Settings, brain: str | None) -> PanelService:
    from agents.brains.factory import brain_names
    from agents.session import PanelService

    name = brain or settings.brain
    if name not in brain_names():
        raise MockpanelError(f"unknown brain {name!r}; expected one of {', '.join(brain_names())}")
    service = PanelService(settings, brain_name=name)
    # Fail now (no API key, no index), not after the candidate has typed an answer.
    service.brain()
    service.retriever()
    return service


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


# --- output ------------------------------------------------------------------------------


def debrief_payload(debrief: Debrief) -> dict[str, Any]:
    """The `--json` object: the debrief with null fields left out, transcript kept compact."""
    data = debrief.model_dump(mode="json", exclude_none=True)
    data["transcript"] = [_turn_payload(t) for t in debrief.transcript]
    return data


def _turn_payload(turn: Turn) -> dict[str, Any]:
    item: dict[str, Any] = {"id": turn.id, "speaker": turn.speaker, "text": turn.text}
    if turn.speaker != "candidate":
        item.update(round=turn.round, stage=turn.stage, gap=turn.gap, snippet_ids=turn.snippet_ids)
    return item


def _print_result(view: SessionView, *, as_json: bool, panel: Panel | None) -> None:
    if view.debrief is None:  # pragma: no cover - a finished session always has one
        raise MockpanelError("the panel did not produce a debrief")
    if as_json:
        sys.stdout.write(json.dumps(debrief_payload(view.debrief), ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
        return
    render_debrief(_console(stderr=False), view.debrief, panel)


def _console(*, stderr: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _show_question(console: Console, question: Question) -> None:
    from rich.panel import Panel as Box
    from rich.text import Text

    console.print(Box(Text(question.prompt), title=Text(question.title, style="bold")))


def _speaker(panel: Panel, speaker: str) -> str:
    if speaker == "candidate":
        return "You"
    p = panel.get(speaker)
    return f"{p.avatar} {p.name} · {speaker.replace('_', ' ')}"


def _show_turns(console: Console, panel: Panel, transcript: list[Turn], shown: int) -> int:
    """Print the turns not shown yet; returns how many are shown now."""
    from rich.panel import Panel as Box
    from rich.text import Text

    for turn in transcript[shown:]:
        body = Text(turn.text)
        if turn.gap:
            notes = f"  (notes: {', '.join(turn.snippet_ids)})" if turn.snippet_ids else ""
            body.append(f"\nprobing {turn.gap} · {turn.stage}{notes}", style="dim")
        style = "green" if turn.speaker == "candidate" else "cyan"
        title = Text(f"{turn.id} · {_speaker(panel, turn.speaker)}", style=f"bold {style}")
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
    from rich.text import Text

    verdict = "HIRE" if debrief.decision == "hire" else "NO HIRE"
    colour = "green" if debrief.decision == "hire" else "red"
    head = Text(f"{verdict} ({debrief.strength})", style=f"bold {colour}")
    head.append(f"   confidence {debrief.confidence:.2f}   brain {debrief.brain}", style="default")
    if debrief.needs_review:
        head.append("   needs coach review", style="yellow")
    console.print(Box(head, title="Debrief", title_align="left", border_style=colour))

    scores = Table(title="Stage scores", show_lines=False, expand=True)
    scores.add_column("stage")
    scores.add_column("score", justify="center")
    scores.add_column("summary")
    for stage, score in debrief.stage_scores.items():
        scores.add_row(Text(stage), Text("●" * score.score + "○" * (4 - score.score)),
                       Text(score.summary))
    console.print(scores)

    if debrief.red_flags:
        console.print(Text("Red flags", style="bold red"))
        for flag in debrief.red_flags:
            line = Text(f"  ⚑ {flag.name} ({flag.stage}) ")
            line.append("; ".join(_citation_text(c) for c in flag.citations), style="dim")
            console.print(line)

    console.print(Text("Reasons", style="bold"))
    for reason in debrief.reasons:
        mark = "+" if reason.kind == "strength" else "-"
        console.print(Text(f"  {mark} {reason.claim}"))
        for c in reason.citations:
            console.print(Text(f"      {_citation_text(c)}", style="dim"))

    if debrief.votes:
        console.print(Text("Panel votes", style="bold"))
        for vote in debrief.votes:
            who = _speaker(panel, vote.panelist) if panel is not None else vote.panelist
            line = Text(f"  {who}: ")
            line.append(vote.decision.replace("_", " "),
                        style="green" if vote.decision == "hire" else "red")
            line.append(f" ({vote.confidence:.2f}) {vote.rationale}")
            console.print(line)

    if debrief.advice:
        console.print(Text("What to do better", style="bold"))
        for tip in debrief.advice:
            console.print(Text(f"  • {tip.text}"))

    footer = [f"{debrief.dropped_citations} unverifiable citation(s) removed"]
    footer += [f"fallback: {f}" for f in debrief.fallbacks]
    usage = debrief.usage
    if usage.input_tokens or usage.output_tokens:
        footer.append(
            f"tokens in/out {usage.input_tokens}/{usage.output_tokens}, ${usage.cost_usd:.4f}"
        )
    console.print(Text(" · ".join(footer), style="dim"))
