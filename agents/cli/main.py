"""The `mockpanel` parser and entry point: every expected failure ends as one line, exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from agents.cli import evaluate, ingest, panel, storage, ui_app
from agents.cli.terminal import one_line
from agents.errors import MockpanelError

# Each group exposes `register(subparsers)`; a sub-command sets `func(args) -> int`.
COMMAND_GROUPS = (ingest, panel, evaluate, storage, ui_app)
# Arguments naming files: any bytes the file system allows; every other text must be UTF-8.
PATH_ARGUMENTS = frozenset({"answer_file", "script"})


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = argparse.ArgumentParser(
        prog="mockpanel",
        description="A mock hiring panel for PM system-design interviews.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _refuse_undecodable(parser, args)
        code = int(args.func(args) or 0)
    except MockpanelError as exc:  # every expected failure: one line, exit 2
        print(f"mockpanel: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mockpanel: interrupted", file=sys.stderr)
        return 130
    return code


def _refuse_undecodable(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Text arguments that were not UTF-8 on the command line (Python keeps them as surrogates)."""
    for dest, value in vars(args).items():
        if not isinstance(value, str) or dest in PATH_ARGUMENTS:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            name = _option_names(parser).get(dest, dest)
            raise MockpanelError(f"{name} is not valid UTF-8 text") from None


def _option_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """dest → how the user wrote it (`--question`, or the positional's name), sub-commands too."""
    names: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                names.update(_option_names(sub))
        elif action.option_strings:
            names.setdefault(action.dest, action.option_strings[-1])
        else:
            names.setdefault(action.dest, f"the {action.metavar or action.dest} argument")
    return names
