"""Load and cross-check the eval case files; a bad file fails naming file, case and field."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from agents.errors import MockpanelError
from evals.models import (
    KINDS,
    PADDING_MIN_RATIO,
    PAIRED_KINDS,
    SPLIT_IDS,
    EvalCase,
    EvalCaseFile,
    Split,
    word_count,
)
from knowledge.models import STAGE_IDS
from knowledge.yaml_file import read_yaml

CASES_DIR = Path(__file__).parent / "cases"
_Fail = Callable[[EvalCase, str, str], "EvalCaseError"]
# Longest prefix first, so realistic_dev_ is not read as dev_.
SPLIT_PREFIXES: dict[str, Split] = {
    "realistic_dev_": "realistic_dev",
    "realistic_test_": "realistic_test",
    "dev_": "dev",
    "test_": "test",
}
# What `--split` accepts: one split, both realistic parts, or everything.
SPLIT_CHOICES: tuple[str, ...] = (*SPLIT_IDS, "realistic", "all")
HIRE_MIN_STRONG_STAGES = 3  # or every assessed stage, when the question assesses fewer


class EvalCaseError(MockpanelError):
    """An eval case file is missing, unreadable, malformed, or breaks a rule of the eval set."""


def _split_of(path: Path) -> Split:
    for prefix, split in SPLIT_PREFIXES.items():
        if path.name.startswith(prefix):
            return split
    prefixes = ", ".join(SPLIT_PREFIXES)
    raise EvalCaseError(f"{path}: file name must start with one of {prefixes} (it names the split)")


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


def in_split(case: EvalCase, split: str) -> bool:
    """Whether the case belongs to `split` (a split id, "realistic" or "all")."""
    return (
        split == "all"
        or case.split == split
        or (split == "realistic" and case.split.startswith("realistic"))
    )


def check_case_set(
    located: Iterable[tuple[Path, EvalCase]],
    *,
    question_ids: Collection[str] | Mapping[str, Sequence[str]],
    red_flag_ids: Collection[str],
    signal_ids: Collection[str] | None = None,
) -> list[EvalCase]:
    """Rules that span cases: unique ids, known questions, stages in the question's scope,
    known red flags and signals, sound pairs and variant groups.

    `question_ids` may map each question to the stages it assesses (all five when a plain
    collection); `signal_ids` None skips the signal check of evidence annotations."""
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

    scopes: Mapping[str, Sequence[str]] = (
        question_ids if isinstance(question_ids, Mapping) else {q: STAGE_IDS for q in question_ids}
    )
    for case in cases.values():
        if case.question_id not in scopes:
            raise fail(case, "question_id", f"unknown question {case.question_id!r}")
        _check_scope(case, scopes[case.question_id], fail)
        unknown = [f for f in case.red_flags if f not in red_flag_ids]
        if unknown:
            raise fail(case, "red_flags", f"not in the rubric: {unknown}")
        _check_evidence_ids(case, red_flag_ids, signal_ids, fail)
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
    _check_variant_groups(cases.values(), fail)
    return sorted(cases.values(), key=lambda c: c.id)


def _check_scope(case: EvalCase, scope: Sequence[str], fail: _Fail) -> None:
    for name in ("gold_strong_stages", "gold_weak_stages"):
        outside = [s for s in getattr(case, name) if s not in scope]
        if outside:
            raise fail(case, name, f"stage(s) {outside} are not assessed by {case.question_id}")
    needed = min(HIRE_MIN_STRONG_STAGES, len(scope))
    if case.gold_decision == "hire" and len(case.gold_strong_stages) < needed:
        raise fail(
            case, "gold_strong_stages", f"a hire needs substance in at least {needed} stages"
        )


def _check_evidence_ids(
    case: EvalCase,
    red_flag_ids: Collection[str],
    signal_ids: Collection[str] | None,
    fail: _Fail,
) -> None:
    for sentence in case.evidence or []:
        if sentence.red_flag is not None and sentence.red_flag not in red_flag_ids:
            raise fail(case, "evidence", f"red flag {sentence.red_flag!r} is not in the rubric")
        unknown = [s for s in sentence.signals if signal_ids is not None and s not in signal_ids]
        if unknown:
            raise fail(case, "evidence", f"signal(s) {unknown} are not in the rubric")


def _check_variant_groups(cases: Iterable[EvalCase], fail: _Fail) -> None:
    groups: dict[str, list[EvalCase]] = {}
    for case in cases:
        if case.variant_group is not None:
            groups.setdefault(case.variant_group, []).append(case)
    for name, members in sorted(groups.items()):
        first = members[0]
        if len(members) < 2:
            raise fail(first, "variant_group", f"group {name!r} has only this case")
        for other in members[1:]:
            for field in ("split", "question_id", "gold_decision"):
                if getattr(other, field) != getattr(first, field):
                    raise fail(other, field, f"differs from {first.id!r} in variant group {name!r}")


def _rubric_ids() -> tuple[set[str], set[str]]:
    """The rubric's red-flag ids and signal ids."""
    from knowledge.loader import KnowledgeFileError, load_rubric

    try:
        rubric = load_rubric()
    except KnowledgeFileError as exc:
        raise EvalCaseError(f"cannot check ids against the rubric: {exc}") from exc
    return {f.id for f in rubric.red_flags}, {s.id for s in rubric.signals}


def _bank_scopes() -> dict[str, list[str]]:
    """Each question's id (the bank's and the typed ones) and the stages it assesses."""
    from evals.typed_questions import eval_questions
    from knowledge.loader import KnowledgeFileError

    try:
        return {qid: list(q.assesses) for qid, q in eval_questions().items()}
    except KnowledgeFileError as exc:
        raise EvalCaseError(f"cannot check question ids against the bank: {exc}") from exc


def load_cases(
    directory: Path | None = None,
    *,
    split: str = "all",
    question_ids: Collection[str] | Mapping[str, Sequence[str]] | None = None,
    red_flag_ids: Collection[str] | None = None,
    signal_ids: Collection[str] | None = None,
) -> list[EvalCase]:
    """Every case under `directory` (sorted by id), validated and cross-checked; one split.

    Ids not given are read from the question bank and the rubric."""
    if split not in SPLIT_CHOICES:
        raise EvalCaseError(f"unknown split {split!r}; expected one of {', '.join(SPLIT_CHOICES)}")
    directory = CASES_DIR if directory is None else directory
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise EvalCaseError(f"{directory}: no case files (*.yaml)")
    located = [(path, case) for path in files for case in load_case_file(path)]
    if red_flag_ids is None:
        red_flag_ids, rubric_signals = _rubric_ids()
        signal_ids = rubric_signals if signal_ids is None else signal_ids
    cases = check_case_set(
        located,
        question_ids=_bank_scopes() if question_ids is None else question_ids,
        red_flag_ids=red_flag_ids,
        signal_ids=signal_ids,
    )
    return [c for c in cases if in_split(c, split)]


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
