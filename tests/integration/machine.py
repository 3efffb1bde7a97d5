"""One app "machine" doing one thing to a session, in its own process, configured by the
environment (MOCKPANEL_HOME, MOCKPANEL_DATABASE_URL, MOCKPANEL_CHROMA_URL).

usage: python -m tests.integration.machine COMMAND THREAD [TEXT] [--expected TURN]
           [--brain fake|offline] [--delay S] [--rounds N] [--start-at EPOCH]
Prints the session as JSON; an expected failure is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from agents.errors import MockpanelError
from agents.session import PanelService
from knowledge.loader import load_panel, load_questions
from knowledge.settings import Settings
from tests.doubles import FakeBrain, KnownSnippets

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "support-bot-deflection"
REPLIES = ("Experts audit a 10% sample of vendor labels every week.",
           "Drift alerts trigger retraining when accuracy drops 3 points.")


def make_service(brain: str, delay: float) -> PanelService:
    settings = Settings()
    if brain == "offline":
        return PanelService(settings, brain_name="offline")
    return PanelService(settings, FakeBrain(delay=delay), retriever=KnownSnippets(),
                        panel=load_panel())


async def run(args: argparse.Namespace) -> str:
    service = make_service(args.brain, args.delay)
    try:
        if args.start_at:
            await asyncio.sleep(max(0.0, args.start_at - time.time()))
        question = load_questions().get(QUESTION)
        opening = (ROOT / "examples" / "strong_answer.txt").read_text(encoding="utf-8")
        if args.command == "start":
            view = await service.start(question, opening, max_rounds=args.rounds,
                                       thread_id=args.thread)
        elif args.command == "reply":
            view = await service.reply(args.thread, args.text, expected_turn=args.expected)
        elif args.command == "finish":
            view = await service.finish(args.thread, expected_turn=args.expected)
        elif args.command == "interview":  # a whole live interview, one reply per round
            view = await service.start(question, opening, max_rounds=args.rounds,
                                       thread_id=args.thread)
            for text in REPLIES:
                if view.status == "done":
                    break
                view = await service.reply(args.thread, text, expected_turn=view.last_turn_id)
            if view.status != "done":
                view = await service.finish(args.thread, expected_turn=view.last_turn_id)
        else:
            found = await service.get(args.thread)
            return "null" if found is None else found.model_dump_json()
        return view.model_dump_json()
    finally:
        await service.aclose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["start", "reply", "finish", "get", "interview"])
    parser.add_argument("thread")
    parser.add_argument("text", nargs="?", default="")
    parser.add_argument("--expected")
    parser.add_argument("--brain", choices=["fake", "offline"], default="fake")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--start-at", type=float, default=0.0)
    args = parser.parse_args()
    try:
        sys.stdout.write(asyncio.run(run(args)))
    except MockpanelError as exc:
        print(json.dumps(str(exc))[1:-1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
