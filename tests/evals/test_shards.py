"""Sharded evals: cases dealt evenly, and two worker processes give a single process's outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.loader import load_cases
from evals.models import EvalCase
from evals.results import RunRecord
from evals.runner import run_graph_eval
from evals.shards import case_cost, merge, split_cases
from knowledge.retrieval import ensure_index
from knowledge.settings import Settings
from tests.evals.conftest import case_dict


def _case(case_id: str, words: int) -> EvalCase:
    return EvalCase.model_validate(case_dict(case_id, answer=" ".join(["word"] * words)))


def test_split_balances_cost_and_keeps_order() -> None:
    cases = [_case(f"sb-strong-{n:02d}", words) for n, words in enumerate([90, 10, 50, 40, 30])]
    groups = split_cases(cases, 2)
    loads = sorted(sum(case_cost(c) for c in g) for g in groups)
    assert loads[1] - loads[0] <= min(case_cost(c) for c in cases)  # greedy: within one case
    order = [c.id for c in cases]
    for group in groups:
        ids = [c.id for c in group]
        assert ids == sorted(ids, key=order.index)
    assert sorted(c.id for g in groups for c in g) == sorted(order)


def test_split_drops_empty_groups_and_rejects_zero() -> None:
    assert len(split_cases([_case("sb-strong-01", 5)], 4)) == 1
    with pytest.raises(ValueError, match="at least 1"):
        split_cases([], 0)


def test_merge_pools_outcomes_per_pass() -> None:
    from evals.runner import outcome_from_error

    a, b = _case("sb-strong-01", 5), _case("sb-strong-02", 5)

    def run(case: EvalCase, seconds: float) -> RunRecord:
        outcome = outcome_from_error(case, RuntimeError("x"), seconds=0.0)
        return RunRecord(order=[case.id], seconds=seconds, outcomes=[outcome])

    merged = merge([a, b], [[run(b, 2.0), run(b, 1.0)], [run(a, 3.0), run(a, 1.5)]])
    assert [r.order for r in merged] == [[a.id, b.id], [b.id, a.id]]
    assert [r.seconds for r in merged] == [3.0, 1.5]
    assert [[o.case_id for o in r.outcomes] for r in merged] == [[a.id, b.id]] * 2


async def test_two_processes_match_one(settings: Settings, tmp_path: Path) -> None:
    ensure_index(settings)
    cases = load_cases(split="dev")[:5]
    progress: list[tuple[int, str]] = []
    passes: list[int] = []

    async def run(processes: int, name: str) -> list[RunRecord]:
        return await run_graph_eval(
            cases,
            settings,
            brain_name="offline",
            work_dir=tmp_path / name,
            rounds=1,
            jobs=2,
            repeat=True,
            processes=processes,
            on_pass=passes.append,
            on_done=lambda number, case_id: progress.append((number, case_id)),
        )

    single = await run(1, "single")
    passes.clear()
    progress.clear()
    sharded = await run(2, "sharded")
    assert passes == [1, 2]
    assert sorted(progress) == sorted((n, c.id) for n in (1, 2) for c in cases)
    assert [r.order for r in sharded] == [r.order for r in single]
    for one, two in zip(single, sharded, strict=True):
        assert [(o.case_id, o.fingerprint) for o in one.outcomes] == [
            (o.case_id, o.fingerprint) for o in two.outcomes
        ]
        assert all(o.error is None for o in two.outcomes)
    assert (tmp_path / "sharded" / "shard-2").is_dir()  # each worker kept its own sessions
