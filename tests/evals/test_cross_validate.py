"""Cross-validation folds keep an answer's copies together, and a fold's cases leave training."""

from __future__ import annotations

from collections import Counter

from evals.cross_validate import fold_of
from evals.loader import load_cases
from evals.train_signal_classifier import TRAINING_SPLITS, training_sentences
from knowledge.loader import load_rubric


def test_folds_are_balanced_deterministic_and_keep_copies_together() -> None:
    cases = [c for s in TRAINING_SPLITS for c in load_cases(split=s)]
    fold = fold_of(cases, 5)
    assert fold == fold_of(cases, 5)
    sizes = Counter(fold.values())
    assert sorted(sizes) == [0, 1, 2, 3, 4]
    assert max(sizes.values()) - min(sizes.values()) <= len(cases) // 5
    for case in cases:
        for other in cases:
            if case.variant_group and case.variant_group == other.variant_group:
                assert fold[case.id] == fold[other.id]


def test_excluded_cases_leave_the_training_sentences() -> None:
    rubric = load_rubric()
    annotated = [c for c in load_cases(split="realistic_dev") if c.evidence][:3]
    everything = {s.text for s in training_sentences(rubric)}
    without = {s.text for s in training_sentences(rubric, frozenset(c.id for c in annotated))}
    for case in annotated:
        quotes = {g.quote for g in case.evidence or [] if g.signals}
        assert quotes <= everything
        # A sentence another training case shares may stay; the case's own ones go.
        assert quotes - without
    assert without < everything
