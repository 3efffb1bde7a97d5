"""Load and cross-check the eval case files; a bad file fails naming file, case and field."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from pydantic import ValidationError

from agents.errors import MockpanelError
from evals.models import (
    KINDS,
    PADDING_MIN_RATIO,
    PAIRED_KINDS,
    EvalCase,
    EvalCaseFile,
    Split,
    word_count,
)
from knowledge.yaml_file import read_yaml

CASES_DIR = Path(__file__).parent / "cases"
SPLIT_PREFIXES: dict[str, Split] = {"dev_": "dev", "test_": "test"}


class EvalCaseError(MockpanelError):
    """An eval case file is missing, unreadable, malformed, or breaks a rule of the eval set."""


def _split_of(path: Path) -> Split:
    for prefix, split in SPLIT_PREFIXES.items():
        if path.name.startswith(prefix):
            return split
    raise EvalCaseError(f"{path}: file name must start with dev_ or test_ (it names the split)")


def _where(raw_case: object, index: int) -> str:
    if isinstance(raw_case, dict) and isinstance(raw_case.get("id"), str):
        return f"case {raw_case['id']!r} (cases[{index}])"
    return f"cases[{index}]"


def _field(loc: tuple[int | str, ...]) -> str:
    names = [str(p) for p in loc if not isinstance(p, int)]
    if len(names) >= 2 and names[-1] == "[key]":  # a bad mapping key, e.g. an unknown stage
        return f"field {'.'.join(names[:-2])!r}, key {names[-2]!r}"
    return f"field {'.'.join(names)!r}" if names else "case"


def _read_yaml(path: Path) -> dict[str, object]:
    data = read_yaml(path, EvalCaseError)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise EvalCaseError(f"{path}: expected a mapping with a 'cases' list at the top level")
    return data


def load_case_file(path: Path) -> list[EvalCase]:
    """Validate one case file; errors name the file, the case and the field."""
    data = _read_yaml(path)
    raw_cases = data["cases"]
    assert isinstance(raw_cases, list)
    for index, raw in enumerate(raw_cases):
        try:
            EvalCase.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
            where = f"{_where(raw, index)}, {_field(tuple(first['loc']))}"
            message = first["msg"].removeprefix("Value error, ")
            raise EvalCaseError(f"{path}: {where}: {message}{more}") from exc
    try:
        parsed = EvalCaseFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise EvalCaseError(f"{path}: {_field(tuple(first['loc']))}: {first['msg']}") from exc
    split = _split_of(path)
    for index, case in enumerate(parsed.cases):
        if case.split != split:
            raise EvalCaseError(
                f"{path}: case {case.id!r} (cases[{index}]), field 'split': "
                f"{case.split} case in a {split}_ file"
            )
    return list(parsed.cases)


def check_case_set(
    located: Iterable[tuple[Path, EvalCase]],
    *,
    question_ids: Collection[str],
    red_flag_ids: Collection[str],
) -> list[EvalCase]:
    """Rules that span cases: unique ids, known questions and red flags, sound pairs."""
    where: dict[str, Path] = {}
    cases: dict[str, EvalCase] = {}
    for path, case in located:
        if case.id in cases:
            raise EvalCaseError(
                f"{path}: case {case.id!r}, field 'id': duplicate (also in {where[case.id]})"
            )
        where[case.id] = path
        cases[case.id] = case

    def fail(case: EvalCase, field: str, message: str) -> EvalCaseError:
        return EvalCaseError(f"{where[case.id]}: case {case.id!r}, field {field!r}: {message}")

    for case in cases.values():
        if case.question_id not in question_ids:
            raise fail(case, "question_id", f"unknown question {case.question_id!r}")
        unknown = [f for f in case.red_flags if f not in red_flag_ids]
        if unknown:
            raise fail(case, "red_flags", f"not in the rubric: {unknown}")
        if case.pair_of is None:
            continue
        base = cases.get(case.pair_of)
        if base is None:
            raise fail(case, "pair_of", f"no case {case.pair_of!r}")
        if base.kind != PAIRED_KINDS[case.kind]:
            raise fail(case, "pair_of", f"{case.kind} must vary a {PAIRED_KINDS[case.kind]} case")
        if base.split != case.split:
            raise fail(case, "pair_of", f"base {base.id!r} is in {base.split}, not {case.split}")
        if base.question_id != case.question_id:
            raise fail(case, "pair_of", f"base {base.id!r} answers another question")
        if case.kind != "prompt_injection" and base.gold_decision != case.gold_decision:
            raise fail(case, "gold_decision", f"differs from its base {base.id!r}")
        if case.kind == "padded_weak":
            ratio = word_count(case.answer) / max(1, word_count(base.answer))
            if ratio < PADDING_MIN_RATIO:
                raise fail(case, "answer", f"padded to {ratio:.1f}x its base; aim for 3x")
    return sorted(cases.values(), key=lambda c: c.id)


def _rubric_red_flag_ids() -> set[str]:
    from knowledge.loader import KnowledgeFileError, load_rubric

    try:
        return {flag.id for flag in load_rubric().red_flags}
    except KnowledgeFileError as exc:
        raise EvalCaseError(f"cannot check red-flag ids against the rubric: {exc}") from exc


def _bank_question_ids() -> set[str]:
    from knowledge.loader import KnowledgeFileError, load_questions

    try:
        return {q.id for q in load_questions().questions}
    except KnowledgeFileError as exc:
        raise EvalCaseError(f"cannot check question ids against the bank: {exc}") from exc


def load_cases(
    directory: Path | None = None,
    *,
    split: str = "all",
    question_ids: Collection[str] | None = None,
    red_flag_ids: Collection[str] | None = None,
) -> list[EvalCase]:
    """Every case under `directory` (sorted by id), validated and cross-checked; one split."""
    if split not in ("dev", "test", "all"):
        raise EvalCaseError(f"unknown split {split!r}; expected dev, test or all")
    directory = CASES_DIR if directory is None else directory
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise EvalCaseError(f"{directory}: no case files (*.yaml)")
    located = [(path, case) for path in files for case in load_case_file(path)]
    cases = check_case_set(
        located,
        question_ids=_bank_question_ids() if question_ids is None else question_ids,
        red_flag_ids=_rubric_red_flag_ids() if red_flag_ids is None else red_flag_ids,
    )
    return [c for c in cases if split == "all" or c.split == split]


def counts(cases: Iterable[EvalCase]) -> dict[str, dict[str, int]]:
    """Case counts by kind, gold decision, split and question."""
    out: dict[str, dict[str, int]] = {"kind": {}, "gold": {}, "split": {}, "question": {}}
    for case in cases:
        for key, value in (
            ("kind", case.kind),
            ("gold", case.gold_decision),
            ("split", case.split),
            ("question", case.question_id),
        ):
            out[key][value] = out[key].get(value, 0) + 1
    out["kind"] = {k: out["kind"][k] for k in KINDS if k in out["kind"]}
    return out
