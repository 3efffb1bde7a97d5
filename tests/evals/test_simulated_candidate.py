"""The simulated candidate answers from its script, deterministically."""

from __future__ import annotations

from agents.state import Probe
from evals.models import EvalCase
from evals.simulated_candidate import (
    NOT_CONSIDERED,
    NOTHING_TO_ADD,
    SimulatedCandidate,
    not_considered_line,
)
from tests.evals.conftest import case_dict


def probe(stage: str, panelist: str = "interviewer") -> Probe:
    return Probe(
        panelist=panelist,
        stage=stage,
        gap=f"{stage}-gap",
        gap_kind="missing_signal",
        severity=1.0,
        text=f"Tell me about {stage}.",
    )


def make_case(case_id: str = "sb-strong-01") -> EvalCase:
    return EvalCase.model_validate(
        case_dict(
            case_id,
            replies={
                "evaluation": "Reopen rate on ten percent of traffic.",
                "scaling": "Two cents a ticket against six dollars.",
            },
        )
    )


def test_scripted_reply_for_the_probed_stage() -> None:
    candidate = SimulatedCandidate(make_case())
    assert candidate([probe("evaluation")]) == "Reopen rate on ten percent of traffic."


def test_unscripted_stage_gets_the_fixed_line() -> None:
    case = make_case()
    reply = SimulatedCandidate(case)([probe("objective")])
    assert reply == not_considered_line(case.id)
    assert reply in NOT_CONSIDERED


def test_mixed_round_keeps_probe_order_and_says_the_line_once() -> None:
    case = make_case()
    reply = SimulatedCandidate(case)(
        [
            probe("scaling"),
            probe("objective"),
            probe("evaluation", "lead_engineer"),
            probe("data_strategy"),
        ]
    )
    parts = reply.split("\n\n")
    assert parts == [
        "Two cents a ticket against six dollars.",
        "Reopen rate on ten percent of traffic.",
        not_considered_line(case.id),
    ]


def test_same_stage_twice_in_a_round_is_answered_once() -> None:
    reply = SimulatedCandidate(make_case())([probe("scaling"), probe("scaling", "hiring_manager")])
    assert reply == "Two cents a ticket against six dollars."


def test_a_stage_probed_again_gets_nothing_to_add() -> None:
    candidate = SimulatedCandidate(make_case())
    candidate([probe("scaling")])
    assert candidate([probe("scaling")]) == NOTHING_TO_ADD
    assert [r.repeated for r in candidate.log] == [(), ("scaling",)]


def test_line_is_fixed_by_the_case_id() -> None:
    lines = {not_considered_line(f"case-{i}") for i in range(40)}
    assert len(lines) > 1  # the hash spreads cases over the sentences
    assert not_considered_line("mc-weak-01") == not_considered_line("mc-weak-01")


def test_two_candidates_for_one_case_reply_identically() -> None:
    rounds = [[probe("objective"), probe("scaling")], [probe("scaling"), probe("evaluation")]]
    a, b = SimulatedCandidate(make_case()), SimulatedCandidate(make_case())
    assert [a(r) for r in rounds] == [b(r) for r in rounds]


def test_no_probes_still_gets_a_reply() -> None:
    case = make_case()
    assert SimulatedCandidate(case)([]) == not_considered_line(case.id)
