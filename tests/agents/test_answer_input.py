"""Answer validation: one clear message for each way an answer can be unusable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents.answer_input import MAX_WORDS, AnswerError, clean_answer, read_answer_file


def test_clean_answer_normalises_line_ends_and_blanks() -> None:
    assert clean_answer("  first\r\nsecond\rthird\t \n") == "first\nsecond\nthird"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (" \n\t  ", "empty"),
        ("abc\x00def", "binary"),
        ("bell \x07 here", "control character (U+0007"),
        ("lone escape \x1b here", "control character (U+001B"),
        ("word " * (MAX_WORDS + 1), "20,001 words"),
    ],
)
def test_clean_answer_rejects(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=re.escape(message)) as info:
        clean_answer(text)
    assert "\n" not in str(info.value)


def test_exactly_the_word_limit_is_fine() -> None:
    assert len(clean_answer("word " * MAX_WORDS).split()) == MAX_WORDS


def test_read_answer_file(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_bytes("\ufeffA real answer with a BOM.\n".encode())
    assert read_answer_file(good) == "A real answer with a BOM."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "looks binary"),
        (b"caf\xe9 au lait", "not UTF-8 text"),
        (b"   \n ", "empty"),
    ],
)
def test_read_answer_file_rejects(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(AnswerError, match=message) as info:
        read_answer_file(path)
    assert str(path) in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AnswerError, match="not found"):
        read_answer_file(tmp_path / "nope.txt")
    with pytest.raises(AnswerError, match="is a directory"):
        read_answer_file(tmp_path)
