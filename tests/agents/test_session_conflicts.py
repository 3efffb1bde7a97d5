"""Per-session write serialisation: one reply applied per turn seen, the other refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agents.session import PanelService, ReplyConflictError
from knowledge.models import Panel, Question
from knowledge.settings import Settings
from tests.agents.test_session import worker
from tests.doubles import FakeBrain, KnownSnippets

OPENING = "We define a resolved ticket first, then a gold set of 400 solved tickets."


def service(settings: Settings, panel: Panel, delay: float = 0.0) -> PanelService:
    return PanelService(settings, FakeBrain(delay=delay), retriever=KnownSnippets(), panel=panel)


async def test_two_simultaneous_replies_one_applied_one_refused(
    settings: Settings, panel: Panel, question: Question
) -> None:
    first, second = service(settings, panel, delay=0.05), service(settings, panel, delay=0.05)
    view = await first.start(question, OPENING, max_rounds=3, thread_id="race")
    seen = view.last_turn_id
    results = await asyncio.gather(
        first.reply("race", "Reply from tab one.", expected_turn=seen),
        second.reply("race", "Reply from tab two.", expected_turn=seen),
        return_exceptions=True,
    )
    applied = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, ReplyConflictError)]
    assert (len(applied), len(refused)) == (1, 1)
    assert "was not applied" in str(refused[0])
    final = await first.get("race")
    assert final is not None
    replies = [t.text for t in final.transcript if t.speaker == "candidate"][1:]
    assert len(replies) == 1 and replies[0] in ("Reply from tab one.", "Reply from tab two.")
    assert final == applied[0]


async def test_a_reply_to_a_turn_already_answered_is_refused(
    settings: Settings, panel: Panel, question: Question
) -> None:
    svc = service(settings, panel)
    view = await svc.start(question, OPENING, max_rounds=3, thread_id="stale")
    seen = view.last_turn_id
    await svc.reply("stale", "First answer.", expected_turn=seen)
    with pytest.raises(ReplyConflictError, match=f"moved on since turn {seen}"):
        await svc.reply("stale", "Answer typed in an old tab.", expected_turn=seen)
    with pytest.raises(ReplyConflictError):
        await svc.finish("stale", expected_turn=seen)
    after = await svc.get("stale")
    assert after is not None
    assert [t.text for t in after.transcript if t.speaker == "candidate"][1:] == ["First answer."]


async def test_a_busy_session_refuses_a_second_writer(
    settings: Settings, panel: Panel, question: Question
) -> None:
    from agents.storage.session_lock import session_write_lock

    svc = service(settings, panel)
    view = await svc.start(question, OPENING, max_rounds=3, thread_id="busy")
    async with session_write_lock(svc.store.db, "busy"):
        with pytest.raises(ReplyConflictError, match="taking another reply"):
            await svc.reply("busy", "Too early.", expected_turn=view.last_turn_id)
    done = await svc.reply("busy", "Now it goes in.", expected_turn=view.last_turn_id)
    assert done.transcript[-4].text == "Now it goes in."


async def test_a_crash_in_the_first_step_leaves_a_resumable_session(
    settings: Settings, panel: Panel, home: Path
) -> None:
    thread = PanelService.new_thread_id()
    # The process dies while the panel prepares its first probes.
    assert worker(home, "start", thread, "--crash-on", "probe") is None
    svc = service(settings, panel)
    assert svc.store.load(thread) is not None  # recorded before the first step ran
    view = await svc.get(thread)
    assert view is not None and view.round == 1 and view.pending_probes
    assert view.transcript[0].speaker == "candidate"
