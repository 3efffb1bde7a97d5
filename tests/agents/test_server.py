"""LangGraph's own server runs the graph: `langgraph dev` on 127.0.0.1, without
--allow-blocking, driven through its API with langgraph-sdk from the opening answer to the
debrief."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from knowledge.loader import load_questions

ROOT = Path(__file__).resolve().parents[2]
LANGGRAPH = Path(sys.executable).with_name("langgraph")
STARTUP_S = 90.0
OPENING = (
    "A resolved ticket is one the customer does not reopen within 7 days; we keep a gold set of "
    "500 such tickets labelled by two senior agents, and route low-confidence answers to a human."
)
REPLY = "Experts re-check a random 5% sample each week; drift on the gold set triggers retraining."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"langgraph dev exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/ok", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"langgraph dev not ready after {STARTUP_S:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def dev_server(index_home: Path, tmp_path: Path) -> Iterator[str]:
    """`langgraph dev` over a copy of the project's langgraph.json, stopped when the test ends.

    The server runs in a scratch dir (its in-memory state is written there, not into the
    checkout), finds the package through the project path, and the index through
    MOCKPANEL_HOME (built once per test session, as `mockpanel ingest` builds it)."""
    if not LANGGRAPH.exists():
        pytest.skip("langgraph-cli[inmem] is not installed (pip install -e '.[dev]')")
    workdir = tmp_path / "server"
    workdir.mkdir()
    shutil.copy(ROOT / "langgraph.json", workdir / "langgraph.json")
    config = (workdir / "langgraph.json").read_text()
    (workdir / "langgraph.json").write_text(
        config.replace('"./agents/', f'"{ROOT}/agents/').replace('"."', f'"{ROOT}"')
    )
    port = _free_port()
    env = {
        **os.environ,
        "MOCKPANEL_HOME": str(index_home),
        "MOCKPANEL_BRAIN": "offline",
        "PYTHONPATH": str(ROOT),
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    }
    for name in ("MOCKPANEL_CHROMA_URL", "MOCKPANEL_DATABASE_URL", "ANTHROPIC_API_KEY"):
        env.pop(name, None)
    log = tmp_path / "langgraph-dev.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(LANGGRAPH), "dev", "--no-browser", "--no-reload",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    text = log.read_text(errors="replace")
    assert "BlockingError" not in text, text[-3000:]


async def test_one_thread_through_langgraph_dev(dev_server: str) -> None:
    client = get_client(url=dev_server)
    question = load_questions().get("support-bot-deflection").model_dump(mode="json")
    thread = await client.threads.create()
    first: Any = await client.runs.wait(
        thread["thread_id"],
        "mockpanel",
        input={"question": question, "answer": OPENING, "max_rounds": 1},
    )
    (waiting,) = first["__interrupt__"]
    probes = waiting["value"]["probes"]
    assert 1 <= len(probes) <= 3
    assert all(p["text"] and p["panelist"] for p in probes)

    done: Any = await client.runs.wait(
        thread["thread_id"], "mockpanel", command={"resume": {"reply": REPLY}}
    )
    debrief = done["debrief"]
    assert debrief["decision"] in {"hire", "no_hire"}
    assert debrief["brain"] == "offline"
    assert [t["speaker"] for t in debrief["transcript"]][-1] == "candidate"
    assert debrief["transcript"][-1]["text"] == REPLY
    assert debrief["usage"]["calls"][-1]["step"] == "debrief"
    state = await client.threads.get_state(thread["thread_id"])
    assert state["next"] == [] and state["values"]["phase"] == "done"
