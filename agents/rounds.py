"""How many follow-up rounds an interview has: one limit and one default for every entry point."""

from __future__ import annotations

import os

from agents.errors import ConfigError, MockpanelError

ROUNDS_LIMIT = 5
"""The most follow-up rounds any entry point (CLI, UI, eval, the graph's input) accepts."""

DEFAULT_ROUNDS = 2
"""Follow-up rounds when neither the caller nor MOCKPANEL_MAX_ROUNDS says."""


def check_rounds(
    rounds: int, what: str = "rounds", error: type[MockpanelError] = MockpanelError
) -> int:
    """`rounds` when it is within 0..ROUNDS_LIMIT; else `error`, one line naming `what`."""
    if not 0 <= rounds <= ROUNDS_LIMIT:
        raise error(f"{what} must be between 0 and {ROUNDS_LIMIT}, not {rounds}")
    return rounds


def default_rounds() -> int:
    """Follow-up rounds when nobody says: MOCKPANEL_MAX_ROUNDS, else DEFAULT_ROUNDS."""
    raw = os.environ.get("MOCKPANEL_MAX_ROUNDS", "").strip()
    if not raw:
        return DEFAULT_ROUNDS
    try:
        return check_rounds(int(raw), "MOCKPANEL_MAX_ROUNDS")
    except ValueError:
        raise ConfigError(f"MOCKPANEL_MAX_ROUNDS={raw!r} is not a whole number") from None
