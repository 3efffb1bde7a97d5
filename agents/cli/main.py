"""The `mockpanel` parser and entry point: every expected failure ends as one line, exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from agents.cli import evaluate, ingest, panel, ui_app
from agents.errors import MockpanelError

# Each group exposes `register(subparsers)`; a sub-command sets `func(args) -> int`.
COMMAND_GROUPS = (ingest, panel, evaluate, ui_app)


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
        code = int(args.func(args) or 0)
    except MockpanelError as exc:  # every expected failure: one line, exit 2
        print(f"mockpanel: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mockpanel: interrupted", file=sys.stderr)
        return 130
    return code
