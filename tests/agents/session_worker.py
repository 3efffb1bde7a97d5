"""Runs one PanelService call in its own process (for the cross-process resume tests).

usage: python -m tests.agents.session_worker COMMAND THREAD [TEXT] [--crash-on METHOD]
prints the resulting SessionView as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from agents.session import PanelService
from knowledge.loader import load_panel, load_questions
from knowledge.settings import Settings
from tests.doubles import FakeBrain, KnownSnippets

OPENING = "We define a resolved ticket, then build a gold set of 400 solved tickets."


async def run(command: str, thread: str, text: str, crash_on: str | None) -> str:
    service = PanelService(
        Settings(), FakeBrain(crash_on=crash_on), retriever=KnownSnippets(), panel=load_panel()
    )
    if command == "start":
        question = load_questions().get("support-bot-deflection")
        view = await service.start(question, OPENING, max_rounds=2, thread_id=thread)
    elif command == "reply":
        view = await service.reply(thread, text)
    elif command == "finish":
        view = await service.finish(thread)
    else:
        found = await service.get(thread)
        return "null" if found is None else found.model_dump_json()
    return view.model_dump_json()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["start", "reply", "finish", "get"])
    parser.add_argument("thread")
    parser.add_argument("text", nargs="?", default="")
    parser.add_argument("--crash-on")
    args = parser.parse_args()
    sys.stdout.write(asyncio.run(run(args.command, args.thread, args.text, args.crash_on)))


if __name__ == "__main__":
    main()
