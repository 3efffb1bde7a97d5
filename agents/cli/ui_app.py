"""`mockpanel ui [--port N] [--host H]`: start the Streamlit app (execs `streamlit run`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import ui
from agents.errors import MockpanelError

APP = Path(ui.__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501
DEFAULT_HOST = "127.0.0.1"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 1-65535, not {port}")
    return port


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `ui` sub-command."""
    parser = subparsers.add_parser(
        "ui",
        help="start the Streamlit app (candidate chat and coach review)",
        description="Start the Streamlit app: the candidate page at /, the coach page at /coach "
        "(set MOCKPANEL_COACH_PASSCODE to enable it).",
    )
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help="port (default 8501)")
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to listen on (default 127.0.0.1)"
    )
    parser.set_defaults(func=run_ui)


def streamlit_command(port: int, host: str) -> list[str]:
    """The command line of the app: `python -m ui.serve` is `streamlit run ui/app.py` that loads
    the model and index at start-up."""
    return [
        sys.executable,
        "-m",
        "ui.serve",
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def streamlit_env() -> dict[str, str]:
    """The environment for the app: the package's parent on PYTHONPATH, data dir made absolute."""
    env = dict(os.environ)
    package_root = str(APP.parent.parent)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if package_root not in paths:
        env["PYTHONPATH"] = os.pathsep.join([package_root, *paths])
    home = env.get("MOCKPANEL_HOME", "").strip()
    if home:
        env["MOCKPANEL_HOME"] = str(Path(home).expanduser().resolve())
    return env


def run_ui(args: argparse.Namespace) -> int:
    """Replace this process with `streamlit run ui/app.py`."""
    from ui.coach_auth import check_passcode_strength, configured_passcode

    if not APP.is_file():
        raise MockpanelError(f"the app is missing: {APP}")
    check_passcode_strength(configured_passcode())  # too short: refuse to start, in one line
    command = streamlit_command(args.port, args.host)
    print(f"mockpanel: starting the app at http://{args.host}:{args.port}", file=sys.stderr)
    try:
        os.execve(sys.executable, command, streamlit_env())
    except OSError as exc:
        raise MockpanelError(f"cannot start streamlit: {exc.strerror or exc}") from exc
    return 0  # pragma: no cover - execve does not return
