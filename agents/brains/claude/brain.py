"""The claude brain: probes, votes and the debrief from Claude, checked, repaired or replaced."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from agents.brains.base import Brain, StepResult
from agents.brains.claude import prompts
from agents.brains.claude.checks import OutputChecker
from agents.brains.claude.client import ClaudeCallFailed, ClaudeClient, Reply, Sleep
from agents.brains.claude.config import ClaudeConfig, Step, config_for_brain
from agents.brains.claude.render import (
    render_panelist,
    render_question,
    render_rubric,
    render_scope,
    render_snippets,
    render_transcript,
    render_votes,
    system_blocks,
    user_message,
)
from agents.brains.claude.schemas import MAX_PROBES, DebriefDraft, ProbeSetDraft, VoteDraft
from agents.brains.claude.scope import assessed
from agents.brains.claude.streaming import ProbeTextRelay
from agents.brains.errors import BrainUnavailable
from agents.debrief import CallUsage, Debrief, PanelVote
from agents.probe_stream import probe_text_writer
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panelist, Question, Rubric, Snippet
from knowledge.settings import Settings
from knowledge.snippet_source import SnippetSource

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

BRAIN_NAME = "claude"
FALLBACK_BRAIN_NAME = "claude+offline-fallback"
MAX_REPAIR_ERRORS = 12
NO_KEY = (
    "ANTHROPIC_API_KEY is not set; export it to use the claude brain, "
    "or use --brain offline (or cascade, which runs offline without a key)"
)


class StepFailed(Exception):
    """Claude could not produce a valid answer for a step; the message says why."""


@dataclass(frozen=True)
class StructuredCall(Generic[M]):
    """One step's request to Claude and how its answer is checked."""

    step: Step
    label: str
    system: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    output: type[M]
    check: Callable[[M], list[str]]


def validation_errors(exc: ValidationError) -> list[str]:
    """Pydantic errors as "path: message" lines (inputs left out: they may echo the candidate)."""
    return [f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in exc.errors()]


