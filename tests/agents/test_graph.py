"""Graph paths, selection, parallel fan-out and interrupt/resume, driven by the FakeBrain."""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from agents.brains.base import StepResult
from agents.checkpointer import checkpoint_serializer
from agents.graph import asked_before, build_graph, one_per_quote
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Question
from tests.agents.conftest import ContextFactory
from tests.doubles import FakeBrain, overlapping

OPENING = "We start by defining a correct resolution and building a gold set of 500 tickets."


class Run:
    """A graph on an in-memory checkpointer, one thread, one context."""

    def __init__(self, ctx: Any, thread: str = "thread-1") -> None:
        self.graph = build_graph(InMemorySaver(serde=checkpoint_serializer()))
        self.ctx = ctx
        self.config: Any = {"configurable": {"thread_id": thread}}

    async def start(self, question: Question, max_rounds: int | None = None) -> dict[str, Any]:
        inputs: dict[str, Any] = {"question": question, "answer": OPENING, "brain": "fake"}
        if max_rounds is not None:
            inputs["max_rounds"] = max_rounds
        return await self.graph.ainvoke(inputs, self.config, context=self.ctx)

    async def resume(self, payload: dict[str, Any]) -> dict[str, Any]:
        return await self.graph.ainvoke(Command(resume=payload), self.config, context=self.ctx)

    async def values(self) -> dict[str, Any]:
        return (await self.graph.aget_state(self.config)).values

    async def waiting(self) -> bool:
        return bool((await self.graph.aget_state(self.config)).interrupts)


async def test_one_round_asks_three_grounded_probes_then_debriefs(
    make_context: ContextFactory, question: Question
) -> None:
    brain = FakeBrain()
    run = Run(make_context(brain))
    out = await run.start(question, max_rounds=1)

    (interrupt,) = out["__interrupt__"]
    asked = [p["gap"] for p in interrupt.value["probes"]]
    assert asked == ["objective-gap-r1", "data_strategy-gap-r1", "model_integration-gap-r1"]
    state = await run.values()
    probes = state["transcript"][1:]
    assert [t.id for t in probes] == ["t2", "t3", "t4"]
    assert [t.speaker for t in probes] == ["interviewer", "hiring_manager", "lead_engineer"]
    assert all(t.stage and t.gap and t.snippet_ids and t.round == 1 for t in probes)

    await run.resume({"reply": "We audit a 10% sample with experts."})
    state = await run.values()
    assert not await run.waiting()
    assert state["phase"] == "done"
    assert [t.speaker for t in state["transcript"]][-1] == "candidate"
    assert state["transcript"][-1].id == "t5"
    debrief = state["debrief"]
    assert debrief.decision == "hire"
    assert [v.panelist for v in debrief.votes] == ["interviewer", "hiring_manager", "lead_engineer"]
    assert debrief.transcript == state["transcript"]
    assert len(brain.calls_to("probe")) == 3
    assert len(brain.calls_to("vote")) == 3
    assert len(brain.calls_to("debrief")) == 1


async def test_several_rounds_each_interrupt_and_get_fresh_gaps(
    make_context: ContextFactory, question: Question
) -> None:
    run = Run(make_context(FakeBrain()))
    await run.start(question, max_rounds=3)
    for expected_round in (1, 2, 3):
        assert await run.waiting()
        state = await run.values()
        assert state["round"] == expected_round
        stages = ("objective", "data_strategy", "model_integration")
        assert {p.gap for p in state["pending"]} == {f"{s}-gap-r{expected_round}" for s in stages}
        await run.resume({"reply": f"Reply for round {expected_round}."})
    state = await run.values()
    assert state["phase"] == "done"
    rounds = [t.round for t in state["transcript"]]
    assert rounds == [0] + [1] * 4 + [2] * 4 + [3] * 4


async def test_default_rounds_come_from_the_context(
    make_context: ContextFactory, question: Question
) -> None:
    run = Run(make_context(FakeBrain(), max_rounds=2))
    await run.start(question)
    await run.resume({"reply": "First reply."})
    assert (await run.values())["max_rounds"] == 2
    await run.resume({"reply": "Second reply."})
    assert (await run.values())["phase"] == "done"


async def test_early_stop_when_no_gap_is_above_the_floor(
    make_context: ContextFactory, question: Question
) -> None:
    brain = FakeBrain(round_factor=lambda r: 1.0 if r == 1 else 0.0)
    run = Run(make_context(brain, severity_floor=0.1))
    await run.start(question, max_rounds=3)
    await run.resume({"reply": "Everything is covered now."})

    state = await run.values()
    assert state["phase"] == "done"
    assert {c.round for c in brain.calls_to("probe")} == {1, 2}
    assert max(t.round for t in state["transcript"]) == 1
    assert state["debrief"] is not None


