"""Validation of a candidate's text: one clear line for every way an answer can be unusable."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import BinaryIO

from agents.errors import MockpanelError

MAX_WORDS = 20_000
_ALLOWED_CONTROLS = {"\n", "\t"}


class AnswerError(MockpanelError):
    """An answer or reply that cannot be judged; the message is one line for the user."""


def clean_answer(text: str) -> str:
    """The answer with normalised line ends and no surrounding blanks; AnswerError if unusable."""
    if "\x00" in text:
        raise AnswerError("the answer looks like binary data (it contains NUL bytes)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
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
    if not file.exists():
        raise AnswerError(f"answer file not found: {file}")
    if file.is_dir():
        raise AnswerError(f"answer file is a directory: {file}")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise AnswerError(f"cannot read answer file {file}: {exc.strerror or exc}") from exc
    return decode_answer(raw, f"answer file {file}")


def read_answer_stream(stream: BinaryIO) -> str:
    """Read and clean an answer from a byte stream (stdin)."""
    return decode_answer(stream.read(), "the answer on stdin")


def decode_answer(raw: bytes, source: str) -> str:
    """UTF-8 bytes → a clean answer; AnswerError naming `source` if unusable."""
    if b"\x00" in raw:
        raise AnswerError(f"{source} looks binary (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswerError(
            f"{source} is not UTF-8 text (invalid byte at offset {exc.start})"
        ) from exc
    try:
        return clean_answer(text)
    except AnswerError as exc:
        raise AnswerError(f"{source}: {exc}") from None