class ClaudeBrain:
    """Claude through the Messages API, with a visible offline fallback for any failed step."""

    name = BRAIN_NAME

    def __init__(
        self,
        client: ClaudeClient,
        *,
        rubric: Rubric,
        retriever: SnippetSource,
        fallback: Brain | Callable[[], Brain],
    ) -> None:
        self._client = client
        self.config: ClaudeConfig = client.config
        self._rubric = rubric
        self._retriever = retriever
        self._fallback = fallback
        self._offline_brain: Brain | None = None
        self._snippet_cache: dict[tuple[str, str], list[Snippet]] = {}
        self._rubric_block = "\n".join(
            [
                prompts.PANEL_PREAMBLE,
                render_rubric(rubric),
                prompts.DATA_RULES,
                prompts.CITATION_RULES,
            ]
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        client: AsyncAnthropic | None = None,
        fallback: Brain | Callable[[], Brain] | None = None,
        config: ClaudeConfig | None = None,
        retriever: SnippetSource | None = None,
        rubric: Rubric | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> ClaudeBrain:
        """Build from settings; BrainUnavailable when there is no API key and no client."""
        from anthropic import AsyncAnthropic

        if config is None:
            config = config_for_brain()
        if client is None:
            if not settings.anthropic_api_key:
                raise BrainUnavailable(NO_KEY)
            client = AsyncAnthropic(api_key=settings.anthropic_api_key)
        if retriever is None:
            from knowledge.retrieval import Retriever

            retriever = Retriever.from_settings(settings)
        if rubric is None:
            from knowledge.loader import load_rubric

            rubric = load_rubric()
        if fallback is None:

            def fallback() -> Brain:
                offline = importlib.import_module("agents.brains.offline")
                brain: Brain = offline.OfflineBrain.from_settings(settings, retriever=retriever)
                return brain

        return cls(
            ClaudeClient(client, config, sleep=sleep),
            rubric=rubric,
            retriever=retriever,
            fallback=fallback,
        )

    @property
    def client(self) -> ClaudeClient:
        """The API client (the batch evaluator submits through it)."""
        return self._client

    # ---- the Brain protocol -----------------------------------------------------------

    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """Up to three probes from this panelist, best first."""
        await self._load_snippets(question, panelist.id)
        calls: list[CallUsage] = []
        checker = self._checker(transcript, question)
        call = StructuredCall(
            step="probe",
            label=f"probe:{panelist.id}:r{round}",
            system=self._panelist_system(panelist, question),
            messages=user_message(
                render_question(question),
                render_scope(question, self._rubric, panelist),
                render_transcript(transcript),
                prompts.PROBE_TASK.format(round=round, max_probes=MAX_PROBES),
            ),
            output=ProbeSetDraft,
            check=lambda draft: checker.probes(draft, panelist),
        )
        send = probe_text_writer(panelist.id)
        relay = ProbeTextRelay(send) if send is not None else None
        try:
            draft = await self._ask(call, calls, relay=relay)
            result = StepResult(draft.to_probes(panelist), calls)
        except StepFailed as exc:
            offline = await self._offline().probe(panelist, question, transcript, round)
            result = _fell_back(call.label, exc, calls, offline)
        if relay is not None:
            relay.settle(result.value[0].text if result.value else "")
        return result

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """This panelist's vote, with cited evidence."""
        await self._load_snippets(question, panelist.id)
        calls: list[CallUsage] = []
        checker = self._checker(transcript, question)
        call = StructuredCall(
            step="vote",
            label=f"vote:{panelist.id}",
            system=self._panelist_system(panelist, question),
            messages=user_message(
                render_question(question),
                render_scope(question, self._rubric),
                render_transcript(transcript),
                prompts.VOTE_TASK,
            ),
            output=VoteDraft,
            check=checker.vote,
        )
        try:
            draft = await self._ask(call, calls)
        except StepFailed as exc:
            offline = await self._offline().vote(panelist, question, transcript)
            return _fell_back(call.label, exc, calls, offline)
        return StepResult(draft.to_vote(panelist), calls)

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """The verdict, with cited reasons; the offline brain's when Claude cannot give one."""
        return await self._debrief(question, transcript, votes)

    # ---- pieces the batch evaluator reuses -------------------------------------------

    def debrief_call(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StructuredCall[DebriefDraft]:
        """The debrief request and its checks."""
        checker = self._checker(transcript, question)
        return StructuredCall(
            step="debrief",
            label="debrief",
            system=self._debrief_system(question),
            messages=user_message(
                render_question(question),
                render_scope(question, self._rubric),
                render_transcript(transcript),
                render_votes(votes),
                prompts.DEBRIEF_TASK,
            ),
            output=DebriefDraft,
            check=checker.debrief,
        )

    def request_params(self, call: StructuredCall[Any]) -> dict[str, Any]:
        """The Messages API body of a call (a batch request carries exactly this)."""
        return self._client.params(
            call.step, system=call.system, messages=call.messages, output_model=call.output
        )

    async def debrief_from_reply(
        self,
        question: Question,
        transcript: list[Turn],
        votes: list[PanelVote],
        reply: Reply | None,
        failure: str | None = None,
    ) -> StepResult[Debrief]:
        """Finish a debrief whose first reply came from elsewhere (a batch): check, repair once
        through the Messages API, or fall back to the offline brain; `failure` says why no reply."""
        if reply is None:
            offline = await self._offline().debrief(question, transcript, votes)
            return self._offline_debrief(StepFailed(failure or "no reply"), [], offline)
        return await self._debrief(question, transcript, votes, first=reply)

    # ---- internals ------------------------------------------------------------------

    def _offline(self) -> Brain:
        if self._offline_brain is None:
            fb = self._fallback
            self._offline_brain = fb if isinstance(fb, Brain) else fb()
        return self._offline_brain

    def _checker(self, transcript: list[Turn], question: Question) -> OutputChecker:
        return OutputChecker(self._rubric, transcript, self._retriever, question)

    async def _load_snippets(self, question: Question, panelist_id: str | None) -> None:
        """Retrieve a step's notes in a worker thread (embedding and the index block)."""
        if (question.id, panelist_id or "*") not in self._snippet_cache:
            await asyncio.to_thread(self._snippets, question, panelist_id)

    def _snippets(self, question: Question, panelist_id: str | None) -> list[Snippet]:
        """Notes for a (question, panelist): fixed per interview, so their block stays cached."""
        key = (question.id, panelist_id or "*")
        if key not in self._snippet_cache:
            retrieval = self.config.retrieval
            k = retrieval.snippets_per_panelist if panelist_id else retrieval.snippets_for_debrief
            hits = (
                self._retriever.search(
                    f"{question.title}. {question.prompt}", k, panelist=panelist_id
                )
                if k
                else []
            )
            self._snippet_cache[key] = [h.snippet for h in hits]
        return self._snippet_cache[key]

    def _panelist_system(self, panelist: Panelist, question: Question) -> list[dict[str, Any]]:
        return system_blocks(
            self._rubric_block,
            render_panelist(panelist)
            + "\n"
            + render_snippets(self._snippets(question, panelist.id)),
        )

    def _debrief_system(self, question: Question) -> list[dict[str, Any]]:
        return system_blocks(
            self._rubric_block,
            prompts.DEBRIEF_CHAIR + "\n" + render_snippets(self._snippets(question, None)),
        )

    async def _ask(
        self,
        call: StructuredCall[M],
        calls: list[CallUsage],
        *,
        first: Reply | None = None,
        relay: ProbeTextRelay | None = None,
    ) -> M:
        """A checked draft: one call, and one repair call if the answer fails its checks.

        With a relay, the first call is streamed and its text relayed as it arrives; the
        request is the same, so it costs the same single call.
        """
        messages = list(call.messages)
        for repair in (False, True):
            label = f"{call.label}:repair" if repair else call.label
            if first is not None and not repair:
                reply = first
            else:
                try:
                    if relay is not None and not repair:
                        reply = await self._client.create_streamed(
                            call.step,
                            label,
                            system=call.system,
                            messages=messages,
                            output_model=call.output,
                            on_text=relay.text,
                            on_restart=relay.restart,
                        )
                    else:
                        reply = await self._client.create(
                            call.step,
                            label,
                            system=call.system,
                            messages=messages,
                            output_model=call.output,
                        )
                except ClaudeCallFailed as exc:
                    raise StepFailed(f"claude unavailable ({exc.reason})") from exc
            calls.append(reply.usage)
            draft, errors = self._validate(call, reply)
            if draft is not None and not errors:
                return draft
            if repair:
                raise StepFailed(f"claude output invalid after repair ({errors[0]})")
            listed = "\n".join(f"- {e}" for e in errors[:MAX_REPAIR_ERRORS])
            messages = [
                *messages,
                {"role": "assistant", "content": reply.text.strip() or "(empty reply)"},
                *user_message(prompts.REPAIR_TEMPLATE.format(errors=listed)),
            ]
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _validate(call: StructuredCall[M], reply: Reply) -> tuple[M | None, list[str]]:
        if reply.stop_reason == "refusal":
            return None, ["the reply was a refusal, not the requested JSON"]
        try:
            draft = call.output.model_validate_json(reply.text)
        except ValidationError as exc:
            errors = validation_errors(exc)
            if reply.stop_reason == "max_tokens":
                errors.insert(0, "the reply was cut off at max_tokens; be more concise")
            return None, errors
        return draft, call.check(draft)

    async def _debrief(
        self,
        question: Question,
        transcript: list[Turn],
        votes: list[PanelVote],
        *,
        first: Reply | None = None,
    ) -> StepResult[Debrief]:
        await self._load_snippets(question, None)
        calls: list[CallUsage] = []
        call = self.debrief_call(question, transcript, votes)
        try:
            draft = await self._ask(call, calls, first=first)
        except StepFailed as exc:
            offline = await self._offline().debrief(question, transcript, votes)
            return self._offline_debrief(exc, calls, offline)
        debrief = draft.to_debrief(
            self._rubric,
            scope=assessed(question),
            transcript=transcript,
            votes=votes,
            brain=BRAIN_NAME,
        )
        return StepResult(debrief, calls)

    @staticmethod
    def _offline_debrief(
        failure: StepFailed, calls: list[CallUsage], offline: StepResult[Debrief]
    ) -> StepResult[Debrief]:
        result = _fell_back("debrief", failure, calls, offline)
        named = result.value.model_copy(update={"brain": FALLBACK_BRAIN_NAME})
        return StepResult(named, result.calls, result.fallbacks)


def _fell_back(
    label: str, failure: StepFailed, calls: list[CallUsage], offline: StepResult[T]
) -> StepResult[T]:
    """The offline brain's answer to a step Claude failed, with both brains' calls and why."""
    note = f"{label}: {failure}; offline brain used"
    return StepResult(offline.value, [*calls, *offline.calls], [note, *offline.fallbacks])
