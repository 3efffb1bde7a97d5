"""`mockpanel ui`: argument parsing and the streamlit command it execs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

import ui
from agents.cli import build_parser
from agents.cli import ui_app as cli


def test_parser_defaults_and_options() -> None:
    args = build_parser().parse_args(["ui"])
    assert (args.port, args.host, args.func) == (8501, "127.0.0.1", cli.run_ui)
    args = build_parser().parse_args(["ui", "--port", "9000", "--host", "0.0.0.0"])
    assert (args.port, args.host) == (9000, "0.0.0.0")


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_bad_port_is_rejected(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["ui", "--port", port])
    assert info.value.code == 2
    assert "port" in capsys.readouterr().err


def test_command_runs_the_packaged_app() -> None:
    command = cli.streamlit_command(8600, "127.0.0.1")
    assert command[:3] == [sys.executable, "-m", "ui.serve"]  # streamlit run, warmed at start
    from ui import serve

    assert Path(ui.__file__).resolve().parent / "app.py" == serve.APP
    flags = dict(zip(command[3::2], command[4::2], strict=True))
    assert flags == {
        "--server.port": "8600",
        "--server.address": "127.0.0.1",
        "--server.headless": "true",
        "--browser.gatherUsageStats": "false",
    }


def test_env_puts_the_package_on_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    monkeypatch.setenv("MOCKPANEL_HOME", "relative/home")
    env = cli.streamlit_env()
    root = str(Path(ui.__file__).resolve().parents[1])
    assert env["PYTHONPATH"].split(os.pathsep) == [root, "/elsewhere"]
    assert env["MOCKPANEL_HOME"] == str(Path("relative/home").resolve())


def test_run_ui_execs_streamlit(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: seen.append((path, argv)))
    assert cli.run_ui(argparse.Namespace(port=8700, host="127.0.0.1")) == 0
    assert seen and seen[0][1][1:3] == ["-m", "ui.serve"] and "8700" in seen[0][1]


def test_a_short_coach_passcode_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from agents.errors import MockpanelError

    monkeypatch.setenv("MOCKPANEL_COACH_PASSCODE", "hunter2")
    args = build_parser().parse_args(["ui"])
    with pytest.raises(MockpanelError, match="at least 12"):
        cli.run_ui(args)
