"""No eval text leaks into the judge: no case id and no 8-word run of case text appears in the
knowledge data or the brains' code and config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


def words(text: str) -> list[str]:
    """Lower-case word tokens, punctuation dropped, so reformatting cannot hide a copy."""
    return _WORD.findall(text.lower())


def shingles(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    """Every run of n consecutive words."""
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


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
