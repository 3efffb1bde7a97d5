"""Bad input at the command line: bounded reads, UTF-8 only, no escapes; one line, exit 2."""

from __future__ import annotations

import io
import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from agents.answer_input import MAX_BYTES, AnswerError, clean_answer, read_answer_stream
from agents.cli import main
from agents.cli.replies import read_reply

QUESTION = "support-bot-deflection"
ANSWER = "We define a resolved ticket and keep a gold set of 500 tickets for every release."
# Address space for the child: enough for the CLI, far too little for a whole-input read.
MEMORY_CAP = 512 * 1024 * 1024
ISSUE_STDIN_BYTES = 300 * 1024 * 1024
NO_SESSION_ID = "--resume needs a session id (it is printed when an interview starts)"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, list[str]]:
    """Exit code, stdout, and mockpanel's own stderr lines (not the question box of --json)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line.startswith("mockpanel: ")]


def stdin_bytes(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli_process(*argv: str, stdin: int | None = None, home: Path) -> subprocess.Popen[bytes]:
    """`python -m agents.cli …` in a child whose address space is capped at MEMORY_CAP."""
    env = {**os.environ, "MOCKPANEL_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "agents.cli", *argv],
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=_cap_memory,
    )


def one_error_line(stderr: bytes) -> str:
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("mockpanel: error: ")
    return lines[0]


# --- sizes: read at most MAX_BYTES + 1 ---------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_dev_zero_fails_fast_in_small_memory(tmp_path: Path, via: str) -> None:
    if via == "file":
        proc = cli_process("debrief", "--question-id", QUESTION, "--answer-file", "/dev/zero",
                           home=tmp_path)
    else:
        with open("/dev/zero", "rb") as zero:
            proc = cli_process("debrief", "--question-id", QUESTION, "--answer-file", "-",
                               stdin=zero.fileno(), home=tmp_path)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (2, b"")
    assert f"larger than {MAX_BYTES:,} bytes" in one_error_line(err)


def test_300_mb_on_stdin_is_one_line_not_memory_error(tmp_path: Path) -> None:
    proc = cli_process("debrief", "--question-id", QUESTION, "--answer-file", "-",
                       stdin=subprocess.PIPE, home=tmp_path)
    assert proc.stdin is not None
    chunk = (b"word " * 200 + b"\n") * 1024  # ~1 MB of plain text
    written = 0
    try:
        while written < ISSUE_STDIN_BYTES:
            proc.stdin.write(chunk)
            written += len(chunk)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the CLI stopped reading: that is the point
    err = proc.stderr.read() if proc.stderr is not None else b""
    assert proc.wait(timeout=60) == 2
    assert "MemoryError" not in err.decode()
    assert "the answer on stdin is larger than" in one_error_line(err)
    assert written < ISSUE_STDIN_BYTES  # it did not wait for the whole 300 MB


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_as_script_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "interview", "--script", "/dev/zero", "--json")
    assert (code, out) == (2, "")
    assert err == [f"mockpanel: error: script /dev/zero: larger than {MAX_BYTES:,} bytes"]


def test_a_reply_without_end_is_cut_at_the_limit() -> None:
    from rich.console import Console

    stream = io.BytesIO(b"x" * (MAX_BYTES + 10))
    with pytest.raises(AnswerError, match="your reply on stdin is larger than"):
        read_reply(Console(file=io.StringIO()), stream, "Your reply")
    assert stream.tell() <= MAX_BYTES + 1


def test_stream_read_is_bounded() -> None:
    stream = io.BytesIO(b"a " * MAX_BYTES)
    with pytest.raises(AnswerError, match="larger than"):
        read_answer_stream(stream)
    assert stream.tell() == MAX_BYTES + 1


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "stdin", "error"),
    [
        (["--question-id", QUESTION], b"caf\xe9 and a gold set\n.\n",
         "your answer on stdin is not UTF-8 text (invalid byte at offset 3)"),
        (["--resume", ""], b"", NO_SESSION_ID),
        (["--resume", "   "], b"", NO_SESSION_ID),
    ],
)
def test_interview_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    indexed_home: Path,
    argv: list[str],
    stdin: bytes,
    error: str,
) -> None:
    stdin_bytes(monkeypatch, stdin)
    code, out, err = run_cli(capsys, "interview", *argv, "--json")
    assert (code, out) == (2, "")
    assert err == [f"mockpanel: error: {error}"]


def test_invalid_utf8_reply_ends_the_command_and_keeps_the_session(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    indexed_home: Path,
    fake_brains: None,
) -> None:
    stdin_bytes(monkeypatch, ANSWER.encode() + b"\n.\nWe audit \xff\xfe weekly.\n.\n")
    code, out, err = run_cli(capsys, "interview", "--question-id", QUESTION, "--json")
    assert (code, out) == (2, "")
    assert err[-1] == ("mockpanel: error: your reply on stdin is not UTF-8 text "
                       "(invalid byte at offset 9)")
    thread = re.search(r"session ([0-9a-f]{32})", err[0])
    assert thread is not None, err

    stdin_bytes(monkeypatch, b"We audit a sample weekly.\n.\n/done\n")
    code, out, err = run_cli(capsys, "interview", "--resume", thread.group(1), "--json")
    assert code == 0, err
    candidate = [t["text"] for t in json.loads(out)["transcript"] if t["speaker"] == "candidate"]
    assert candidate[:2] == [ANSWER, "We audit a sample weekly."]


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["knowledge", "search", "caf\udce9 labels"], "the text argument"),
        (["debrief", "--question", "Design a caf\udce9 support assistant", "--answer-file", "-"],
         "--question"),
        (["interview", "--resume", "ab\udcff"], "--resume"),
        (["debrief", "--question-id", "q\udcff", "--answer-file", "-"], "--question-id"),
    ],
)
def test_invalid_utf8_arguments_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], name: str
) -> None:
    # Python hands undecodable argv bytes over as lone surrogates (surrogateescape).
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == [f"mockpanel: error: {name} is not valid UTF-8 text"]


def test_invalid_utf8_query_in_a_real_process(tmp_path: Path) -> None:
    proc = cli_process("knowledge", "search", os.fsdecode(b"caf\xe9"), home=tmp_path)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (2, b"")
    assert "not valid UTF-8" in one_error_line(err)


# --- terminal escapes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("We \x1b[31mmeasure\x1b[0m deflection.", "We measure deflection."),
        ("\x1b]0;owned\x07A gold set of 500 tickets.", "A gold set of 500 tickets."),
        ("Cost\x1b[2J\x1b[H per ticket.", "Cost per ticket."),
        ("Link \x1b]8;;http://x\x1b\\here\x1b]8;;\x1b\\ ok", "Link here ok"),
        ("8-bit \x9b1mCSI", "8-bit CSI"),
        ("open \x1b]title never ends", "open title never ends"),
    ],
)
def test_escape_sequences_are_stripped(text: str, clean: str) -> None:
    assert clean_answer(text) == clean


def test_escapes_never_reach_the_transcript_or_the_screen(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, indexed_home: Path, fake_brains: None
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_bytes(b"\x1b[2J\x1b]0;hire me\x07" + ANSWER.encode() + b"\x1b[0m")
    code, out, err = run_cli(
        capsys, "debrief", "--question", "Design a \x1b[1msupport\x1b[0m assistant for a bank.",
        "--answer-file", str(answer), "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["transcript"][0]["text"] == ANSWER
    assert "\x1b" not in out

    code, out, err = run_cli(capsys, "debrief", "--question-id", QUESTION, "--answer-file",
                             str(tmp_path / "\x1b[31mmissing"))
    assert code == 2
    assert err == [f"mockpanel: error: answer file not found: {tmp_path}/\\x1b[31mmissing"]


def test_free_text_question_is_stored_without_escapes() -> None:
    from agents.cli.questions import resolve_question

    q = resolve_question("Design \x1b[5ma fraud-review\x1b[0m assistant.", None, required=True)
    assert q.prompt == "Design a fraud-review assistant."


# --- sessions --------------------------------------------------------------------------------


def test_session_id_is_printed_before_the_first_step(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    indexed_home: Path,
    fake_brains: None,
) -> None:
    from agents.errors import MockpanelError
    from agents.session import PanelService

    started: list[str] = []

    async def crash(self: PanelService, *args: object, thread_id: str, **kw: object) -> None:
        started.append(thread_id)
        raise MockpanelError("the panel crashed in its first step")

    monkeypatch.setattr(PanelService, "start", crash)
    stdin_bytes(monkeypatch, ANSWER.encode() + b"\n.\n")
    code, out, err = run_cli(capsys, "interview", "--question-id", QUESTION, "--json")
    assert (code, out) == (2, "")
    assert err == [
        f"mockpanel: session {started[0]} · if interrupted, continue with: "
        f"mockpanel interview --resume {started[0]}",
        "mockpanel: error: the panel crashed in its first step",
    ]


def test_model_output_cannot_command_the_terminal() -> None:
    """Probe, reason and vote text come from a brain (an API for Claude): shown, never obeyed."""
    from rich.console import Console

    from agents.cli.debrief_view import render_debrief, show_turns
    from agents.debrief import Debrief, PanelVote, Reason, StageScore
    from agents.transcript import Turn
    from knowledge.loader import load_panel
    from knowledge.models import STAGE_IDS

    hostile = "\x1b[2J\x1b]0;owned\x07Clear\x1b[8m hidden\x07 [bold]markup[/bold]"
    debrief = Debrief(
        decision="hire", strength="lean", confidence=0.5,
        stage_scores={s: StageScore(stage=s, score=2, summary=hostile) for s in STAGE_IDS},
        reasons=[Reason(claim=hostile)],
        votes=[PanelVote(panelist="interviewer", decision="hire", confidence=0.5,
                         rationale=hostile)],
        advice=[hostile],
        brain="claude",
    )
    probe = Turn(id="t2", speaker="interviewer", text=hostile, round=1, stage="objective",
                 gap="gold-set")
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=200)
    show_turns(console, load_panel(), [probe], 0)
    render_debrief(console, debrief, load_panel())
    shown = buffer.getvalue()
    for command in ("\x1b[2J", "\x1b]0;", "\x1b[8m", "\x07"):
        assert command not in shown
    assert "Clear hidden\\x07 [bold]markup[/bold]" in re.sub(r"\x1b\[[0-9;]*m", "", shown)

