"""Fixtures for the offline brain: one warmed-up brain per test session, a fake retriever."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.brains.offline import OfflineBrain
from agents.transcript import Turn
from knowledge.loader import load_snippets
from knowledge.models import ScoredSnippet, Snippet
from knowledge.settings import Settings

SAMPLES = Path(__file__).with_name("samples.yaml")


class FakeRetriever:
    """The real snippet corpus behind the Retriever contract, ranked by word overlap."""

    def __init__(self) -> None:
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
        if not text.strip():
            raise ValueError("query text is empty")
        self.queries.append({"text": text, "stage": stage, "panelist": panelist})
        query = self._words(text)
        hits = []
        for s in self.snippets.values():
            if (stage and s.stage != stage) or (panelist and s.panelist != panelist):
                continue
            if polarity and s.polarity != polarity:
                continue
            words = self._words(s.text)
            score = round(len(query & words) / max(1, len(query | words)), 6)
            hits.append(ScoredSnippet(snippet=s, score=score))
        hits.sort(key=lambda h: (-h.score, h.snippet.id))
        return hits[:k]

    def get(self, snippet_id: str) -> Snippet | None:
        return self.snippets.get(snippet_id)

    def has(self, snippet_id: str) -> bool:
        return snippet_id in self.snippets


@pytest.fixture(scope="session")
def brain_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings with a data dir shared by this package's tests (model files laid out once)."""
    return Settings(home=tmp_path_factory.mktemp("offline-brain-home"))


@pytest.fixture(scope="session")
def retriever() -> FakeRetriever:
    """A fake retriever over the real snippet corpus."""
    return FakeRetriever()


@pytest.fixture(scope="session")
def brain(brain_settings: Settings, retriever: FakeRetriever) -> OfflineBrain:
    """An offline brain whose exemplars are embedded once for the whole session."""
    return OfflineBrain.from_settings(brain_settings, retriever=retriever)


@pytest.fixture(scope="session")
def samples() -> dict[str, Any]:
    """The hand-written development answers."""
    data: dict[str, Any] = yaml.safe_load(SAMPLES.read_text(encoding="utf-8"))
    return data


def sample(samples: dict[str, Any], sample_id: str) -> dict[str, Any]:
    """One sample by id."""
    found: dict[str, Any] = next(s for s in samples["samples"] if s["id"] == sample_id)
    return found


def opening(text: str) -> list[Turn]:
    """A transcript holding only the candidate's opening answer."""
    return [Turn(id="t1", speaker="candidate", text=text)]
