"""Snippet retrieval for probes and reasons, against the Retriever contract."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol

from knowledge.models import ScoredSnippet, Snippet


class SnippetSearch(Protocol):
    """What the offline brain needs from knowledge.retrieval.Retriever."""

    def search(
        self,
        text: str,
        k: int = 5,
        *,
        stage: str | None = None,
        panelist: str | None = None,
        polarity: str | None = None,
        question_tag: str | None = None,
    ) -> list[ScoredSnippet]: ...

    def get(self, snippet_id: str) -> Snippet | None: ...

    def has(self, snippet_id: str) -> bool: ...


class SnippetFinder:
    """Memoised searches that widen their filters when the narrow one finds too little."""

    def __init__(self, retriever: SnippetSearch, memo_size: int = 2048) -> None:
        self.retriever = retriever
        self._memo: OrderedDict[tuple[str, int, str | None, str | None, str | None], list[str]]
        self._memo = OrderedDict()
        self._memo_size = memo_size
        self._lock = threading.Lock()

    def find(
        self,
        query: str,
        k: int,
        *,
        stage: str | None = None,
        panelist: str | None = None,
        polarity: str | None = None,
    ) -> list[str]:
        """Up to k snippet ids: the filtered search first, then with fewer filters."""
        key = (query, k, stage, panelist, polarity)
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return list(self._memo[key])
        ids: list[str] = []
        attempts = [(stage, panelist, polarity), (stage, panelist, None), (stage, None, None)]
        for st, pa, po in attempts:
            for hit in self.retriever.search(query, k, stage=st, panelist=pa, polarity=po):
                if hit.snippet.id not in ids:
                    ids.append(hit.snippet.id)
            if len(ids) >= k:
                break
        ids = ids[:k]
        with self._lock:
            self._memo[key] = ids
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return list(ids)
