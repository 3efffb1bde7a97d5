"""The structured probe call, streamed: its first probe's words reach LangGraph's custom stream."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from agents.brains.claude.json_field_stream import JsonFieldStream, TrimmedText
from knowledge.loader import load_rubric
from knowledge.models import Panel, Question
from tests.agents.brains.claude.helpers import StubOffline, make_brain, opening, probe_in_a_run
from tests.fake_anthropic import (
    FakeAnthropic,
    FakeAnthropicServer,
    PanelResponder,
    mock_client,
    reply_error,
    reply_json,
)

FIRST = ("probes", 0, "text")


def fed(scanner: JsonFieldStream, text: str, step: int = 1) -> str:
    return "".join(scanner.feed(text[i : i + step]) for i in range(0, len(text), step))


@pytest.mark.parametrize("step", [1, 2, 3, 7, 1000])
def test_scanner_decodes_the_first_probe_text_in_any_chunking(step: int) -> None:
    text = 'Say "why" \\ now:\n\ttab, é, 😀 and \u2028 end'
    doc = json.dumps(
        {
            "text": "not this (top level)",
            "probes": [
                {"stage": "evaluation", "meta": {"text": "nor this"}, "snippet_ids": ["a,b"],
                 "severity": 2.5, "ok": True, "text": text},
                {"text": "nor the second probe"},
            ],
        }
    )
    assert "\\ud83d\\ude00" in doc  # json.dumps escapes non-ASCII, surrogate pair included
    assert fed(JsonFieldStream(FIRST), doc, step) == text
    raw = json.dumps({"probes": [{"text": text}]}, ensure_ascii=False)
    assert fed(JsonFieldStream(FIRST), raw, step) == text


def test_scanner_ignores_what_is_not_at_the_path() -> None:
    assert fed(JsonFieldStream(FIRST), '{"probes": [{"gap": "x"}], "text": "no"}') == ""
    assert fed(JsonFieldStream(FIRST), '{"probes": [["text"], {"text": "no"}]}') == ""


def test_trimmed_text_reads_as_strip() -> None:
    trim = TrimmedText()
    parts = [trim.feed(p) for p in ["  \n", " How", " much ", " ", "?", " \t"]]
    assert "".join(parts) == "  \n How much  ? \t".strip()
    assert parts[2] == " much"  # the trailing space waits for what follows


@pytest.fixture
def fake() -> FakeAnthropic:
    return FakeAnthropic(responder=PanelResponder(load_rubric()), stream_chunk_chars=3)


@pytest.fixture
def server(fake: FakeAnthropic) -> Iterator[FakeAnthropicServer]:
    with FakeAnthropicServer(fake) as running:
        yield running


async def test_streamed_words_are_the_structured_probe_over_sse(
    fake: FakeAnthropic, server: FakeAnthropicServer, panel: Panel, question: Question
) -> None:
    lead = panel.get("lead_engineer")
    sdk = server.client()
    result, log = await probe_in_a_run(make_brain(sdk), lead, question, opening(), 1)
    streamed = result.value
    plain = (await make_brain(sdk).probe(lead, question, opening(), 1)).value

    assert len([e for e in log.events if e[1]]) > 3  # many deltas, not one piece
    assert log.text("lead_engineer") == streamed[0].text
    assert log.resets("lead_engineer") == 0
    assert streamed == plain  # same stage, gap, snippets and words as without streaming
    assert streamed[0].snippet_ids
    second, first = fake.message_requests()  # one call each: no extra call for the stream
    assert "stream" not in first.body and second.body["stream"] is True
    assert {k: v for k, v in second.body.items() if k != "stream"} == first.body
    usage = result.calls
    assert [c.step for c in usage] == ["probe:lead_engineer:r1"]
    assert usage[0].output_tokens > 1 and usage[0].cost_usd > 0


async def test_usage_of_the_stream_matches_the_plain_call(panel: Panel, question: Question) -> None:
    counts = []
    for streamed in (False, True):
        fake = FakeAnthropic(responder=PanelResponder(load_rubric()))
        brain = make_brain(mock_client(fake))
        interviewer = panel.get("interviewer")
        if streamed:
            result, _ = await probe_in_a_run(brain, interviewer, question, opening(), 1)
        else:
            result = await brain.probe(interviewer, question, opening(), 1)
        (call,) = result.calls
        counts.append((call.input_tokens, call.output_tokens, call.cache_creation_input_tokens,
                       call.cache_read_input_tokens, call.cost_usd))
    assert counts[0] == counts[1]


def probe_set(text: str, gap: str = "gold_set", stage: str = "objective") -> dict[str, object]:
    return {"probes": [{"stage": stage, "gap": gap, "gap_kind": "missing_signal",
                        "severity": 2, "text": text, "snippet_ids": []}]}


async def test_a_repair_resets_the_stream_and_ends_on_the_asked_text(
    panel: Panel, question: Question
) -> None:
    interviewer = panel.get("interviewer")
    good = PanelResponder(load_rubric())(
        {"system": [{"text": f"Stages you own: {', '.join(interviewer.stages)}."}], "messages": [],
         "output_config": {"format": {"schema": {"title": "ProbeSetDraft"}}}}
    )
    fake = FakeAnthropic()
    fake.enqueue(reply_json(probe_set("A draft with an invented gap?", gap="no-such-gap")), good)
    brain = make_brain(mock_client(fake))
    result, log = await probe_in_a_run(brain, interviewer, question, opening(), 1)
    probes = result.value
    assert [pid for pid, d in log.events if d is None] == ["interviewer"]
    reset_at = log.events.index(("interviewer", None))
    before_reset = "".join(d for _, d in log.events[:reset_at] if d)
    assert before_reset == "A draft with an invented gap?"
    assert log.text("interviewer") == probes[0].text == json.loads(good.text)["probes"][0]["text"]
    first, repair = fake.message_requests()
    assert first.body["stream"] is True and "stream" not in repair.body


async def test_a_fallback_after_streaming_resets_to_the_offline_question(
    panel: Panel, question: Question
) -> None:
    fake = FakeAnthropic()
    bad = reply_json(probe_set("Streamed but ungrounded?", gap="no-such-gap"))
    fake.enqueue(bad, bad)
    brain = make_brain(mock_client(fake), fallback=StubOffline())
    result, log = await probe_in_a_run(brain, panel.get("hiring_manager"), question, opening(), 1)
    probes = result.value
    assert probes[0].text.startswith("[offline]")
    assert log.resets("hiring_manager") == 1
    assert log.text("hiring_manager") == probes[0].text


async def test_claude_unavailable_sends_the_offline_question_once(
    panel: Panel, question: Question
) -> None:
    fake = FakeAnthropic()
    fake.enqueue(reply_error(529), reply_error(529), reply_error(529))
    brain = make_brain(mock_client(fake), fallback=StubOffline())
    result, log = await probe_in_a_run(brain, panel.get("interviewer"), question, opening(), 1)
    probes = result.value
    assert log.events == [("interviewer", probes[0].text)]
    assert len(fake.message_requests()) == 3
