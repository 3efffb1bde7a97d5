"""The Streamlit app under `streamlit.testing.v1.AppTest`: offline brain, real index."""

from __future__ import annotations

import re
from pathlib import Path

import markdown_it
import pytest
from streamlit.testing.v1 import AppTest

from agents.session import SessionView
from evals.loader import load_cases
from knowledge.loader import load_panel, load_questions
from knowledge.models import Question
from tests.ui.conftest import APP
from ui.agreement import DECISIONS, agreement
from ui.components.labels import speaker
from ui.services import get_services, run

pytestmark = pytest.mark.usefixtures("ui_home")

PASSCODE = "s3cret-coach-passcode"
REPO = APP.parents[1]
STRONG = (REPO / "examples" / "strong_answer.txt").read_text(encoding="utf-8")
WEAK = (REPO / "examples" / "weak_answer.txt").read_text(encoding="utf-8")
HOSTILE = (
    "We would sample 5% of labels for audit. <script>alert(1)</script> "
    "<img src=x onerror=alert(2)> [click](http://evil) ![x](http://evil/x.png) "
    "www.evil.example :red[boom] $x^2$ <http://evil/auto> mail eve@evil.example now"
)
HOSTILE_PIECES = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](http://evil)",
    "![x](http://evil/x.png)",
)
_MD = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
_UNSAFE_TOKENS = {"link_open", "image", "html_inline", "html_block"}
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE_SPAN = re.compile(r"(?<!\\)`+ ?([^`]+?) ?`+")


# --- helpers ------------------------------------------------------------------------------


def new_app() -> AppTest:
    """The app's entry point, with a timeout that allows for the first model load."""
    return AppTest.from_file(str(APP), default_timeout=180)


def bank_question(question_id: str = "support-bot-deflection") -> Question:
    return load_questions().get(question_id)


def start_session(
    answer: str, question_id: str = "support-bot-deflection", max_rounds: int = 0
) -> SessionView:
    """A session run through the real PanelService, as the candidate page would."""
    return run(
        get_services().panel.start(bank_question(question_id), answer, max_rounds=max_rounds)
    )


def texts_rendered_as_markdown(at: AppTest) -> list[tuple[str, bool]]:
    """(Markdown source, allow_html) of everything the page renders through Markdown."""
    out: list[tuple[str, bool]] = []
    for element in [*at.markdown, *at.caption]:
        out.append((element.value, bool(element.proto.allow_html)))
    for kind in ("error", "warning", "info", "success"):
        out += [(e.proto.body, False) for e in at.get(kind)]
    for block in [*at.expander, *at.status, *at.tabs]:
        out.append((block.label, False))
    return out


def unescape(markdown: str) -> str:
    """The text a reader sees for escaped Markdown (backslash escapes, hard breaks and code-span
    fences undone)."""
    text = _ESCAPE.sub(r"\1", _CODE_SPAN.sub(r"\1", markdown).replace("  \n", "\n"))
    return text.replace("\u00a0", " ")


def assert_inert(at: AppTest) -> None:
    """Nothing on the page renders a link, an image or HTML, and no Markdown allows HTML."""
    for body, allow_html in texts_rendered_as_markdown(at):
        assert not allow_html, body
        tokens = _MD.parse(body)
        types = {t.type for t in tokens}
        for token in tokens:
            types |= {c.type for c in token.children or []}
        assert not types & _UNSAFE_TOKENS, body
        # GFM links bare URLs and e-mail addresses in any text; inside code spans nothing is.
        prose = _CODE_SPAN.sub("", body).replace("\\", "")
        assert not re.search(r"(?i)\b(https?:|www\.)|\w@\w", prose), body


