"""Per-sentence features, computed once per distinct sentence text and cached."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from agents.brains.offline.buzzwords import BuzzwordDetector
from agents.brains.offline.calibration import Calibration
from agents.brains.offline.evidence import ExemplarBank
from agents.brains.offline.injection import InjectionDetector
from agents.brains.offline.red_flags import RedFlagDetector
from agents.brains.offline.sentences import words_of
from agents.brains.offline.signal_classifier import SignalClassifier
from agents.brains.offline.stance import StanceReader
from agents.brains.offline.substance import SubstanceDetector, SubstanceKind
from agents.debrief import Stance, SubstancePart
from knowledge.embeddings import Embedder

T = TypeVar("T")
READINGS_LIMIT = 200_000  # remembered (kind, text) readings before the memo starts afresh


@dataclass(frozen=True)
class SentenceFeatures:
    """Everything about one sentence that does not depend on its neighbours."""

    vector: npt.NDArray[np.float32]
    signal_sims: tuple[float, ...]
    signal_scores: tuple[float, ...]  # the classifier's per signal, then "shows nothing"
    credit_score: float  # the classifier's: above 0, an expert would likely credit the sentence
    no_credit: bool  # waves a problem away, or names rubric terms with no figure
    flag_sims: tuple[float, ...]
    best_signal: float
    injection: bool
    buzzword_list: bool
    term_count: int
    substance: tuple[SubstanceKind, ...]
    signal_patterns: frozenset[int]
    decisive_patterns: frozenset[int]  # of those, the ones a decisive pattern names
    lookalikes: frozenset[int]
    flag_hits: tuple[int, ...]
    rejected_flags: tuple[int, ...]
    stance: Stance
    filler: bool
    parts: tuple[SubstancePart, ...]
    topics: frozenset[str]
    core_topics: frozenset[str]
    words: int


class FeatureExtractor:
    """Embeds sentences once and derives their features, with an LRU cache by text."""

    def __init__(
        self,
        calibration: Calibration,
        embedder: Embedder,
        bank: ExemplarBank,
        red_flags: RedFlagDetector,
        classifier: SignalClassifier,
        cache_size: int = 20_000,
    ) -> None:
        self.calibration = calibration
        self.embedder = embedder
        self.bank = bank
        self.classifier = classifier
        self.red_flags = red_flags
        self.substance = SubstanceDetector(calibration.substance)
        self.buzzwords = BuzzwordDetector(calibration.buzzwords, self.substance)
        self.injection = InjectionDetector(calibration.injection)
        self.stance = StanceReader(calibration.stance)
        self._cache: OrderedDict[str, SentenceFeatures] = OrderedDict()
        self._cache_size = cache_size
        self._readings: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def share_cache(self, other: FeatureExtractor) -> None:
        """Start from another extractor's features (same rubric, calibration and classifier)."""
        with other._lock:
            computed = OrderedDict(other._cache)
            readings = dict(other._readings)
        with self._lock:
            self._cache = computed
            self._readings = readings

    def remembered(self, kind: str, text: str, read: Callable[[str], T]) -> T:
        """`read(text)`, a pure function of one text, computed once per (kind, text) and shared
        as the features are (analyses re-read the same sentences through each round)."""
        key = (kind, text)
        with self._lock:
            if key in self._readings:
                return self._readings[key]
        value = read(text)
        with self._lock:
            if len(self._readings) >= READINGS_LIMIT:
                self._readings.clear()
            self._readings[key] = value
        return value

    def features(self, texts: list[str]) -> list[SentenceFeatures]:
        """Features of each text, in order."""
        # What this call returns is held here, not re-read from the cache: a concurrent call
        # can evict an entry between the two.
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        missing = sorted({t for t in texts if t not in found})
        if missing:
            computed = self._compute(missing)
            found.update(zip(missing, computed, strict=True))
            with self._lock:
                self._cache.update(zip(missing, computed, strict=True))
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return [found[t] for t in texts]

    def _compute(self, texts: list[str]) -> list[SentenceFeatures]:
        cal = self.calibration
        vectors = self.embedder.embed(texts)
        sims = self.bank.similarities(vectors, texts)
        signal_rows = sims.signals.tolist()
        score_rows = self.classifier.scores(vectors, texts).tolist()
        flag_rows = sims.flags.tolist()
        polar_flag_rows = sims.flags_same_polarity.tolist()
        injection_sims = sims.injection.tolist()
        best = sims.best_signal.tolist()
        out = []
        for i, text in enumerate(texts):
            # Resemblance alone is not an appeal: "add strong instructions to the system prompt"
            # designs a prompt; an appeal speaks to the panel or about the verdict.
            injected = self.injection.matches(text) or (
                injection_sims[i] >= cal.similarity.injection_threshold
                and injection_sims[i] > best[i]
                and self.injection.addresses_panel(text)
            )
            terms = self.buzzwords.count(text)
            parts = self.substance.parts(text)
            named = self.bank.signal_pattern_hits(text, self.red_flags.negation)
            kinds = self.substance.kinds(text, parts)
            # Naming several rubric terms earns credit only with a quantity.
            voided = terms >= cal.buzzwords.terms_need_quantity and "quantity" not in parts
            hits, rejected = self.red_flags.sentence_flags(text, polar_flag_rows[i], best[i])
            stance = self.stance.read(text, bool(rejected) and not hits)
            # Waving a problem away earns nothing, whatever it resembles.
            voided = voided or self.stance.dismisses(text, "quantity" in parts)
            if voided:
                kinds = ()
            if stance in ("asks", "hedges"):
                hits, kinds = [], ()  # a question or an admitted gap shows nothing
            out.append(
                SentenceFeatures(
                    vector=vectors[i],
                    signal_sims=tuple(signal_rows[i]),
                    signal_scores=tuple(score_rows[i][:-1]),
                    credit_score=score_rows[i][-1],
                    no_credit=voided,
                    flag_sims=tuple(flag_rows[i]),
                    best_signal=best[i],
                    injection=injected,
                    buzzword_list=self.buzzwords.is_list(text, terms),
                    term_count=terms,
                    substance=kinds,
                    signal_patterns=frozenset(named),
                    decisive_patterns=self.bank.decisive_hits(
                        text, named, self.red_flags.negation
                    ),
                    lookalikes=self.bank.lookalike_signals(text),
                    flag_hits=tuple(hits),
                    rejected_flags=tuple(rejected),
                    stance=stance,
                    filler=self.stance.filler(self.substance.content_words(text)),
                    parts=parts,
                    topics=self.red_flags.topics(text, flag_rows[i]),
                    core_topics=self.red_flags.core_topics(text, flag_rows[i]),
                    words=len(words_of(text)),
                )
            )
        return out
