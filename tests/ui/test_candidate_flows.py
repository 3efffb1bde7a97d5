"""Candidate flows under AppTest: nothing typed is lost, read-only links, setup kept in the URL,
the coach's verdict on the candidate's page, My interviews."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from agents.session import SessionView
from tests.ui.conftest import APP
from tests.ui.test_app import STRONG, WEAK, bank_question, start_session
from ui.coach_marks import CoachMarks
from ui.ownership import new_candidate_key
from ui.services import get_services, run
from ui.steps import StepBusy, StepRegistry

pytestmark = pytest.mark.usefixtures("ui_home")

LONG_REPLY = "We would audit a 5% sample of the labels every week and retrain below 95% precision."


def new_app(key: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    if key is not None:
        at.query_params["me"] = key  # what the browser's cookie carries
    for name, value in params.items():
        at.query_params[name] = value
    return at


def owned_session(key: str, answer: str = STRONG, max_rounds: int = 0, **kw: Any) -> SessionView:
    view = start_session(answer, max_rounds=max_rounds, **kw)
    get_services().owners.claim(view.thread_id, key)
    return view


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Panel steps (start and reply) wait until the test opens the gate."""
    opened = threading.Event()
    service = get_services().panel
    real_start, real_reply = service.start, service.reply

    async def start(*args: Any, **kw: Any) -> SessionView:
        await asyncio.to_thread(opened.wait, 60)
        return await real_start(*args, **kw)

    async def reply(*args: Any, **kw: Any) -> SessionView:
        await asyncio.to_thread(opened.wait, 60)
        return await real_reply(*args, **kw)

    monkeypatch.setattr(service, "start", start)
    monkeypatch.setattr(service, "reply", reply)
    yield opened
    opened.set()


def _in_thread(at: AppTest) -> threading.Thread:
    worker = threading.Thread(target=at.run, daemon=True)
    worker.start()
    return worker


