"""Which rubric signal a sentence shows: a ridge classifier over the sentence embedding and its
hashed words, trained on the rubric exemplars and the annotated dev sentences."""

from __future__ import annotations

import itertools
import os
import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agents.brains.offline.products import row_products
from knowledge.embeddings import EMBEDDING_DIM
from knowledge.loader import KnowledgeFileError

WEIGHTS_PATH = Path(__file__).with_name("signal_classifier.npz")
# Cross-validation points the brain at weights trained without the cases it judges.
WEIGHTS_ENV = "MOCKPANEL_SIGNAL_CLASSIFIER"
NONE = "_none"  # after the signals: the sentence shows no rubric signal
CREDIT = "_credited"  # last: whether a sentence showing a signal shows it with substance
# Numbers become one token: "300 tickets" and "2,000 tickets" say the same about the signal.
_TOKEN = re.compile(r"[a-z][a-z'-]*|\d[\d,.]*%?|\$")

Matrix = npt.NDArray[np.float32]


class ClassifierFileError(KnowledgeFileError):
    """The weights file is missing, unreadable or trained for another rubric."""


def hashed_words(texts: Sequence[str], dims: int) -> Matrix:
    """Unit-length presence vectors of each text's words and word pairs, hashed into dims."""
    out = np.zeros((len(texts), dims), np.float32)
    for row, text in enumerate(texts):
        words = [
            "<num>" if w[0].isdigit() else w
            for w in _TOKEN.findall(text.lower().replace("\u2019", "'"))
        ]
        tokens = words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]
        for token in tokens:
            out[row, zlib.crc32(token.encode()) % dims] = 1.0
        norm = float(np.linalg.norm(out[row]))
        if norm:
            out[row] /= norm
    return out


def design(vectors: Matrix, texts: Sequence[str], dims: int) -> Matrix:
    """The classifier's input: embedding, hashed words and a bias column."""
    bias = np.ones((len(texts), 1), np.float32)
    return np.hstack([vectors.astype(np.float32), hashed_words(texts, dims), bias])


def fit(inputs: Matrix, targets: Matrix, ridge: float) -> Matrix:
    """Ridge regression weights (input dims x classes), solved in the dual in float64 so the
    result does not depend on the order of float32 sums."""
    x = inputs.astype(np.float64)
    gram = x @ x.T + ridge * np.eye(x.shape[0])
    return (x.T @ np.linalg.solve(gram, targets.astype(np.float64))).astype(np.float32)


class SignalClassifier:
    """Scores every rubric signal, then NONE, for each sentence (the highest is its likeliest
    reading), and a CREDIT score: above 0, an expert would likely credit it."""

    def __init__(self, weights: Matrix, signal_ids: Sequence[str], dims: int) -> None:
        self.weights = weights
        self.signal_ids = tuple(signal_ids)
        self.dims = dims

    @classmethod
    def load(cls, signal_ids: Sequence[str], path: Path | None = None) -> SignalClassifier:
        """The committed weights (or those $MOCKPANEL_SIGNAL_CLASSIFIER names); refused when
        they were trained for other signals."""
        path = path or Path(os.environ.get(WEIGHTS_ENV) or WEIGHTS_PATH)
        try:
            with np.load(path, allow_pickle=False) as data:
                weights = data["weights"].astype(np.float32)
                trained_for = [str(s) for s in data["signal_ids"]]
                dims = int(data["dims"])
        except (OSError, KeyError, ValueError) as exc:
            raise ClassifierFileError(f"signal classifier {path}: unreadable ({exc})") from exc
        if trained_for != [*signal_ids, NONE, CREDIT]:
            raise ClassifierFileError(
                f"signal classifier {path}: trained for other rubric signals; "
                "retrain with `make classifier`"
            )
        if weights.shape != (EMBEDDING_DIM + dims + 1, len(trained_for)):
            raise ClassifierFileError(f"signal classifier {path}: weights of shape {weights.shape}")
        return cls(weights, signal_ids, dims)

    def scores(self, vectors: Matrix, texts: Sequence[str]) -> Matrix:
        """(n_texts, n_signals + 2) scores: the signals, NONE, then CREDIT."""
        if not texts:
            return np.zeros((0, len(self.signal_ids) + 2), np.float32)
        return row_products(design(vectors, texts, self.dims), self.weights)
