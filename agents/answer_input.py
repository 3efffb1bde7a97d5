"""Validation of a candidate's text: one clear line for every way an answer can be unusable."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import BinaryIO

from agents.errors import MockpanelError

MAX_WORDS = 20_000
MAX_BYTES = 1_000_000
"""Most bytes read from a file or stdin; 20,000 words in any script fit well within it."""
_ALLOWED_CONTROLS = {"\n", "\t"}

# Terminal escape sequences (ECMA-48): CSI, OSC / DCS / SOS / PM / APC strings up to their
# terminator, and the two-character escapes; 8-bit CSI too. They are never answer text.
# An unterminated string loses only its introducer, never the text after it.
_ESCAPE_SEQUENCE = re.compile(
    r"""
      \x1b\[ [0-?]* [\x20-/]* [@-~]?
    | \x9b   [0-?]* [\x20-/]* [@-~]?
    | \x1b[\]PX^_] [^\x07\x1b\x9c]* (?: \x07 | \x1b\\ | \x9c )
    | \x1b [()*+#%] [0-~]
    | \x1b [0-~]
    """,
    re.VERBOSE | re.DOTALL,
)


class AnswerError(MockpanelError):
    """An answer or reply that cannot be judged; the message is one line for the user."""


def strip_escapes(text: str) -> str:
    """The text without terminal escape sequences (colours, cursor moves, titles, …)."""
    return _ESCAPE_SEQUENCE.sub("", text)


def clean_answer(text: str) -> str:
    """The answer with normalised line ends and no surrounding blanks; AnswerError if unusable."""
    if "\x00" in text:
        raise AnswerError("the answer looks like binary data (it contains NUL bytes)")
    text = strip_escapes(text).replace("\r\n", "\n").replace("\r", "\n")
    for i, ch in enumerate(text):
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc":
            raise AnswerError(
                f"the answer contains a control character (U+{ord(ch):04X} at position {i})"
            )
    text = text.strip()
    if not text:
        raise AnswerError("the answer is empty")
    words = len(text.split())
    if words > MAX_WORDS:
        raise AnswerError(f"the answer has {words:,} words; the limit is {MAX_WORDS:,}")
    return text


def read_answer_file(path: str | Path) -> str:
    """Read and clean an answer file (UTF-8 text); AnswerError naming the file if unusable."""
    file = Path(path)
    source = f"answer file {file}"
    if not file.exists():
        raise AnswerError(f"answer file not found: {file}")
    if file.is_dir():
        raise AnswerError(f"answer file is a directory: {file}")
    try:
        with file.open("rb") as stream:
            raw = read_bounded(stream, source)
    except OSError as exc:
        raise AnswerError(f"cannot read answer file {file}: {exc.strerror or exc}") from exc
    return decode_answer(raw, source)


def read_answer_stream(stream: BinaryIO) -> str:
    """Read and clean an answer from a byte stream (stdin)."""
    source = "the answer on stdin"
    return decode_answer(read_bounded(stream, source), source)


def read_bounded(stream: BinaryIO, source: str) -> bytes:
    """At most MAX_BYTES from the stream (one more byte is read to notice more)."""
    raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise too_large(source)
    return raw


def too_large(source: str) -> AnswerError:
    """The error for input past MAX_BYTES."""
    return AnswerError(
        f"{source} is larger than {MAX_BYTES:,} bytes; the limit is {MAX_WORDS:,} words"
    )


def decode_text(raw: bytes, source: str) -> str:
    """UTF-8 bytes (a BOM allowed) → text; AnswerError naming `source` if binary or not UTF-8."""
    if b"\x00" in raw:
        raise AnswerError(f"{source} looks binary (it contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswerError(
            f"{source} is not UTF-8 text (invalid byte at offset {exc.start})"
        ) from exc


def decode_answer(raw: bytes, source: str) -> str:
    """UTF-8 bytes → a clean answer; AnswerError naming `source` if unusable."""
    text = decode_text(raw, source)
    try:
        return clean_answer(text)
    except AnswerError as exc:
        raise AnswerError(f"{source}: {exc}") from None
