"""The `mockpanel` command: a module per command group, rendering kept apart from parsing."""

from __future__ import annotations

from agents.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
