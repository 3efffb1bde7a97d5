"""Snippet indexes standing in for the Chroma retriever: known ids only, or the real corpus."""

from __future__ import annotations

import re
from typing import Any, Literal

from knowledge.loader import load_snippets
from knowledge.models import ScoredSnippet, Snippet
from knowledge.retrieval import QueryError

KNOWN_SNIPPETS = ("snip-gold-set", "snip-cascade")


class KnownSnippets:
    """An index that only answers `has`, for a fixed set of ids (citation checks)."""

    def __init__(self, ids: tuple[str, ...] = KNOWN_SNIPPETS) -> None:
        self._ids = set(ids)

    def has(self, snippet_id: str) -> bool:
        """True for the known ids."""
        return snippet_id in self._ids


class CorpusIndex:
    """The real snippet corpus behind the Retriever contract, with no embeddings.

    Hits pass the stage / panelist / polarity filters and are ranked by word overlap with the
    query (`order="overlap"`, ties by id) or simply taken by id (`order="id"`, score 1.0).
    Every search is recorded in `queries`.
    """

    def __init__(self, order: Literal["overlap", "id"] = "overlap") -> None:
        self.order = order
        self.snippets = {s.id: s for s in load_snippets().snippets}
        self.queries: list[dict[str, Any]] = []

    @staticmethod
    def _words(text: str) -> set[str]:
        return set(re.findall(r"[a-z]+", text.lower()))

    def search(
        self,
        text: str,
        k: int = 5,
        *,
        stage: str | None = None,
        panelist: str | None = None,
        polarity: str | None = None,
        question_tag: str | None = None,
    ) -> list[ScoredSnippet]:
        """The k best snippets passing the filters."""
        if not text.strip():
            raise QueryError("query text is empty")
        self.queries.append({"text": text, "stage": stage, "panelist": panelist})
        passing = [
            s
            for s in sorted(self.snippets.values(), key=lambda s: s.id)
            if (stage is None or s.stage == stage)
            and (panelist is None or s.panelist == panelist)
            and (polarity is None or s.polarity == polarity)
        ]
        if self.order == "id":
            return [ScoredSnippet(snippet=s, score=1.0) for s in passing[:k]]
        query = self._words(text)
        hits = []
        for s in passing:
            words = self._words(s.text)
            overlap = len(query & words) / max(1, len(query | words))
            hits.append(ScoredSnippet(snippet=s, score=round(overlap, 6)))
        hits.sort(key=lambda h: (-h.score, h.snippet.id))
        return hits[:k]

    def get(self, snippet_id: str) -> Snippet | None:
        """The snippet with this id, if any."""
        return self.snippets.get(snippet_id)

    def has(self, snippet_id: str) -> bool:
        """True for ids in the corpus."""
        return snippet_id in self.snippets
