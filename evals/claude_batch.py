"""Eval cases through the Message Batches API at half price, resumable from a state file.

Each case is ONE debrief request over its opening answer: no follow-up rounds and no panel
votes, because a batch request cannot wait for a simulated candidate's replies. Scores are
therefore for the written answer alone (the `mockpanel debrief` path), not a full interview.

The state file (JSON) records the submitted batch ids and every result as soon as it is
fetched, so an interrupted run resumes by polling the same batches instead of resubmitting.
Results are then checked like any Claude reply: one repair through the Messages API if
invalid, else the offline brain, named in the debrief's `fallbacks`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from agents.debrief import Debrief
from agents.errors import MockpanelError
from agents.transcript import Turn
from knowledge.settings import Settings

if TYPE_CHECKING:
    from agents.brains.claude import ClaudeBrain
    from evals.models import EvalCase

STATE_VERSION = 1
_CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
Sleep = Callable[[float], Awaitable[None]]


class BatchEvalError(MockpanelError):
    """The batch run cannot proceed (bad state file, submission refused); one line."""


class BatchRecord(BaseModel):
    """One submitted batch and where it stands."""

    id: str
    case_ids: list[str]
    collected: bool = False


class CaseResult(BaseModel):
    """What the batch returned for one case."""

    type: Literal["succeeded", "errored", "canceled", "expired"]
    text: str = ""
    stop_reason: str | None = None
    model: str = ""
    usage: dict[str, Any] = Field(default_factory=dict)
    error: str = ""


class BatchState(BaseModel):
    """Everything needed to resume: fingerprint of the run, batches, results so far."""

    version: int = STATE_VERSION
    fingerprint: str
    batches: list[BatchRecord] = Field(default_factory=list)
    results: dict[str, CaseResult] = Field(default_factory=dict)


def custom_id(case_id: str) -> str:
    """The batch custom_id of a case (its own id when the API accepts it)."""
    if _CUSTOM_ID.match(case_id):
        return case_id
    return "case-" + hashlib.sha256(case_id.encode()).hexdigest()[:32]


def fingerprint(cases: list[EvalCase], model: str) -> str:
    """Identifies a run: the debrief model and every case's id, question and answer."""
    digest = hashlib.sha256(model.encode())
    for case in sorted(cases, key=lambda c: c.id):
        digest.update(f"\0{case.id}\0{case.question_id}\0".encode())
        digest.update(hashlib.sha256(case.answer.encode()).digest())
    return digest.hexdigest()


def load_state(path: Path, expected: str) -> BatchState:
    """The saved state, or a fresh one; BatchEvalError if it belongs to another run."""
    if not path.exists():
        return BatchState(fingerprint=expected)
    try:
        state = BatchState.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, UnicodeDecodeError) as exc:
        raise BatchEvalError(f"{path}: unreadable batch state ({type(exc).__name__})") from exc
    if state.fingerprint != expected:
        raise BatchEvalError(
            f"{path}: batch state belongs to a different case set or model; "
            "delete it or choose another state path"
        )
    return state


def save_state(path: Path, state: BatchState) -> None:
    """Write the state atomically (a crash mid-write leaves the previous state intact)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(state.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, path)


def opening_transcript(case: EvalCase) -> list[Turn]:
    """The case's opening answer as a one-turn transcript."""
    return [Turn(id="t1", speaker="candidate", text=case.answer, round=0)]


async def _poll_until_ended(brain: ClaudeBrain, batch_id: str, sleep: Sleep) -> None:
    policy = brain.config.batch
    wait = policy.poll_initial_s
    while True:
        status = await brain.client.batch_status(batch_id)
        if status.processing_status == "ended":
            return
        await sleep(wait)
        wait = min(wait * policy.poll_factor, policy.poll_max_s)


def _case_result(item: Any) -> CaseResult:
    result = item.result
    if result.type == "succeeded":
        message = result.message
        return CaseResult(
            type="succeeded",
            text="".join(b.text for b in message.content if b.type == "text"),
            stop_reason=message.stop_reason,
            model=message.model,
            usage=message.usage.model_dump(exclude_none=True),
        )
    if result.type == "errored":
        inner = getattr(result.error, "error", None)
        kind = getattr(inner, "type", "error")
        return CaseResult(type="errored", error=f"{kind}: {getattr(inner, 'message', '')}".strip())
    return CaseResult(type=result.type)


