"""No eval text leaks into the judge: no case id and no 8-word run of case text appears in the
knowledge data or the brains' code and config."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from evals.loader import load_cases
from evals.models import EvalCase
from knowledge.loader import load_questions

ROOT = Path(__file__).resolve().parents[2]
SEARCHED = (
    (ROOT / "knowledge" / "data", ("*.yaml", "*.yml", "*.json", "*.txt", "*.md")),
    (ROOT / "agents" / "brains", ("*.py", "*.yaml", "*.yml")),
)
RUN = 8
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# A judge sentence whose content words overlap a case sentence's this much (Jaccard) is a
# paraphrase of eval text, e.g. a dev sentence reworded into a rubric exemplar.
PARAPHRASE_JACCARD = 0.5
MIN_CONTENT_WORDS = 8
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "is",
        "are",
        "be",
        "it",
        "we",
        "i",
        "that",
        "this",
        "with",
        "as",
        "by",
        "at",
        "from",
        "so",
        "not",
        "but",
        "if",
        "they",
        "their",
        "them",
        "our",
        "us",
        "you",
        "your",
        "what",
        "which",
        "who",
        "when",
        "then",
        "than",
        "there",
        "here",
        "its",
        "into",
        "over",
        "under",
        "each",
        "every",
        "only",
        "just",
        "also",
        "very",
        "can",
        "will",
        "would",
        "should",
        "could",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "was",
        "were",
        "been",
        "being",
        "how",
        "why",
        "where",
        "it's",
        "what's",
        "that's",
        "i'd",
        "we'd",
        "i'm",
        "don't",
    ]
)


def words(text: str) -> list[str]:
    """Lower-case word tokens, punctuation dropped, so reformatting cannot hide a copy."""
    return _WORD.findall(text.lower())


def shingles(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    """Every run of n consecutive words."""
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def content_words(sentence: str) -> frozenset[str]:
    """Words that carry meaning: no stop words, no one- or two-letter tokens."""
    return frozenset(w for w in words(sentence) if w not in _STOP and len(w) > 2)


def sentences(text: str) -> list[str]:
    """Rough sentence split on end punctuation and line breaks."""
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def yaml_strings(node: Any) -> list[str]:
    """Every string value in a parsed YAML document."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in yaml_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in yaml_strings(v)]
    return []


def judge_files() -> list[Path]:
    files: list[Path] = []
    for folder, patterns in SEARCHED:
        for pattern in patterns:
            files.extend(p for p in folder.rglob(pattern) if "__pycache__" not in p.parts)
    return sorted(set(files))


@pytest.fixture(scope="module")
def cases() -> list[EvalCase]:
    return load_cases()


@pytest.fixture(scope="module")
def judge_text() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in judge_files()}


def test_there_is_something_to_search(judge_text: dict[Path, str]) -> None:
    names = {p.name for p in judge_text}
    assert "rubric.yaml" in names and "questions.yaml" in names
    assert any(p.suffix == ".py" for p in judge_text)


def test_no_case_id_in_the_judge(cases: list[EvalCase], judge_text: dict[Path, str]) -> None:
    ids = "|".join(re.escape(c.id) for c in cases)
    pattern = re.compile(rf"(?<![\w-])(?:{ids})(?![\w-])")
    leaks = [
        f"{match.group(0)} in {path.relative_to(ROOT)}"
        for path, text in judge_text.items()
        for match in pattern.finditer(text)
    ]
    assert not leaks, leaks


def test_no_eight_word_run_of_case_text_in_the_judge(
    cases: list[EvalCase], judge_text: dict[Path, str]
) -> None:
    judge = {path: shingles(text) for path, text in judge_text.items()}
    # A candidate may restate the question; runs of the question prompts are not eval text.
    prompts = set().union(*(shingles(q.prompt) for q in load_questions().questions))
    leaks = []
    for case in cases:
        for run in shingles(case.all_stages_text) - prompts:
            for path, runs in judge.items():
                if run in runs:
                    leaks.append(f"{case.id}: '{' '.join(run)}' in {path.relative_to(ROOT)}")
    assert not leaks, leaks[:20]


def test_the_check_would_catch_a_copied_sentence(cases: list[EvalCase]) -> None:
    sentence = " ".join(words(cases[0].answer)[:12])
    planted = f'exemplars:\n  - "{sentence.upper()}!"\n'
    assert shingles(cases[0].all_stages_text) & shingles(planted)


def test_no_paraphrased_case_sentence_in_the_judge_data(cases: list[EvalCase]) -> None:
    case_sentences = [
        (case.id, sentence, content_words(sentence))
        for case in cases
        for sentence in sentences(case.all_stages_text)
        if len(content_words(sentence)) >= MIN_CONTENT_WORDS
    ]
    leaks = []
    for path in judge_files():
        if path.suffix not in (".yaml", ".yml"):
            continue
        for text in yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for sentence in sentences(text):
                mine = content_words(sentence)
                if len(mine) < MIN_CONTENT_WORDS:
                    continue
                for case_id, theirs_text, theirs in case_sentences:
                    overlap = len(mine & theirs) / len(mine | theirs)
                    if overlap >= PARAPHRASE_JACCARD:
                        leaks.append(
                            f"{path.relative_to(ROOT)}: {sentence!r} ~ {case_id}: "
                            f"{theirs_text!r} ({overlap:.2f})"
                        )
    assert not leaks, leaks[:10]


def test_the_paraphrase_check_would_catch_a_reworded_sentence() -> None:
    case = "So thresholds are set by which mistake is cheaper for each kind of merchant."
    judge = "The thresholds get set by which mistake is cheaper for every kind of customer."
    a, b = content_words(case), content_words(judge)
    assert len(a & b) / len(a | b) >= PARAPHRASE_JACCARD
