"""Warming up: sentences read in one big batch ahead of time read exactly as they do one debrief
at a time."""

from __future__ import annotations

from typing import Any

from agents.brains.offline import OfflineBrain
from agents.brains.offline.analysis import Analyzer
from agents.brains.offline.features import FeatureExtractor
from tests.agents.brains.offline.conftest import opening


async def test_a_warmed_up_analysis_equals_a_cold_one(
    brain: OfflineBrain, samples: dict[str, Any]
) -> None:
    texts = [s["answer"] for s in samples["samples"]]
    warmed = Analyzer(brain.rubric, brain.calibration, brain.analyzer.embedder)
    await OfflineBrain.warm_up(_with_analyzer(brain, warmed), texts)
    ready = len(warmed.extractor._cache)
    cold = Analyzer(brain.rubric, brain.calibration, brain.analyzer.embedder)
    for text in texts[:6]:
        a, b = warmed.analyze(opening(text)), cold.analyze(opening(text))
        assert [s.text for s in a.sentences] == [s.text for s in b.sentences]
        for fa, fb in zip(a.features, b.features, strict=True):
            assert (fa.vector == fb.vector).all()
            assert fa.signal_scores == fb.signal_scores and fa.signal_sims == fb.signal_sims
        assert a.primary == b.primary
    assert len(warmed.extractor._cache) == ready  # every sentence was read in the warm-up


def _with_analyzer(brain: OfflineBrain, analyzer: Analyzer) -> OfflineBrain:
    """A brain sharing this one's settings whose analyzer is `analyzer`."""
    other = OfflineBrain(brain.settings, rubric=brain.rubric, calibration=brain.calibration)
    other._analyzer = analyzer
    return other


def test_a_reading_of_a_text_is_computed_once_and_shared_like_the_features(
    brain: OfflineBrain,
) -> None:
    first = Analyzer(brain.rubric, brain.calibration, brain.analyzer.embedder)
    calls: list[str] = []

    def read(text: str) -> int:
        calls.append(text)
        return len(text)

    assert first.extractor.remembered("length", "two words", read) == 9
    assert first.extractor.remembered("length", "two words", read) == 9
    assert first.extractor.remembered("other", "two words", read) == 9  # another kind: read again
    second = Analyzer(brain.rubric, brain.calibration, brain.analyzer.embedder)
    second.extractor.share_cache(first.extractor)
    assert second.extractor.remembered("length", "two words", read) == 9
    assert calls == ["two words", "two words"]


def test_a_call_gets_its_features_even_when_the_cache_evicts_them(brain: OfflineBrain) -> None:
    source = brain.analyzer.extractor
    small = FeatureExtractor(
        source.calibration,
        source.embedder,
        source.bank,
        source.red_flags,
        source.classifier,
        cache_size=1,
    )
    texts = ["We keep 300 labelled tickets aside.", "Agents review a 5% sample.", "Ship it."]
    assert [f.words for f in small.features(texts)] == [
        f.words for f in source.features(texts)
    ]
