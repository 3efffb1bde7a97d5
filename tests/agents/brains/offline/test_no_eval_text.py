"""The judge must generalise: no eval-case text, phrase or id inside the rubric or the brain."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[4]
JUDGE_FILES = [
    ROOT / "knowledge" / "data" / "rubric.yaml",
    *sorted((ROOT / "agents" / "brains" / "offline").glob("*.py")),
    *sorted((ROOT / "agents" / "brains" / "offline").glob("*.yaml")),
]
NGRAM = 7  # seven words in a row shared with a case is a copied phrase, not shared vocabulary


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted((ROOT / "evals" / "cases").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        cases.extend(data.get("cases") or [])
    return cases


def test_judge_files_share_no_phrase_or_id_with_eval_cases() -> None:
    judge_text = "\n".join(p.read_text(encoding="utf-8") for p in JUDGE_FILES)
    judge_grams = _ngrams(judge_text)
    for case in _cases():
        case_id = str(case.get("id", ""))
        assert case_id and case_id not in judge_text, f"case id {case_id} appears in the judge"
        replies: dict[str, Any] = case.get("replies") or {}
        texts = [str(case.get("answer", "")), *map(str, replies.values())]
        shared = set().union(*(_ngrams(t) for t in texts)) & judge_grams
        # Only the id and a count: the message must not reveal a test-split case's text.
        assert not shared, f"case {case_id} shares {len(shared)} phrase(s) with the judge"
