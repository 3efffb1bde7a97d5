"""Batch evals: submit, poll with backoff, resume after interruption, half-price cost, fallbacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.claude_batch import BatchEvalError, run_batch_eval
from evals.models import EvalCase
from knowledge.loader import load_rubric
from knowledge.settings import Settings
from tests.agents.brains.claude.helpers import SleepRecorder, StubOffline, claude_config, make_brain
from tests.fake_anthropic import (
    FakeAnthropic,
    PanelResponder,
    mock_client,
    reply_error,
    reply_json,
    reply_text,
)

ANSWERS = {
    "weak-magic-box": "We'll just call GPT-4 for every ticket and show the answers in a chat.",
    "weak-kubernetes": "I would run microservices on Kubernetes with an API gateway in front.",
}


def case(case_id: str) -> EvalCase:
    return EvalCase(
        id=case_id,
        question_id="support-bot-deflection",
        answer=ANSWERS[case_id],
        gold_decision="no_hire",
        kind="weak",
        split="dev",
        rationale="Names a model and infrastructure with no data strategy.",
    )


CASES = [case("weak-magic-box"), case("weak-kubernetes")]


class Interrupted(Exception):
    """Stands in for Ctrl-C during polling."""


class InterruptingSleep(SleepRecorder):
    async def __call__(self, seconds: float) -> None:
        await super().__call__(seconds)
        raise Interrupted


def fake_api(polls: int = 3) -> FakeAnthropic:
    return FakeAnthropic(responder=PanelResponder(load_rubric()), batch_polls_until_ended=polls)


async def test_submit_poll_score_at_half_price(settings: Settings, tmp_path: Path) -> None:
    fake, sleep = fake_api(polls=3), SleepRecorder()
    brain = make_brain(mock_client(fake), config=claude_config(batch={"poll_initial_s": 10}))
    state_path = tmp_path / "batch.json"
    debriefs = await run_batch_eval(
        CASES, settings, state_path=state_path, brain=brain, sleep=sleep
    )
    assert set(debriefs) == {"weak-magic-box", "weak-kubernetes"}
    assert len(fake.batch_ids()) == 1
    assert sleep.waits == [10, 20]  # backoff between polls
    created = next(r for r in fake.requests if r.path == "/v1/messages/batches")
    params = created.body["requests"][0]["params"]
    assert params["model"] == "claude-sonnet-4-6"
    assert params["output_config"]["format"]["schema"]["title"] == "DebriefDraft"
    assert all(b["cache_control"] == {"type": "ephemeral"} for b in params["system"])
    assert fake.message_requests() == []
    for debrief in debriefs.values():
        assert debrief.brain == "claude"
        (call,) = debrief.usage.calls
        assert call.step == "debrief:batch"
        full = brain.client.call_usage("x", call.model, call, 0.0).cost_usd
        assert call.cost_usd == pytest.approx(full / 2)
    state = json.loads(state_path.read_text())
    assert state["batches"][0]["id"] == fake.batch_ids()[0]
    assert state["batches"][0]["collected"] is True
    assert set(state["results"]) == set(debriefs)


async def test_interrupted_run_resumes_without_resubmitting(
    settings: Settings, tmp_path: Path
) -> None:
    fake = fake_api(polls=2)
    brain = make_brain(mock_client(fake))
    state_path = tmp_path / "batch.json"
    with pytest.raises(Interrupted):
        await run_batch_eval(
            CASES, settings, state_path=state_path, brain=brain, sleep=InterruptingSleep()
        )
    saved = json.loads(state_path.read_text())
    assert [b["id"] for b in saved["batches"]] == fake.batch_ids()
    assert saved["results"] == {}

    debriefs = await run_batch_eval(
        CASES, settings, state_path=state_path, brain=brain, sleep=SleepRecorder()
    )
    assert len(fake.batch_ids()) == 1  # polled the same batch, never resubmitted
    assert len(debriefs) == 2
    # A third run reuses the stored results without touching the API.
    before = len(fake.requests)
    again = await run_batch_eval(CASES, settings, state_path=state_path, brain=brain)
    assert len(fake.requests) == before
    assert again == debriefs


async def test_errored_and_invalid_results(settings: Settings, tmp_path: Path) -> None:
    fake = fake_api(polls=1)
    fake.batch_script["weak-magic-box"] = reply_error(529, message="overloaded")
    fake.batch_script["weak-kubernetes"] = reply_text("not json at all")
    good = PanelResponder(load_rubric()).debrief(
        [{"turn": "t1", "quote": "I would run microservices on Kubernetes"}]
    )
    fake.enqueue(reply_json(good))  # the repair goes through the Messages API
    offline = StubOffline()
    brain = make_brain(mock_client(fake), fallback=offline)
    debriefs = await run_batch_eval(
        CASES, settings, state_path=tmp_path / "b.json", brain=brain, sleep=SleepRecorder()
    )
    errored = debriefs["weak-magic-box"]
    assert errored.brain == "claude+offline-fallback"
    assert errored.fallbacks == [
        "debrief: batch request errored (overloaded_error: overloaded); offline brain used"
    ]
    repaired = debriefs["weak-kubernetes"]
    assert repaired.brain == "claude"
    assert [c.step for c in repaired.usage.calls] == ["debrief:batch", "debrief:repair"]
    (repair,) = fake.message_requests()
    assert repair.body["messages"][1]["content"] == "not json at all"


async def test_state_of_another_run_is_refused(settings: Settings, tmp_path: Path) -> None:
    fake = fake_api(polls=1)
    brain = make_brain(mock_client(fake))
    state_path = tmp_path / "batch.json"
    await run_batch_eval(CASES[:1], settings, state_path=state_path, brain=brain)
    with pytest.raises(BatchEvalError, match="belongs to a different case set"):
        await run_batch_eval(CASES, settings, state_path=state_path, brain=brain)
