"""A real browser against `streamlit run ui/app.py`: an interview to its debrief, then the coach.

Drives Debian's chromium (`/usr/bin/chromium`) headless through playwright. Screenshots go to
`test-output/browser/` at the repo root (gitignored). Without chromium the test is skipped on a
developer machine and fails under CI (`CI` set), where `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import re
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

from tests.ui.conftest import _ISOLATED_ENV as ISOLATED_ENV
from tests.ui.conftest import REPO

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
CHAT_BOX = '[data-testid="stChatInputTextArea"]'
AXE = REPO / "tests" / "ui" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DIALOGS: list[str] = []
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
    "![x](http://evil/x.png) see www.evil.example or https://evil.example/a and eve@evil.example"
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


def start_server(home: Path, workdir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """`streamlit run ui/app.py` on a free port of 127.0.0.1, with this data dir."""
    _require_chromium()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_ENV}
    env.update(
        MOCKPANEL_HOME=str(home),
        MOCKPANEL_COACH_PASSCODE=PASSCODE,
        MOCKPANEL_GOLD_DIR=str(workdir / "gold"),
        PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    log = workdir / f"streamlit-{port}.log"
    command = [
        sys.executable, "-m", "ui.serve",  # `streamlit run ui/app.py`, warming up at start-up
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
    except BaseException:
        stop_server(server)
        raise
    return url, server


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Terminate the server (kill it if it does not stop)."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


def fresh_home(template: Path, into: Path) -> Path:
    """A data dir with a copy of the built index and the model files linked."""
    home = into / "home"
    home.mkdir(parents=True)
    shutil.copytree(template / "chroma", home / "chroma")
    (home / "models").symlink_to(template / "models", target_is_directory=True)
    return home


@pytest.fixture(scope="module")
def app_url(indexed_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One app server for the module's browser tests (each test drives its own browsers)."""
    workdir = tmp_path_factory.mktemp("browser")
    url, server = start_server(fresh_home(indexed_template, workdir), workdir)
    try:
        yield url
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium for the module."""
    from playwright.sync_api import expect, sync_playwright

    _require_chromium()
    expect.set_options(timeout=STEP_TIMEOUT_MS)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


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
    box = page.locator(CHAT_BOX)
    box.wait_for(timeout=STEP_TIMEOUT_MS)
    expect_enabled(box)
    box.fill(text)
    box.press("Enter")


def expect_enabled(locator: Any) -> None:
    from playwright.sync_api import expect

    expect(locator).to_be_enabled()


def new_page(browser: Any, width: int = 1400, context: Any = None) -> tuple[Any, Any]:
    """A page in a new browser context (its own cookies) unless one is given."""
    context = context or browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.on("dialog", lambda dialog: (DIALOGS.append(dialog.message), dialog.dismiss()))
    return context, page


def pick_question(page: Any, title: str) -> None:
    """Open the question picker and choose `title`. A rerun that lands between the click and
    the option (just after a reload, on a loaded machine) closes the list: open it again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _wait_idle(page)
    picker = page.locator('[data-testid="stSelectbox"]').first
    option = page.get_by_role("option", name=title)
    for _ in range(3):
        picker.click()
        try:
            option.wait_for(state="visible", timeout=STEP_TIMEOUT_MS // 4)
            break
        except PlaywrightTimeout:
            _wait_idle(page)
    option.click()


def start_interview(page: Any, url: str, answer: str = OPENING_ANSWER) -> str:
    """Open the app, pick the medical coding question, send the answer; the session's URL."""
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_text("Mock panel interview")).to_be_visible()
    _wait_idle(page)
    _send_chat(page, answer)
    expect(page.get_by_text("Round 1 of 2")).to_be_visible()
    _wait_idle(page)
    return str(page.url)


