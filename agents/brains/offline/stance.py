"""A sentence's stance: asserts, rejects (a bad practice), hedges (admits a gap), or asks."""

from __future__ import annotations

import re

from agents.brains.offline.calibration import StanceCues
from agents.brains.offline.sentences import QUOTED
from agents.debrief import Stance

_QUESTION_END = re.compile(r"\?[\"'”’)\]*_\s]*$")


class StanceReader:
    """Reads whether a sentence asks, hedges, rejects or asserts."""

    def __init__(self, config: StanceCues) -> None:
        self._hedges = [re.compile(p, re.IGNORECASE) for p in config.hedge_patterns]
        self._unsure_cases = [re.compile(p, re.IGNORECASE) for p in config.unsure_case_patterns]
        self._test_questions = [
            re.compile(p, re.IGNORECASE) for p in config.test_question_patterns
        ]
        self._filler = frozenset(config.filler_words)
        self._dismissals = [re.compile(p, re.IGNORECASE) for p in config.dismissal_patterns]
        self._figureless = [
            re.compile(p, re.IGNORECASE) for p in config.figureless_dismissal_patterns
        ]

    def dismisses(self, text: str, quantified: bool) -> bool:
        """The sentence waves a problem away ("so it's fine"): a claim with no mechanism; some
        ("the bill is modest") only when it gives no figure (`quantified`: it does)."""
        patterns = self._dismissals if quantified else [*self._dismissals, *self._figureless]
        return any(p.search(text) for p in patterns)

    def filler(self, content_words: list[str]) -> bool:
        """Only framing words ("So I'd build two things first."): no signal can be read off it."""
        return all(w in self._filler for w in content_words)

    def asks(self, text: str) -> bool:
        """The sentence is a question (to the panel or rhetorical): it shows nothing, unless
        it is the check the design runs on its own output."""
        if not _QUESTION_END.search(text):
            return False
        return not any(p.search(text) for p in self._test_questions)

    def hedges(self, text: str) -> bool:
        """The sentence admits a gap or hedges ('we have not costed that part'); words it
        quotes (what the product would say to a user), and the cases it says the system is
        unsure of ('an amount we are not sure of'), are not the candidate hedging."""
        own = QUOTED.sub(" ", text)
        for cases in self._unsure_cases:
            own = cases.sub(" ", own)
        return any(p.search(own) for p in self._hedges)

    def read(self, text: str, rejects_a_flag: bool) -> Stance:
        """The stance, given whether the sentence names a red-flag practice only to reject it."""
        if self.asks(text):
            return "asks"
        if self.hedges(text):
            return "hedges"
        if rejects_a_flag:
            return "rejects"
        return "asserts"