async def test_zero_rounds_goes_straight_to_deliberation(
    make_context: ContextFactory, question: Question
) -> None:
    brain = FakeBrain()
    run = Run(make_context(brain))
    out = await run.start(question, max_rounds=0)
    assert "__interrupt__" not in out
    assert brain.calls_to("probe") == []
    assert [t.id for t in out["transcript"]] == ["t1"]
    assert out["debrief"].transcript[0].text == OPENING


async def test_select_dedupes_by_gap_orders_by_severity_and_keeps_k(
    make_context: ContextFactory, question: Question
) -> None:
    run = Run(make_context(FakeBrain(), probes_per_round=5))
    await run.start(question, max_rounds=1)
    pending: list[Probe] = (await run.values())["pending"]
    gaps = [p.gap for p in pending]
    assert len(gaps) == len(set(gaps)) == 5  # 6 proposals, "scaling" proposed twice
    scaling = next(p for p in pending if p.stage == "scaling")
    assert scaling.panelist == "lead_engineer"  # the higher-severity duplicate wins
    severities = [p.severity for p in pending]
    assert severities == sorted(severities, reverse=True)

    run3 = Run(make_context(FakeBrain(), probes_per_round=3), thread="k3")
    await run3.start(question, max_rounds=1)
    assert len((await run3.values())["pending"]) == 3


async def test_probes_and_votes_run_in_parallel(
    make_context: ContextFactory, question: Question
) -> None:
    brain = FakeBrain(delay=0.05)
    run = Run(make_context(brain))
    await run.start(question, max_rounds=1)
    await run.resume({"reply": "A reply."})
    assert overlapping(brain.calls_to("probe")) >= 2
    assert overlapping(brain.calls_to("vote")) >= 2


async def test_finish_skips_remaining_rounds(
    make_context: ContextFactory, question: Question
) -> None:
    brain = FakeBrain()
    run = Run(make_context(brain))
    await run.start(question, max_rounds=3)
    await run.resume({"finish": True})
    state = await run.values()
    assert state["phase"] == "done" and state["finished"]
    assert [t.speaker for t in state["transcript"]].count("candidate") == 1
    assert {c.round for c in brain.calls_to("probe")} == {1}


async def test_batch_responder_answers_instead_of_interrupting(
    make_context: ContextFactory, question: Question
) -> None:
    seen: list[list[Probe]] = []

    def responder(probes: list[Probe]) -> str:
        seen.append(probes)
        return "" if len(seen) == 2 else f"Scripted reply to {probes[0].gap}."

    run = Run(make_context(FakeBrain(), responder=responder))
    out = await run.start(question, max_rounds=3)
    assert "__interrupt__" not in out
    assert out["phase"] == "done"
    assert len(seen) == 2  # the empty second reply ends the interview
    candidate = [t.text for t in out["transcript"] if t.speaker == "candidate"]
    assert candidate == [OPENING, "Scripted reply to objective-gap-r1."]


async def test_async_responder_is_awaited(make_context: ContextFactory, question: Question) -> None:
    async def responder(probes: list[Probe]) -> str:
        return "Async reply."

    out = await Run(make_context(FakeBrain(), responder=responder)).start(question, max_rounds=1)
    assert out["transcript"][-1].text == "Async reply."


async def test_debrief_citations_are_validated_in_the_graph(
    make_context: ContextFactory, question: Question
) -> None:
    out = await Run(make_context(FakeBrain(bad_citations=True))).start(question, max_rounds=0)
    debrief = out["debrief"]
    assert debrief.dropped_citations == 6  # three bad ones, cited by two reasons
    assert len(debrief.reasons) == 1
    assert all(c.snippet != "no-such-snippet" for r in debrief.reasons for c in r.citations)


async def test_brain_failure_surfaces(make_context: ContextFactory, question: Question) -> None:
    with pytest.raises(RuntimeError, match="fake brain failure"):
        await Run(make_context(FakeBrain(fail_debrief=True))).start(question, max_rounds=0)


def test_module_graph_compiles_for_studio() -> None:
    from agents.graph import graph

    nodes = set(graph.get_graph().nodes)
    assert {"open", "probe", "select", "ask", "listen", "deliberate", "vote", "debrief"} <= nodes


async def test_json_input_is_coerced_like_studio_sends_it(
    make_context: ContextFactory, question: Question
) -> None:
    run = Run(make_context(FakeBrain()))
    out = await run.graph.ainvoke(
        {"question": question.model_dump(mode="json"), "answer": OPENING, "max_rounds": 0},
        run.config,
        context=run.ctx,
    )
    assert out["question"] == question
    assert out["debrief"] is not None


