"""The claude brain: probes, votes and the debrief from Claude, checked, repaired or replaced."""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from agents.brains.base import Brain, Probe
from agents.brains.claude import prompts
from agents.brains.claude.checks import OutputChecker
from agents.brains.claude.client import ClaudeCallFailed, ClaudeClient, Reply, Sleep
from agents.brains.claude.config import ClaudeConfig, ClaudeConfigError, Step, load_config
from agents.brains.claude.ledger import Ledgers, SessionLedger, session_key
from agents.brains.claude.render import (
    render_panelist,
    render_question,
    render_rubric,
    render_snippets,
    render_transcript,
    render_votes,
    system_blocks,
    user_message,
)
from agents.brains.claude.schemas import MAX_PROBES, DebriefDraft, ProbeSetDraft, VoteDraft
from agents.brains.claude.streaming import ProbeTextRelay, stream_or_fallback
from agents.brains.errors import BrainUnavailable
from agents.debrief import Debrief, PanelVote, Usage
from agents.probe_stream import current_sink
from agents.transcript import Turn
from knowledge.models import Panelist, Question, Rubric, Snippet
from knowledge.settings import Settings
from knowledge.snippet_source import SnippetSource

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

M = TypeVar("M", bound=BaseModel)

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
        self._ledgers = Ledgers()
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
            try:
                config = load_config()
            except ClaudeConfigError as exc:
                raise BrainUnavailable(f"claude config: {exc}") from exc
        if client is None:
            key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
            if not key:
                raise BrainUnavailable(NO_KEY)
            client = AsyncAnthropic(api_key=key)
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
    ) -> list[Probe]:
        """Up to three probes from this panelist, best first."""
        ledger = self._ledgers.get(session_key(question, transcript))
        checker = self._checker(transcript)
        call = StructuredCall(
            step="probe",
            label=f"probe:{panelist.id}:r{round}",
            system=self._panelist_system(panelist, question),
            messages=user_message(
                render_question(question),
                render_transcript(transcript),
                prompts.PROBE_TASK.format(round=round, max_probes=MAX_PROBES),
            ),
            output=ProbeSetDraft,
            check=lambda draft: checker.probes(draft, panelist),
        )
        sink = current_sink()
        relay = ProbeTextRelay(sink, panelist.id) if sink is not None else None
        try:
            draft = await self._ask(call, ledger, relay=relay)
            probes = draft.to_probes(panelist)
        except StepFailed as exc:
            ledger.fell_back(f"{call.label}: {exc}; offline brain used")
            probes = await self._offline().probe(panelist, question, transcript, round)
        if relay is not None:
            relay.settle(probes[0].text if probes else "")
        return probes

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> PanelVote:
        """This panelist's vote, with cited evidence."""
        ledger = self._ledgers.get(session_key(question, transcript))
        checker = self._checker(transcript)
        call = StructuredCall(
            step="vote",
            label=f"vote:{panelist.id}",
            system=self._panelist_system(panelist, question),
            messages=user_message(
                render_question(question), render_transcript(transcript), prompts.VOTE_TASK
            ),
            output=VoteDraft,
            check=checker.vote,
        )
        try:
            draft = await self._ask(call, ledger)
        except StepFailed as exc:
            ledger.fell_back(f"{call.label}: {exc}; offline brain used")
            return await self._offline().vote(panelist, question, transcript)
        return draft.to_vote(panelist)

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> Debrief:
        """The verdict; the usage and fallbacks of every call of this interview are attached."""
        key = session_key(question, transcript)
        ledger = self._ledgers.get(key)
        call = self.debrief_call(question, transcript, votes)
        try:
            draft = await self._ask(call, ledger)
        except StepFailed as exc:
            ledger.fell_back(f"{call.label}: {exc}; offline brain used")
            return await self._offline_debrief(
                question, transcript, votes, self._ledgers.close(key)
            )
        return self._finish(draft, transcript, votes, self._ledgers.close(key))

    async def stream_probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> AsyncIterator[str]:
        """This panelist's next question as text deltas (SSE), for the UI to show as it arrives."""
        ledger = self._ledgers.get(session_key(question, transcript))

        async def offline_question() -> str:
            probes = await self._offline().probe(panelist, question, transcript, round)
            return probes[0].text if probes else ""

        async for chunk in stream_or_fallback(
            self._client,
            label=f"stream_probe:{panelist.id}:r{round}",
            system=self._panelist_system(panelist, question),
            messages=user_message(
                render_question(question),
                render_transcript(transcript),
                prompts.STREAM_PROBE_TASK.format(round=round),
            ),
            ledger=ledger,
            fallback=offline_question,
        ):
            yield chunk

    def close_session(self, question: Question, transcript: list[Turn]) -> SessionLedger:
        """Hand over (and forget) the calls and fallbacks of an interview not debriefed here."""
        return self._ledgers.close(session_key(question, transcript))

    # ---- pieces the batch evaluator reuses -------------------------------------------

    def debrief_call(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StructuredCall[DebriefDraft]:
        """The debrief request and its checks."""
        checker = self._checker(transcript)
        return StructuredCall(
            step="debrief",
            label="debrief",
            system=self._debrief_system(question),
            messages=user_message(
                render_question(question),
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
    ) -> Debrief:
        """Finish a debrief whose first reply came from elsewhere (a batch): check, repair once
        through the Messages API, or fall back to the offline brain; `failure` says why no reply."""
        ledger = SessionLedger()
        call = self.debrief_call(question, transcript, votes)
        if reply is None:
            ledger.fell_back(f"{call.label}: {failure or 'no reply'}; offline brain used")
            return await self._offline_debrief(question, transcript, votes, ledger)
        try:
            draft = await self._ask(call, ledger, first=reply)
        except StepFailed as exc:
            ledger.fell_back(f"{call.label}: {exc}; offline brain used")
            return await self._offline_debrief(question, transcript, votes, ledger)
        return self._finish(draft, transcript, votes, ledger)

    # ---- internals ------------------------------------------------------------------

    def _offline(self) -> Brain:
        if self._offline_brain is None:
            fb = self._fallback
            self._offline_brain = fb if isinstance(fb, Brain) else fb()
        return self._offline_brain

    def _checker(self, transcript: list[Turn]) -> OutputChecker:
        return OutputChecker(self._rubric, transcript, self._retriever)

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
        ledger: SessionLedger,
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
            ledger.add(reply.usage)
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

    def _finish(
        self,
        draft: DebriefDraft,
        transcript: list[Turn],
        votes: list[PanelVote],
        ledger: SessionLedger,
    ) -> Debrief:
        return draft.to_debrief(
            self._rubric,
            transcript=transcript,
            votes=votes,
            brain=FALLBACK_BRAIN_NAME if ledger.fallbacks else BRAIN_NAME,
            fallbacks=list(ledger.fallbacks),
            usage=Usage.total(ledger.calls),
        )

    async def _offline_debrief(
        self,
        question: Question,
        transcript: list[Turn],
        votes: list[PanelVote],
        ledger: SessionLedger,
    ) -> Debrief:
        offline = await self._offline().debrief(question, transcript, votes)
        return offline.model_copy(
            update={
                "brain": FALLBACK_BRAIN_NAME,
                "fallbacks": [*ledger.fallbacks, *offline.fallbacks],
                "usage": Usage.total([*ledger.calls, *offline.usage.calls]),
            }
        )