def unlock_coach(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MOCKPANEL_COACH_PASSCODE", PASSCODE)
    at.run()
    at.switch_page("coach_page.py").run()
    at.text_input(key="coach_passcode").set_value(PASSCODE)
    at.button(key="coach_login_submit").click().run()
    assert not at.exception
    return at


def open_in_queue(at: AppTest, thread_id: str) -> AppTest:
    at.radio(key="coach_view").set_value("Review queue").run()
    at.selectbox(key="pick_queue").set_value(thread_id).run()
    assert not at.exception
    return at


def save_review(
    at: AppTest,
    thread_id: str,
    decision: str,
    note: str,
    strong: list[str] | None = None,
    weak: list[str] | None = None,
) -> AppTest:
    at.radio(key=f"rv_decision_{thread_id}").set_value(decision)
    if strong is not None or weak is not None:
        # As in the browser: a stage is freed from one list before it is offered in the other.
        at.multiselect(key=f"rv_strong_{thread_id}").set_value([]).run()
        at.multiselect(key=f"rv_weak_{thread_id}").set_value([]).run()
        at.multiselect(key=f"rv_strong_{thread_id}").set_value(strong or []).run()
        at.multiselect(key=f"rv_weak_{thread_id}").set_value(weak or []).run()
    at.text_area(key=f"rv_note_{thread_id}").set_value(note)
    at.button(key=f"rv_save_{thread_id}").click().run()
    assert not at.exception
    return at


# --- candidate page -----------------------------------------------------------------------


def test_full_offline_interview_to_debrief() -> None:
    at = new_app().run()
    assert not at.exception
    question = bank_question("support-bot-deflection")
    at.selectbox(key="bank_question").set_value(question).run()
    at.slider(key="rounds").set_value(1).run()
    at.chat_input(key="answer_input").set_value(STRONG).run()
    assert not at.exception and not at.error

    thread_id = at.query_params["thread"]
    panel = {p.name: speaker(p.id).avatar for p in load_panel().panelists}
    assert all(a.startswith(":material/") for a in panel.values()), "icons need no emoji font"
    speakers = [(m.name, m.avatar) for m in at.chat_message]
    assert speakers[0][0] == "user"
    asked = [(name, avatar) for name, avatar in speakers[1:]]
    assert asked and all(panel[name] == avatar for name, avatar in asked)
    assert any("Round 1 of 1" in p.proto.text for p in at.get("progress"))

    at.chat_input(key="reply").set_value("We would audit a 5% sample each week.").run()
    assert not at.exception and not at.error
    assert [s.value for s in at.subheader] == ["Debrief"]
    labels = {m.label for m in at.metric}
    assert {"Decision", "Confidence", "Red flags"} <= labels
    # Developer details stay behind the toggle on the candidate's page.
    assert "Brain" not in labels and not any("Usage" in e.label for e in at.expander)
    at.toggle(key="debrief_details").set_value(True).run()
    assert any("Usage" in e.label for e in at.expander)
    assert at.get("vega_lite_chart"), "the stage-score chart is missing"
    assert {b.proto.label for b in at.get("download_button")} == {
        "Download Markdown",
        "Download JSON",
    }

    saved = get_services().store.load(thread_id)
    assert saved is not None and saved.status == "done" and saved.debrief is not None
    decision = next(m.value for m in at.metric if m.label == "Decision")
    assert decision == {"hire": "Hire", "no_hire": "No hire"}[saved.debrief.decision]
    cited = [e.label for e in at.expander if e.label.startswith("t")]
    assert cited, "reasons should cite the candidate's turns"


def test_reload_resumes_mid_interview() -> None:
    at = new_app().run()
    at.selectbox(key="bank_question").set_value(bank_question()).run()  # what WEAK is about
    at.chat_input(key="answer_input").set_value(WEAK).run()
    thread_id = at.query_params["thread"]
    before = [m.name for m in at.chat_message]

    reloaded = new_app()
    reloaded.query_params["thread"] = thread_id
    reloaded.query_params["me"] = at.session_state["candidate_key"]  # as the cookie would
    reloaded.run()
    assert not reloaded.exception
    assert [m.name for m in reloaded.chat_message] == before
    assert any("Round 1 of 2" in p.proto.text for p in reloaded.get("progress"))
    reloaded.chat_input(key="reply").set_value("We would label 2,000 tickets first.").run()
    assert any("Round 2 of 2" in p.proto.text for p in reloaded.get("progress"))
    reloaded.button(key="finish").click().run()
    assert not reloaded.exception
    assert [s.value for s in reloaded.subheader] == ["Debrief"]


def test_a_link_to_an_unknown_session_shows_nothing_else() -> None:
    start_session(STRONG)
    at = new_app()
    at.query_params["thread"] = "0" * 32
    at.run()
    assert "No interview matches this link" in at.error[0].value
    assert not at.chat_message and not at.selectbox
    at = new_app()
    at.query_params["thread"] = "../../etc/passwd"
    at.run()
    assert "No interview matches this link" in at.error[0].value


def test_own_question_and_rejected_input() -> None:
    at = new_app().run()
    at.radio(key="question_source").set_value("own").run()
    at.text_area(key="custom_prompt").set_value("too short").run()
    assert "at least 20 characters" in at.error[0].value
    at.text_area(key="custom_prompt").set_value(
        "Design a system that drafts replies to tenant maintenance requests for landlords."
    ).run()
    at.chat_input(key="answer_input").set_value("   \n  ").run()
    assert "the answer is empty" in at.error[0].value
    assert "thread" not in at.query_params
    at.chat_input(key="answer_input").set_value(WEAK).run()
    assert not at.exception and not at.error
    view = get_services().store.load(at.query_params["thread"])
    assert view is not None and view.question.id.startswith("custom-")


def test_hostile_candidate_text_is_rendered_inert(monkeypatch: pytest.MonkeyPatch) -> None:
    at = new_app().run()
    at.chat_input(key="answer_input").set_value(HOSTILE).run()
    assert "Your answer is" in at.warning[0].value  # a short answer: the nudge, text kept
    at.button(key="nudge_send").click().run()
    at.chat_input(key="reply").set_value(HOSTILE).run()
    at.button(key="finish").click().run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Debrief"]
    assert_inert(at)
    shown = [unescape(body) for body, _ in texts_rendered_as_markdown(at)]
    for piece in HOSTILE_PIECES:
        assert any(piece in text for text in shown), f"{piece!r} should be shown as text"

    thread_id = at.query_params["thread"]
    coach = unlock_coach(new_app(), monkeypatch)
    coach.radio(key="coach_view").set_value("All sessions").run()
    coach.selectbox(key="pick_all").set_value(thread_id).run()
    assert not coach.exception
    assert_inert(coach)


# --- coach page ---------------------------------------------------------------------------


def test_coach_page_unset_passcode_says_how_to_enable() -> None:
    at = new_app().run()
    at.switch_page("coach_page.py").run()
    assert "MOCKPANEL_COACH_PASSCODE" in at.info[0].value
    assert not at.text_input and not at.selectbox and not at.radio


def test_coach_page_wrong_then_right_passcode(monkeypatch: pytest.MonkeyPatch) -> None:
    start_session(STRONG)
    monkeypatch.setenv("MOCKPANEL_COACH_PASSCODE", PASSCODE)
    at = new_app().run()
    at.switch_page("coach_page.py").run()
    at.text_input(key="coach_passcode").set_value("not-the-passcode")
    at.button(key="coach_login_submit").click().run()
    assert at.error[0].value == "Wrong passcode."
    assert not at.radio and not at.selectbox

    at.text_input(key="coach_passcode").set_value(PASSCODE)
    at.button(key="coach_login_submit").click().run()
    assert not at.error
    assert at.radio(key="coach_view").value == "Review queue"
    assert at.selectbox(key="pick_queue").options

    monkeypatch.setenv("MOCKPANEL_COACH_PASSCODE", "a-new-passcode")
    at.run()
    assert at.text_input(key="coach_passcode") is not None and not at.radio


def test_override_is_persisted_and_counted_in_agreement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = start_session(STRONG)
    second = start_session(WEAK, question_id="medical-coding-assistant")
    assert first.debrief is not None and second.debrief is not None
    flipped = "no_hire" if first.debrief.decision == "hire" else "hire"
    at = unlock_coach(new_app(), monkeypatch)
    open_in_queue(at, first.thread_id)
    save_review(
        at,
        first.thread_id,
        flipped,
        "The panel missed that the audit plan has no sample size.",
        strong=["objective", "data_strategy", "evaluation"],
        weak=["scaling"],
    )
    store = get_services().store
    reviews = store.reviews(first.thread_id)
    assert [(r.decision, r.original_decision) for r in reviews] == [
        (flipped, first.debrief.decision)
    ]
    assert reviews[0].note.startswith("The panel missed")
    kept = store.load(first.thread_id)
    assert kept is not None and kept.debrief is not None
    assert kept.debrief.decision == first.debrief.decision
    assert [r.thread_id for r in store.review_queue()] == [second.thread_id]

    open_in_queue(at, second.thread_id)
    save_review(at, second.thread_id, second.debrief.decision, "Agree with the panel here.")
    at.radio(key="coach_view").set_value("Agreement").run()
    metrics = {m.label: m.value for m in at.metric}
    expected = agreement(
        [(first.debrief.decision, flipped), (second.debrief.decision, second.debrief.decision)],
        DECISIONS,
    )
    assert metrics["Reviewed sessions"] == "2"
    assert metrics["Agreement"] == "50%"
    kappa = "n/a" if expected.kappa is None else f"{expected.kappa:.2f}"
    assert metrics["Cohen's kappa"] == kappa
    by_stage = at.dataframe[-1].value
    assert by_stage["stage"].iloc[0] == "Objective and ground truth"
    assert int(by_stage["compared"].sum()) >= 4


def test_add_to_gold_set_writes_a_valid_eval_case(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gold = tmp_path / "gold"
    monkeypatch.setenv("MOCKPANEL_GOLD_DIR", str(gold))
    view = start_session(WEAK, max_rounds=1)
    view = run(get_services().panel.reply(view.thread_id, "We would label a sample by hand."))
    assert view.status == "done" and view.debrief is not None
    at = unlock_coach(new_app(), monkeypatch)
    open_in_queue(at, view.thread_id)
    assert any("Save a review first" in c.value for c in at.caption)
    save_review(
        at,
        view.thread_id,
        "no_hire",
        "No audit plan and no numbers anywhere.",
        strong=[],
        weak=["data_strategy", "scaling"],
    )
    at.radio(key="coach_view").set_value("All sessions").run()
    at.selectbox(key="pick_all").set_value(view.thread_id).run()
    at.selectbox(key=f"gold_kind_{view.thread_id}").set_value("weak")
    at.selectbox(key=f"gold_split_{view.thread_id}").set_value("dev")
    at.button(key=f"gold_add_{view.thread_id}").click().run()
    assert not at.exception and not at.error
    assert "Added as eval case" in at.success[0].value

    cases = load_cases(gold)
    assert len(cases) == 1
    case = cases[0]
    assert case.gold_decision == "no_hire" and case.kind == "weak" and case.split == "dev"
    assert case.question_id == view.question.id
    assert case.answer == view.transcript[0].text
    assert case.gold_weak_stages == ["data_strategy", "scaling"]
    assert "We would label a sample by hand." in case.replies.values()


def _shown_count(at: AppTest) -> int:
    caption = next(c.value for c in at.caption if c.value.endswith("session(s)"))
    return int(caption.split(" of ")[0])


def test_session_filters(monkeypatch: pytest.MonkeyPatch) -> None:
    a = start_session(STRONG)
    b = start_session(WEAK, question_id="medical-coding-assistant")
    assert a.debrief is not None and b.debrief is not None
    at = unlock_coach(new_app(), monkeypatch)
    at.radio(key="coach_view").set_value("All sessions").run()
    assert _shown_count(at) == 2 and len(at.selectbox(key="pick_all").options) == 2
    at.selectbox(key="f_question").set_value("medical-coding-assistant").run()
    assert _shown_count(at) == 1
    at.selectbox(key="f_question").set_value("any").run()
    at.selectbox(key="f_decision").set_value(a.debrief.decision).run()
    assert _shown_count(at) == sum(
        1 for v in (a, b) if v.debrief and v.debrief.decision == a.debrief.decision
    )
    at.selectbox(key="f_decision").set_value("any").run()
    at.slider(key="f_confidence").set_value((0.0, 0.05)).run()
    assert _shown_count(at) == sum(1 for v in (a, b) if v.debrief and v.debrief.confidence <= 0.05)
    at.slider(key="f_confidence").set_value((0.0, 1.0)).run()
    needs = sum(1 for v in (a, b) if v.debrief and v.debrief.needs_review)
    at.selectbox(key="f_review").set_value("yes").run()
    assert _shown_count(at) == needs


def test_unavailable_brain_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKPANEL_BRAIN", "claude")
    at = new_app().run()
    at.chat_input(key="answer_input").set_value(WEAK).run()
    assert not at.exception
    assert len(at.error) == 1 and "ANTHROPIC_API_KEY is not set" in unescape(at.error[0].value)
    assert "\n" not in at.error[0].value
    assert at.status[0].label == "Something went wrong"
    # Nothing typed is lost: the answer is there to copy, and can be tried again.
    assert any(WEAK.strip() in c.value for c in at.code)
    assert at.button(key="retry_start") is not None
