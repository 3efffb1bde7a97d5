""""Add to gold set": a reviewed session written as an eval case, the coach's decision as gold.

Each case goes to its own file, `<gold dir>/<split>_<case id>.yaml`, in the eval set's format
(a `cases:` list, the split in the file name), so `evals.loader.load_cases(<gold dir>)` reads the
folder as it reads `evals/cases/`. The gold dir is `MOCKPANEL_GOLD_DIR`, else `<home>/gold/`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import ValidationError

from agents.errors import MockpanelError
from evals.models import CONTRACT_RED_FLAGS, KIND_DECISION, KINDS, PAIRED_KINDS, EvalCase
from knowledge.settings import Settings

if TYPE_CHECKING:
    from agents.session import SessionView
    from agents.store import Review, SessionStore
    from ui.coach_marks import CoachMarks

GOLD_DIR_ENV = "MOCKPANEL_GOLD_DIR"
GOLD_RED_FLAGS: tuple[str, ...] = CONTRACT_RED_FLAGS
RATIONALE_MAX = 300


class GoldSetError(MockpanelError):
    """The session cannot become an eval case; the message is one line."""


def gold_dir(settings: Settings) -> Path:
    """Where gold cases are written: MOCKPANEL_GOLD_DIR, else <home>/gold."""
    return settings.gold_dir or settings.home / "gold"


def kinds_for(decision: str) -> list[str]:
    """Case kinds a coach can give a session with this gold decision (no paired kinds)."""
    return [
        k
        for k in KINDS
        if k not in PAIRED_KINDS and KIND_DECISION.get(k, decision) == decision
    ]


def case_id(view: SessionView) -> str:
    """A stable id for the case made from this session: gold-<question>-<thread prefix>."""
    thread = re.sub(r"[^a-z0-9]", "", view.thread_id.lower())[:10] or "session"
    question = re.sub(r"[^a-z0-9]+", "-", view.question.id.lower()).strip("-")
    question = question[: 60 - len("gold--") - len(thread)].strip("-")
    return f"gold-{question}-{thread}" if question else f"gold-{thread}"


def replies_by_stage(view: SessionView) -> dict[str, str]:
    """The candidate's follow-up replies keyed by the stage each round's probes targeted."""
    replies: dict[str, list[str]] = {}
    turns = view.transcript
    for i, turn in enumerate(turns):
        if turn.speaker != "candidate" or turn.round == 0:
            continue
        asked = [
            t.stage
            for t in turns[:i]
            if t.speaker != "candidate" and t.round == turn.round and t.stage is not None
        ]
        for stage in dict.fromkeys(asked):
            bucket = replies.setdefault(stage, [])
            if turn.text not in bucket:
                bucket.append(turn.text)
    return {stage: "\n\n".join(texts) for stage, texts in replies.items()}


def _rationale(review: Review) -> str:
    note = " ".join(review.note.split())
    original = review.original_decision or "none"
    text = f"Coach review {review.id}: {review.decision} (panel said {original}). {note}".strip()
    return text if len(text) <= RATIONALE_MAX else text[: RATIONALE_MAX - 1].rstrip() + "…"


def case_from_session(
    view: SessionView,
    review: Review,
    marks: CoachMarks,
    *,
    kind: str,
    split: str,
    bank_question_ids: Sequence[str],
) -> EvalCase:
    """The eval case for a reviewed session; GoldSetError (one line) when it cannot be one."""
    if view.status != "done":
        raise GoldSetError("the interview is not finished yet")
    if view.question.id not in bank_question_ids:
        raise GoldSetError(
            "only sessions on a question from the bank can join the gold set "
            f"({view.question.id!r} is not in it)"
        )
    opening = next((t.text for t in view.transcript if t.speaker == "candidate"), "")
    unknown = [f for f in marks.red_flags if f not in GOLD_RED_FLAGS]
    if unknown:
        raise GoldSetError(f"red flag(s) {unknown} are not eval-set red flags")
    try:
        return EvalCase(
            id=case_id(view),
            question_id=view.question.id,
            answer=opening,
            replies=replies_by_stage(view),
            gold_decision=review.decision,
            gold_strong_stages=list(marks.strong_stages),
            gold_weak_stages=list(marks.weak_stages),
            red_flags=list(marks.red_flags),
            kind=kind,
            split=split,
            pair_of=None,
            rationale=_rationale(review),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "case"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise GoldSetError(f"not a valid eval case ({field}): {message}") from exc


def write_gold_case(case: EvalCase, directory: Path) -> Path:
    """Write the case to <directory>/<split>_<id>.yaml (replacing an earlier version) and
    read it back through the eval loader; GoldSetError if either step fails."""
    from evals.loader import EvalCaseError, load_case_file

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GoldSetError(f"cannot create gold dir {directory}: {exc.strerror or exc}") from exc
    path = directory / f"{case.split}_{case.id}.yaml"
    for stale in directory.glob(f"*_{case.id}.yaml"):
        if stale != path:
            stale.unlink()
    body = yaml.safe_dump(
        {"cases": [case.model_dump(mode="json")]},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    tmp = path.with_suffix(".yaml.tmp")
    try:
        tmp.write_text("# Added from the coach page of mockpanel.\n" + body, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise GoldSetError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        loaded = load_case_file(path)
    except EvalCaseError as exc:
        path.unlink(missing_ok=True)
        raise GoldSetError(str(exc)) from exc
    if loaded != [case]:
        path.unlink(missing_ok=True)
        raise GoldSetError(f"{path}: the case did not read back as written")
    return path


def add_to_gold_set(store: SessionStore, case: EvalCase, review: Review, directory: Path) -> Path:
    """Keep the case in the shared store (every app server sees it), then write its file here."""
    store.gold.save(case.model_dump(mode="json"), thread_id=review.thread_id, review_id=review.id)
    return write_gold_case(case, directory)


def export_gold_set(store: SessionStore, directory: Path) -> list[Path]:
    """Write every gold-set entry in the store as an eval-case file in `directory`."""
    written: list[Path] = []
    for entry in store.gold.list():
        try:
            case = EvalCase.model_validate(entry.case)
        except ValidationError as exc:
            raise GoldSetError(
                f"gold entry {entry.case_id} is not a valid eval case any more: "
                f"{exc.errors()[0]['msg']}"
            ) from exc
        written.append(write_gold_case(case, directory))
    return written
