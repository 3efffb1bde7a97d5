"""Hand-built sessions for the UI's unit tests (no graph, no index)."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.debrief import Citation, Debrief, Reason, RedFlagFinding, StageScore
from agents.session import SessionView
from agents.store import Review
from agents.transcript import Turn
from knowledge.loader import load_questions
from knowledge.models import STAGE_IDS, Question

OPENING = "We would label 300 tickets with [links](http://evil) and <b>audit</b> a 10% sample."
REPLY_ONE = "Agents flag wrong drafts; we retrain monthly."
REPLY_TWO = "Each label costs $1.20, so the gold set costs under $400."


def transcript() -> list[Turn]:
    return [
        Turn(id="t1", speaker="candidate", text=OPENING, round=0),
        Turn(id="t2", speaker="interviewer", text="How do you evaluate?", round=1,
             stage="evaluation", gap="gold_gate", snippet_ids=["int-eval-001"]),
        Turn(id="t3", speaker="hiring_manager", text="Who labels?", round=1,
             stage="data_strategy", gap="labeler_audit"),
        Turn(id="t4", speaker="candidate", text=REPLY_ONE, round=1),
        Turn(id="t5", speaker="lead_engineer", text="What does it cost?", round=2,
             stage="scaling", gap="unit_cost"),
        Turn(id="t6", speaker="candidate", text=REPLY_TWO, round=2),
    ]


def debrief(decision: str = "no_hire", *, needs_review: bool = True) -> Debrief:
    scores = {s: StageScore(stage=s, score=2, summary=f"{s} summary") for s in STAGE_IDS}
    scores["data_strategy"] = StageScore(stage="data_strategy", score=3, summary="audits a sample")
    return Debrief(
        decision=decision,
        strength="lean",
        confidence=0.55,
        stage_scores=scores,
        red_flags=[RedFlagFinding(id="no_gold_set", name="No gold set", stage="evaluation",
                                  severity=2, citations=[Citation(turn="t4", quote="retrain")])],
        reasons=[Reason(claim="Audits a [sample](http://evil).", stage="data_strategy",
                        kind="strength",
                        citations=[Citation(turn="t1", quote="audit</b> a 10% sample"),
                                   Citation(snippet="int-eval-001")])],
        advice=["Name the gold set and its size."],
        transcript=transcript(),
        brain="offline",
        fallbacks=["debrief: claude timed out; offline brain used"],
        needs_review=needs_review,
    )


def question(question_id: str = "support-bot-deflection") -> Question:
    return load_questions().get(question_id)


def view(*, done: bool = True, question_id: str = "support-bot-deflection",
         decision: str = "no_hire") -> SessionView:
    now = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    return SessionView(
        thread_id="0123456789abcdef0123456789abcdef",
        question=question(question_id),
        transcript=transcript(),
        round=2,
        max_rounds=2,
        pending_probes=[],
        status="done" if done else "awaiting_reply",
        debrief=debrief(decision) if done else None,
        brain="offline",
        created_at=now,
        updated_at=now,
    )


def review(decision: str = "no_hire", note: str = "Missing the gold set.") -> Review:
    return Review(id=7, thread_id=view().thread_id, coach="coach", decision=decision,
                  note=note, created_at=datetime(2026, 1, 3, tzinfo=UTC),
                  original_decision="hire")
