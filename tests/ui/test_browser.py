"""A real browser against `streamlit run ui/app.py`: an interview to its debrief, then the coach.

Drives Debian's chromium (`/usr/bin/chromium`) headless through playwright. Screenshots go to
`test-output/browser/` at the repo root (gitignored). Without chromium the test is skipped on a
developer machine and fails under CI (`CI` set), where `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import APP, REPO

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = REPO / "test-output" / "browser"
PASSCODE = "coach-passcode-for-browser-test"
COACH_NOTE = "Browser test: the audit plan is sound, the panel was right."
STARTUP_TIMEOUT_S = 90
STEP_TIMEOUT_MS = 60_000

OPENING_ANSWER = (
    "First I would pin down what a correct code is: the code a certified coder would bill, and "
    "I would build a gold set of 400 charts labelled twice by senior coders, measuring precision "
    "per code against it. Coders review a 10% random sample of the model's suggestions so we can "
    "estimate the error rate of the rest, instead of checking every chart. Easy charts go to a "
    "small model and uncertain ones to a larger model, then to a coder, because a wrong claim "
    "costs us a denied payment of about $200."
)
HOSTILE_REPLY = (
    "We track edits coders make as implicit feedback and retrain when precision drops below 95%. "
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](http://evil) "
    "![x](http://evil/x.png)"
)


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = (
        f"chromium not found at {CHROMIUM}: install Debian's chromium "
        "(apt-get install chromium) to run the browser tests"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    tail = log.read_text()[-2000:]
    pytest.fail(f"streamlit did not answer within {STARTUP_TIMEOUT_S} s:\n{tail}")


@pytest.fixture
def app_url(ui_home: Path, tmp_path: Path) -> Iterator[str]:
    """`streamlit run ui/app.py` on a free port of 127.0.0.1, with the test's data dir."""
    _require_chromium()
    port = _free_port()
    env = dict(os.environ)
    env.update(
        MOCKPANEL_HOME=str(ui_home),
        MOCKPANEL_COACH_PASSCODE=PASSCODE,
        MOCKPANEL_GOLD_DIR=str(tmp_path / "gold"),
        PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    log = tmp_path / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def _shot(page: Any, name: str) -> Path:
    """Screenshot the whole app: Streamlit scrolls inside its main block, not the document, so
    the viewport is stretched to the content's height for the shot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stAppScrollToBottomContainer], [data-testid=stMainBlockContainer]')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 120, 16000)})
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stSkeleton]').length === 0",
        timeout=STEP_TIMEOUT_MS,
    )
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def _wait_idle(page: Any) -> None:
    """Wait until the script run finished (Streamlit's status widget stops saying Running)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=STEP_TIMEOUT_MS,
    )


def _send_chat(page: Any, text: str) -> None:
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.wait_for(timeout=STEP_TIMEOUT_MS)
    box.fill(text)
    box.press("Enter")


def test_interview_to_debrief_then_coach_page(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(STEP_TIMEOUT_MS)
        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        try:
            page.goto(app_url)
            expect(page.get_by_text("Mock panel interview")).to_be_visible()

            # Pick a question from the bank.
            page.locator('[data-testid="stSelectbox"]').first.click()
            page.get_by_role("option", name="Medical coding assistant for hospital billing").click()
            expect(page.get_by_text("certified coders spend less time")).to_be_visible()
            _wait_idle(page)
            _shot(page, "01-setup")

            # Opening answer → the panel's first round of probes.
            _send_chat(page, OPENING_ANSWER)
            expect(page.get_by_text("Round 1 of 2")).to_be_visible()
            _wait_idle(page)
            assert "thread=" in page.url
            messages = page.locator('[data-testid="stChatMessage"]')
            assert messages.count() >= 2
            _shot(page, "02-round-1")

            # Reply (with hostile markup) → round 2; then finish.
            _send_chat(page, HOSTILE_REPLY)
            expect(page.get_by_text("Round 2 of 2")).to_be_visible()
            _wait_idle(page)
            expect(page.get_by_text("<script>alert(1)</script>", exact=False)).to_be_visible()
            _shot(page, "03-round-2")
            page.get_by_role("button", name="Finish and get my debrief").click()
            expect(page.get_by_text("Debrief", exact=True)).to_be_visible()
            _wait_idle(page)
            expect(page.get_by_test_id("stMetricLabel").filter(has_text="Confidence")).to_be_visible()
            expect(page.get_by_text("Stage scores")).to_be_visible()
            _shot(page, "04-debrief")

            # The hostile text is inert: no link, no image, no script ran.
            assert page.locator('a[href^="http://evil"]').count() == 0
            assert page.locator('img[src="x"]').count() == 0
            assert page.locator('img[src^="http://evil"]').count() == 0
            assert dialogs == []

            # A citation opens the quoted turn with the quote highlighted.
            quote = page.locator('[data-testid="stExpander"] summary').filter(has_text="“").first
            quote.click()
            page.wait_for_timeout(400)
            _shot(page, "05-citation-open")

            # A reload resumes the session from the thread id in the URL.
            page.reload()
            expect(page.get_by_text("Debrief", exact=True)).to_be_visible()
            _wait_idle(page)

            # The coach page: passcode, review queue, the session beside its debrief.
            page.goto(f"{app_url}/coach")
            page.get_by_label("Coach passcode").fill(PASSCODE)
            page.get_by_role("button", name="Open the coach page").click()
            expect(page.get_by_text("least confident first")).to_be_visible()
            _wait_idle(page)
            _shot(page, "06-coach-queue")
            page.locator('[data-testid="stSelectbox"]').first.click()
            page.get_by_role("option").first.click()
            expect(page.get_by_text("Passages the debrief cites are highlighted.")).to_be_visible()
            _wait_idle(page)
            _shot(page, "07-coach-session")
            assert page.locator('a[href^="http://evil"]').count() == 0

            # Override the decision with a note, then read the agreement panel.
            page.get_by_label("Note (why)").fill(COACH_NOTE)
            page.get_by_role("button", name="Save review").click()
            expect(page.get_by_text(COACH_NOTE)).to_be_visible()
            _wait_idle(page)
            page.get_by_text("Agreement", exact=True).click()
            expect(page.get_by_text("Panel vs coach")).to_be_visible()
            _wait_idle(page)
            _shot(page, "08-coach-agreement")
            assert dialogs == []
        except BaseException:
            _shot(page, "failure")
            raise
        finally:
            browser.close()
