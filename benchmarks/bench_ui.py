"""Candidate waiting times in real Chromium against the app server (offline brain).

A fresh server: its first interview's opening answer is sent as soon as the page has loaded
("cold": the model may still be loading in the start-up warm-up), then WARM_RUNS more interviews.
A second fresh server gets its first answer READING_S after start-up, as a candidate who reads
the question and writes an answer would ("cold_read"). Each interview times, from the key press
to the page showing it: the opening answer → round 1, a reply → round 2, the last reply → the
debrief. Prints medians and writes benchmarks/results/ui.json.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from knowledge.settings import Settings
from tests.ui.test_browser import (
    CHAT_BOX,
    CHROMIUM,
    CHROMIUM_ARGS,
    HOSTILE_REPLY,
    OPENING_ANSWER,
    start_server,
    stop_server,
)

WARM_RUNS = 3
READING_S = 30.0
TIMEOUT_MS = 180_000
RESULTS = Path(__file__).parent / "results" / "ui.json"
LAST_REPLY = (
    "Each suggested code costs about a cent to generate and a coder's review costs two dollars, "
    "so the small model must handle most charts; we watch precision weekly and retrain when it "
    "drops below 95% on the gold set."
)


def _send(page: Any, text: str) -> float:
    box = page.locator(CHAT_BOX)
    box.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        f"() => !document.querySelector('{CHAT_BOX}').disabled", timeout=TIMEOUT_MS
    )
    box.fill(text)
    began = time.monotonic()
    box.press("Enter")
    return began


def _interview(page: Any, url: str) -> dict[str, float]:
    """One interview of two rounds; seconds from each key press to what it waits for."""
    page.goto(url)
    page.get_by_text("Mock panel interview").wait_for(timeout=TIMEOUT_MS)
    began = _send(page, OPENING_ANSWER)
    page.get_by_text("Round 1 of 2").wait_for(timeout=TIMEOUT_MS)
    first = time.monotonic() - began
    began = _send(page, HOSTILE_REPLY)
    page.get_by_text("Round 2 of 2").wait_for(timeout=TIMEOUT_MS)
    next_round = time.monotonic() - began
    began = _send(page, LAST_REPLY)
    page.get_by_role("heading", name="Debrief").wait_for(timeout=TIMEOUT_MS)
    debrief = time.monotonic() - began
    return {"first_answer_s": first, "reply_to_next_round_s": next_round,
            "last_reply_to_debrief_s": debrief}


def _runs(
    browser: Any, home: Path, workdir: Path, count: int, wait_s: float
) -> tuple[list[dict[str, float]], float]:
    """`count` interviews on a fresh server, the first one `wait_s` after it started."""
    workdir.mkdir(parents=True)
    started = time.monotonic()
    url, server = start_server(home, workdir)
    ready = time.monotonic() - started
    try:
        time.sleep(max(0.0, wait_s - (time.monotonic() - started)))
        runs = []
        for _ in range(count):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            runs.append(_interview(context.new_page(), url))
            context.close()
    finally:
        stop_server(server)
    return runs, ready


def main() -> None:
    """Run the cold interview and WARM_RUNS warm ones; print and save the figures."""
    from playwright.sync_api import sync_playwright

    from knowledge.index import ingest

    with tempfile.TemporaryDirectory(prefix="mockpanel-bench-ui-") as tmp:
        home = Path(tmp) / "home"
        ingest(Settings(home=home))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                runs, server_ready = _runs(browser, home, Path(tmp) / "a", 1 + WARM_RUNS, 0.0)
                read, _ = _runs(browser, home, Path(tmp) / "b", 1, READING_S)
            finally:
                browser.close()
    cold, warm = runs[0], runs[1:]
    summary: dict[str, Any] = {
        "server_ready_s": round(server_ready, 2),
        "cold": {k: round(v, 2) for k, v in cold.items()},
        f"cold_read_{READING_S:.0f}s": {k: round(v, 2) for k, v in read[0].items()},
        "warm_median": {k: round(statistics.median(r[k] for r in warm), 2) for k in cold},
        "warm_runs": len(warm),
    }
    summary["first_answer_cold_over_warm"] = round(
        cold["first_answer_s"] / summary["warm_median"]["first_answer_s"], 2
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
