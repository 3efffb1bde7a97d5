"""Run eval cases through the real interview graph (PanelService.run_scripted) and record them."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.citations import citing_parts
from agents.debrief import Citation, Debrief
from agents.transcript import Turn
from evals.models import EvalCase
from evals.results import CaseOutcome, CitationProblem, RunRecord
from evals.simulated_candidate import NOT_CONSIDERED, NOTHING_TO_ADD, SimulatedCandidate
from knowledge.models import Question
from knowledge.settings import Settings

if TYPE_CHECKING:
    from agents.citations import SnippetIndex
    from agents.session import PanelService

OnCaseDone = Callable[[CaseOutcome], None]
OnPass = Callable[[int], None]
OnProgress = Callable[[int, str], None]
"""Progress of a graph eval: (pass number, case id) as each case finishes."""


def debrief_fingerprint(debrief: Debrief) -> str:
    """sha256 of the debrief as JSON with every latency figure removed (for determinism)."""
    data = debrief.model_dump(mode="json")
    usage = data.get("usage") or {}
    usage.pop("latency_ms", None)
    for call in usage.get("calls") or []:
        call.pop("latency_ms", None)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _citation_problem(c: Citation, turns: dict[str, str], index: SnippetIndex) -> str | None:
    """What is wrong with one citation (None: the quote is verbatim, the snippet exists)."""
    if c.turn is not None:
        text = turns.get(c.turn)
        if text is None:
            return f"turn {c.turn} is not in the transcript"
        if c.quote is None or not c.quote.strip():
            return f"empty quote for turn {c.turn}"
        if c.quote not in text:
            return f"quote is not verbatim in turn {c.turn}"
    if c.snippet is not None and not index.has(c.snippet):
        return f"snippet {c.snippet} does not exist"
    return None


def recheck_citations(
    debrief: Debrief, transcript: Sequence[Turn], index: SnippetIndex
) -> tuple[int, list[CitationProblem]]:
    """Re-check every citation: the quote is verbatim in the cited turn, the snippet id exists."""
    turns = {t.id: t.text for t in transcript}
    total = 0
    problems: list[CitationProblem] = []
    for where, citations in citing_parts(debrief):
        for c in citations:
            total += 1
            issue = _citation_problem(c, turns, index)
            if issue is not None:
                problems.append(
                    CitationProblem(
                        where=where, turn=c.turn, quote=c.quote, snippet=c.snippet, problem=issue
                    )
                )
    return total, problems


def _base_outcome(case: EvalCase) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "kind": case.kind,
        "split": case.split,
        "question_id": case.question_id,
        "pair_of": case.pair_of,
        "gold_decision": case.gold_decision,
        "gold_strong_stages": list(case.gold_strong_stages),
        "gold_weak_stages": list(case.gold_weak_stages),
        "gold_red_flags": list(case.red_flags),
        "variant_group": case.variant_group,
        "gold_evidence": None if case.evidence is None else list(case.evidence),
    }


def outcome_from_debrief(
    case: EvalCase,
    debrief: Debrief,
    transcript: Sequence[Turn],
    index: SnippetIndex,
    *,
    seconds: float,
    candidate: SimulatedCandidate | None = None,
) -> CaseOutcome:
    """The outcome of one case from its debrief and the transcript the panel actually saw."""
    total, problems = recheck_citations(debrief, transcript, index)
    rounds = [
        {
            "probed": list(r.probed),
            "scripted": list(r.scripted),
            "unscripted": list(r.unscripted),
            "repeated": list(r.repeated),
        }
        for r in (candidate.log if candidate is not None else [])
    ]
    return CaseOutcome(
        **_base_outcome(case),
        decision=debrief.decision,
        strength=debrief.strength,
        confidence=debrief.confidence,
        stage_scores={stage: s.score for stage, s in debrief.stage_scores.items()},
        red_flags=sorted({f.id for f in debrief.red_flags}),
        brain=debrief.brain,
        fallbacks=list(debrief.fallbacks),
        needs_review=debrief.needs_review,
        dropped_citations=debrief.dropped_citations,
        citations_total=total,
        citation_problems=problems,
        cost_usd=debrief.usage.cost_usd,
        input_tokens=debrief.usage.input_tokens,
        output_tokens=debrief.usage.output_tokens,
        model_calls=len(debrief.usage.calls),
        seconds=round(seconds, 3),
        rounds=rounds,
        fingerprint=debrief_fingerprint(debrief),
        debrief=debrief.model_dump(mode="json"),
    )


def outcome_from_error(case: EvalCase, error: BaseException, *, seconds: float) -> CaseOutcome:
    """A case whose run failed: no decision, the error named."""
    message = str(error).splitlines()[0] if str(error) else ""
    return CaseOutcome(
        **_base_outcome(case),
        seconds=round(seconds, 3),
        error=f"{type(error).__name__}: {message}".rstrip(": "),
    )


async def run_case(
    service: PanelService,
    case: EvalCase,
    question: Question,
    index: SnippetIndex,
    *,
    rounds: int,
) -> CaseOutcome:
    """One case through the graph with a simulated candidate answering every probe."""
    candidate = SimulatedCandidate(case)
    start = time.perf_counter()
    try:
        view = await service.run_scripted(question, case.answer, candidate, max_rounds=rounds)
    except Exception as exc:  # recorded as an error outcome; the gate fails on any error
        return outcome_from_error(case, exc, seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    if view.debrief is None:
        return outcome_from_error(
            case, RuntimeError(f"session ended {view.status} without a debrief"), seconds=seconds
        )
    return outcome_from_debrief(
        case, view.debrief, view.transcript, index, seconds=seconds, candidate=candidate
    )


async def run_pass(
    service: PanelService,
    cases: Sequence[EvalCase],
    questions: dict[str, Question],
    index: SnippetIndex,
    *,
    rounds: int,
    jobs: int,
    on_done: OnCaseDone | None = None,
) -> RunRecord:
    """Every case once, at most `jobs` at a time; outcomes sorted by case id."""
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    semaphore = asyncio.Semaphore(jobs)

    async def one(case: EvalCase) -> CaseOutcome:
        async with semaphore:
            outcome = await run_case(
                service, case, questions[case.question_id], index, rounds=rounds
            )
        if on_done is not None:
            on_done(outcome)
        return outcome

    start = time.perf_counter()
    outcomes = await asyncio.gather(*(one(c) for c in cases))
    return RunRecord(
        order=[c.id for c in cases],
        seconds=round(time.perf_counter() - start, 3),
        outcomes=sorted(outcomes, key=lambda o: o.case_id),
    )


def _texts_of(cases: Sequence[EvalCase]) -> list[str]:
    """Every opening answer of these cases, and the simulated candidate's fixed lines. Scripted
    replies are read when the panel asks for them: about half are never asked for."""
    return [*(c.answer for c in cases), *NOT_CONSIDERED, NOTHING_TO_ADD]


def _announce(on_done: OnProgress, number: int, outcome: CaseOutcome) -> None:
    on_done(number, outcome.case_id)


def session_settings(settings: Settings, work_dir: Path) -> Settings:
    """Settings whose session database lives in the eval's work dir, not the user's."""
    return dataclasses.replace(settings, home=work_dir / "sessions", database_url=None)


async def run_graph_eval(
    cases: Sequence[EvalCase],
    settings: Settings,
    *,
    brain_name: str,
    work_dir: Path,
    rounds: int,
    jobs: int,
    repeat: bool,
    processes: int = 1,
    on_done: OnProgress | None = None,
    on_pass: OnPass | None = None,
) -> list[RunRecord]:
    """Run the cases through the graph once, and again in reverse order when `repeat`; with
    `processes` > 1 the cases are shared out among that many worker processes
    (evals.shards). `on_done(pass, case_id)` follows progress."""
    if processes < 1:
        raise ValueError(f"processes must be at least 1, not {processes}")
    if processes > 1 and len(cases) > 1:
        from evals.shards import run_sharded

        return await run_sharded(
            cases,
            settings,
            processes=processes,
            work_dir=work_dir,
            on_pass=on_pass,
            on_done=on_done,
            brain_name=brain_name,
            rounds=rounds,
            jobs=jobs,
            repeat=repeat,
        )
    from agents.brains.factory import make_brain
    from agents.brains.offline import OfflineBrain
    from agents.session import PanelService
    from evals.typed_questions import eval_questions
    from knowledge.retrieval import Retriever

    known = eval_questions()
    questions = {c.question_id: known[c.question_id] for c in cases}
    index = Retriever.from_settings(settings)
    orders = [list(cases), list(reversed(cases))] if repeat else [list(cases)]
    runs = []
    first: OfflineBrain | None = None  # the brain that read every sentence
    for number, order in enumerate(orders, start=1):
        if on_pass is not None:
            on_pass(number)
        # Usage travels in the graph state, so passes share no accounting; a fresh brain is
        # still built so that the second pass recomputes every analysis instead of replaying
        # the first pass's memo, which would make the determinism check vacuous. Only the
        # per-sentence features (embedding, similarities, patterns: a pure function of the
        # sentence, the same in any batch) are read once for both passes.
        brain = make_brain(brain_name, settings)
        if isinstance(brain, OfflineBrain):
            if first is None:
                await brain.warm_up(_texts_of(order))
                first = brain
            else:
                brain.analyzer.extractor.share_cache(first.analyzer.extractor)
        service = PanelService(
            session_settings(settings, work_dir),
            brain=brain,
            brain_name=brain_name,
            retriever=index,
        )
        done = None if on_done is None else functools.partial(_announce, on_done, number)
        runs.append(
            await run_pass(service, order, questions, index, rounds=rounds, jobs=jobs, on_done=done)
        )
    return runs


async def run_batch_eval(
    cases: Sequence[EvalCase], settings: Settings, *, work_dir: Path
) -> RunRecord:
    """Claude's Message Batches path (evals.claude_batch): one debrief per opening answer."""
    from evals.claude_batch import run_batch_eval as claude_batch
    from knowledge.retrieval import Retriever

    index = Retriever.from_settings(settings)
    start = time.perf_counter()
    debriefs = await claude_batch(list(cases), settings, state_path=work_dir / "batch_state.json")
    seconds = time.perf_counter() - start
    outcomes = []
    for case in cases:
        debrief = debriefs.get(case.id)
        if debrief is None:
            outcomes.append(
                outcome_from_error(case, RuntimeError("no debrief from the batch"), seconds=0.0)
            )
        else:
            outcomes.append(
                outcome_from_debrief(case, debrief, debrief.transcript, index, seconds=0.0)
            )
    return RunRecord(
        order=[c.id for c in cases],
        seconds=round(seconds, 3),
        outcomes=sorted(outcomes, key=lambda o: o.case_id),
    )
