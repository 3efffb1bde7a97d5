"""Dense retrieval over the snippet index with metadata filters, in a deterministic order."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agents.errors import MockpanelError
from knowledge.embeddings import Embedder, get_embedder
from knowledge.index import (
    COLLECTION_NAME,
    TAG_KEY_PREFIX,
    IndexMissingError,
    IndexStaleError,
    index_location,
    ingest,
    open_client,
    snippet_from_record,
    stale_reason,
)
from knowledge.models import PANELIST_IDS, STAGE_IDS, ScoredSnippet, Snippet
from knowledge.settings import Settings

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

__all__ = ["IndexMissingError", "QueryError", "Retriever", "ensure_index"]

POLARITIES = ("positive", "negative")
_TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$")
# Extra neighbours fetched beyond k so that ties at the cut-off and small HNSW
# approximation errors cannot change which snippets make the top k.
OVERFETCH = 10


class QueryError(MockpanelError):
    """A search the index cannot answer as asked (empty text, unknown filter value, k < 1)."""


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise QueryError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
    return value


class Retriever:
    """Query text + filters → snippets ranked by cosine similarity (score desc, id asc)."""

    def __init__(self, collection: Collection, embedder: Embedder, location: str) -> None:
        self._collection = collection
        self._embedder = embedder
        self._location = location
        self._lock = threading.Lock()
        records = collection.get(include=["documents", "metadatas"])
        self._snippets: dict[str, Snippet] = {
            sid: snippet_from_record(sid, doc or "", meta or {})
            for sid, doc, meta in zip(
                records["ids"], records["documents"] or [], records["metadatas"] or [], strict=True
            )
        }
        if not self._snippets:
            raise IndexMissingError(location)

    @classmethod
    def from_settings(cls, settings: Settings) -> Retriever:
        """Open the index (embedded or server); IndexMissingError when it was never built."""
        from chromadb.errors import NotFoundError

        location = index_location(settings)
        if not settings.chroma_url and not settings.chroma_dir.is_dir():
            raise IndexMissingError(location)
        client = open_client(settings)
        try:
            collection = client.get_collection(COLLECTION_NAME)
        except NotFoundError as exc:
            raise IndexMissingError(location) from exc
        reason = stale_reason(collection.metadata)
        if reason is not None:
            raise IndexStaleError(location, reason)
        return cls(collection, get_embedder(settings), location)

    def __len__(self) -> int:
        return len(self._snippets)

    def ids(self) -> list[str]:
        """Every snippet id in the index, sorted."""
        return sorted(self._snippets)

    def get(self, snippet_id: str) -> Snippet | None:
        """The snippet with this id, or None."""
        return self._snippets.get(snippet_id)

    def has(self, snippet_id: str) -> bool:
        """Whether a snippet with this id is in the index."""
        return snippet_id in self._snippets

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
        """The k snippets closest to `text` that pass every given filter."""
        if not text or not text.strip():
            raise QueryError("query text is empty")
        if k < 1:
            raise QueryError(f"k must be at least 1, got {k}")
        where = self._where(stage, panelist, polarity, question_tag)
        vector = self._embedder.embed([text.strip()])
        n_results = min(len(self._snippets), k + OVERFETCH)
        query: dict[str, Any] = {
            "query_embeddings": vector,
            "n_results": n_results,
            "include": ["distances"],
        }
        if where is not None:
            query["where"] = where
        # The embedded client is shared process-wide; one query at a time keeps it safe
        # under the eval runner's threads, and a query costs about a millisecond.
        with self._lock:
            result = self._collection.query(**query)
        ids = result["ids"][0]
        distances = (result["distances"] or [[]])[0]
        ranked = sorted(
            (
                (round(1.0 - float(d), 6), sid)
                for sid, d in zip(ids, distances, strict=True)
                if sid in self._snippets  # written by an ingest after this Retriever opened
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        return [
            ScoredSnippet(snippet=self._snippets[sid], score=score) for score, sid in ranked[:k]
        ]

    @staticmethod
    def _where(
        stage: str | None, panelist: str | None, polarity: str | None, question_tag: str | None
    ) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if _check_choice("stage", stage, STAGE_IDS):
            clauses.append({"stage": {"$eq": stage}})
        if _check_choice("panelist", panelist, PANELIST_IDS):
            clauses.append({"panelist": {"$eq": panelist}})
        if _check_choice("polarity", polarity, POLARITIES):
            clauses.append({"polarity": {"$eq": polarity}})
        if question_tag is not None:
            if not _TAG.match(question_tag):
                raise QueryError(f"bad question tag {question_tag!r}")
            clauses.append({TAG_KEY_PREFIX + question_tag: {"$eq": True}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def ensure_index(settings: Settings, announce: Callable[[str], None] | None = None) -> bool:
    """Build the knowledge index when it is missing or stale (ingest is idempotent), after
    telling `announce` why; whether it had to be built."""
    try:
        Retriever.from_settings(settings)
        return False
    except IndexMissingError as exc:  # or stale
        if announce is not None:
            announce(f"{exc}; building it now (mockpanel ingest)")
    ingest(settings)
    return True
