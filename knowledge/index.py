"""The Chroma index of the debrief-snippet corpus: opening it and (re)building it idempotently."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from agents.errors import ConfigError, MockpanelError
from knowledge.embeddings import MODEL_FILES, get_embedder
from knowledge.loader import load_snippet_dir, load_snippets
from knowledge.models import Snippet, SnippetCorpus
from knowledge.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

COLLECTION_NAME = "debrief_snippets"
EMBEDDING_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2:onnx-int8"
# Bump when the stored metadata layout changes: an index in an older layout is rebuilt.
INDEX_FORMAT = 1
TAG_KEY_PREFIX = "tag__"


class IndexMissingError(MockpanelError):
    """The knowledge index does not exist or holds no snippets."""

    def __init__(self, location: str) -> None:
        super().__init__(f"knowledge index not found at {location}; run `mockpanel ingest`")
        self.location = location


class IndexUnavailableError(MockpanelError):
    """The Chroma server holding the index cannot be reached."""


class IndexStaleError(IndexMissingError):
    """The index was built with another embedding model or metadata layout."""

    def __init__(self, location: str, reason: str) -> None:
        MockpanelError.__init__(
            self, f"knowledge index at {location} is out of date ({reason}); run `mockpanel ingest`"
        )
        self.location = location


class IndexUnreadableError(IndexMissingError):
    """The index folder exists but Chroma cannot open it (corrupt or from another version)."""

    def __init__(self, location: str, reason: str) -> None:
        MockpanelError.__init__(
            self,
            f"knowledge index at {location} cannot be opened ({reason}); move the folder away "
            "and run `mockpanel ingest` to rebuild it",
        )
        self.location = location


@dataclass(frozen=True)
class IngestReport:
    """What one `ingest` run changed in the index."""

    added: int
    updated: int
    removed: int
    unchanged: int
    seconds: float
    rebuilt: bool
    location: str

    @property
    def total(self) -> int:
        """Snippets in the index after the run."""
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        """One line for the terminal."""
        rebuilt = " (rebuilt: embedding model or layout changed)" if self.rebuilt else ""
        return (
            f"indexed {self.total} snippets at {self.location}: {self.added} added, "
            f"{self.updated} updated, {self.removed} removed, {self.unchanged} unchanged "
            f"in {self.seconds:.2f} s{rebuilt}"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "total": self.total,
            "seconds": round(self.seconds, 3),
            "rebuilt": self.rebuilt,
            "location": self.location,
        }


def model_fingerprint() -> str:
    """sha256 over the pinned model files' hashes: changes whenever any model file changes."""
    joined = "|".join(f"{name}={sha}" for name, (_, _, sha) in sorted(MODEL_FILES.items()))
    return hashlib.sha256(joined.encode()).hexdigest()


def expected_collection_metadata() -> dict[str, str | int]:
    """Collection metadata an up-to-date index carries."""
    return {
        "embedding_model": EMBEDDING_MODEL_ID,
        "embedding_sha256": model_fingerprint(),
        "index_format": INDEX_FORMAT,
    }


def stale_reason(metadata: Mapping[str, Any] | None) -> str | None:
    """Why an existing collection cannot be reused as is, or None when it can."""
    current = metadata or {}
    for key, value in expected_collection_metadata().items():
        if current.get(key) != value:
            return f"{key} is {current.get(key)!r}, expected {value!r}"
    return None


def index_location(settings: Settings) -> str:
    """Where the index lives, for messages: the server URL or the embedded folder."""
    return settings.chroma_url or str(settings.chroma_dir)


def _parse_server_url(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"bad Chroma server URL {url!r}; expected http(s)://host[:port]")
    ssl = parts.scheme == "https"
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"bad port in Chroma server URL {url!r}") from exc
    return parts.hostname, port or (443 if ssl else 8000), ssl


_clients: dict[str, ClientAPI] = {}
_clients_lock = threading.Lock()


def open_client(settings: Settings) -> ClientAPI:
    """The process's Chroma client for these settings, opened once under a lock (chromadb's
    client set-up is not thread-safe); a failure is raised, never remembered."""
    key = settings.chroma_url or str(settings.chroma_dir.resolve())
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _new_client(settings)
            _clients[key] = client
        return client


def forget_clients() -> None:
    """Drop the cached clients (after an index folder was deleted or replaced)."""
    with _clients_lock:
        _clients.clear()