def _wait_for(predicate: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_reload_during_the_first_step_reattaches_and_loses_nothing(
    gate: threading.Event,
) -> None:
    """The first step begun as the page begins it (owner claimed, id in the URL, step on the
    UI loop); a reload then finds it running, shows the opening answer and waits for it."""
    key = new_candidate_key()
    services = get_services()
    thread_id = "f" * 32
    services.owners.claim(thread_id, key)
    question = bank_question()

    async def first_step(step: Any) -> SessionView:
        return await services.panel.start(question, WEAK, max_rounds=2, thread_id=thread_id)

    step = services.steps.begin(thread_id, "start", WEAK.strip(), first_step)
    step.question = question
    assert services.steps.running(thread_id) is not None

    reloaded = new_app(key, thread=thread_id)
    threading.Timer(0.5, gate.set).start()
    reloaded.run()
    assert not reloaded.exception and not reloaded.error
    assert any("Round 1 of 2" in p.proto.text for p in reloaded.get("progress"))
    view = services.store.load(thread_id)
    assert view is not None
    assert [t.text for t in view.transcript if t.speaker == "candidate"] == [WEAK.strip()]
    assert len(services.store.list()) == 1  # no orphan session


def test_a_reply_sent_while_another_runs_is_refused_and_kept(gate: threading.Event) -> None:
    key = new_candidate_key()
    gate.set()
    view = owned_session(key, WEAK, max_rounds=2)
    at = new_app(key, thread=view.thread_id).run()
    assert at.chat_input(key="reply") is not None
    gate.clear()
    services = get_services()

    async def other_tab(step: Any) -> SessionView:
        return await services.panel.reply(view.thread_id, LONG_REPLY)

    services.steps.begin(view.thread_id, "reply", LONG_REPLY, other_tab)
    second = "My second message, typed while the panel was still reading the first one."
    at.chat_input(key="reply").set_value(second)
    sending = _in_thread(at)
    time.sleep(0.5)
    gate.set()
    sending.join(120)
    assert not at.exception
    assert any("Not sent" in e.value for e in at.error)
    assert any(second in c.value for c in at.code)  # the text is there to copy
    saved = services.store.load(view.thread_id)
    assert saved is not None
    replies = [t.text for t in saved.transcript if t.speaker == "candidate" and t.round > 0]
    assert replies == [LONG_REPLY]


async def _never(step: Any) -> Any:
    await asyncio.sleep(30)


def test_the_registry_refuses_a_second_step_for_a_session() -> None:
    registry = StepRegistry()
    step = registry.begin("a" * 32, "reply", "one", _never)
    with pytest.raises(StepBusy, match="still working"):
        registry.begin("a" * 32, "reply", "two", _never)
    assert registry.running("a" * 32) is step
    step.future.cancel()


def test_a_session_link_alone_is_read_only() -> None:
    owner = new_candidate_key()
    view = owned_session(owner, WEAK, max_rounds=2)
    stranger = new_app(new_candidate_key(), thread=view.thread_id).run()
    assert not stranger.exception
    assert [m.name for m in stranger.chat_message]  # the transcript is readable
    assert "read-only" in stranger.info[0].value
    with pytest.raises(KeyError):
        stranger.chat_input(key="reply")
    with pytest.raises(KeyError):
        stranger.button(key="finish")
    nobody = new_app(thread=view.thread_id).run()
    assert "read-only" in nobody.info[0].value
    mine = new_app(owner, thread=view.thread_id).run()
    assert mine.chat_input(key="reply") is not None and not mine.info


def test_setup_choices_survive_a_reload() -> None:
    at = new_app().run()
    question = bank_question("support-bot-deflection")
    assert question != at.selectbox(key="bank_question").value
    at.selectbox(key="bank_question").set_value(question).run()
    at.slider(key="rounds").set_value(1).run()
    at.selectbox(key="clock").set_value(45).run()
    params = dict(at.query_params)
    assert params == {"q": "support-bot-deflection", "rounds": "1", "clock": "45"}
    reloaded = new_app(**params).run()
    assert reloaded.selectbox(key="bank_question").value.id == "support-bot-deflection"
    assert reloaded.slider(key="rounds").value == 1
    assert reloaded.selectbox(key="clock").value == 45

    own = new_app(src="own", title="Tenant bot", prompt="Design a bot that answers tenants.").run()
    assert own.radio(key="question_source").value == "own"
    assert own.text_area(key="custom_prompt").value == "Design a bot that answers tenants."
    own.radio(key="question_source").set_value("bank").run()
    own.radio(key="question_source").set_value("own").run()  # what was written comes back
    assert own.text_area(key="custom_prompt").value == "Design a bot that answers tenants."


def test_a_short_answer_is_questioned_and_kept() -> None:
    at = new_app().run()
    at.chat_input(key="answer_input").set_value("We would use GPT-4.").run()
    assert "4 words" in at.warning[0].value
    assert at.text_area(key="nudge_text").value == "We would use GPT-4."
    assert "thread" not in at.query_params
    at.text_area(key="nudge_text").set_value("We would use GPT-4, checked on a 200-case gold set.")
    at.button(key="nudge_send").click().run()
    assert not at.exception and not at.error
    view = get_services().store.load(at.query_params["thread"])
    assert view is not None
    assert view.transcript[0].text == "We would use GPT-4, checked on a 200-case gold set."


def test_the_coach_verdict_reaches_the_candidate() -> None:
    key = new_candidate_key()
    view = owned_session(key)
    assert view.debrief is not None
    flipped = "no_hire" if view.debrief.decision == "hire" else "hire"
    services = get_services()
    review = services.store.add_review(view.thread_id, flipped, "No gold set size: say 400.",
                                       coach="Dana")
    services.marks.save(CoachMarks(thread_id=view.thread_id, review_id=review.id,
                                   strong_stages=["data_strategy"], weak_stages=["evaluation"]))
    at = new_app(key, thread=view.thread_id).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Your coach's decision" in shown and "No gold set size: say 400." in shown
    assert "Weak:** Evaluation and feedback loop" in shown
    # A read-only viewer sees the same verdict: it is part of the session, not of the owner.
    other = new_app(thread=view.thread_id).run()
    assert "No gold set size" in " ".join(m.value for m in other.markdown).replace("\\", "")


def test_my_interviews_shows_progress_only_to_its_owner() -> None:
    key = new_candidate_key()
    first = owned_session(key, WEAK)
    second = owned_session(key, STRONG, question_id="medical-coding-assistant")
    owned_session(new_candidate_key(), STRONG)  # someone else's
    assert first.debrief and second.debrief
    at = new_app(key).run()
    at.switch_page("history_page.py").run()
    assert not at.exception and not at.error
    assert at.get("vega_lite_chart"), "the progress chart is missing"
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Scores by attempt (out of 4)." in captions  # the chart's text alternative
    headings = " ".join(m.value for m in at.markdown)
    assert "Since your last attempt" in headings
    links = [e for e in at.get("page_link")]
    assert len(links) == 2

    stranger = new_app(new_candidate_key()).run()
    stranger.switch_page("history_page.py").run()
    assert "No interviews from this browser yet" in stranger.info[0].value


def test_the_clock_is_shown_and_the_debrief_reports_time_used() -> None:
    key = new_candidate_key()
    at = new_app(key).run()
    at.selectbox(key="clock").set_value(45).run()
    at.chat_input(key="answer_input").set_value(WEAK).run()
    assert any("of 45 minutes used" in c.value for c in at.caption)
    at.button(key="finish").click().run()
    assert not at.exception
    used = next(m.value for m in at.metric if m.label == "Time used")
    assert used.endswith("min of 45")



def test_a_reply_to_questions_another_server_already_answered_is_refused_and_kept() -> None:
    key = new_candidate_key()
    view = owned_session(key, WEAK, max_rounds=2)
    at = new_app(key, thread=view.thread_id).run()
    services = get_services()
    # Another app server applies a reply to the same questions after this page rendered them.
    run(services.panel.reply(view.thread_id, LONG_REPLY, expected_turn=view.last_turn_id))
    late = "My answer to the questions this page showed me, sent after the other one."
    at.chat_input(key="reply").set_value(late).run()
    assert not at.exception
    assert any(late in c.value for c in at.code)  # the text is there to copy
    saved = services.store.load(view.thread_id)
    assert saved is not None
    replies = [t.text for t in saved.transcript if t.speaker == "candidate" and t.round > 0]
    assert replies == [LONG_REPLY]
