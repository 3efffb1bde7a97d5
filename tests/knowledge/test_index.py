"""Ingest is idempotent and incremental; the Retriever filters, ranks stably, fails clearly."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from agents.errors import ConfigError
from knowledge import index as index_module
from knowledge.embeddings import get_embedder
from knowledge.index import (
    COLLECTION_NAME,
    IndexMissingError,
    IndexStaleError,
    ingest,
    open_client,
)
from knowledge.retrieval import QueryError, Retriever
from knowledge.settings import Settings
from tests.knowledge.sample_corpus import SAMPLE_SNIPPETS, write_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Retriever]:
    """One index of the sample corpus shared by the read-only tests of this module."""
    root = tmp_path_factory.mktemp("index")
    settings = Settings(home=root / "home", chroma_url=None)
    ingest(settings, write_corpus(root / "corpus"))
    yield Retriever.from_settings(settings)


def _spy_embedded(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every text ingest sends to the embedder."""
    embedder = get_embedder(settings)
    seen: list[str] = []
    original = embedder.embed

    def recording(texts: Any) -> Any:
        seen.extend(texts)
        return original(texts)

    monkeypatch.setattr(embedder, "embed", recording)
    return seen


def test_ingest_builds_then_is_a_no_op(settings: Settings, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    first = ingest(settings, corpus)
    assert (first.added, first.updated, first.removed, first.unchanged) == (12, 0, 0, 0)
    assert first.total == len(SAMPLE_SNIPPETS)
    assert not first.rebuilt
    assert str(settings.chroma_dir) in first.summary()

    second = ingest(settings, corpus)
    assert (second.added, second.updated, second.removed) == (0, 0, 0)
    assert second.unchanged == len(SAMPLE_SNIPPETS)
    assert len(Retriever.from_settings(settings)) == len(SAMPLE_SNIPPETS)


def test_changed_text_re_embeds_only_that_snippet(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest(settings, corpus)
    edited = copy.deepcopy(SAMPLE_SNIPPETS)
    edited[3]["text"] = (
        "Experts re-label a random fifth of the batch; the gap sets the vendor's pay."
    )
    write_corpus(corpus, edited)
    seen = _spy_embedded(settings, monkeypatch)

    report = ingest(settings, corpus)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert report.unchanged == len(SAMPLE_SNIPPETS) - 1
    assert seen == [edited[3]["text"]]
    retriever = Retriever.from_settings(settings)
    stored = retriever.get(edited[3]["id"])
    assert stored is not None and stored.text == edited[3]["text"]
    top = retriever.search("random fifth of the batch re-labelled", 1)[0]
    assert top.snippet.id == edited[3]["id"]


def test_changed_tags_drop_the_old_tag_filter(settings: Settings, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest(settings, corpus)
    edited = copy.deepcopy(SAMPLE_SNIPPETS)
    edited[0]["question_tags"] = ["radiology"]
    write_corpus(corpus, edited)
    assert ingest(settings, corpus).updated == 1

    retriever = Retriever.from_settings(settings)
    healthcare = retriever.search("gold set", 12, question_tag="healthcare")
    assert edited[0]["id"] not in {h.snippet.id for h in healthcare}
    assert [h.snippet.id for h in retriever.search("gold set", 12, question_tag="radiology")] == [
        edited[0]["id"]
    ]


def test_removed_snippet_is_deleted_and_new_one_added(settings: Settings, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest(settings, corpus)
    gone = SAMPLE_SNIPPETS[5]["id"]
    fresh = dict(SAMPLE_SNIPPETS[5], id="t-new", text="Keeps a rotating pool of tie adjudicators.")
    write_corpus(corpus, [s for s in SAMPLE_SNIPPETS if s["id"] != gone] + [fresh])

    report = ingest(settings, corpus)
    assert (report.added, report.updated, report.removed) == (1, 0, 1)
    retriever = Retriever.from_settings(settings)
    assert not retriever.has(gone)
    assert retriever.get(gone) is None
    assert retriever.has("t-new")
    assert gone not in {h.snippet.id for h in retriever.search("auto-labeler agreement", 12)}


def test_model_change_forces_a_rebuild(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest(settings, corpus)
    monkeypatch.setattr(index_module, "model_fingerprint", lambda: "0" * 64)

    with pytest.raises(IndexStaleError, match=r"embedding_sha256.*run `mockpanel ingest`"):
        Retriever.from_settings(settings)
    report = ingest(settings, corpus)
    assert report.rebuilt
    assert (report.added, report.unchanged) == (len(SAMPLE_SNIPPETS), 0)
    assert len(Retriever.from_settings(settings)) == len(SAMPLE_SNIPPETS)


def test_missing_index(settings: Settings) -> None:
    with pytest.raises(IndexMissingError) as info:
        Retriever.from_settings(settings)
    assert str(info.value) == (
        f"knowledge index not found at {settings.chroma_dir}; run `mockpanel ingest`"
    )
    assert not settings.chroma_dir.exists()  # looking did not create it


def test_empty_collection_counts_as_missing(settings: Settings) -> None:
    client = open_client(settings)
    client.create_collection(
        COLLECTION_NAME,
        metadata=index_module.expected_collection_metadata(),
        embedding_function=None,
    )
    with pytest.raises(IndexMissingError, match="not found"):
        Retriever.from_settings(settings)


def test_results_are_ranked_and_rounded(built: Retriever) -> None:
    hits = built.search("route uncertain cases to a bigger model then a person", 5)
    assert len(hits) == 5
    assert hits[0].snippet.id == "t-routing-pos"
    keys = [(-h.score, h.snippet.id) for h in hits]
    assert keys == sorted(keys)
    assert all(-1.0 <= h.score <= 1.0 and round(h.score, 6) == h.score for h in hits)


def test_search_is_deterministic_and_thread_safe(built: Retriever) -> None:
    queries = [s["text"][:60] for s in SAMPLE_SNIPPETS] * 3

    def run(query: str) -> list[tuple[str, float]]:
        return [(h.snippet.id, h.score) for h in built.search(query, 4)]

    serial = [run(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(run, queries))
    assert parallel == serial


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {"stage": "data_strategy"},
            {"t-data-sample-pos", "t-data-all-experts-neg", "t-data-automate-pos"},
        ),
        (
            {"panelist": "hiring_manager", "polarity": "negative"},
            {"t-objective-neg", "t-no-gold-neg"},
        ),
        ({"question_tag": "expert-review"}, {"t-objective-pos", "t-data-sample-pos"}),
        (
            {"stage": "data_strategy", "polarity": "positive", "question_tag": "labeling"},
            {"t-data-sample-pos", "t-data-automate-pos"},
        ),
        ({"stage": "scaling", "panelist": "interviewer"}, set()),
    ],
)
def test_filters(built: Retriever, filters: dict[str, str], expected: set[str]) -> None:
    hits = built.search("how the candidate handled labels", 12, **filters)
    assert {h.snippet.id for h in hits} == expected


def test_k_limits_results(built: Retriever) -> None:
    assert len(built.search("labels", 1)) == 1
    assert len(built.search("labels", 50)) == len(SAMPLE_SNIPPETS)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stage": "deployment"}, "unknown stage 'deployment'"),
        ({"panelist": "ceo"}, "unknown panelist 'ceo'"),
        ({"polarity": "neutral"}, "unknown polarity 'neutral'"),
        ({"question_tag": "a|b"}, "bad question tag"),
    ],
)
def test_bad_filter_values(built: Retriever, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        built.search("labels", 3, **kwargs)


def test_bad_query(built: Retriever) -> None:
    with pytest.raises(QueryError, match="empty"):
        built.search("   ", 3)
    with pytest.raises(QueryError, match="k must be"):
        built.search("labels", 0)


def test_get_and_has(built: Retriever) -> None:
    snippet = built.get("t-routing-pos")
    assert snippet is not None
    assert snippet.model_dump() == {**SAMPLE_SNIPPETS[6]}
    assert built.has("t-routing-pos")
    assert not built.has("nope")
    assert built.get("nope") is None
    assert built.ids() == sorted(s["id"] for s in SAMPLE_SNIPPETS)


def test_server_url_selects_http_client(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import chromadb

    calls: list[dict[str, Any]] = []

    def fake_http_client(**kwargs: Any) -> str:
        calls.append(kwargs)
        return "http-client"

    monkeypatch.setattr(chromadb, "HttpClient", fake_http_client)
    for url, expected in [
        ("http://chroma.internal:9000", ("chroma.internal", 9000, False)),
        ("https://chroma.example.com", ("chroma.example.com", 443, True)),
        ("http://localhost", ("localhost", 8000, False)),
    ]:
        client = open_client(Settings(home=tmp_path, chroma_url=url))
        assert client == "http-client"
        assert (calls[-1]["host"], calls[-1]["port"], calls[-1]["ssl"]) == expected
    assert not (tmp_path / "chroma").exists()


@pytest.mark.parametrize("url", ["chroma:8000", "ftp://host", "http://host:notaport"])
def test_bad_server_url(url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Chroma server URL"):
        open_client(Settings(home=tmp_path, chroma_url=url))
