"""OfflineBrain: the deterministic rubric engine behind the Brain protocol."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any, Self

from agents.brains.base import StepResult
from agents.brains.offline.analysis import Analysis, Analyzer
from agents.brains.offline.calibration import Calibration, load_calibration
from agents.brains.offline.grounding import SnippetFinder
from agents.brains.offline.probes import ProbeWriter, choose, panelist_gaps
from agents.brains.offline.reading import Reader
from agents.brains.offline.relevance import QuestionMatcher
from agents.brains.offline.votes import panelist_vote
from agents.brains.offline.writer import DebriefWriter
from agents.debrief import CallUsage, Debrief, PanelVote, Usage
from agents.state import Probe
from agents.transcript import Turn
from agents.workers import run_cpu_bound
from knowledge.embeddings import Embedder, get_embedder
from knowledge.loader import load_questions, load_rubric
from knowledge.models import Panelist, Question, Rubric
from knowledge.settings import Settings
from knowledge.snippet_source import SnippetSource

MODEL_NAME = "offline-rubric"


def _elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


def _usage(step: str, start: float) -> list[CallUsage]:
    return [CallUsage(step=step, model=MODEL_NAME, latency_ms=_elapsed_ms(start))]


class OfflineBrain:
    """Rubric-based judge: sentence similarity to exemplars, substance, red flags, scores.

    Its work is CPU-bound (embedding, scoring) and its first use opens the model and the
    index, so every step runs on the CPU pool, never on the event loop."""

    name = "offline"

    def __init__(
        self,
        settings: Settings,
        *,
        retriever: SnippetSource | None = None,
        rubric: Rubric | None = None,
        calibration: Calibration | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.rubric = rubric or load_rubric()
        self.calibration = calibration or load_calibration()
        self._embedder = embedder
        self._retriever = retriever
        self._analyzer: Analyzer | None = None
        self._reader: Reader | None = None
        self._finder: SnippetFinder | None = None
        self._lock = threading.RLock()

    @classmethod
    def from_settings(
        cls, settings: Settings, retriever: SnippetSource | None = None, **kw: Any
    ) -> Self:
        """A brain for these settings; the Retriever is opened on first use unless given."""
        return cls(settings, retriever=retriever, **kw)

    # -- lazily built parts -------------------------------------------------
    @property
    def analyzer(self) -> Analyzer:
        """The analyzer (loads the embedder and embeds the exemplars once)."""
        with self._lock:
            if self._analyzer is None:
                embedder = self._embedder or get_embedder(self.settings)
                self._analyzer = Analyzer(self.rubric, self.calibration, embedder)
            return self._analyzer

    @property
    def reader(self) -> Reader:
        """Reads a transcript for a question: the evidence table within the question's scope."""
        with self._lock:
            if self._reader is None:
                analyzer = self.analyzer
                matcher = QuestionMatcher(list(load_questions().questions), analyzer.embedder)
                self._reader = Reader(analyzer, self.rubric, self.calibration, matcher)
            return self._reader

    @property
    def finder(self) -> SnippetFinder:
        """Snippet search, opening the knowledge index on first use."""
        with self._lock:
            if self._finder is None:
                if self._retriever is None:
                    from knowledge.retrieval import Retriever

                    self._retriever = Retriever.from_settings(self.settings)
                self._finder = SnippetFinder(self._retriever, self.analyzer.embedder)
            return self._finder

    def analyze(self, transcript: list[Turn]) -> Analysis:
        """The memoised analysis of a transcript's candidate turns."""
        return self.analyzer.analyze(transcript)

    def prepare(self) -> None:
        """Load the model, embed the exemplars and open the index now rather than on first use."""
        _ = self.finder

    async def warm_up(self, texts: Sequence[str]) -> None:
        """Read every sentence of answers known up front (an eval's cases) in one batch:
        embedding texts together costs about two thirds of embedding them one debrief at a
        time, and the vectors are the same."""
        await run_cpu_bound(self.analyzer.warm_up, texts)

    # -- Brain protocol -----------------------------------------------------
    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        """This panelist's probes for the round: its most severe unprobed gaps."""
        return await run_cpu_bound(self._probe, panelist, question, transcript, round)

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        """This panelist's vote, weighted to the stages it owns."""
        return await run_cpu_bound(self._vote, panelist, question, transcript)

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        """The debrief: decision from stage scores, red flags and coverage, every claim cited."""
        return await run_cpu_bound(self._debrief, question, transcript, votes)

    # -- the steps, run on a worker thread -----------------------------------
    def _probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> StepResult[list[Probe]]:
        start = time.perf_counter()
        reading = self.reader.read(question, transcript)
        gaps = panelist_gaps(reading, panelist, self.rubric, self.calibration, transcript)
        cfg = self.calibration.probes
        chosen = choose(gaps, cfg.per_panelist, cfg.severity.first_pick, self.calibration.implies)
        writer = ProbeWriter(self.calibration, self.finder, self.rubric)
        probes = writer.write_all(chosen, reading, panelist, question, transcript)
        return StepResult(probes, _usage(f"probe:{panelist.id}:r{round}", start))

    def _vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> StepResult[PanelVote]:
        start = time.perf_counter()
        result = panelist_vote(
            self.reader.read(question, transcript),
            self.reader,
            panelist,
            self.rubric,
            self.calibration,
            self.finder,
        )
        return StepResult(result, _usage(f"vote:{panelist.id}", start))

    def _debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> StepResult[Debrief]:
        start = time.perf_counter()
        reading = self.reader.read(question, transcript)
        writer = DebriefWriter(self.rubric, self.calibration, self.finder)
        draft = writer.write(reading, transcript, votes, Usage())
        return StepResult(draft, _usage("debrief", start))
