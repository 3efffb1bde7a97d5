"""The literal prefilter never rules out a text one of its patterns matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from agents.brains.offline.prefilter import Prefilter, required_literals
from knowledge.loader import load_rubric

SAMPLES = Path(__file__).with_name("samples.yaml")


@pytest.mark.parametrize(
    ("pattern", "heads"),
    [
        (r"\bgold(en)? set\b", {"gold set", "golden set"}),
        (r"\b(a |the )?third (one|reviewer)\b", {"third one", "third reviewer"}),
        (r"\b[0-9]+ ?ms\b", {"ms"}),
        (r"\b\w+ percent\b", {" percent"}),
        (r"\bCheap|cost of (a|an) \w+", {"cheap", "cost of a ", "cost of an "}),
        (r"^\W*\w+:", {":"}),
        (r"\w+", None),
        (r"\bK\u212a", {"k"}),  # the Kelvin sign ends the literal: it folds onto an ASCII k
    ],
)
def test_required_literals(pattern: str, heads: set[str] | None) -> None:
    assert required_literals([pattern]) == (None if heads is None else frozenset(heads))


def test_texts_outside_ascii_are_never_ruled_out() -> None:
    kelvin = Prefilter([r"\bkelvin\b"])
    assert kelvin.may_match("\u212aelvin")  # matches under IGNORECASE, lower() keeps the sign
    assert re.search(r"\bkelvin\b", "\u212aelvin", re.IGNORECASE)
    assert not kelvin.may_match("celsius")


def test_no_rubric_pattern_match_is_ruled_out() -> None:
    rubric = load_rubric()
    groups = [s.patterns for s in rubric.signals] + [f.patterns for f in rubric.red_flags]
    samples = yaml.safe_load(SAMPLES.read_text())
    texts = [t for t in re.split(r"[\n.;]+", yaml.safe_dump(samples)) if t.strip()]
    texts += [e for s in rubric.signals for e in s.exemplars]
    texts += [e for f in rubric.red_flags for e in f.exemplars]
    for patterns in groups:
        prefilter = Prefilter(patterns)
        compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
        for text in texts:
            if any(p.search(text) for p in compiled):
                assert prefilter.may_match(text), (patterns, text)
