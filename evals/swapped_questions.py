"""Swapped questions: every hire answer of the chosen splits, sent to two other products' design
questions (the farthest from its own, and one in the middle; a focused answer, to focused
questions about other stages), must be a no-hire "about a different problem".
Run: `python -m evals.swapped_questions [--split dev,realistic_dev]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agents.brains.base import Brain
from agents.brains.offline.relevance import SAME_PRODUCT, question_text
from agents.transcript import Turn
from evals.loader import load_cases
from knowledge.embeddings import get_embedder
from knowledge.loader import load_questions
from knowledge.models import STAGE_IDS, Question
from knowledge.settings import Settings


@dataclass(frozen=True)
class Swap:
    """One hire answer judged against another product's question."""

    case_id: str
    question_id: str
    decision: str
    confidence: float
    names_the_problem: bool

    @property
    def caught(self) -> bool:
        """Not hired, with a reason that says the answer is about another problem."""
        return self.decision == "no_hire" and self.names_the_problem


def swap_targets(own: Question, bank: Sequence[Question]) -> list[Question]:
    """The farthest other product's question from `own`, and one at the middle distance: for a
    design question, other designs; for a focused one, focused questions on other stages."""
    if len(own.assesses) == len(STAGE_IDS):
        others = [q for q in bank if len(q.assesses) == len(STAGE_IDS) and q.id != own.id]
    else:
        others = [
            q
            for q in bank
            if len(q.assesses) < len(STAGE_IDS) and not set(q.assesses) & set(own.assesses)
        ]
    vectors = get_embedder().embed([question_text(q) for q in [own, *others]])
    sims = vectors[1:] @ vectors[0]
    order = [others[j] for j in np.argsort(sims, kind="stable") if sims[j] < SAME_PRODUCT]
    return [order[0], order[len(order) // 2]] if order else []


async def run(brain: Brain, splits: Sequence[str]) -> list[Swap]:
    """Every swap of the splits' hire answers, in case order."""
    bank = load_questions()
    ids = {q.id for q in bank.questions}
    out = []
    for case in load_cases():
        if case.split not in splits or case.gold_decision != "hire" or case.question_id not in ids:
            continue  # a typed question has no bank product to swap from
        own = bank.get(case.question_id)
        turns = [Turn(id="t1", speaker="candidate", text=case.answer)]
        for target in swap_targets(own, bank.questions):
            debrief = (await brain.debrief(target, turns, [])).value
            said = any("different problem" in r.claim for r in debrief.reasons)
            out.append(Swap(case.id, target.id, debrief.decision, debrief.confidence, said))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev,realistic_dev,test,realistic_test")
    args = parser.parse_args(argv)
    from agents.brains.factory import make_brain
    from knowledge.retrieval import Retriever

    settings = Settings()
    brain = make_brain("offline", settings, retriever=Retriever.from_settings(settings))
    for split in args.split.split(","):
        swaps = asyncio.run(run(brain, [split]))
        missed = [s for s in swaps if not s.caught]
        print(f"{split}: {len(swaps) - len(missed)}/{len(swaps)} swapped answers caught")
        for s in missed:
            print(f"  missed {s.case_id} -> {s.question_id}: {s.decision} {s.confidence:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
