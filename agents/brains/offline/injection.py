"""Prompt injection: sentences that address the panel, the grader or the model."""

from __future__ import annotations

import re

from agents.brains.offline.calibration import Injection


class InjectionDetector:
    """Marks sentences that try to instruct the panel; they never count as evidence."""

    def __init__(self, config: Injection) -> None:
        self._patterns = [re.compile(p, re.IGNORECASE) for p in config.patterns]
        self._block_cues = [re.compile(p, re.IGNORECASE) for p in config.block_cues]
        self._address_cues = [re.compile(p, re.IGNORECASE) for p in config.address_cues]
        self._defence_cues = [re.compile(p, re.IGNORECASE) for p in config.defence_cues]

    def joins_appeal(self, text: str) -> bool:
        """Beside an injection in the same paragraph, this sentence continues the appeal."""
        return any(p.search(text) for p in self._block_cues)

    def addresses_panel(self, text: str) -> bool:
        """The text speaks to the reader ("you") or about the verdict, grader or rubric."""
        return any(p.search(text) for p in self._address_cues)

    def matches(self, text: str) -> bool:
        """Whether an explicit injection pattern occurs in the text, other than one quoted in a
        design that defends against it."""
        if not any(p.search(text) for p in self._patterns):
            return False
        return not any(p.search(text) for p in self._defence_cues)