class FallingBackBrain(FakeBrain):
    """The FakeBrain, except that the hiring manager's probes came from a fallback brain."""

    async def probe(self, panelist: Any, question: Any, transcript: Any, round: int) -> Any:
        result = await super().probe(panelist, question, transcript, round)
        if panelist.id != "hiring_manager":
            return result
        note = f"probe:{panelist.id}:r{round}: model unavailable; offline brain used"
        return StepResult(result.value, result.calls, [note])


async def test_the_debrief_totals_every_call_and_fallback_of_the_session(
    make_context: ContextFactory, question: Question
) -> None:
    run = Run(make_context(FallingBackBrain()))
    await run.start(question, max_rounds=2)
    await run.resume({"reply": "We audit a 10% sample with experts."})
    await run.resume({"reply": "Labels cost 40 cents each; experts check 5%."})
    state = await run.values()
    debrief = state["debrief"]
    steps = [c.step for c in debrief.usage.calls]
    assert steps == [
        *(f"probe:{p}:r1" for p in ("interviewer", "hiring_manager", "lead_engineer")),
        *(f"probe:{p}:r2" for p in ("interviewer", "hiring_manager", "lead_engineer")),
        *(f"vote:{p}" for p in ("interviewer", "hiring_manager", "lead_engineer")),
        "debrief",
    ]
    assert state["calls"] == debrief.usage.calls
    assert debrief.fallbacks == [
        "probe:hiring_manager:r1: model unavailable; offline brain used",
        "probe:hiring_manager:r2: model unavailable; offline brain used",
    ]


async def test_two_sessions_with_the_same_opening_keep_their_own_usage(
    make_context: ContextFactory, question: Question
) -> None:
    brain = FakeBrain()
    one, two = Run(make_context(brain), "one"), Run(make_context(brain), "two")
    await one.start(question, max_rounds=1)
    await two.start(question, max_rounds=0)
    await one.resume({"reply": "We audit a 10% sample with experts."})
    first, second = (await one.values())["debrief"], (await two.values())["debrief"]
    assert len(first.usage.calls) == 3 + 3 + 1
    assert len(second.usage.calls) == 3 + 1  # no probing round: votes and the debrief only


def test_select_keeps_one_probe_per_quoted_sentence() -> None:
    same = "“We keep 300 graded tickets aside as the yardstick.”"
    asked = "“Agents grade a random 5% of closed tickets every week”"

    def probe(gap: str, severity: float, text: str) -> Probe:
        return Probe(
            panelist="interviewer",
            stage="objective",
            gap=gap,
            gap_kind="deeper",
            severity=severity,
            text=text,
        )

    ranked = [
        probe("gold_reference_set", 3.0, f"You said {same}. How big is it?"),
        probe("heldout_gold_gate", 2.5, f"{same} — what must a release beat?"),
        probe("tiered_sample_verification", 2.0, f"You said {asked}. Why 5%?"),
        probe("labeling_cost", 1.0, "What does an hour of review cost?"),
    ]
    transcript = [
        Turn(id="t1", speaker="candidate", text="…"),
        Turn(id="t2", speaker="hiring_manager", text=f"On {asked}: who does that work?"),
    ]
    kept = one_per_quote(ranked, transcript)
    assert [p.gap for p in kept] == ["gold_reference_set", "labeling_cost"]


def test_a_gap_is_asked_again_only_one_level_deeper_and_once() -> None:
    def probe(kind: str) -> Probe:
        return Probe(
            panelist="hiring_manager",
            stage="scaling",
            gap="unit_economics_margin",
            gap_kind=kind,
            severity=2.0,
            text="…",
        )

    def turn(kind: str) -> Turn:
        return Turn(
            id="t2",
            speaker="hiring_manager",
            text="…",
            round=1,
            gap="unit_economics_margin",
            gap_kind=kind,
        )

    opening = Turn(id="t1", speaker="candidate", text="…")
    assert not asked_before(probe("missing_signal"), [opening])
    assert asked_before(probe("missing_signal"), [opening, turn("missing_signal")])
    assert not asked_before(probe("deeper"), [opening, turn("missing_signal")])
    assert asked_before(probe("deeper"), [opening, turn("deeper")])
    assert asked_before(probe("thin_signal"), [opening, turn("deeper")])
    assert not asked_before(probe("follow_up"), [opening, turn("deeper")])
    assert asked_before(probe("follow_up"), [opening, turn("deeper"), turn("follow_up")])
    # A red flag is pressed once after a reply that defended the plan, never twice.
    assert not asked_before(probe("press"), [opening, turn("red_flag")])
    assert asked_before(probe("press"), [opening, turn("red_flag"), turn("press")])
    assert asked_before(probe("red_flag"), [opening, turn("red_flag")])
