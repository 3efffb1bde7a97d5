"""The coach's per-stage marks, stored beside the reviews in the shared store."""

from __future__ import annotations

from agents.storage.coach_marks import CoachMarks
from agents.store import SessionStore
from knowledge.settings import Settings


def test_latest_marks_per_thread(settings: Settings) -> None:
    store = SessionStore.from_settings(settings).marks
    store.save(CoachMarks(thread_id="a", review_id=1, strong_stages=["objective"]))
    store.save(CoachMarks(thread_id="a", review_id=3, weak_stages=["objective"]))
    store.save(CoachMarks(thread_id="b", review_id=2, red_flags=["no_gold_set"]))
    assert store.latest("a").review_id == 3  # type: ignore[union-attr]
    assert store.for_review(1).strong_stages == ["objective"]  # type: ignore[union-attr]
    assert store.latest("zzz") is None
    latest = store.latest_by_thread()
    assert {k: v.review_id for k, v in latest.items()} == {"a": 3, "b": 2}
    again = SessionStore.from_settings(settings).marks
    assert again.latest("b").red_flags == ["no_gold_set"]  # type: ignore[union-attr]
