"""Buzzword density: rubric vocabulary named without saying how anything works."""

from __future__ import annotations

import re

from agents.brains.offline.calibration import Buzzwords
from agents.brains.offline.substance import SubstanceDetector


class BuzzwordDetector:
    """Counts rubric terms and decides when a sentence is only a list of them."""

    def __init__(self, config: Buzzwords, substance: SubstanceDetector) -> None:
        self._config = config
        # One alternation: overlapping terms count once, leftmost-longest first.
        self._terms = re.compile("|".join(f"(?:{p})" for p in config.terms), re.IGNORECASE)
        self._substance = substance

    def terms(self, text: str) -> list[str]:
        """Every rubric term occurrence in the text, lower-cased, in order."""
        return [m.group(0).lower() for m in self._terms.finditer(text)]

    def count(self, text: str) -> int:
        """How many rubric terms the text names."""
        return sum(1 for _ in self._terms.finditer(text))

    def is_list(self, text: str, term_count: int | None = None) -> bool:
        """Many rubric terms, dense among the content words, and not a single quantity."""
        terms = self.count(text) if term_count is None else term_count
        if terms < self._config.sentence_min_terms:
            return False
        content = max(1, len(self._substance.content_words(text)))
        dense = terms / content >= self._config.sentence_min_density
        return dense and not self._substance.has_quantity(text)

    def answer_is_dense(self, term_count: int, credited_signals: int) -> bool:
        """Many terms across the answer but few of them backed by a credited signal."""
        if term_count < self._config.answer_min_terms:
            return False
        return credited_signals / term_count < self._config.answer_max_credit_ratio
