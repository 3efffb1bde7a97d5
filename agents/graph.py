"""The interview graph: open → probe ×3 (parallel) → select → ask → listen → … → deliberate →
vote ×3 (parallel) → debrief."""

from __future__ import annotations

import asyncio
import inspect
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Checkpointer, Send, interrupt

from agents.answer_input import clean_answer
from agents.brains.base import settle_debrief
from agents.citations import validate_debrief
from agents.context import PanelContext, shared_context
from agents.rounds import check_rounds
from agents.state import REPEAT_KINDS, PanelState, Probe, ProbeTask, RoundProbes, VoteTask
from agents.transcript import Turn, next_turn_id
from knowledge.models import PANELIST_IDS, Question

_QUOTE = re.compile(r"“([^”]{12,})”")  # the candidate's words a probe quotes

Update = dict[str, Any]


async def _context(runtime: Runtime[PanelContext]) -> PanelContext:
    """The run's context with brain, index and panel at hand. Loading them is blocking work, so
    it happens in a worker thread, once per process (see `shared_context`)."""
    ctx = runtime.context
    if ctx is None:
        return await asyncio.to_thread(shared_context)
    if not ctx.resolved:
        await asyncio.to_thread(ctx.resolve)
    return ctx


def _panel_rank(panelist: str) -> int:
    return PANELIST_IDS.index(panelist) if panelist in PANELIST_IDS else len(PANELIST_IDS)


# --- nodes -------------------------------------------------------------------------------


async def open_round(state: PanelState, runtime: Runtime[PanelContext]) -> Update:
    """Record the opening answer once, then start the next round or close probing."""
    ctx = await _context(runtime)
    update: Update = {}
    if not isinstance(state.question, Question):  # JSON input, e.g. from LangGraph Studio
        update["question"] = Question.model_validate(state.question)
    if not state.transcript:
        update["transcript"] = [Turn(id="t1", speaker="candidate", text=state.answer, round=0)]
        update["created_at"] = state.created_at or datetime.now(UTC)
    if state.max_rounds is None:
        max_rounds = ctx.max_rounds
    else:  # the input may come from an API client (LangGraph's server, Studio)
        max_rounds = check_rounds(state.max_rounds, "max_rounds")
    update["max_rounds"] = max_rounds
    if state.finished or state.round >= max_rounds:
        update["phase"] = "deliberating"
    else:
        update["phase"] = "probing"
        update["round"] = state.round + 1
    return update


async def probe(state: ProbeTask, runtime: Runtime[PanelContext]) -> Update:
    """One panelist proposes probes for this round (runs in parallel with the others)."""
    ctx = await _context(runtime)
    panelist = ctx.resolved_panel().get(state.panelist)
    brain = ctx.resolved_brain()
    result = await brain.probe(panelist, state.question, state.transcript, state.round)
    own = [
        p if p.panelist == state.panelist else p.model_copy(update={"panelist": state.panelist})
        for p in result.value
    ]
    return {
        "proposals": [RoundProbes(round=state.round, panelist=state.panelist, probes=own)],
        "calls": result.calls,
        "fallbacks": result.fallbacks,
    }


async def select(state: PanelState, runtime: Runtime[PanelContext]) -> Update:
    """Dedupe by gap (also against questions already asked), order by severity, keep the best K."""
    ctx = await _context(runtime)
    best: dict[str, Probe] = {}
    for batch in sorted(state.proposals, key=lambda b: _panel_rank(b.panelist)):
        if batch.round != state.round:
            continue
        for p in batch.probes:
            if asked_before(p, state.transcript) or p.severity <= ctx.severity_floor:
                continue
            if p.gap not in best or p.severity > best[p.gap].severity:
                best[p.gap] = p
    ranked = sorted(best.values(), key=lambda p: (-p.severity, _panel_rank(p.panelist), p.gap))
    return {"pending": one_per_quote(ranked, state.transcript)[: ctx.probes_per_round]}


def asked_before(probe: Probe, transcript: list[Turn]) -> bool:
    """Whether the probe repeats a question: a gap once asked is asked again only one level
    deeper, and once more about what the reply said of it (a follow-up), or a red flag pressed
    once after a defence, each only once."""
    kinds = [t.gap_kind for t in transcript if t.gap == probe.gap and t.speaker != "candidate"]
    if probe.gap_kind in REPEAT_KINDS:
        return probe.gap_kind in kinds
    return bool(kinds)


def one_per_quote(ranked: list[Probe], transcript: list[Turn]) -> list[Probe]:
    """Two probes building on the same sentence of the candidate sound like one question asked
    twice: the less severe one, or one quoting what an earlier probe quoted, is dropped."""
    quoted = {_quote_of(t.text) for t in transcript if t.speaker != "candidate"}
    kept: list[Probe] = []
    for p in ranked:
        quote = _quote_of(p.text)
        if quote is not None and quote in quoted:
            continue
        quoted.add(quote)
        kept.append(p)
    return kept


def _quote_of(text: str) -> str | None:
    """The candidate's words a probe builds on (“…”), if it quotes any."""
    found = _QUOTE.search(text)
    return found.group(1).rstrip("…").strip() if found else None


