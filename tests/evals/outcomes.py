"""Build synthetic CaseOutcomes and RunRecords for metric, gate and report tests."""

from __future__ import annotations

from typing import Any

from evals.results import CaseOutcome, CitationProblem, RunRecord


def outcome(
    case_id: str,
    gold: str,
    decision: str | None,
    *,
    kind: str = "strong",
    split: str = "dev",
    **extra: Any,
) -> CaseOutcome:
    """A case outcome with just the fields a test cares about."""
    fields: dict[str, Any] = {
        "case_id": case_id,
        "kind": kind,
        "split": split,
        "question_id": "support-bot-deflection",
        "gold_decision": gold,
        "decision": decision,
        "brain": "offline" if decision is not None else "",
        "fingerprint": f"fp-{case_id}-{decision}",
        "citations_total": 2,
    }
    if decision is None:
        fields["error"] = "RuntimeError: boom"
    fields.update(extra)
    return CaseOutcome(**fields)


def bad_citation() -> CitationProblem:
    """A citation problem as the runner would record it."""
    return CitationProblem(
        where="reasons[0]",
        turn="t1",
        quote="never said",
        problem="quote is not verbatim in turn t1",
    )


def run(outcomes: list[CaseOutcome], seconds: float = 10.0) -> RunRecord:
    """A run over these outcomes."""
    return RunRecord(order=[o.case_id for o in outcomes], seconds=seconds, outcomes=outcomes)


def balanced_dev_and_test() -> list[CaseOutcome]:
    """Eight dev and eight test outcomes, all correct, half hire."""
    out = []
    for split in ("dev", "test"):
        for i in range(4):
            out.append(outcome(f"{split}-h{i}", "hire", "hire", split=split))
            out.append(outcome(f"{split}-n{i}", "no_hire", "no_hire", kind="weak", split=split))
    return out