def _new_client(settings: Settings) -> ClientAPI:
    """A Chroma client: HttpClient when a server URL is configured, else the embedded store."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        host, port, ssl = _parse_server_url(settings.chroma_url)
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
        except ValueError as exc:  # chromadb's way of saying the server did not answer
            raise IndexUnavailableError(
                f"Chroma server at {settings.chroma_url} is unreachable: {exc}"
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises InternalError and friends for a damaged folder
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise IndexUnreadableError(str(settings.chroma_dir), reason) from exc


def content_hash(snippet: Snippet) -> str:
    """sha256 of everything stored for a snippet; a change means re-embed and rewrite."""
    payload = json.dumps(snippet.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def snippet_metadata(snippet: Snippet) -> dict[str, str | bool]:
    """Chroma metadata for a snippet; lists are not allowed, so tags are flattened two ways."""
    metadata: dict[str, str | bool] = {
        "panelist": snippet.panelist,
        "stage": snippet.stage,
        "polarity": snippet.polarity,
        # "|a|b|" keeps order for reconstruction; tag__<t> keys make `$eq` filters possible.
        "tags": "|" + "|".join(snippet.question_tags) + "|" if snippet.question_tags else "",
        "content_hash": content_hash(snippet),
    }
    for tag in snippet.question_tags:
        metadata[TAG_KEY_PREFIX + tag] = True
    return metadata


def snippet_from_record(snippet_id: str, document: str, metadata: Mapping[str, Any]) -> Snippet:
    """Rebuild the Snippet stored under an id."""
    tags = [t for t in str(metadata.get("tags") or "").split("|") if t]
    return Snippet(
        id=snippet_id,
        panelist=metadata["panelist"],
        stage=metadata["stage"],
        polarity=metadata["polarity"],
        question_tags=tags,
        text=document,
    )


def _load_corpus(corpus: SnippetCorpus | Path | None) -> SnippetCorpus:
    if corpus is None:
        return load_snippets()
    if isinstance(corpus, Path):
        return load_snippet_dir(corpus)
    return corpus


def _open_collection(client: ClientAPI) -> tuple[Collection, bool]:
    """The snippet collection, recreated if its model or layout is stale; (collection, rebuilt)."""
    from chromadb.errors import NotFoundError

    rebuilt = False
    try:
        existing = client.get_collection(COLLECTION_NAME)
    except NotFoundError:
        existing = None
    if existing is not None:
        if stale_reason(existing.metadata) is None:
            return existing, False
        client.delete_collection(COLLECTION_NAME)
        rebuilt = True
    collection = client.create_collection(
        COLLECTION_NAME,
        configuration={"hnsw": {"space": "cosine"}},
        metadata=expected_collection_metadata(),
        embedding_function=None,
    )
    return collection, rebuilt


def ingest(settings: Settings, corpus: SnippetCorpus | Path | None = None) -> IngestReport:
    """Bring the index in line with the corpus, embedding only new or changed snippets."""
    started = time.perf_counter()
    snippets = _load_corpus(corpus).snippets
    client = open_client(settings)
    collection, rebuilt = _open_collection(client)

    stored = collection.get(include=["metadatas"])
    stored_hash = {
        sid: str((meta or {}).get("content_hash", ""))
        for sid, meta in zip(stored["ids"], stored["metadatas"] or [], strict=True)
    }
    wanted = {s.id: s for s in snippets}
    new = [s for s in snippets if s.id not in stored_hash]
    changed = [s for s in snippets if s.id in stored_hash and stored_hash[s.id] != content_hash(s)]
    gone = sorted(set(stored_hash) - set(wanted))

    # Chroma's upsert merges metadata keys, which would keep stale tag__ keys: delete first.
    stale_ids = gone + [s.id for s in changed]
    batch = client.get_max_batch_size()
    for start in range(0, len(stale_ids), batch):
        collection.delete(ids=stale_ids[start : start + batch])
    to_write = new + changed
    if to_write:
        vectors = get_embedder(settings).embed([s.text for s in to_write])
        for start in range(0, len(to_write), batch):
            chunk = to_write[start : start + batch]
            collection.add(
                ids=[s.id for s in chunk],
                embeddings=vectors[start : start + len(chunk)],
                documents=[s.text for s in chunk],
                metadatas=[snippet_metadata(s) for s in chunk],
            )
    return IngestReport(
        added=len(new),
        updated=len(changed),
        removed=len(gone),
        unchanged=len(snippets) - len(new) - len(changed),
        seconds=time.perf_counter() - started,
        rebuilt=rebuilt,
        location=index_location(settings),
    )