async def _collect(
    brain: ClaudeBrain, record: BatchRecord, state: BatchState, path: Path, sleep: Sleep
) -> None:
    await _poll_until_ended(brain, record.id, sleep)
    by_custom_id = {custom_id(cid): cid for cid in record.case_ids}
    for item in await brain.client.batch_results(record.id):
        case_id = by_custom_id.get(item.custom_id)
        if case_id is not None:
            state.results[case_id] = _case_result(item)
    record.collected = True
    save_state(path, state)


async def _score(brain: ClaudeBrain, case: EvalCase, result: CaseResult | None) -> Debrief:
    from anthropic.types import Usage as ApiUsage

    from agents.brains.base import settle_debrief
    from agents.brains.claude.client import Reply
    from evals.typed_questions import eval_questions

    question = eval_questions()[case.question_id]
    transcript = opening_transcript(case)
    if result is None or result.type != "succeeded":
        why = "no result" if result is None else result.type
        detail = f" ({result.error})" if result is not None and result.error else ""
        failed = await brain.debrief_from_reply(
            question, transcript, [], None, failure=f"batch request {why}{detail}"
        )
        return settle_debrief(failed)
    usage = brain.client.call_usage(
        "debrief:batch",
        result.model or brain.config.models.debrief,
        ApiUsage.model_validate(result.usage),
        0.0,
        discount=brain.config.batch_discount,
    )
    reply = Reply(text=result.text, stop_reason=result.stop_reason, usage=usage)
    return settle_debrief(await brain.debrief_from_reply(question, transcript, [], reply))


async def run_batch_eval(
    cases: list[EvalCase],
    settings: Settings,
    *,
    state_path: Path,
    brain: ClaudeBrain | None = None,
    client: Any = None,
    sleep: Sleep = asyncio.sleep,
) -> dict[str, Debrief]:
    """Debrief every case through one Message Batch (half price) and return them by case id.

    Resumes from `state_path`: batches already submitted are polled, not resubmitted, and
    results already fetched are reused. Usage is priced at the configured batch discount.
    """
    from agents.brains.claude import ClaudeBrain
    from agents.brains.claude.client import ClaudeCallFailed
    from evals.typed_questions import eval_questions

    if brain is None:
        brain = ClaudeBrain.from_settings(settings, client=client)
    known = eval_questions()
    unknown = sorted({c.question_id for c in cases} - set(known))
    if unknown:
        raise BatchEvalError(f"unknown question id(s) in the cases: {', '.join(unknown)}")
    ids = [custom_id(c.id) for c in cases]
    if len(set(ids)) != len(ids):
        raise BatchEvalError("case ids are not unique")

    state = load_state(state_path, fingerprint(cases, brain.config.models.debrief))
    in_flight = {cid for b in state.batches for cid in b.case_ids}
    todo = [c for c in cases if c.id not in state.results and c.id not in in_flight]
    if todo:
        requests = []
        for case in todo:
            call = brain.debrief_call(known[case.question_id], opening_transcript(case), [])
            requests.append({"custom_id": custom_id(case.id), "params": brain.request_params(call)})
        try:
            batch = await brain.client.submit_batch(requests)
        except ClaudeCallFailed as exc:
            raise BatchEvalError(f"could not submit the batch: {exc.reason}") from exc
        state.batches.append(BatchRecord(id=batch.id, case_ids=[c.id for c in todo]))
        save_state(state_path, state)

    for record in state.batches:
        if not record.collected:
            try:
                await _collect(brain, record, state, state_path, sleep)
            except ClaudeCallFailed as exc:
                raise BatchEvalError(
                    f"batch {record.id}: {exc.reason}; rerun to resume from {state_path}"
                ) from exc

    return {case.id: await _score(brain, case, state.results.get(case.id)) for case in cases}
