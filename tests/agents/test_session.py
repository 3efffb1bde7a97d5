"""PanelService: start / reply / finish / get / batch, and resuming a thread in a new process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agents.answer_input import AnswerError
from agents.session import PanelService, SessionError, SessionView
from agents.state import Probe
from knowledge.models import Panel, Question
from knowledge.settings import Settings
from tests.doubles import FakeBrain, KnownSnippets

ROOT = Path(__file__).resolve().parents[2]
OPENING = "We define a resolved ticket first, then a gold set of 400 solved tickets."


def service(settings: Settings, panel: Panel, brain: FakeBrain | None = None) -> PanelService:
    return PanelService(settings, brain or FakeBrain(), retriever=KnownSnippets(), panel=panel)


async def test_start_reply_finish_and_store(
    settings: Settings, panel: Panel, question: Question
) -> None:
    svc = service(settings, panel)
    view = await svc.start(question, OPENING, max_rounds=3, thread_id="s1")
    assert view.status == "awaiting_reply"
    assert (view.round, view.max_rounds, view.brain) == (1, 3, "fake")
    assert len(view.pending_probes) == 3
    assert [t.id for t in view.transcript] == ["t1", "t2", "t3", "t4"]
    assert svc.store.load("s1") == view

    view = await svc.reply("s1", "  We audit a 10% sample.  ")
    assert view.round == 2
    assert view.transcript[4].text == "We audit a 10% sample."

    view = await svc.finish("s1")
    assert view.status == "done" and view.pending_probes == []
    assert view.debrief is not None and view.debrief.decision == "hire"
    assert await svc.get("s1") == view
    assert svc.store.load("s1") == view
    (record,) = svc.store.list()
    assert (record.status, record.decision, record.confidence) == ("done", "hire", 0.6)
    assert await svc.finish("s1") == view  # finishing twice is harmless


async def test_run_scripted(settings: Settings, panel: Panel, question: Question) -> None:
    asked: list[list[Probe]] = []

    def responder(probes: list[Probe]) -> str:
        asked.append(probes)
        return f"Reply {len(asked)}."

    view = await service(settings, panel).run_scripted(question, OPENING, responder, max_rounds=2)
    assert view.status == "done"
    assert len(asked) == 2
    assert [t.text for t in view.transcript if t.speaker == "candidate"][1:] == [
        "Reply 1.", "Reply 2."]


async def test_bad_requests(settings: Settings, panel: Panel, question: Question) -> None:
    svc = service(settings, panel)
    with pytest.raises(AnswerError, match="empty"):
        await svc.start(question, "   ")
    with pytest.raises(SessionError, match="max_rounds"):
        await svc.start(question, OPENING, max_rounds=-1)
    with pytest.raises(SessionError, match="no session"):
        await svc.reply("missing", "hello")
    assert await svc.get("missing") is None
    view = await svc.start(question, OPENING, max_rounds=0, thread_id="dup")
    assert view.status == "done"
    with pytest.raises(SessionError, match="already exists"):
        await svc.start(question, OPENING, thread_id="dup")
    with pytest.raises(SessionError, match="finished"):
        await svc.reply("dup", "more")
    await svc.start(question, OPENING, thread_id="open")
    with pytest.raises(AnswerError, match="binary"):
        await svc.reply("open", "\x00")
    assert (await svc.get("open")).status == "awaiting_reply"  # type: ignore[union-attr]


def worker(home: Path, *args: str) -> SessionView | None:
    """Run one PanelService call in a fresh Python process."""
    env = {**os.environ, "MOCKPANEL_HOME": str(home), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.agents.session_worker", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    if proc.returncode != 0:
        return None
    return None if proc.stdout == "null" else SessionView.model_validate_json(proc.stdout)


async def test_resume_in_new_processes(
    settings: Settings, panel: Panel, home: Path
) -> None:
    started = worker(home, "start", "x1")
    assert started is not None and started.status == "awaiting_reply"

    # This process picks the interview up where the other one left it.
    svc = service(settings, panel)
    here = await svc.get("x1")
    assert here == started
    after_reply = await svc.reply("x1", "We sample 10% for expert audit.")
    assert after_reply.round == 2

    # And a third process finishes it, with the whole transcript intact.
    done = worker(home, "finish", "x1")
    assert done is not None and done.status == "done"
    assert done.transcript == after_reply.transcript
    assert svc.store.load("x1") == done


async def test_crash_mid_run_loses_nothing(
    settings: Settings, panel: Panel, home: Path
) -> None:
    started = worker(home, "start", "x2")
    assert started is not None
    # The process dies while the panel votes (after the finish was checkpointed).
    assert worker(home, "finish", "x2", "--crash-on", "vote") is None

    # Opening the session again carries the unfinished step on to the debrief.
    svc = service(settings, panel)
    recovered = await svc.get("x2")
    assert recovered is not None and recovered.status == "done"
    assert recovered.debrief is not None
    assert recovered.transcript == started.transcript
    assert await svc.finish("x2") == recovered
    assert svc.store.load("x2") == recovered


async def test_crash_while_probing_re_presents_the_probes(
    settings: Settings, panel: Panel, home: Path
) -> None:
    assert worker(home, "start", "x4") is not None
    # The reply is recorded, then the process dies while the panel prepares round 2.
    assert worker(home, "reply", "x4", "We audit a 10% sample.", "--crash-on", "probe") is None

    svc = service(settings, panel)
    view = await svc.get("x4")
    assert view is not None and view.status == "awaiting_reply" and view.round == 2
    assert view.pending_probes
    assert view.transcript[-1].speaker != "candidate"  # the new questions are shown
    after = await svc.reply("x4", "Drift alerts retrain weekly.", expected_turn=view.last_turn_id)
    replies = [t.text for t in after.transcript if t.speaker == "candidate"][1:]
    assert replies == ["We audit a 10% sample.", "Drift alerts retrain weekly."]


async def test_reply_sent_again_after_a_crash_is_not_applied_twice(
    settings: Settings, panel: Panel, home: Path
) -> None:
    assert worker(home, "start", "x3") is not None
    # The reply is recorded, then the process dies while the panel prepares round 2.
    assert worker(home, "reply", "x3", "We audit a 10% sample.", "--crash-on", "probe") is None

    svc = service(settings, panel)
    view = await svc.reply("x3", "We audit a 10% sample.")  # the client retries
    candidate = [t.text for t in view.transcript if t.speaker == "candidate"]
    assert candidate.count("We audit a 10% sample.") == 1
    assert view.status == "awaiting_reply" and view.round == 2 and view.pending_probes
