"""Whole-answer checks: too short to judge, not readable text, not English, or off the
question."""

from __future__ import annotations

from typing import Literal

from agents.brains.offline.calibration import AnswerChecks
from agents.brains.offline.sentences import words_of

AnswerState = Literal["ok", "empty", "gibberish", "not_english", "off_topic"]


def classify_answer(
    texts: list[str], on_topic: list[bool], config: AnswerChecks
) -> tuple[AnswerState, int]:
    """The state of the answer made of these sentences, and its word count."""
    words = [w for t in texts for w in words_of(t)]
    if len(words) < config.min_words:
        return "empty", len(words)
    function = frozenset(config.function_words)
    alpha = [w for w in words if any(c.isalpha() for c in w)]
    if len(alpha) >= config.gibberish_min_words:
        share = sum(1 for w in alpha if w in function) / len(alpha)
        other = frozenset(config.other_language_words)
        foreign = sum(1 for w in alpha if w in other) / len(alpha)
        if share < config.english_max_share and foreign >= config.other_language_min_share:
            return "not_english", len(words)
        if share < config.gibberish_max_function_share:
            return "gibberish", len(words)
    elif len(alpha) < config.gibberish_min_words:
        return "gibberish", len(words)
    if on_topic and sum(on_topic) / len(on_topic) < config.off_topic_max_share:
        return "off_topic", len(words)
    return "ok", len(words)