async def ask(state: PanelState) -> Update:
    """The panelists put the selected probes to the candidate, as transcript turns."""
    turns: list[Turn] = []
    for p in state.pending:
        turns.append(
            Turn(
                id=next_turn_id([*state.transcript, *turns]),
                speaker=p.panelist,
                text=p.text,
                round=state.round,
                stage=p.stage,
                gap=p.gap,
                gap_kind=p.gap_kind,
                snippet_ids=list(p.snippet_ids),
            )
        )
    return {"transcript": turns}


async def listen(state: PanelState, runtime: Runtime[PanelContext]) -> Update:
    """Wait for the candidate's reply: `interrupt()`, or the simulated candidate in batch mode."""
    ctx = await _context(runtime)
    if ctx.responder is not None:
        reply = ctx.responder(list(state.pending))
        text = await reply if inspect.isawaitable(reply) else reply
        if not str(text).strip():
            return {"pending": [], "finished": True}
    else:
        resume = interrupt(
            {"round": state.round, "probes": [p.model_dump(mode="json") for p in state.pending]}
        )
        if not isinstance(resume, dict) or resume.get("finish"):
            return {"pending": [], "finished": True}
        text = resume.get("reply", "")
    turn = Turn(
        id=next_turn_id(state.transcript),
        speaker="candidate",
        text=clean_answer(str(text)),
        round=state.round,
    )
    return {"transcript": [turn], "pending": []}


async def deliberate(state: PanelState) -> Update:
    """Close probing; every panelist now votes."""
    return {"phase": "deliberating", "pending": []}


async def vote(state: VoteTask, runtime: Runtime[PanelContext]) -> Update:
    """One panelist's vote (runs in parallel with the others)."""
    ctx = await _context(runtime)
    panelist = ctx.resolved_panel().get(state.panelist)
    result = await ctx.resolved_brain().vote(panelist, state.question, state.transcript)
    ballot = result.value
    if ballot.panelist != state.panelist:
        ballot = ballot.model_copy(update={"panelist": state.panelist})
    return {"votes": [ballot], "calls": result.calls, "fallbacks": result.fallbacks}


async def debrief(state: PanelState, runtime: Runtime[PanelContext]) -> Update:
    """The brain writes the debrief, which totals the session's calls and fallbacks; every
    citation is then checked before it is kept."""
    ctx = await _context(runtime)
    votes = sorted(state.votes, key=lambda v: _panel_rank(v.panelist))
    result = await ctx.resolved_brain().debrief(state.question, state.transcript, votes)
    draft = settle_debrief(result, state.calls, state.fallbacks)
    draft = draft.model_copy(
        update={"transcript": list(state.transcript), "votes": draft.votes or votes}
    )
    checked = validate_debrief(draft, state.transcript, ctx.resolved_retriever())
    return {
        "debrief": checked,
        "phase": "done",
        "calls": result.calls,
        "fallbacks": result.fallbacks,
    }


# --- routers -----------------------------------------------------------------------------


def fan_out_probes(state: PanelState) -> list[Send] | Literal["deliberate"]:
    """One `probe` task per panelist while a round is open, else on to deliberation."""
    if state.phase != "probing":
        return "deliberate"
    return [
        Send(
            "probe",
            ProbeTask(
                panelist=pid,
                round=state.round,
                question=state.question,
                transcript=list(state.transcript),
            ),
        )
        for pid in PANELIST_IDS
    ]


def after_select(state: PanelState) -> Literal["ask", "deliberate"]:
    """Ask when a probe survived selection; stop early when no gap above the floor remains."""
    return "ask" if state.pending else "deliberate"


def fan_out_votes(state: PanelState) -> list[Send]:
    """One `vote` task per panelist."""
    return [
        Send(
            "vote",
            VoteTask(panelist=pid, question=state.question, transcript=list(state.transcript)),
        )
        for pid in PANELIST_IDS
    ]


def _builder() -> StateGraph[PanelState, PanelContext, PanelState, PanelState]:
    builder = StateGraph(PanelState, context_schema=PanelContext)
    builder.add_node("open", open_round)
    builder.add_node("probe", probe)
    builder.add_node("select", select)
    builder.add_node("ask", ask)
    builder.add_node("listen", listen)
    builder.add_node("deliberate", deliberate)
    builder.add_node("vote", vote)
    builder.add_node("debrief", debrief)
    builder.add_edge(START, "open")
    builder.add_conditional_edges("open", fan_out_probes, ["probe", "deliberate"])
    builder.add_edge("probe", "select")
    builder.add_conditional_edges("select", after_select, ["ask", "deliberate"])
    builder.add_edge("ask", "listen")
    builder.add_edge("listen", "open")
    builder.add_conditional_edges("deliberate", fan_out_votes, ["vote"])
    builder.add_edge("vote", "debrief")
    builder.add_edge("debrief", END)
    return builder


@cache
def _compiled() -> Any:
    return _builder().compile(name="mockpanel")


def build_graph(checkpointer: Checkpointer = None) -> Any:
    """The compiled interview graph, checkpointed by `checkpointer` (None: the caller's)."""
    # Compiling takes ~100 ms; binding a checkpointer to the compiled graph is a cheap copy.
    base = _compiled()
    return base if checkpointer is None else base.copy({"checkpointer": checkpointer})


graph = build_graph()
"""The graph for LangGraph Studio (langgraph.json); the server supplies the checkpointer."""
