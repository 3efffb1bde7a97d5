"""Several app servers on one PostgreSQL and one Chroma server: nothing split, lost or doubled."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from agents.storage.database import forget_databases
from agents.store import SessionStore
from knowledge.settings import Settings
from tests.integration.conftest import Machine, Servers, finish, one_line
from tests.integration.machine import REPLIES
from tests.integration.servers import postgres_server
from ui.coach_marks import CoachMarks


@pytest.fixture(scope="module")
def indexed(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The knowledge index, ingested once into the Chroma server."""
    from knowledge.index import ingest

    ingest(Settings(home=tmp_path_factory.mktemp("ingest"), chroma_url=servers.chroma_url))
    return servers.chroma_url


@pytest.fixture(autouse=True)
def _close_pools() -> object:
    yield
    forget_databases()  # this process's pools on the test's database


def store(machine: Machine) -> SessionStore:
    return SessionStore.from_settings(machine.settings())  # type: ignore[arg-type]


def candidate_replies(transcript: list) -> list[str]:  # type: ignore[type-arg]
    return [t.text for t in transcript if t.speaker == "candidate" and t.round > 0]


def test_start_on_a_reply_and_finish_on_b_coach_on_b(
    machines: tuple[Machine, Machine], indexed: str
) -> None:
    a, b = machines
    thread = uuid.uuid4().hex
    started = a.run("start", thread, "--brain", "offline").view
    assert started.status == "awaiting_reply" and started.pending_probes

    replied = b.run("reply", thread, REPLIES[0], "--expected", str(started.last_turn_id),
                    "--brain", "offline").view
    assert replied.transcript[: len(started.transcript)] == started.transcript
    done = b.run("finish", thread, "--brain", "offline").view
    assert done.status == "done" and done.debrief is not None

    # A sees the session exactly as B left it: in its checkpoints and in its session list.
    assert a.run("get", thread, "--brain", "offline").view == done
    (record,) = store(a).list()
    assert (record.thread_id, record.status) == (thread, "done")

    # The coach on B sees A's session and reviews it; the review is A's to see too.
    coach = store(b)
    assert [r.thread_id for r in coach.review_queue()] == [thread]
    review = coach.add_review(thread, "no_hire", "Solid plan, thin on cost.", "dana")
    coach.marks.save(CoachMarks(thread_id=thread, review_id=review.id, weak_stages=["scaling"]))
    assert [r.id for r in store(a).reviews(thread)] == [review.id]
    assert store(a).marks.latest(thread) is not None
    assert store(a).review_queue() == []


def test_sixteen_concurrent_interviews_on_a_fresh_database(
    machines: tuple[Machine, Machine]
) -> None:
    a, b = machines
    start_at = str(time.time() + 6)  # every process opens the fresh database at once
    procs = [
        (a if i % 2 else b).popen("interview", f"load-{i}", "--delay", "0.05",
                                  "--start-at", start_at)
        for i in range(16)
    ]
    outcomes = [finish(p) for p in procs]
    failures = [o.err.strip().splitlines()[-1:] for o in outcomes if o.code != 0]
    assert failures == []
    assert all(o.view.status == "done" for o in outcomes)
    records = store(a).list()
    assert len(records) == 16 and {r.status for r in records} == {"done"}


def test_two_simultaneous_replies_exactly_one_applied(machines: tuple[Machine, Machine]) -> None:
    a, b = machines
    thread = uuid.uuid4().hex
    seen = str(a.run("start", thread).view.last_turn_id)
    start_at = str(time.time() + 5)
    procs = [m.popen("reply", thread, text, "--expected", seen, "--delay", "0.3",
                     "--start-at", start_at)
             for m, text in ((a, "Reply sent from A."), (b, "Reply sent from B."))]
    outcomes = [finish(p) for p in procs]
    assert sorted(o.code for o in outcomes) == [0, 2]
    refused = next(o for o in outcomes if o.code == 2)
    assert one_line(refused.err) and "was not applied" in refused.err
    applied = next(o for o in outcomes if o.code == 0).view
    final = b.run("get", thread).view
    assert final == applied
    assert len(candidate_replies(final.transcript)) == 1


