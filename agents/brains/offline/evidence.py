"""Exemplar embeddings and the sentence × signal / red-flag / injection similarities."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from agents.brains.offline.calibration import Calibration
from agents.brains.offline.prefilter import Prefilter
from agents.brains.offline.products import row_products
from agents.brains.offline.red_flags import NegationChecker
from knowledge.embeddings import Embedder
from knowledge.models import RedFlag, Rubric, Signal

Matrix = npt.NDArray[np.float32]


def _group_max(sims: Matrix, starts: npt.NDArray[np.intp]) -> Matrix:
    """Per-group maximum over consecutive column groups that begin at `starts`."""
    if sims.shape[0] == 0:
        return np.zeros((0, len(starts)), np.float32)
    return np.maximum.reduceat(sims, starts, axis=1)


@dataclass(frozen=True)
class Similarities:
    """Cosine similarities of each sentence to each group of exemplars."""

    signals: Matrix  # (n_sentences, n_signals)
    flags: Matrix  # (n_sentences, n_flags)
    injection: Matrix  # (n_sentences,)
    # per flag, the best over its exemplars negated exactly when the sentence is (-1: none); a
    # sentence close only to its opposite ("latency matters" / "latency doesn't") is not it
    flags_same_polarity: Matrix  # (n_sentences, n_flags)

    @property
    def best_signal(self) -> Matrix:
        """Each sentence's highest similarity to any signal."""
        if self.signals.shape[0] == 0:
            return np.zeros(0, np.float32)
        return self.signals.max(axis=1)


class ExemplarBank:
    """Every rubric and injection exemplar, embedded once, grouped by signal or flag."""

    def __init__(self, rubric: Rubric, calibration: Calibration, embedder: Embedder) -> None:
        self.signals: list[Signal] = list(rubric.signals)
        self.flags: list[RedFlag] = list(rubric.red_flags)
        named = [[*s.patterns, *s.decisive_patterns] for s in self.signals]
        self.signal_patterns = [[re.compile(p, re.IGNORECASE) for p in ps] for ps in named]
        # One alternation per signal answers "does any pattern match?" in a single scan.
        self._any_pattern = [_any_of(ps) for ps in named]
        self._decisive = [
            [re.compile(p, re.IGNORECASE) for p in s.decisive_patterns] for s in self.signals
        ]
        self._any_lookalike = [_any_of(s.not_shown_by) for s in self.signals]
        self._pattern_filters = [Prefilter(ps) for ps in named]
        self.flag_patterns = [
            [re.compile(p, re.IGNORECASE) for p in f.patterns] for f in self.flags
        ]
        signal_texts = [[*s.exemplars, s.description] for s in self.signals]
        flag_texts = [list(f.exemplars) for f in self.flags]
        injection_texts = list(calibration.injection.exemplars)
        self._signal_starts = _starts(signal_texts)
        self._flag_starts = _starts(flag_texts)
        self._polarity = re.compile(calibration.negation.polarity, re.IGNORECASE)
        self._flag_negated = np.array(
            [bool(self._polarity.search(t)) for group in flag_texts for t in group]
        )
        texts = [t for group in signal_texts for t in group]
        texts += [t for group in flag_texts for t in group]
        texts += injection_texts
        vectors = embedder.embed(texts)
        n_sig = sum(len(g) for g in signal_texts)
        n_flag = sum(len(g) for g in flag_texts)
        # Transposed once, contiguous: every sentence vector is multiplied by these.
        self._signal_t = np.ascontiguousarray(vectors[:n_sig].T)
        self._flag_t = np.ascontiguousarray(vectors[n_sig : n_sig + n_flag].T)
        self._injection_t = np.ascontiguousarray(vectors[n_sig + n_flag :].T)

    def similarities(self, sentence_vectors: Matrix, texts: Sequence[str]) -> Similarities:
        """Group-wise maximum cosine similarity of each sentence vector (`texts` are the
        sentences, for their polarity)."""
        sig = _group_max(row_products(sentence_vectors, self._signal_t), self._signal_starts)
        flag_sims = row_products(sentence_vectors, self._flag_t)
        negated = np.array([bool(self._polarity.search(t)) for t in texts], dtype=bool)
        mismatch = negated[:, None] != self._flag_negated[None, :]
        polar = np.where(mismatch, np.float32(-1.0), flag_sims).astype(np.float32)
        if sentence_vectors.shape[0] == 0:
            inj = np.zeros(0, np.float32)
        else:
            inj = row_products(sentence_vectors, self._injection_t).max(axis=1)
        return Similarities(
            sig,
            _group_max(flag_sims, self._flag_starts),
            inj,
            _group_max(polar, self._flag_starts),
        )

    def lookalike_signals(self, text: str) -> frozenset[int]:
        """Indices of signals this sentence only looks like (a calendar retrain is no trigger)."""
        return frozenset(
            i for i, any_of in enumerate(self._any_lookalike) if any_of and any_of.search(text)
        )

    def signal_pattern_hits(self, text: str, negation: NegationChecker) -> list[int]:
        """Indices of signals whose patterns match the text, not counting rejected matches."""
        return [
            i
            for i, pats in enumerate(self.signal_patterns)
            if (any_of := self._any_pattern[i]) is not None
            and self._pattern_filters[i].may_match(text)
            and any_of.search(text)
            and any(
                not negation.rejects_match(text, m.start()) for p in pats for m in p.finditer(text)
            )
        ]

    def decisive_hits(
        self, text: str, hits: Sequence[int], negation: NegationChecker
    ) -> frozenset[int]:
        """Of the signals whose patterns match (`hits`), those a decisive pattern names outright
        and not in a rejection."""
        return frozenset(
            i
            for i in hits
            if any(
                not negation.rejects_match(text, m.start())
                for p in self._decisive[i]
                for m in p.finditer(text)
            )
        )


def _any_of(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """One case-blind regex matching wherever any of the patterns does (None for none)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _starts(groups: list[list[str]]) -> npt.NDArray[np.intp]:
    starts, offset = [], 0
    for group in groups:
        starts.append(offset)
        offset += len(group)
    return np.array(starts, dtype=np.intp)
