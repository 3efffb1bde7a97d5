"""Substance: the parts of a sentence that make a claim concrete — who does it, what mechanism,
a real quantity, a threshold, a causal link."""

from __future__ import annotations

import itertools
import re
from typing import Literal

from agents.brains.offline.calibration import Substance
from agents.brains.offline.sentences import words_of
from agents.debrief import SubstancePart

SubstanceKind = Literal["number", "causal", "mechanism"]

_DIGITS = re.compile(r"(?<![A-Za-z])(?<![A-Za-z]-)[$£€]?[0-9][0-9.,]*[A-Za-z%]*")
_ENUMERATION = re.compile(r"\d{1,2}[.)]\s")
_LEADING_SO = re.compile(r"^\W*(so|and|but|ok(ay)?|well|also)\b[,\s]*", re.IGNORECASE)


class SubstanceDetector:
    """Finds which substance parts a sentence carries."""

    def __init__(self, config: Substance) -> None:
        self._config = config
        self._fractions = [re.compile(p, re.IGNORECASE) for p in config.fraction_patterns]
        self._thresholds = [re.compile(p, re.IGNORECASE) for p in config.threshold_patterns]
        self._causal = [re.compile(p, re.IGNORECASE) for p in config.causal_patterns]
        self._reasons = [re.compile(p, re.IGNORECASE) for p in config.reason_patterns]
        self._not_quantity = [re.compile(p, re.IGNORECASE) for p in config.not_quantity_patterns]
        self._not_before = re.compile(config.not_quantity_before, re.IGNORECASE)
        self._number_words = frozenset(config.number_words)
        self._units = frozenset(config.number_units)
        self._enumerations = frozenset(config.enumeration_nouns)
        self._verbs = frozenset(config.mechanism_verbs)
        self._routing = [re.compile(p, re.IGNORECASE) for p in config.routing_patterns]
        self._stopwords = frozenset(config.stopwords)
        self._who = frozenset(config.who_words)

    def has_quantity(self, text: str) -> bool:
        """A real figure: digits or a number word that is not an ordinal, list count or name."""
        for m in _DIGITS.finditer(text):
            if m.start() == 0 and _ENUMERATION.match(text):
                continue  # "1. Clarify the goal: …": a numbered heading read in front of its line
            token = m.group(0).rstrip(".,")
            if any(p.search(token) for p in self._not_quantity):
                continue
            if self._not_before.search(text[max(0, m.start() - 12) : m.start()]):
                continue
            if self._counts_items(text[m.end() :], token):
                continue
            return True
        words = words_of(text)
        for i, w in enumerate(words):
            if w in self._number_words:
                nxt = words[i + 1] if i + 1 < len(words) else ""
                if nxt not in self._enumerations:
                    return True
            elif "-" in w and self._spelled_compound(w.split("-")):
                return True
        return any(p.search(text) for p in self._fractions)

    def _spelled_compound(self, parts: list[str]) -> bool:
        """'fifty-thousand-dollar', 'a ten-second budget': a spelled-out figure with a unit or
        another number word ('a two-step plan' is a list count, not a quantity)."""
        return any(
            a in self._number_words and (b in self._number_words or b in self._units)
            for a, b in itertools.pairwise(parts)
        )

    def _counts_items(self, after: str, token: str) -> bool:
        """'3 things', '2 steps': a list count, not a quantity (a bare small integer only)."""
        if not token.isdigit() or int(token) > 12:
            return False
        nxt = words_of(after[:30])
        return bool(nxt) and nxt[0] in self._enumerations

    def has_threshold(self, text: str) -> bool:
        """A cut-off with a figure: 'above 0.8', 'a budget of 300 ms', '90% or better'."""
        return any(p.search(text) for p in self._thresholds)

    def has_causal(self, text: str) -> bool:
        """A real causal or conditional link (a bare leading 'so', 'if' or 'when' is not one):
        a condition and what follows, or a reason given for a choice."""
        return self.has_condition(text) or self.has_reason(text)

    def has_condition(self, text: str) -> bool:
        """A condition and what follows from it, or a stated consequence."""
        body = _LEADING_SO.sub("", text, count=1)
        return any(p.search(body) for p in self._causal)

    def has_reason(self, text: str) -> bool:
        """A reason given for a choice ('because', 'so that', 'since')."""
        return any(p.search(text) for p in self._reasons)

    def has_mechanism(self, text: str) -> bool:
        """A concrete action verb plus enough specific words to say what it acts on."""
        words = words_of(text)
        if not any(w in self._verbs for w in words) and not any(
            p.search(text) for p in self._routing
        ):
            return False
        specific = [w for w in words if w not in self._stopwords and w not in self._verbs]
        return len(specific) >= self._config.min_specific_words

    def has_who(self, text: str) -> bool:
        """Names who does the work (a role, a team, the users)."""
        return any(w in self._who for w in words_of(text))

    def content_words(self, text: str) -> list[str]:
        """Words that are not stopwords."""
        return [w for w in words_of(text) if w not in self._stopwords]

    def parts(self, text: str) -> tuple[SubstancePart, ...]:
        """The substance parts present, in a fixed order."""
        found: list[SubstancePart] = []
        if self.has_who(text):
            found.append("who")
        if self.has_mechanism(text):
            found.append("what")
        if self.has_quantity(text):
            found.append("quantity")
        if self.has_threshold(text):
            found.append("threshold")
        if self.has_causal(text):
            found.append("causal")
        return tuple(found)

    def kinds(self, text: str, parts: tuple[SubstancePart, ...]) -> tuple[SubstanceKind, ...]:
        """The kinds of substance that earn credit: a figure, a causal link, a mechanism. A reason
        alone justifies an intention without making it concrete, so it earns nothing by itself."""
        found = kinds_of(parts)
        if found == ("causal",) and not self.has_condition(text):
            return ()
        return found


def kinds_of(parts: tuple[SubstancePart, ...]) -> tuple[SubstanceKind, ...]:
    """Credit-earning kinds from substance parts ('who' alone never earns credit)."""
    found: list[SubstanceKind] = []
    if "quantity" in parts or "threshold" in parts:
        found.append("number")
    if "causal" in parts:
        found.append("causal")
    if "what" in parts:
        found.append("mechanism")
    return tuple(found)
