"""Substance: a number or unit, a causal link, or a concrete mechanism in a sentence."""

from __future__ import annotations

import re
from typing import Literal

from agents.brains.offline.calibration import Substance
from agents.brains.offline.sentences import words_of

SubstanceKind = Literal["number", "causal", "mechanism"]


class SubstanceDetector:
    """Finds which kinds of substance a sentence carries."""

    def __init__(self, config: Substance) -> None:
        self._config = config
        self._units = [re.compile(p, re.IGNORECASE) for p in config.unit_patterns]
        self._causal = [re.compile(p, re.IGNORECASE) for p in config.causal_patterns]
        self._number_words = frozenset(config.number_words)
        self._verbs = frozenset(config.mechanism_verbs)
        self._stopwords = frozenset(config.stopwords)

    def has_number(self, text: str) -> bool:
        """A digit, a number word, a unit of cost or time, or a threshold phrase."""
        if any(w in self._number_words for w in words_of(text)):
            return True
        return any(p.search(text) for p in self._units)

    def has_quantity(self, text: str) -> bool:
        """A digit or a number word (units and thresholds alone do not count)."""
        if any(w in self._number_words for w in words_of(text)):
            return True
        return bool(self._units and self._units[0].search(text))

    def has_causal(self, text: str) -> bool:
        """A causal or conditional link (because, so that, if, when, otherwise …)."""
        return any(p.search(text) for p in self._causal)

    def has_mechanism(self, text: str) -> bool:
        """A concrete action verb plus enough specific words to say what it acts on."""
        words = words_of(text)
        if not any(w in self._verbs for w in words):
            return False
        specific = [w for w in words if w not in self._stopwords and w not in self._verbs]
        return len(specific) >= self._config.min_specific_words

    def content_words(self, text: str) -> list[str]:
        """Words that are not stopwords."""
        return [w for w in words_of(text) if w not in self._stopwords]

    def kinds(self, text: str) -> tuple[SubstanceKind, ...]:
        """The kinds of substance present, in a fixed order."""
        found: list[SubstanceKind] = []
        if self.has_number(text):
            found.append("number")
        if self.has_causal(text):
            found.append("causal")
        if self.has_mechanism(text):
            found.append("mechanism")
        return tuple(found)
