"""Text made safe for a terminal: quoted answers, model output and notes can only print."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from agents.answer_input import strip_escapes

if TYPE_CHECKING:
    from rich.text import Text


def _shown(ch: str) -> str:
    return ch.encode("unicode_escape").decode("ascii")


def display(text: str) -> str:
    """The text without escape sequences; other control characters shown as `\\xNN`."""
    return "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs") else _shown(ch)
        for ch in strip_escapes(text)
    )


def one_line(text: str) -> str:
    """Every non-printable character shown as an escape: an error line names a file as it is."""
    return "".join(ch if ch.isprintable() else _shown(ch) for ch in text)


def plain(text: str, style: str = "") -> Text:
    """A rich Text of `display(text)`: never markup, never a terminal command."""
    from rich.text import Text

    return Text(display(text), style=style)
