"""Snippet retrieval for probes and reasons, against the Retriever contract."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import numpy.typing as npt

from knowledge.embeddings import Embedder
from knowledge.snippet_source import SnippetSource

# How many gap-matched candidates a probe reranks against the answer.
CANDIDATES_PER_PICK = 3


_Key = tuple[str, int, str | None, str | None, str | None]


class SnippetFinder:
    """Memoised searches that widen their filters when the narrow one finds too little."""

    def __init__(self, retriever: SnippetSource, embedder: Embedder, memo_size: int = 2048) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self._memo: OrderedDict[_Key, list[tuple[str, float, str]]] = OrderedDict()
        self._memo_size = memo_size
        self._lock = threading.Lock()

    def _search(
        self, query: str, k: int, stage: str | None, panelist: str | None, polarity: str | None
    ) -> list[tuple[str, float, str]]:
        """(id, score, text) of up to k snippets: the filtered search, then with fewer filters."""
        key = (query, k, stage, panelist, polarity)
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return list(self._memo[key])
        found: list[tuple[str, float, str]] = []
        attempts = [(stage, panelist, polarity), (stage, panelist, None), (stage, None, None)]
        for st, pa, po in attempts:
            for hit in self.retriever.search(query, k, stage=st, panelist=pa, polarity=po):
                if all(hit.snippet.id != f[0] for f in found):
                    found.append((hit.snippet.id, hit.score, hit.snippet.text))
            if len(found) >= k:
                break
        found = found[:k]
        with self._lock:
            self._memo[key] = found
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return list(found)

    def find(
        self,
        query: str,
        k: int,
        *,
        stage: str | None = None,
        panelist: str | None = None,
        polarity: str | None = None,
    ) -> list[str]:
        """Up to k snippet ids for a query."""
        return [sid for sid, _, _ in self._search(query, k, stage, panelist, polarity)]

    def find_for_gap(
        self,
        gap_query: str,
        answer_vector: npt.NDArray[np.float32] | None,
        k: int,
        *,
        stage: str | None = None,
        panelist: str | None = None,
    ) -> list[str]:
        """Snippets for a gap in this answer: candidates retrieved for the gap (memoised
        across answers), reranked by the mean of their gap score and their similarity to
        the answer's sentence about the gap."""
        candidates = self._search(gap_query, k * CANDIDATES_PER_PICK, stage, panelist, None)
        if answer_vector is None or not candidates:
            return [sid for sid, _, _ in candidates[:k]]
        vectors = self.embedder.embed([text for _, _, text in candidates])
        answer_sims = (vectors @ answer_vector).tolist()
        ranked = sorted(
            (
                (round((score + sim) / 2, 6), sid)
                for (sid, score, _), sim in zip(candidates, answer_sims, strict=True)
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        return [sid for _, sid in ranked[:k]]
