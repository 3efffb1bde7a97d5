"""Fixtures for the offline brain: one warmed-up brain per test session, a corpus retriever."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.brains.offline import OfflineBrain
from agents.state import Probe
from agents.transcript import Turn
from knowledge.loader import load_questions
from knowledge.models import Question
from knowledge.settings import Settings
from tests.doubles import CorpusIndex

SAMPLES = Path(__file__).with_name("samples.yaml")


@pytest.fixture(scope="session")
def brain_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings with a data dir shared by this package's tests (model files laid out once)."""
    return Settings(home=tmp_path_factory.mktemp("offline-brain-home"))


@pytest.fixture(scope="session")
def retriever() -> CorpusIndex:
    """A fake retriever over the real snippet corpus."""
    return CorpusIndex()


@pytest.fixture(scope="session")
def brain(brain_settings: Settings, retriever: CorpusIndex) -> OfflineBrain:
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


def asked(sample_data: dict[str, Any]) -> Question:
    """The bank question a sample answers."""
    return load_questions().get(sample_data["question_id"])


def opening(text: str) -> list[Turn]:
    """A transcript holding only the candidate's opening answer."""
    return [Turn(id="t1", speaker="candidate", text=text)]


HELP_WIDGET_QUESTION = "Design a RAG-based support assistant for a B2B SaaS company's help widget."


def help_widget_round(samples: dict[str, Any]) -> list[Turn]:
    """The prep-site style help-widget design and its reply to one evaluation probe."""
    widget = sample(samples, "typed_help_widget")
    probe = Probe(
        panelist="interviewer",
        stage="evaluation",
        gap="drift_retraining_trigger",
        gap_kind="missing_signal",
        severity=2.0,
        text="How would you notice the answers getting worse after launch?",
    )
    return exchange(opening(widget["answer"]), probe, widget["reply"])


def exchange(transcript: list[Turn], probes: Probe | list[Probe], reply: str) -> list[Turn]:
    """The transcript with round-1 probes asked and the candidate's one reply to them."""
    out = list(transcript)
    for probe in probes if isinstance(probes, list) else [probes]:
        out.append(
            Turn(
                id=f"t{len(out) + 1}",
                speaker=probe.panelist,
                text=probe.text,
                round=1,
                stage=probe.stage,
                gap=probe.gap,
                gap_kind=probe.gap_kind,
            )
        )
    return [*out, Turn(id=f"t{len(out) + 1}", speaker="candidate", text=reply, round=1)]
