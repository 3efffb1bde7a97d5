"""The red-flag wording set: it loads, names real flags, and is measured per flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.brains.offline import OfflineBrain
from agents.errors import ConfigError
from evals.flag_wordings import DEV_STATED, FlagWording, FlagWordings, load_flag_wordings, measure
from knowledge.loader import load_rubric
from knowledge.settings import Settings
from tests.doubles import CorpusIndex


@pytest.fixture(scope="module")
def brain(tmp_path_factory: pytest.TempPathFactory) -> OfflineBrain:
    """An offline brain over the real snippet corpus, without an index."""
    settings = Settings(home=tmp_path_factory.mktemp("flag-wordings-home"))
    return OfflineBrain.from_settings(settings, retriever=CorpusIndex())


def test_every_rubric_flag_has_stated_and_sound_wordings() -> None:
    wordings = load_flag_wordings()
    assert set(wordings.flags) == {f.id for f in load_rubric().red_flags}
    assert all(len(w.stated) > DEV_STATED and w.sound for w in wordings.flags.values())


def test_an_unknown_flag_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wordings.yaml"
    path.write_text("flags:\n  no_such_flag:\n    stated: [a, b, c, d]\n    sound: [e]\n")
    with pytest.raises(ConfigError, match="no_such_flag"):
        load_flag_wordings(path)


def test_measure_counts_caught_held_out_and_false_flags(brain: OfflineBrain) -> None:
    wordings = FlagWordings(
        flags={
            "short_experiment": FlagWording(
                stated=[
                    "A weekend A/B is enough at our volume.",
                    "The cat sat on the mat.",
                    "The test stops the moment we hit p < 0.05.",
                    "We like blue.",
                ],
                sound=["The test runs two full weeks before anyone reads it."],
            )
        }
    )
    result = measure(brain, wordings)["flags"]["short_experiment"]
    assert result["dev"] == [2, 3] and result["held_out"] == [0, 1]
    assert result["sound_flagged"] == [0, 1]
    assert result["missed"] == ["The cat sat on the mat.", "We like blue."]
