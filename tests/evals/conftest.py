"""Helpers for the eval tests: minimal valid cases and case files written to a temp dir."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from evals.models import CONTRACT_RED_FLAGS

QUESTION_IDS = ("support-bot-deflection", "content-moderation")
RED_FLAG_IDS = CONTRACT_RED_FLAGS


def case_dict(case_id: str = "sb-strong-01", **overrides: Any) -> dict[str, Any]:
    """A valid case as plain data; keyword arguments replace fields."""
    data: dict[str, Any] = {
        "id": case_id,
        "question_id": "support-bot-deflection",
        "kind": "strong",
        "split": "dev",
        "gold_decision": "hire",
        "gold_strong_stages": ["objective", "data_strategy", "evaluation"],
        "gold_weak_stages": ["scaling"],
        "red_flags": [],
        "rationale": "A test case with enough substance in three stages.",
        "answer": "I would define success as tickets resolved without a reopen within a week.",
        "replies": {"evaluation": "We compare reopen rates on ten percent of traffic."},
    }
    data.update(overrides)
    return data


WriteCases = Callable[..., Path]


@pytest.fixture
def write_cases(tmp_path: Path) -> WriteCases:
    """Write `cases` to <tmp>/cases/<name> as YAML; returns the folder."""
    folder = tmp_path / "cases"
    folder.mkdir(exist_ok=True)

    def write(cases: list[dict[str, Any]] | Any, name: str = "dev_cases.yaml") -> Path:
        body = {"cases": cases} if isinstance(cases, list) else cases
        (folder / name).write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
        return folder

    return write
