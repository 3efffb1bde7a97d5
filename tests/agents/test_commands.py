"""The CLI contract: bad input gives one stderr line and exit 2; good input one JSON object."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from agents.cli import main
from agents.cli.questions import resolve_question
from agents.cli.replies import Script, load_script
from agents.state import Probe

STRONG = "We define a resolved ticket and keep a gold set of 500 tickets for every release."


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err.strip().splitlines()


@pytest.fixture
def answer(tmp_path: Path) -> Path:
    path = tmp_path / "answer.txt"
    path.write_text(STRONG, encoding="utf-8")
    return path


def bad_file(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"  \n\t \r\n", "empty"),
        (b"word " * 20_001, "20,001 words"),
        (b"%PDF-1.7\x00\x00\x01binary", "binary"),
        (b"r\xe9sum\xe9 of my answer", "not UTF-8"),
        (b"text with a bell \x07 in it", "control character"),
    ],
)
def test_bad_answer_files(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    code, out, err = run_cli(
        capsys, "debrief", "--question-id", "support-bot-deflection",
        "--answer-file", bad_file(tmp_path, content), "--json",
    )
    assert code == 2
    assert out == ""
    assert len(err) == 1 and expected in err[0]
    assert err[0].startswith("mockpanel: error: ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--question-id", "support-bot-deflection", "--answer-file", "MISSING"], "not found"),
        (["--question-id", "no-such-question", "--answer-file", "ANSWER"],
         "unknown question id 'no-such-question'"),
        (["--question", "Design a support bot for a bank.", "--question-id",
          "support-bot-deflection", "--answer-file", "ANSWER"], "not both"),
        (["--answer-file", "ANSWER"], "give --question TEXT or --question-id ID"),
        (["--question-id", "support-bot-deflection"], "--answer-file is required"),
        (["--question", "Design it", "--answer-file", "ANSWER"], "at least 20 characters"),
        (["--question-id", "support-bot-deflection", "--answer-file", "ANSWER",
          "--brain", "psychic"], "unknown brain 'psychic'"),
        (["--question-id", "support-bot-deflection", "--answer-file", "TMPDIR"],
         "is a directory"),
    ],
)
def test_bad_arguments(
    home: Path,
    tmp_path: Path,
    answer: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    args = [
        {"ANSWER": str(answer), "MISSING": str(tmp_path / "nope.txt"),
         "TMPDIR": str(tmp_path)}.get(a, a)
        for a in args
    ]
    code, out, err = run_cli(capsys, "debrief", *args, "--json")
    assert (code, out) == (2, "")
    assert len(err) == 1 and expected in err[0], err


def test_missing_index_says_to_ingest(
    home: Path, answer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        capsys, "debrief", "--question-id", "support-bot-deflection",
        "--answer-file", str(answer), "--json",
    )
    assert (code, out) == (2, "")
    assert len(err) == 1 and "mockpanel ingest" in err[0]


def test_claude_without_key_is_one_line(
    indexed_home: Path, answer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        capsys, "debrief", "--question-id", "support-bot-deflection",
        "--answer-file", str(answer), "--brain", "claude", "--json",
    )
    assert (code, out) == (2, "")
    assert len(err) == 1 and "ANTHROPIC_API_KEY" in err[0]


@pytest.mark.parametrize(
    ("args", "script", "stdin", "expected"),
    [
        (["--rounds", "many"], None, "", "--rounds must be a whole number"),
        (["--rounds", "9"], None, "", "between 0 and 5"),
        ([], "- a\n  b: [", "", "malformed YAML"),
        ([], "[]", "", "list of replies is empty"),
        ([], "objective: fine\nvibes: great\n", "", "unknown key 'vibes'"),
        ([], "42\n", "", "expected a list of replies"),
        ([], "- ''\n", "", "reply 1: the answer is empty"),
        (["--question-id", "nope"], None, "", "unknown question id 'nope'"),
    ],
)
def test_interview_bad_input(
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    script: str | None,
    stdin: str,
    expected: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    if script is not None:
        path = tmp_path / "script.yaml"
        path.write_text(script, encoding="utf-8")
        args = [*args, "--script", str(path)]
    code, out, err = run_cli(capsys, "interview", *args, "--json")
    assert (code, out) == (2, "")
    assert err[-1].startswith("mockpanel: error: ") and expected in err[-1], err
    assert [line for line in err if line.startswith("mockpanel: error")] == [err[-1]]


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [("", "no answer given on stdin"), (".\n", "the answer is empty"),
     ("/done\n", "no answer given on stdin")],
)
def test_interview_without_an_answer_on_stdin(
    indexed_home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str,
    expected: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code, out, err = run_cli(capsys, "interview", "--json")
    assert (code, out) == (2, "")
    assert [line for line in err if line.startswith("mockpanel: error")] == [err[-1]]
    assert expected in err[-1]


def test_free_text_question_is_ad_hoc_and_stresses_every_stage() -> None:
    q = resolve_question("  Design a   fraud-review assistant for a bank.  ", None, required=True)
    assert q.id == "custom"
    assert q.prompt == "Design a fraud-review assistant for a bank."
    assert len(q.stresses) == 5


def _probe(stage: str) -> Probe:
    return Probe(panelist="interviewer", stage=stage, gap=f"{stage}-gap",
                 gap_kind="missing_signal", severity=1.0, text="?")


def test_script_by_stage_uses_each_reply_once(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("answer: opening words here\nobjective: O\nscaling: S\ndefault: D\n")
    script = load_script(path)
    assert script.opening == "opening words here"
    assert script.reply_to([_probe("scaling"), _probe("objective")]) == "S\n\nO"
    assert script.reply_to([_probe("objective")]) == "D"
    assert script.reply_to([_probe("objective")]) is None


def test_script_list_runs_out() -> None:
    script = Script(replies=["one", "two"])
    assert [script.reply_to([]), script.reply_to([]), script.reply_to([])] == ["one", "two", None]


def test_example_script_loads() -> None:
    script = load_script(Path(__file__).resolve().parents[2] / "examples/interview_script.yaml")
    assert script.opening and script.default
    assert set(script.by_stage) == {
        "objective", "data_strategy", "model_integration", "evaluation", "scaling"}


def test_json_payload_omits_nulls_and_keeps_transcript_compact() -> None:
    from agents.cli.debrief_view import debrief_payload
    from agents.debrief import Citation, Debrief, Reason, StageScore
    from agents.transcript import Turn
    from knowledge.models import STAGE_IDS

    debrief = Debrief(
        decision="no_hire", strength="lean", confidence=0.4,
        stage_scores={s: StageScore(stage=s, score=1) for s in STAGE_IDS},
        reasons=[Reason(claim="c", citations=[Citation(turn="t1", quote="abc"),
                                              Citation(snippet="s1")])],
        transcript=[Turn(id="t1", speaker="candidate", text="abc def")],
        brain="offline",
    )
    data = json.loads(json.dumps(debrief_payload(debrief)))
    assert data["reasons"][0]["citations"] == [{"turn": "t1", "quote": "abc"}, {"snippet": "s1"}]
    assert data["transcript"] == [{"id": "t1", "speaker": "candidate", "text": "abc def"}]
    for key in ("decision", "strength", "confidence", "stage_scores", "red_flags", "reasons",
                "transcript", "brain", "usage", "votes", "advice", "fallbacks", "needs_review",
                "dropped_citations"):
        assert key in data


async def _started_session() -> str:
    from agents.session import PanelService
    from knowledge.loader import load_questions
    from knowledge.settings import Settings

    service = PanelService(Settings(), brain_name="offline")
    question = load_questions().get("support-bot-deflection")
    view = await service.start(question, STRONG, max_rounds=2)
    assert view.status == "awaiting_reply"
    return view.thread_id


def test_interview_resume_continues_a_session(
    indexed_home: Path,
    fake_brains: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    thread = asyncio.run(_started_session())
    script = tmp_path / "replies.yaml"
    script.write_text("- We audit a 10% sample every week.\n- Cost is two cents a ticket.\n")
    code, out, err = run_cli(capsys, "interview", "--resume", thread, "--script", str(script),
                             "--json")
    assert code == 0, err
    data = json.loads(out)
    candidate = [t["text"] for t in data["transcript"] if t["speaker"] == "candidate"]
    assert candidate == [STRONG, "We audit a 10% sample every week.",
                         "Cost is two cents a ticket."]

    code, out, err = run_cli(capsys, "interview", "--resume", thread, "--json")
    assert code == 0  # a finished session just shows its debrief again
    assert json.loads(out)["transcript"] == data["transcript"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--resume", "no-such-session"], "no session with id no-such-session"),
        (["--resume", "x", "--question-id", "support-bot-deflection"], "--resume continues"),
    ],
)
def test_interview_resume_bad_input(
    indexed_home: Path,
    fake_brains: None,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    code, out, err = run_cli(capsys, "interview", *args, "--json")
    assert (code, out) == (2, "")
    assert len(err) == 1 and expected in err[0], err


def test_rendering_never_interprets_candidate_text_as_markup() -> None:
    from rich.console import Console

    from agents.cli.debrief_view import render_debrief
    from agents.debrief import Citation, Debrief, Reason, StageScore
    from agents.transcript import Turn
    from knowledge.loader import load_panel
    from knowledge.models import STAGE_IDS

    text = "[bold green]HIRE[/bold green] me [link=http://x]now[/link]"
    debrief = Debrief(
        decision="no_hire", strength="lean", confidence=0.3,
        stage_scores={s: StageScore(stage=s, score=1, summary="[red]x[/red]") for s in STAGE_IDS},
        reasons=[Reason(claim="Quoted.", citations=[Citation(turn="t1", quote=text)])],
        transcript=[Turn(id="t1", speaker="candidate", text=text)],
        brain="offline",
    )
    console = Console(record=True, width=200)
    render_debrief(console, debrief, load_panel())
    shown = console.export_text()
    assert text in shown and "[red]x[/red]" in shown
    assert "NO HIRE" in shown
