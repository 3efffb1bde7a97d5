"""What the brains need from a snippet retriever (knowledge.retrieval.Retriever satisfies it)."""

from __future__ import annotations

from typing import Protocol

from knowledge.models import ScoredSnippet, Snippet


class SnippetSource(Protocol):
    """Search, fetch and check debrief snippets."""

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
        """The k closest snippets passing the filters."""
        ...

    def get(self, snippet_id: str) -> Snippet | None:
        """The snippet with this id, or None."""
        ...

    def has(self, snippet_id: str) -> bool:
        """True when the snippet exists."""
        ...
