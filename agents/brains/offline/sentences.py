"""Split candidate turns into sentences that keep their exact text and turn id."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.transcript import Turn

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-/.%$]*")
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space, or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\s*\n\s*")
_BULLET = re.compile(r"^(?:[-*•·]+|\d{1,2}[.)]|[a-z][.)])\s+")
_CLAUSE_CUT = re.compile(r";\s+|,\s+(?=(?:and|but|so|which|then|because|while|whereas)\b)|\s[—–]\s")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a candidate turn; `text` appears verbatim in that turn."""

    index: int
    turn_id: str
    position: int
    text: str

    @property
    def words(self) -> list[str]:
        """Lower-cased word tokens."""
        return words_of(self.text)


def words_of(text: str) -> list[str]:
    """Lower-cased word tokens of a text (numbers, contractions and hyphenations kept)."""
    return [w.lower().rstrip(".") for w in _WORD.findall(text)]


def _pieces(text: str) -> list[str]:
    out = []
    for raw in _BOUNDARY.split(text):
        piece = _BULLET.sub("", raw.strip()).strip()
        if piece:
            out.append(piece)
    return out


def _cut_long(piece: str, max_words: int) -> list[str]:
    """Cut an over-long sentence at clause boundaries, then at word counts."""
    if len(words_of(piece)) <= max_words:
        return [piece]
    parts: list[str] = []
    current = ""
    cursor = 0
    for match in _CLAUSE_CUT.finditer(piece):
        clause = piece[cursor : match.start()]
        cursor = match.start()
        if current and len(words_of(current + clause)) > max_words:
            parts.append(current.strip())
            current = clause
        else:
            current += clause
    current += piece[cursor:]
    if current.strip():
        parts.append(current.strip())
    out: list[str] = []
    for part in parts:
        tokens = part.split()
        if len(words_of(part)) <= max_words:
            out.append(part.strip(" ;,—–"))
            continue
        for start in range(0, len(tokens), max_words):
            out.append(" ".join(tokens[start : start + max_words]).strip(" ;,—–"))
    return [p for p in out if p]


def split_candidate_turns(
    transcript: list[Turn], *, max_words: int, max_sentence_words: int
) -> tuple[list[Sentence], bool]:
    """Sentences of every candidate turn in order, and whether the word cap cut the text."""
    sentences: list[Sentence] = []
    budget = max_words
    truncated = False
    for turn in transcript:
        if turn.speaker != "candidate":
            continue
        position = 0
        for piece in _pieces(turn.text):
            for part in _cut_long(piece, max_sentence_words):
                if part not in turn.text:  # word-cut pieces re-join on single spaces
                    part = _longest_verbatim_prefix(part, turn.text)
                    if not part:
                        continue
                n = len(words_of(part))
                if n > budget:
                    truncated = True
                    return sentences, truncated
                budget -= n
                sentences.append(Sentence(len(sentences), turn.id, position, part))
                position += 1
    return sentences, truncated


def _longest_verbatim_prefix(part: str, text: str) -> str:
    """The longest word-prefix of `part` that appears verbatim in `text`."""
    tokens = part.split()
    while tokens and " ".join(tokens) not in text:
        tokens.pop()
    return " ".join(tokens)