def test_kill_minus_nine_mid_round_then_resume(machines: tuple[Machine, Machine]) -> None:
    a, b = machines
    thread = uuid.uuid4().hex
    seen = str(a.run("start", thread, "--rounds", "3").view.last_turn_id)
    # A records the reply, then spends seconds preparing round 2: killed in the middle.
    proc = a.popen("reply", thread, REPLIES[0], "--expected", seen, "--delay", "5")
    deadline = time.monotonic() + 60
    while True:
        saved = store(b).load(thread)
        if saved is not None and REPLIES[0] in candidate_replies(saved.transcript):
            break
        assert time.monotonic() < deadline, "the reply was never recorded"
        time.sleep(0.1)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()

    # B opens the session: the round-2 probes A was preparing are presented, the reply kept.
    resumed = b.run("get", thread).view
    assert resumed.status == "awaiting_reply" and resumed.round == 2 and resumed.pending_probes
    assert candidate_replies(resumed.transcript) == [REPLIES[0]]
    # The client retries the reply it never got an answer for: refused, not applied twice.
    retried = b.run("reply", thread, REPLIES[0], "--expected", seen)
    assert retried.code == 2 and one_line(retried.err) and f"since turn {seen}" in retried.err
    assert candidate_replies(b.run("get", thread).view.transcript) == [REPLIES[0]]
    nxt = b.run("reply", thread, REPLIES[1], "--expected", str(resumed.last_turn_id)).view
    done = b.run("finish", thread).view
    assert done.status == "done" and done.debrief is not None
    assert candidate_replies(done.transcript) == list(REPLIES)
    assert candidate_replies(nxt.transcript) == list(REPLIES)


def test_postgres_stopped_mid_run_is_one_line(tmp_path: Path, servers: Servers,
                                              indexed: str) -> None:
    with postgres_server() as pg:
        url = pg.create_database("doomed")
        a = Machine(tmp_path / "a", url, indexed)
        thread = uuid.uuid4().hex
        seen = str(a.run("start", thread).view.last_turn_id)
        proc = a.popen("reply", thread, REPLIES[0], "--expected", seen, "--delay", "4")
        time.sleep(2.5)  # the reply is being applied: the panel is preparing round 2
        pg.stop()
        mid_run = finish(proc)
        after = a.run("get", thread)
        cli = finish(_cli(a, "interview", "--resume", thread))
        migrate = finish(_cli(a, "db", "migrate"))
    where = f"postgresql://postgres@127.0.0.1:{pg.port}/doomed"
    for outcome in (mid_run, after, cli, migrate):
        assert outcome.code == 2, outcome.err
        assert one_line(outcome.err), outcome.err
        assert where in outcome.err and "unreachable" in outcome.err


def _cli(machine: Machine, *args: str) -> object:
    import subprocess
    import sys

    return subprocess.Popen(
        [str(Path(sys.executable).parent / "mockpanel"), *args], env=machine.env(),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


async def test_back_to_back_steps_of_one_client_are_never_refused(
    tmp_path: Path, database_url: str
) -> None:
    """Each step's session lock is free again the moment the step returns (not when the server
    gets round to ending the lock's connection)."""
    import asyncio

    from agents.session import PanelService
    from benchmarks.storage_load import interview
    from knowledge.loader import load_panel
    from tests.doubles import FakeBrain, KnownSnippets

    service = PanelService(Settings(home=tmp_path, database_url=database_url), FakeBrain(),
                           retriever=KnownSnippets(), panel=load_panel())
    steps: dict[str, list[float]] = {"start": [], "reply": [], "finish": []}
    try:
        await asyncio.gather(*(interview(service, f"b2b-{i}", steps) for i in range(12)))
    finally:
        await service.aclose()
    assert [len(v) for v in steps.values()] == [12, 24, 12]

    import psycopg

    from agents.storage.session_lock import session_write_lock

    with psycopg.connect(database_url, autocommit=True) as watcher:
        for _ in range(20):
            async with session_write_lock(service.store.db, "b2b-0"):
                pass
            held = watcher.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            ).fetchone()
            assert held == (0,)
