"""Every expected error in the project derives from the one MockpanelError base."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from agents.errors import MockpanelError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agents", "knowledge", "evals", "ui")
# The base itself, and internal control flow caught where it is raised (never reaches a user).
INTERNAL = {"MockpanelError", "StepFailed"}
BUILTIN_BASES = {"Exception", "BaseException", "ValueError", "RuntimeError", "TypeError", "OSError"}


def _error_classes() -> list[tuple[str, str, list[str]]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    bases = [ast.unparse(b).split(".")[-1] for b in node.bases]
                    found.append((str(path.relative_to(ROOT)), node.name, bases))
    return found


def test_no_error_class_bypasses_the_base() -> None:
    rogue = [
        f"{path}: {name}({', '.join(bases)})"
        for path, name, bases in _error_classes()
        if name not in INTERNAL and BUILTIN_BASES & set(bases)
    ]
    assert rogue == []


def test_message_is_one_line() -> None:
    assert str(MockpanelError("first\n  second\tthird ")) == "first second third"
    assert str(MockpanelError()) == "MockpanelError"


@pytest.mark.parametrize(
    "name",
    [
        "agents.answer_input:AnswerError",
        "agents.session:SessionError",
        "agents.store:StorageError",
        "agents.brains.errors:BrainUnavailable",
        "agents.brains.claude.config:ClaudeConfigError",
        "agents.brains.claude.client:ClaudeCallFailed",
        "knowledge.loader:KnowledgeFileError",
        "knowledge.embeddings:EmbeddingModelError",
        "knowledge.index:IndexMissingError",
        "knowledge.index:IndexStaleError",
        "knowledge.retrieval:QueryError",
        "evals.loader:EvalCaseError",
        "evals.gate:BaselineError",
        "evals.claude_batch:BatchEvalError",
        "ui.gold_set:GoldSetError",
    ],
)
def test_expected_errors_are_mockpanel_errors(name: str) -> None:
    import importlib

    module, cls = name.split(":")
    assert issubclass(getattr(importlib.import_module(module), cls), MockpanelError)
