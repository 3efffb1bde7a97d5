"""Load and validate the knowledge data files; a bad file fails naming file, entry and field."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from agents.errors import MockpanelError
from knowledge.models import Panel, QuestionBank, Rubric, ScopeRules, SnippetCorpus
from knowledge.yaml_file import read_yaml

DATA_DIR = Path(__file__).parent / "data"

M = TypeVar("M", bound=BaseModel)

class KnowledgeFileError(MockpanelError):
    """A knowledge data file is missing, unreadable, not YAML, or fails validation."""


def _describe(data: object, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into 'entry <id> (list[3]), field x'."""
    parts: list[str] = []
    node = data
    for i, key in enumerate(loc):
        if isinstance(key, int) and isinstance(node, list):
            entry = node[key] if key < len(node) else None
            label = f"{loc[i - 1]}[{key}]" if i else f"[{key}]"
            if isinstance(entry, dict) and "id" in entry:
                label = f"entry {entry['id']!r} ({label})"
            parts.append(label)
            node = entry
        elif isinstance(node, dict) and isinstance(key, str):
            node = node.get(key)
            if i + 1 == len(loc) or not isinstance(loc[i + 1], int):
                parts.append(f"field {key!r}")
        else:
            parts.append(f"field {key!r}")
    return ", ".join(parts) or "top level"


def load_model(path: Path, model: type[M]) -> M:
    """Read a YAML file and validate it as `model`, raising KnowledgeFileError on any problem."""
    data = read_yaml(path, KnowledgeFileError)
    if not isinstance(data, dict):
        raise KnowledgeFileError(f"{path}: expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        where = _describe(data, tuple(first["loc"]))
        raise KnowledgeFileError(f"{path}: {where}: {first['msg']}{more}") from exc


def load_snippet_dir(directory: Path) -> SnippetCorpus:
    """Merge every *.yaml file in a folder into one validated SnippetCorpus."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise KnowledgeFileError(f"{directory}: no snippet files (*.yaml)")
    snippets = []
    for path in files:
        snippets.extend(load_model(path, SnippetCorpus).snippets)
    try:
        return SnippetCorpus(snippets=snippets)
    except ValidationError as exc:
        raise KnowledgeFileError(f"{directory}: {exc.errors()[0]['msg']}") from exc


@lru_cache(maxsize=4)
def load_rubric(path: Path = DATA_DIR / "rubric.yaml") -> Rubric:
    """The rubric."""
    return load_model(path, Rubric)


@lru_cache(maxsize=4)
def load_questions(path: Path = DATA_DIR / "questions.yaml") -> QuestionBank:
    """The question bank."""
    return load_model(path, QuestionBank)


@lru_cache(maxsize=4)
def load_panel(path: Path = DATA_DIR / "panelists.yaml") -> Panel:
    """The three panelists."""
    return load_model(path, Panel)


@lru_cache(maxsize=4)
def load_snippets(directory: Path = DATA_DIR / "snippets") -> SnippetCorpus:
    """The debrief-snippet corpus (one YAML file per panelist under data/snippets/)."""
    return load_snippet_dir(directory)


@lru_cache(maxsize=4)
def load_scope_rules(path: Path = DATA_DIR / "scope.yaml") -> ScopeRules:
    """How a free-text question's scope is inferred."""
    return load_model(path, ScopeRules)
