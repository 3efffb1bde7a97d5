"""The graph's nodes never block the event loop: every run here has blockbuster on, as
LangGraph's server does, and any blocking call on the loop fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from blockbuster import BlockBuster
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from agents import context as context_module
from agents.checkpointer import checkpoint_serializer
from agents.context import PanelContext
from agents.graph import build_graph
from knowledge.loader import load_questions, load_rubric
from knowledge.models import Question
from knowledge.retrieval import Retriever
from knowledge.settings import Settings
from tests.agents.brains.claude.helpers import make_brain
from tests.fake_anthropic import FakeAnthropic, FakeAnthropicServer, PanelResponder

OPENING = (
    "A resolved ticket is one the customer does not reopen within 7 days; we keep a gold set of "
    "500 such tickets labelled by two senior agents, and route low-confidence answers to a human."
)
REPLY = "Experts re-check a random 5% sample each week; drift on the gold set triggers retraining."


@contextmanager
def no_blocking() -> Iterator[BlockBuster]:
    """Every blocking call blockbuster knows (a superset of what LangGraph's server checks)
    raises BlockingError when it runs on the event loop's thread."""
    detector = BlockBuster()
    detector.activate()
    try:
        yield detector
    finally:
        detector.deactivate()


@pytest.fixture
def blockbuster() -> Iterator[BlockBuster]:
    """Blocking-call detection on for the whole test."""
    with no_blocking() as detector:
        yield detector


@pytest.fixture
def api() -> Iterator[tuple[FakeAnthropic, FakeAnthropicServer]]:
    """The fake Anthropic API on 127.0.0.1, started before detection is on (test harness)."""
    fake = FakeAnthropic(responder=PanelResponder(load_rubric()), stream_chunk_chars=8)
    with FakeAnthropicServer(fake) as server:
        yield fake, server


@pytest.fixture
def question() -> Question:
    return load_questions().get("support-bot-deflection")


async def _interview(graph: Any, config: Any, question: Question, **kw: Any) -> dict[str, Any]:
    """Opening answer → the interrupt with the probes → a reply → the debrief."""
    inputs = {"question": question.model_dump(mode="json"), "answer": OPENING, "max_rounds": 1}
    first = await graph.ainvoke(inputs, config, **kw)
    (waiting,) = first["__interrupt__"]
    assert waiting.value["probes"]
    return await graph.ainvoke(Command(resume={"reply": REPLY}), config, **kw)


@pytest.mark.usefixtures("indexed_home")
async def test_offline_interview_with_an_unresolved_context_never_blocks(
    blockbuster: BlockBuster, question: Question
) -> None:
    graph = build_graph(InMemorySaver(serde=checkpoint_serializer()))
    config: Any = {"configurable": {"thread_id": "offline"}}
    ctx = PanelContext(settings=Settings())  # brain, index and panel resolved inside the run
    done = await _interview(graph, config, question, context=ctx)
    assert done["debrief"].brain == "offline"
    assert done["debrief"].dropped_citations == 0


@pytest.mark.usefixtures("indexed_home")
async def test_a_run_without_context_uses_the_prepared_shared_one_without_blocking(
    blockbuster: BlockBuster, question: Question, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context_module, "_shared", {})  # as in a freshly started server
    graph = build_graph(InMemorySaver(serde=checkpoint_serializer()))
    config: Any = {"configurable": {"thread_id": "studio"}}
    done = await _interview(graph, config, question)  # Studio and `langgraph dev` pass none
    assert done["debrief"].decision in {"hire", "no_hire"}
    assert [c.step for c in done["debrief"].usage.calls][-1] == "debrief"


@pytest.mark.usefixtures("indexed_home")
async def test_bare_contexts_share_the_prepared_parts(
    blockbuster: BlockBuster, question: Question, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context_module, "_shared", {})
    graph = build_graph(InMemorySaver(serde=checkpoint_serializer()))
    first, second = PanelContext(), PanelContext()  # what LangGraph's server builds per run
    for n, ctx in enumerate((first, second)):
        await _interview(graph, {"configurable": {"thread_id": f"bare-{n}"}}, question, context=ctx)
    assert first.brain is second.brain and first.retriever is second.retriever


@pytest.mark.usefixtures("indexed_home")
async def test_claude_interview_over_http_never_blocks(
    api: tuple[FakeAnthropic, FakeAnthropicServer], question: Question
) -> None:
    fake, server = api
    index = Retriever.from_settings(Settings())  # the real index: its searches must not block
    brain = make_brain(server.client(), index=index)  # type: ignore[arg-type]
    graph = build_graph(InMemorySaver(serde=checkpoint_serializer()))
    config: Any = {"configurable": {"thread_id": "claude"}}
    ctx = PanelContext(brain=brain, retriever=index, settings=Settings())
    with no_blocking():
        done = await _interview(graph, config, question, context=ctx)
    assert len(fake.message_requests()) == 3 + 3 + 1
    assert done["debrief"].brain == "claude"
    assert done["debrief"].fallbacks == []
