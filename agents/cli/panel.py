"""`mockpanel debrief` and `mockpanel interview`: judge a written answer, or run the roleplay."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from agents.cli.debrief_view import console, print_result, show_question, show_turns
from agents.cli.questions import check_session_id, parse_rounds, resolve_question
from agents.cli.replies import END_OF_REPLY, FINISH_COMMAND, load_script, read_reply
from agents.errors import MockpanelError
from knowledge.scope import scope_line

if TYPE_CHECKING:
    from rich.console import Console

    from agents.cli.replies import Script
    from agents.session import PanelService, SessionView
    from knowledge.models import Panel
    from knowledge.settings import Settings

T = TypeVar("T")


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
    parser.add_argument(
        "--stages",
        metavar="LIST",
        help="stages the question assesses, comma-separated (objective, data_strategy, "
        "model_integration, evaluation, scaling); a free-text question's are inferred otherwise",
    )


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--brain", metavar="NAME", help="offline | claude | cascade")
    parser.add_argument("--json", action="store_true", help="print the debrief as one JSON object")


def run_debrief(args: argparse.Namespace) -> int:
    """Judge one answer with max_rounds 0 and print the debrief."""
    from agents.answer_input import read_answer_file, read_answer_stream

    settings = _settings()
    question = resolve_question(args.question, args.question_id, required=True, stages=args.stages)
    if not args.answer_file:
        raise MockpanelError("--answer-file is required (a path, or - for stdin)")
    answer = (
        read_answer_stream(sys.stdin.buffer)
        if args.answer_file == "-"
        else read_answer_file(args.answer_file)
    )
    service = _service(settings, args.brain)
    view = _run(service.start(question, answer, max_rounds=0))
    if not args.json:
        print(scope_line(question))
    print_result(view, as_json=args.json, panel=None)
    return 0


def run_interview(args: argparse.Namespace) -> int:
    """The roleplay: opening answer, probing rounds, debrief (or carry on with --resume)."""
    from agents.answer_input import read_answer_file
    from agents.rounds import default_rounds
    from knowledge.loader import load_panel

    settings = _settings()
    if args.resume is not None:
        check_session_id(args.resume)
        if args.question or args.question_id or args.answer_file or args.rounds or args.stages:
            raise MockpanelError(
                "--resume continues a session; it takes no question, answer or rounds"
            )
    question = (
        None
        if args.resume is not None
        else resolve_question(args.question, args.question_id, required=False, stages=args.stages)
    )
    rounds = parse_rounds(args.rounds) if args.rounds is not None else default_rounds()
    script = load_script(Path(args.script)) if args.script else None
    opening: str | None = None
    panel = load_panel()
    if args.answer_file:
        opening = read_answer_file(args.answer_file)
    if opening is None and script is not None:
        opening = script.opening
    service = _service(settings, args.brain)
    out = console(stderr=args.json)

    if args.resume is not None:
        found = _run(service.get(args.resume))
        if found is None:
            raise MockpanelError(f"no session with id {args.resume}")
        view = found
        show_question(out, view.question)
    else:
        assert question is not None
        show_question(out, question)
        if opening is None:
            opening = read_reply(out, sys.stdin.buffer, "Your answer")
            if opening is None:
                raise MockpanelError("no answer given on stdin")
        thread_id = _announce_session()
        view = _run(service.start(question, opening, max_rounds=rounds, thread_id=thread_id))
    view = _converse(service, view, script, out, panel)
    print_result(view, as_json=args.json, panel=panel)
    return 0


def _announce_session() -> str:
    """A new session id, on stderr before the first step runs so that a crash can be resumed."""
    thread_id = uuid.uuid4().hex
    print(
        f"mockpanel: session {thread_id} · if interrupted, continue with: "
        f"mockpanel interview --resume {thread_id}",
        file=sys.stderr,
        flush=True,
    )
    return thread_id


def _converse(
    service: PanelService, view: SessionView, script: Script | None, out: Console, panel: Panel
) -> SessionView:
    """Show the turns, take replies (script or stdin) until the panel has its debrief."""
    shown = show_turns(out, panel, view.transcript, 0)
    while view.status == "awaiting_reply":
        reply = (
            script.reply_to(view.pending_probes)
            if script is not None
            else read_reply(out, sys.stdin.buffer, "Your reply")
        )
        # Against the turn shown: a reply racing another client's is refused, not misapplied.
        seen = view.last_turn_id
        if reply is None:
            view = _run(service.finish(view.thread_id, expected_turn=seen))
        else:
            view = _run(service.reply(view.thread_id, reply, expected_turn=seen))
        shown = show_turns(out, panel, view.transcript, shown)
    return view


def _settings() -> Settings:
    """The run-time settings (MOCKPANEL_* overrides applied)."""
    from knowledge.settings import Settings

    return Settings()


def _service(settings: Settings, brain: str | None) -> PanelService:
    """The panel service, its brain and index checked before any input is asked for."""
    from agents.brains.factory import brain_names
    from agents.session import PanelService

    name = brain or settings.brain
    if name not in brain_names():
        known = ", ".join(brain_names())
        raise MockpanelError(f"unknown brain {name!r}; expected one of {known}")
    service = PanelService(settings, brain_name=name)
    # Fail now (no API key, no index), not after the candidate has typed an answer.
    service.brain()
    service.retriever()
    return service


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one service call to completion."""
    return asyncio.run(coro)