def finish_interview(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Finish and get my debrief").click()
    expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
    _wait_idle(page)


def candidate_turns(page: Any) -> int:
    return int(page.locator('[data-testid="stChatMessage"]').filter(has_text="You ·").count())


def test_candidate_loses_nothing_reload_double_send_and_debrief(
    app_url: str, browser: Any
) -> None:
    from playwright.sync_api import expect

    context, page = new_page(browser)
    try:
        page.goto(app_url)
        expect(page.get_by_text("Mock panel interview")).to_be_visible()
        pick_question(page, "Medical coding assistant for hospital billing")
        expect(page.get_by_text("certified coders spend less time")).to_be_visible()
        _wait_idle(page)
        assert "q=medical" not in page.url  # the first question is the default: no parameter
        pick_question(page, "Customer-support assistant")
        page.wait_for_url(re.compile(r"q=support-bot-deflection"))
        page.reload()  # setup choices survive a reload
        expect(page.get_by_text("answers customer-support tickets", exact=False)).to_be_visible()
        pick_question(page, "Medical coding assistant for hospital billing")
        page.wait_for_url(lambda url: "q=" not in url)
        _wait_idle(page)
        _shot(page, "01-setup")

        # The opening answer shows at once, the session is in the URL, the panel reports live.
        _send_chat(page, OPENING_ANSWER)
        expect(page.get_by_text("The panel is reading your answer")).to_be_visible()
        expect(page.get_by_text("opening answer · sent")).to_be_visible()
        assert "thread=" in page.url
        assert page.locator(CHAT_BOX).is_disabled()
        _shot(page, "02-first-step-live")
        page.reload()  # reload while the panel reads: the step carries on and is re-attached
        expect(page.get_by_text("Round 1 of 2")).to_be_visible()
        _wait_idle(page)
        assert candidate_turns(page) == 1
        _shot(page, "03-round-1")

        # Double send: the box is disabled the moment a reply is sent; only one reply counts.
        box = page.locator(CHAT_BOX)
        box.fill(HOSTILE_REPLY)
        box.press("Enter")
        assert box.is_disabled(), "the chat box must be disabled while the panel works"
        expect(page.get_by_text("Round 2 of 2")).to_be_visible()
        _wait_idle(page)
        assert candidate_turns(page) == 2
        expect(page.get_by_text("<script>alert(1)</script>", exact=False)).to_be_visible()
        _shot(page, "04-round-2")

        finish_interview(page)
        expect(page.get_by_test_id("stMetricLabel").filter(has_text="Confidence")).to_be_visible()
        expect(page.get_by_text("Stage scores", exact=True)).to_be_visible()
        assert page.get_by_test_id("stMetricLabel").filter(has_text="Brain").count() == 0
        expect(page.get_by_text("Details", exact=True)).to_be_visible()
        _shot(page, "05-debrief")

        # Candidate text is inert everywhere: no link, image or script from it.
        assert page.locator('a[href*="evil"]').count() == 0
        assert page.locator('img[src="x"], img[src*="evil"]').count() == 0
        assert DIALOGS == []

        page.reload()  # a finished session reloads to its debrief
        expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
        _wait_idle(page)
    except BaseException:
        _shot(page, "failure-candidate")
        raise
    finally:
        context.close()


def test_a_second_browser_with_the_link_is_read_only(app_url: str, browser: Any) -> None:
    from playwright.sync_api import expect

    owner_context, owner = new_page(browser)
    other_context, other = new_page(browser)
    try:
        link = start_interview(owner, app_url)
        other.goto(link)
        expect(other.get_by_text("This link shows the interview read-only")).to_be_visible()
        _wait_idle(other)
        assert other.locator(CHAT_BOX).count() == 0
        assert other.get_by_role("button", name="Finish and get my debrief").count() == 0
        assert candidate_turns(other) == 1  # the transcript itself is readable
        _shot(other, "06-read-only-link")
        # The owner, in a new tab of their browser (same cookie), still replies.
        tab = owner_context.new_page()
        tab.goto(link)
        expect(tab.locator(CHAT_BOX)).to_be_enabled()
        tab.close()
    except BaseException:
        _shot(other, "failure-read-only")
        raise
    finally:
        owner_context.close()
        other_context.close()


def test_coach_review_reaches_the_candidate(app_url: str, browser: Any) -> None:
    from playwright.sync_api import expect

    candidate_context, candidate = new_page(browser)
    coach_context, coach = new_page(browser)
    try:
        link = start_interview(candidate, app_url)
        finish_interview(candidate)
        thread_id = link.split("thread=")[1].split("&")[0]

        coach.goto(f"{app_url}/coach")
        coach.get_by_label("Coach passcode").fill(PASSCODE)
        coach.get_by_role("button", name="Open the coach page").click()
        expect(coach.get_by_text("least confident first")).to_be_visible()
        _wait_idle(coach)
        coach.get_by_label("Open a session").click()
        coach.get_by_role("option").filter(has_text=f"#{thread_id[:8]}").click()
        expect(coach.get_by_text("Passages the debrief cites are highlighted.")).to_be_visible()
        _wait_idle(coach)
        assert thread_id in coach.content() and "mockpanel_key" not in coach.content()

        # A draft survives a view switch.
        coach.locator("textarea[aria-label=\"Note (why)\"]").fill(COACH_NOTE)
        coach.get_by_label("Your name", exact=True).and_(coach.locator("input")).fill("Dana Coach")
        coach.get_by_label("Your name", exact=True).and_(coach.locator("input")).press("Tab")
        _wait_idle(coach)
        coach.get_by_text("Agreement", exact=True).click()
        expect(coach.get_by_text("Panel vs coach")).to_be_visible()
        _wait_idle(coach)
        coach.get_by_text("Review queue", exact=True).click()
        expect(coach.locator("textarea[aria-label=\"Note (why)\"]")).to_have_value(COACH_NOTE)
        _shot(coach, "07-coach-session")

        # Save: the session stays open with a confirmation and the gold-set step.
        coach.get_by_text("No hire", exact=True).last.click()
        _wait_idle(coach)
        coach.get_by_role("button", name="Save review").click()
        expect(coach.get_by_text("Review saved")).to_be_visible()
        expect(coach.get_by_role("button", name="Add to gold set")).to_be_visible()
        expect(coach.get_by_text(COACH_NOTE).first).to_be_visible()
        _wait_idle(coach)
        _shot(coach, "08-coach-saved")
        coach.get_by_text("Agreement", exact=True).click()
        expect(coach.get_by_text("n = 1")).to_be_visible()
        _wait_idle(coach)
        _shot(coach, "09-coach-agreement")

        # The candidate's page now shows the coach's decision and note beside the panel's.
        candidate.reload()
        expect(candidate.get_by_text(COACH_NOTE)).to_be_visible()
        expect(candidate.get_by_text("Reviewed by Dana Coach", exact=False)).to_be_visible()
        _wait_idle(candidate)
        _shot(candidate, "10-candidate-sees-coach")
        candidate.goto(f"{app_url}/history")
        expect(candidate.get_by_text("My interviews", exact=True).last).to_be_visible()
        expect(candidate.get_by_text("Scores by attempt", exact=False)).to_be_visible()
        _wait_idle(candidate)
        _shot(candidate, "11-my-interviews")
    except BaseException:
        _shot(coach, "failure-coach")
        _shot(candidate, "failure-coach-candidate")
        raise
    finally:
        candidate_context.close()
        coach_context.close()


def _no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMain] *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
        " && getComputedStyle(e).position !== 'fixed' && e.offsetParent !== null"
        " && !e.closest('[data-testid=stDataFrame] [data-testid=stDataFrameResizable] > *'))"
        ".slice(0, 5).map(e => (e.getAttribute('data-testid') || e.tagName) + ':' +"
        " Math.round(e.getBoundingClientRect().right) + ':' + e.className + ':' +"
        " (e.parentElement.getAttribute('data-testid') || '') + ':' + e.textContent.slice(0, 40))"
    )
    # A table scrolls inside its own frame (which must fit the screen); nothing else may overflow.
    assert overflow == [], f"wider than the screen at {page.viewport_size['width']} px: {overflow}"
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_390_px_layout_and_axe_core_on_both_pages(app_url: str, browser: Any) -> None:
    from playwright.sync_api import expect

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True)
    coach_context, coach = new_page(browser, width=390)
    _, page = new_page(browser, context=phone)
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        page.goto(app_url)
        expect(page.get_by_text("Mock panel interview")).to_be_visible()
        _wait_idle(page)
        results["candidate setup"] = axe_violations(page)
        _no_sideways_scroll(page)
        _shot(page, "m1-setup-390")
        start_interview(page, app_url)
        placeholder = page.locator(CHAT_BOX).get_attribute("placeholder") or ""
        box_width = page.locator(CHAT_BOX).bounding_box()["width"]
        assert len(placeholder) * 7 < box_width, "the reply placeholder is cut at 390 px"
        results["candidate round"] = axe_violations(page)
        finish_interview(page)
        _no_sideways_scroll(page)
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        results["candidate debrief"] = axe_violations(page)
        _shot(page, "m2-debrief-390")
        page.goto(f"{app_url}/history")
        expect(page.get_by_text("Stage scores over time")).to_be_visible()
        _wait_idle(page)
        page.get_by_text("Open these interviews in another browser").click()
        expect(page.get_by_text("/interview?me=")).to_be_visible()
        _no_sideways_scroll(page)
        results["my interviews"] = axe_violations(page)
        _shot(page, "m3-history-390")

        coach.goto(f"{app_url}/coach")
        expect(coach.get_by_label("Coach passcode")).to_be_visible()
        _wait_idle(coach)
        results["coach login"] = axe_violations(coach)
        coach.get_by_label("Coach passcode").fill(PASSCODE)
        coach.get_by_role("button", name="Open the coach page").click()
        expect(coach.get_by_text("least confident first")).to_be_visible()
        _wait_idle(coach)
        coach.get_by_label("Open a session").click()
        coach.get_by_role("option").first.click()
        expect(coach.get_by_text("Passages the debrief cites are highlighted.")).to_be_visible()
        _wait_idle(coach)
        _no_sideways_scroll(coach)
        results["coach session"] = axe_violations(coach)
        _shot(coach, "m4-coach-390")
    except BaseException:
        _shot(page, "failure-390")
        raise
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "axe-results.json").write_text(json.dumps(results, indent=2))
        phone.close()
        coach_context.close()
    serious = {
        where: [v for v in found if v["impact"] in ("serious", "critical")]
        for where, found in results.items()
    }
    assert all(not found for found in serious.values()), json.dumps(serious, indent=2)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (injected from npm's package) on the page; its violations, summarised."""
    if not AXE.exists():
        message = f"axe-core missing at {AXE}: run `make browser` (npm ci in tests/ui/axe)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Elements of a run in progress are drawn faded (data-stale): check the settled page only.
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=STEP_TIMEOUT_MS
    )
    page.wait_for_timeout(500)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                resultTypes: ['violations'],
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'best-practice']},
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }"""
    )
    return list(found)
