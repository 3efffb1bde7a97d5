"""Typed (free-text) questions in the eval set: validated, read like the CLI reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.loader import EvalCaseError, load_cases
from evals.typed_questions import eval_questions, load_typed_questions
from knowledge.scope import custom_question


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "typed_questions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_typed_question_is_the_question_the_cli_would_build(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "questions:\n"
        "  - id: typed-claims\n"
        "    text: Design a system to detect fraudulent insurance claims\n"
        "  - id: typed-claims-cost\n"
        "    text: What would the claims checker cost to run?\n"
        "    stages: [scaling]\n",
    )
    typed = load_typed_questions(path)
    assert typed["typed-claims"] == custom_question(
        "Design a system to detect fraudulent insurance claims"
    )
    assert typed["typed-claims-cost"].assesses == ["scaling"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("questions:\n  - id: claims\n    text: Design a claims checker\n", "questions.0.id"),
        ("questions:\n  - id: typed-ab\n    text: short\n", "questions.0.text"),
        ("questions: [\n", "malformed YAML"),
        (
            "questions:\n  - {id: typed-ab, text: Design a claims checker}\n"
            "  - {id: typed-ab, text: Design a claims checker too}\n",
            "listed twice",
        ),
    ],
)
def test_a_bad_typed_questions_file_fails_in_one_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(EvalCaseError) as info:
        load_typed_questions(write(tmp_path, text))
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_the_shipped_cases_name_known_questions_and_typed_ones_are_judged() -> None:
    known = eval_questions()
    cases = load_cases()
    typed = [c for c in cases if c.question_id.startswith("typed-")]
    assert len(typed) >= 20
    assert all(c.question_id in known for c in cases)
    # Design and focused typed questions both, and both labels.
    scopes = {len(known[c.question_id].assesses) for c in typed}
    assert 5 in scopes and 1 in scopes
    assert {c.gold_decision for c in typed} == {"hire", "no_hire"}
