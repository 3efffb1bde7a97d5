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
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(command[4]) == Path(ui.__file__).resolve().parent / "app.py"
    flags = dict(zip(command[5::2], command[6::2], strict=True))
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
    assert seen and seen[0][1][4].endswith("app.py") and "8700" in seen[0][1]
