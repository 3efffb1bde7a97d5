"""Is the answer about the question asked? Compared against the bank's other design questions."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge.embeddings import Embedder
from knowledge.models import STAGE_IDS, Question

# The answer's closest sentences stand for it: a long answer is judged on its best sixth.
MIN_TOP_SENTENCES = 4
TOP_SHARE = 6
# Another question this much closer than the one asked means the answer is about another product.
OTHER_QUESTION_MARGIN = 0.11
# Bank questions this close to the asked one are the same product, not a rival.
SAME_PRODUCT = 0.5


@dataclass(frozen=True)
class Relevance:
    """How close the answer is to the question asked and to the closest other question."""

    asked: float
    other: float
    other_id: str | None
    other_title: str | None

    @property
    def different_question(self) -> bool:
        """The answer is about another product or problem than the one asked."""
        return self.other_id is not None and self.other - self.asked >= OTHER_QUESTION_MARGIN


def _question_text(q: Question) -> str:
    return f"{q.title}. {q.prompt}"


class QuestionMatcher:
    """Compares an answer's sentences with the asked question and the bank's design questions."""

    def __init__(self, bank: list[Question], embedder: Embedder) -> None:
        self._rivals = [q for q in bank if len(q.assesses) == len(STAGE_IDS)]
        self._embedder = embedder
        self._vectors: npt.NDArray[np.float32] | None = None
        self._lock = threading.Lock()

    def _rival_vectors(self) -> npt.NDArray[np.float32]:
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embedder.embed([_question_text(q) for q in self._rivals])
            return self._vectors

    def relevance(self, question: Question, sentences: npt.NDArray[np.float32]) -> Relevance:
        """The answer's closeness to the asked question and to its closest rival."""
        if sentences.shape[0] == 0 or not self._rivals:
            return Relevance(0.0, 0.0, None, None)
        rivals = self._rival_vectors()
        asked_vec = self._embedder.embed([_question_text(question)])[0]
        same = (rivals @ asked_vec) >= SAME_PRODUCT
        k = min(sentences.shape[0], max(MIN_TOP_SENTENCES, sentences.shape[0] // TOP_SHARE))
        asked = float(np.sort(sentences @ asked_vec)[-k:].mean())
        scores = np.sort(sentences @ rivals.T, axis=0)[-k:].mean(axis=0)
        best, best_j = -1.0, -1
        for j, q in enumerate(self._rivals):
            if q.id == question.id or same[j]:
                continue
            if scores[j] > best:
                best, best_j = float(scores[j]), j
        if best_j < 0:
            return Relevance(round(asked, 4), 0.0, None, None)
        rival = self._rivals[best_j]
        return Relevance(round(asked, 4), round(best, 4), rival.id, rival.title)
