"""The `mockpanel` command: each sub-command is registered by the module that owns it."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from agents.errors import MockpanelError

# Modules that each expose `register(subparsers)`; a sub-command sets `func(args) -> int`.
COMMAND_MODULES = (
    "knowledge.cli",
    "agents.commands",
    "evals.cli",
    "ui.cli",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = argparse.ArgumentParser(
        prog="mockpanel",
        description="A mock hiring panel for PM system-design interviews.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
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


if __name__ == "__main__":
    sys.exit(main())
