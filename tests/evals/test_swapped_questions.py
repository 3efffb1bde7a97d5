"""The swapped-questions check: dev hire answers sent to other products' questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.brains.offline import OfflineBrain
from evals.swapped_questions import run, swap_targets
from knowledge.loader import load_questions
from knowledge.settings import Settings
from tests.doubles.indexes import CorpusIndex


@pytest.fixture(scope="module")
def brain(tmp_path_factory: pytest.TempPathFactory) -> OfflineBrain:
    home: Path = tmp_path_factory.mktemp("swapped-home")
    return OfflineBrain.from_settings(Settings(home=home), retriever=CorpusIndex())


def test_targets_are_two_other_products() -> None:
    bank = load_questions()
    own = bank.get("support-bot-deflection")
    targets = swap_targets(own, bank.questions)
    assert len(targets) == 2 and len({t.id for t in targets}) == 2
    assert own.id not in {t.id for t in targets}


async def test_every_dev_hire_answer_sent_elsewhere_is_caught(brain: OfflineBrain) -> None:
    swaps = await run(brain, ["dev"])
    assert len(swaps) >= 40
    assert [s for s in swaps if not s.caught] == []
