"""Gold-set entries: reviewed sessions kept as eval cases in the shared store, for export."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from agents.storage.database import Database


class GoldEntry(BaseModel):
    """One eval case made from a reviewed session (`case` is the EvalCase as JSON data)."""

    case_id: str
    thread_id: str
    review_id: int
    split: str
    kind: str
    case: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class GoldEntries:
    """The mp_gold_entries table of the shared database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, case: dict[str, Any], *, thread_id: str, review_id: int) -> GoldEntry:
        """Insert or replace the entry for case["id"] (a coach may re-file a session)."""
        now = datetime.now(UTC).isoformat()
        with self.db.transaction() as tx:
            tx.execute(
                """INSERT INTO mp_gold_entries (case_id, thread_id, review_id, split, kind,
                       case_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (case_id) DO UPDATE SET thread_id = excluded.thread_id,
                       review_id = excluded.review_id, split = excluded.split,
                       kind = excluded.kind, case_json = excluded.case_json,
                       updated_at = excluded.updated_at""",
                (case["id"], thread_id, review_id, case["split"], case["kind"],
                 json.dumps(case, ensure_ascii=False, sort_keys=True), now, now),
            )
            row = tx.one("SELECT * FROM mp_gold_entries WHERE case_id = ?", (case["id"],))
        assert row is not None
        return _entry(row)

    def list(self) -> list[GoldEntry]:
        """Every entry, oldest first."""
        with self.db.transaction(write=False) as tx:
            rows = tx.query("SELECT * FROM mp_gold_entries ORDER BY created_at, case_id")
        return [_entry(r) for r in rows]


def _entry(row: dict[str, Any]) -> GoldEntry:
    data = dict(row)
    data["case"] = json.loads(data.pop("case_json"))
    return GoldEntry.model_validate(data)
