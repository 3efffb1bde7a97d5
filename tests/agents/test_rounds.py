"""Round limits: one limit and one default (MOCKPANEL_MAX_ROUNDS) for every entry point."""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agents.checkpointer import checkpoint_serializer
from agents.context import PanelContext
from agents.errors import MockpanelError
from agents.graph import build_graph
from agents.rounds import DEFAULT_ROUNDS, ROUNDS_LIMIT, check_rounds, default_rounds
from knowledge.models import Question
from tests.agents.conftest import ContextFactory
from tests.doubles import FakeBrain


def test_the_default_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKPANEL_MAX_ROUNDS", raising=False)
    assert default_rounds() == DEFAULT_ROUNDS
    monkeypatch.setenv("MOCKPANEL_MAX_ROUNDS", "4")
    assert default_rounds() == 4
    assert PanelContext().max_rounds == 4


@pytest.mark.parametrize(
    ("raw", "message"),
    [("lots", "is not a whole number"), ("9", f"between 0 and {ROUNDS_LIMIT}, not 9")],
)
def test_a_bad_environment_value_is_one_line(
    monkeypatch: pytest.MonkeyPatch, raw: str, message: str
) -> None:
    monkeypatch.setenv("MOCKPANEL_MAX_ROUNDS", raw)
    with pytest.raises(MockpanelError, match=message) as bad:
        default_rounds()
    assert "\n" not in str(bad.value) and "MOCKPANEL_MAX_ROUNDS" in str(bad.value)


def test_check_rounds_names_what_it_checked() -> None:
    assert check_rounds(ROUNDS_LIMIT) == ROUNDS_LIMIT
    with pytest.raises(MockpanelError, match=r"^--rounds must be between 0 and 5, not -1$"):
        check_rounds(-1, "--rounds")


async def test_graph_input_over_the_limit_is_refused(
    make_context: ContextFactory, question: Question
) -> None:
    graph = build_graph(InMemorySaver(serde=checkpoint_serializer()))
    config: Any = {"configurable": {"thread_id": "too-many"}}
    inputs = {"question": question, "answer": "We start from a gold set.", "max_rounds": 50}
    with pytest.raises(MockpanelError, match="max_rounds must be between 0 and 5, not 50"):
        await graph.ainvoke(inputs, config, context=make_context(FakeBrain()))
