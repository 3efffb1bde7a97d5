"""A cheap necessary condition for a group of regexes: literal texts one of which every match
holds.

Most rubric patterns name a word or a short choice of words ("\\b(gold|golden) set"), so a few
set and substring tests on the lowered sentence rule most of them out without running them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_MAX_HEADS = 64  # alternatives kept before a prefix stops growing
_KEY = 4  # longer texts are looked up by their first _KEY characters

Item = tuple[Any, Any]  # (opcode, argument) as re's parser gives them
Head = tuple[str, bool]  # (literal text, whether the item could go on after it)
_STOP: frozenset[Head] = frozenset({("", False)})
_EMPTY: frozenset[Head] = frozenset({("", True)})


def _char(code: int) -> str | None:
    """The lowered character, or None for one outside ASCII (case folding may reach it from
    elsewhere: 'K' (Kelvin) matches 'k' under IGNORECASE)."""
    ch = chr(code)
    return ch.lower() if ch.isascii() else None


def _charset(items: Sequence[Item]) -> frozenset[Head]:
    codes: list[int] = []
    for op, av in items:
        if op is c.LITERAL:
            codes.append(av)
        elif op is c.RANGE and av[1] - av[0] < 26:
            codes.extend(range(av[0], av[1] + 1))
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            codes.extend(map(ord, "0123456789"))  # the only digits an ASCII text holds
        else:
            return _STOP
    chars = [_char(code) for code in codes]
    if None in chars:
        return _STOP
    return frozenset((ch, True) for ch in chars if ch is not None)


class _Literals:
    """Reads the literal texts off one parsed pattern, each item's heads worked out once."""

    def __init__(self) -> None:
        self._heads: dict[tuple[int, int], frozenset[Head]] = {}

    def item(self, op: Any, av: Any) -> frozenset[Head]:
        key = (id(op), id(av))
        if key not in self._heads:
            self._heads[key] = self._item(op, av)
        return self._heads[key]

    def _item(self, op: Any, av: Any) -> frozenset[Head]:
        if op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
            return _EMPTY  # zero width: the literal text runs on across it
        if op is c.LITERAL:
            ch = _char(av)
            return _STOP if ch is None else frozenset({(ch, True)})
        if op is c.IN:
            return _charset(av)
        if op is c.SUBPATTERN:
            return self.sequence(av[-1])
        if op is c.BRANCH:
            return frozenset().union(*(self.sequence(alt) for alt in av[1]))
        if op is c.MAX_REPEAT or op is c.MIN_REPEAT:
            low, high, body = av[0], av[1], av[2]
            once = self.sequence(body)
            if high != 1:
                once = frozenset((text, False) for text, _ in once)
            return once if low >= 1 else once | _EMPTY
        return _STOP

    def sequence(self, items: Sequence[Item]) -> frozenset[Head]:
        """Texts one of which opens every match of the items, each with whether it could run
        on past them."""
        heads: frozenset[Head] = _EMPTY
        for op, av in items:
            if not any(more for _, more in heads):
                break
            following = self.item(op, av)
            grown = frozenset(
                (text + tail, tail_more) if more else (text, False)
                for text, more in heads
                for tail, tail_more in (following if more else [("", False)])
            )
            if len(grown) > _MAX_HEADS:
                return frozenset((text, False) for text, _ in heads)
            heads = grown
        return heads

    def _inner(self, op: Any, av: Any) -> list[frozenset[str]]:
        """Literal sets one of which every match of this single item holds."""
        if op is c.SUBPATTERN:
            return [f] if (f := self.factors(av[-1])) else []
        if op is c.BRANCH:
            found = [self.factors(alt) for alt in av[1]]
            if any(f is None for f in found):
                return []
            return [frozenset(text for f in found if f is not None for text in f)]
        if (op is c.MAX_REPEAT or op is c.MIN_REPEAT) and av[0] >= 1:
            return [f] if (f := self.factors(av[2])) else []
        return []

    def factors(self, items: Sequence[Item]) -> frozenset[str] | None:
        """The most telling set of literal texts one of which every match holds (None: none
        known).

        Each suffix of the sequence opens with one of its heads, so those are candidates, as
        are the sets found inside a single item; the one whose shortest text is longest wins."""
        # A suffix opening mid-word is never longer than the one opening a character earlier.
        candidates = [
            frozenset(t for t, _ in self.sequence(items[k:]))
            for k in range(len(items))
            if k == 0 or items[k - 1][0] is not c.LITERAL
        ]
        candidates += [found for op, av in items for found in self._inner(op, av)]
        usable = [cand for cand in candidates if cand and "" not in cand]
        if not usable:
            return None
        return max(usable, key=lambda cand: (min(map(len, cand)), -len(cand)))


def required_literals(patterns: Iterable[str]) -> frozenset[str] | None:
    """Lowered texts one of which occurs in every match of any of the patterns, or None when
    some pattern has no such text."""
    heads: set[str] = set()
    for pattern in patterns:
        found = _Literals().factors(list(_parser.parse(pattern, re.IGNORECASE)))
        if found is None:
            return None
        heads |= found
    # A text containing a shorter one adds nothing to the test.
    kept: list[str] = []
    for head in sorted(heads, key=len):
        if not any(shorter in head for shorter in kept):
            kept.append(head)
    return frozenset(kept)


@dataclass(frozen=True)
class Folded:
    """An ASCII text lowered, with every run of _KEY characters in it."""

    lowered: str
    keys: frozenset[str]


@functools.lru_cache(maxsize=1024)
def fold(text: str) -> Folded | None:
    """The text lowered and cut into keys (None outside ASCII, where case folding reaches
    beyond lower())."""
    if not text.isascii():
        return None
    lowered = text.lower()
    keys = frozenset({lowered[i : i + _KEY] for i in range(len(lowered) - _KEY + 1)})
    return Folded(lowered, keys)


class Prefilter:
    """Rules a text out for a group of patterns when it holds none of their literal texts."""

    def __init__(self, patterns: Iterable[str]) -> None:
        heads = required_literals(patterns)
        self._open = heads is None
        self._short = tuple(sorted(h for h in heads or () if len(h) < _KEY))
        self._by_key: dict[str, list[str]] = {}
        for head in sorted(h for h in heads or () if len(h) >= _KEY):
            self._by_key.setdefault(head[:_KEY], []).append(head)
        self._keys = frozenset(self._by_key)

    def may_match(self, text: str) -> bool:
        """False only when no pattern of the group can match `text`."""
        if self._open or (folded := fold(text)) is None:
            return True
        lowered = folded.lowered
        if any(head in lowered for head in self._short):
            return True
        if self._keys.isdisjoint(folded.keys):
            return False
        return any(
            head in lowered for key in self._keys & folded.keys for head in self._by_key[key]
        )
