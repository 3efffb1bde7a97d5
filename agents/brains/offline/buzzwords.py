"""Buzzword density: rubric vocabulary named without saying how anything works."""

from __future__ import annotations

import re

from agents.brains.offline.calibration import Buzzwords
from agents.brains.offline.substance import SubstanceDetector


class BuzzwordDetector:
    """Counts rubric terms and decides when a sentence is only a list of them."""

    def __init__(self, config: Buzzwords, substance: SubstanceDetector) -> None:
        self._config = config
        self._terms = [re.compile(p, re.IGNORECASE) for p in config.terms]
        self._substance = substance

    def terms(self, text: str) -> list[str]:
        """Every rubric term occurrence in the text, lower-cased, in order."""
        found: list[tuple[int, str]] = []
        for pattern in self._terms:
            found.extend((m.start(), m.group(0).lower()) for m in pattern.finditer(text))
        return [term for _, term in sorted(found)]

    def is_list(self, text: str) -> bool:
        """Many rubric terms, dense among the content words, and not a single quantity."""
        terms = self.terms(text)
        if len(terms) < self._config.sentence_min_terms:
            return False
        content = max(1, len(self._substance.content_words(text)))
        density = len(terms) / content
        return density >= self._config.sentence_min_density and not self._substance.has_quantity(
            text
        )

    def answer_is_dense(self, term_count: int, credited_signals: int) -> bool:
        """Many terms across the answer but few of them backed by a credited signal."""
        if term_count < self._config.answer_min_terms:
            return False
        return credited_signals / term_count < self._config.answer_max_credit_ratio
