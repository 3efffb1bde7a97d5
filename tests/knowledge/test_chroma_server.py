"""Ingest and search against a real Chroma server (HttpClient), started for this module."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.index import IndexUnavailableError, ingest
from knowledge.retrieval import Retriever
from knowledge.settings import Settings
from tests.knowledge.sample_corpus import SAMPLE_SNIPPETS, write_corpus

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma server exited with code {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"chroma server did not listen on port {port} within {timeout} s")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMA.is_file():
        pytest.skip("the chroma server command is not installed in this environment")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_unreachable_server_is_named(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    with pytest.raises(IndexUnavailableError, match=f"Chroma server at {url} is unreachable"):
        ingest(Settings(home=tmp_path, chroma_url=url), write_corpus(tmp_path / "corpus"))


def test_ingest_and_search_over_http(server_url: str, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", chroma_url=server_url)
    corpus = write_corpus(tmp_path / "corpus")

    first = ingest(settings, corpus)
    assert (first.added, first.location) == (len(SAMPLE_SNIPPETS), server_url)
    again = ingest(settings, corpus)
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert not settings.chroma_dir.exists()  # nothing written to the embedded store

    retriever = Retriever.from_settings(settings)
    hits = retriever.search(
        "escalate uncertain cases to a larger model", 3, stage="model_integration"
    )
    assert hits[0].snippet.id == "t-routing-pos"
    assert retriever.has("t-no-gold-neg")
