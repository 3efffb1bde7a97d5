"""SessionStore: save/load, filters, the review queue and coach reviews; checkpointer config."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agents.checkpointer import open_checkpointer
from agents.debrief import Citation, Debrief, Reason, StageScore
from agents.session import SessionError, SessionView
from agents.store import SessionStore, StorageError
from agents.transcript import Turn
from knowledge.models import STAGE_IDS, Question
from knowledge.settings import Settings

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def view(
    thread: str,
    question: Question,
    *,
    decision: str | None,
    confidence: float = 0.5,
    needs_review: bool = False,
    day: int = 0,
) -> SessionView:
    transcript = [Turn(id="t1", speaker="candidate", text="An answer with a gold set.")]
    debrief = None
    if decision is not None:
        debrief = Debrief(
            decision=decision,
            strength="lean",
            confidence=confidence,
            stage_scores={s: StageScore(stage=s, score=2) for s in STAGE_IDS},
            reasons=[Reason(claim="c", citations=[Citation(turn="t1", quote="gold set")])],
            transcript=transcript,
            brain="offline",
            needs_review=needs_review,
        )
    at = T0 + timedelta(days=day)
    return SessionView(
        thread_id=thread, question=question, transcript=transcript, round=0, max_rounds=0,
        pending_probes=[], status="done" if debrief else "awaiting_reply", debrief=debrief,
        brain="offline", created_at=at, updated_at=at,
    )


@pytest.fixture
def store(settings: Settings) -> SessionStore:
    return SessionStore.from_settings(settings)


def test_save_load_and_upsert(store: SessionStore, question: Question) -> None:
    first = view("a", question, decision=None)
    store.save(first)
    assert store.load("a") == first
    assert store.load("missing") is None
    done = view("a", question, decision="hire", confidence=0.8)
    store.save(done)
    assert store.load("a") == done
    (record,) = store.list()
    assert (record.status, record.decision, record.confidence) == ("done", "hire", 0.8)
    assert record.question_title == question.title


def test_filters(store: SessionStore, question: Question) -> None:
    other = question.model_copy(update={"id": "other-question", "title": "Other"})
    store.save(view("h1", question, decision="hire", confidence=0.9, day=0))
    store.save(view("n1", question, decision="no_hire", confidence=0.3, needs_review=True, day=1))
    store.save(view("n2", other, decision="no_hire", confidence=0.6, day=2))
    store.save(view("p1", question, decision=None, day=3))

    def ids(**filters: object) -> list[str]:
        return [r.thread_id for r in store.list(**filters)]  # type: ignore[arg-type]

    assert ids() == ["p1", "n2", "n1", "h1"]  # newest first
    assert ids(decision="no_hire") == ["n2", "n1"]
    assert ids(needs_review=True) == ["n1"]
    assert ids(needs_review=False) == ["p1", "n2", "h1"]
    assert ids(question_id="other-question") == ["n2"]
    assert ids(since=T0 + timedelta(days=1), until=T0 + timedelta(days=2)) == ["n2", "n1"]
    assert ids(min_confidence=0.5) == ["n2", "h1"]
    assert ids(max_confidence=0.6, decision="no_hire") == ["n2", "n1"]
    naive = (T0 + timedelta(days=2)).replace(tzinfo=None)
    assert ids(since=naive) == ["p1", "n2"]


def test_review_queue_and_reviews(store: SessionStore, question: Question) -> None:
    store.save(view("sure", question, decision="hire", confidence=0.95, day=0))
    store.save(view("unsure", question, decision="no_hire", confidence=0.52, day=1))
    store.save(view("middle", question, decision="hire", confidence=0.7, day=2))
    store.save(view("running", question, decision=None, day=3))
    assert [r.thread_id for r in store.review_queue()] == ["unsure", "middle", "sure"]

    review = store.add_review("unsure", "hire", "Strong on data; the judge missed it.", "dana")
    assert (review.decision, review.original_decision, review.coach) == ("hire", "no_hire", "dana")
    assert [r.thread_id for r in store.review_queue()] == ["middle", "sure"]
    record = next(r for r in store.list() if r.thread_id == "unsure")
    assert (record.decision, record.coach_decision) == ("no_hire", "hire")

    store.add_review("unsure", "no_hire", "On reflection, agree with the panel.")
    assert [r.decision for r in store.reviews("unsure")] == ["hire", "no_hire"]
    assert next(r for r in store.list() if r.thread_id == "unsure").coach_decision == "no_hire"
    assert len(store.reviews()) == 2

    with pytest.raises(SessionError, match="no session"):
        store.add_review("ghost", "hire", "")
    with pytest.raises(ValueError, match="hire or no_hire"):
        store.add_review("sure", "maybe", "")


def test_two_stores_share_one_file(settings: Settings, question: Question) -> None:
    SessionStore.from_settings(settings).save(view("x", question, decision="hire"))
    assert SessionStore.from_settings(settings).load("x") is not None


def test_session_owners(store: SessionStore) -> None:
    store.owners.claim("mine", "hash-of-key", 30)  # before the session's first step is saved
    store.owners.claim("other", "hash-of-key")
    store.owners.claim("theirs", "another-hash")
    found = store.owners.get("mine")
    assert found is not None and (found.owner_hash, found.clock_minutes) == ("hash-of-key", 30)
    assert store.owners.threads_of("hash-of-key") == ["mine", "other"]
    assert store.owners.get("nobody") is None
    with pytest.raises(SessionError, match="already has an owner"):
        store.owners.claim("mine", "thief")


def test_gold_entries(store: SessionStore, question: Question) -> None:
    store.save(view("g", question, decision="hire"))
    case = {"id": "gold-q-g", "split": "test", "kind": "strong", "answer": "text"}
    first = store.gold.save(case, thread_id="g", review_id=1)
    again = store.gold.save({**case, "kind": "weak"}, thread_id="g", review_id=2)
    assert (again.created_at, again.review_id, again.case["kind"]) == (first.created_at, 2, "weak")
    assert [e.case_id for e in store.gold.list()] == ["gold-q-g"]


async def test_unknown_database_scheme(settings: Settings) -> None:
    odd = Settings(home=settings.home, database_url="mysql://localhost/db")
    with pytest.raises(StorageError, match="unsupported database URL mysql"):
        async with open_checkpointer(odd):
            pass
