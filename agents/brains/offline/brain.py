"""OfflineBrain: the deterministic rubric engine behind the Brain protocol."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Self

from agents.brains.base import Probe
from agents.brains.offline.analysis import Analysis, Analyzer
from agents.brains.offline.calibration import Calibration, load_calibration
from agents.brains.offline.grounding import SnippetFinder
from agents.brains.offline.probes import ProbeWriter, asked_gaps, choose, panelist_gaps
from agents.brains.offline.scoring import margin, stage_scores, verdict
from agents.brains.offline.votes import panelist_vote
from agents.brains.offline.writer import DebriefWriter
from agents.debrief import CallUsage, Debrief, PanelVote, Usage
from agents.transcript import Turn
from knowledge.embeddings import Embedder, get_embedder
from knowledge.loader import load_rubric
from knowledge.models import Panelist, Question, Rubric
from knowledge.settings import Settings
from knowledge.snippet_source import SnippetSource

MODEL_NAME = "offline-rubric"
USAGE_MEMO_SIZE = 256


def _elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


def _transcript_key(transcript: list[Turn]) -> tuple[tuple[str, str], ...]:
    return tuple((t.id, t.text) for t in transcript if t.speaker == "candidate")


class OfflineBrain:
    """Rubric-based judge: sentence similarity to exemplars, substance, red flags, scores."""

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
        self._finder: SnippetFinder | None = None
        self._lock = threading.RLock()
        self._vote_usage: OrderedDict[tuple[Any, str], CallUsage] = OrderedDict()
        # Probe calls per (candidate turns seen, panelist, round): a debrief reports those
        # whose turns are a prefix of its own transcript's, i.e. the probes of this session.
        self._probe_usage: OrderedDict[tuple[Any, str, int], CallUsage] = OrderedDict()

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

    # -- Brain protocol -----------------------------------------------------
    async def probe(
        self, panelist: Panelist, question: Question, transcript: list[Turn], round: int
    ) -> list[Probe]:
        """This panelist's probes for the round: its most severe unprobed gaps."""
        start = time.perf_counter()
        analysis = self.analyze(transcript)
        scores = stage_scores(analysis, self.calibration.scoring)
        gaps = panelist_gaps(
            analysis, scores, panelist, self.rubric, self.calibration, asked_gaps(transcript)
        )
        writer = ProbeWriter(self.calibration, self.finder)
        chosen = choose(gaps, self.calibration.probes.per_panelist)
        probes = [writer.write(g, analysis, panelist, question, round) for g in chosen]
        usage = CallUsage(
            step=f"probe:{panelist.id}:r{round}", model=MODEL_NAME, latency_ms=_elapsed_ms(start)
        )
        self._remember(self._probe_usage, (_transcript_key(transcript), panelist.id, round), usage)
        return probes

    def _remember(self, memo: OrderedDict[Any, CallUsage], key: Any, usage: CallUsage) -> None:
        """Keep a call's usage for the debrief, bounded to the most recent entries."""
        with self._lock:
            memo[key] = usage
            memo.move_to_end(key)
            while len(memo) > USAGE_MEMO_SIZE:
                memo.popitem(last=False)

    def _probe_calls(self, key: tuple[tuple[str, str], ...]) -> list[CallUsage]:
        """Probe calls served for this transcript's earlier states, in round then panelist order."""
        with self._lock:
            found = [
                (rnd, panelist, usage)
                for (seen, panelist, rnd), usage in self._probe_usage.items()
                if key[: len(seen)] == seen
            ]
        return [usage for _, _, usage in sorted(found, key=lambda x: (x[0], x[1]))]

    async def vote(
        self, panelist: Panelist, question: Question, transcript: list[Turn]
    ) -> PanelVote:
        """This panelist's vote, weighted to the stages it owns."""
        start = time.perf_counter()
        result = panelist_vote(
            self.analyze(transcript), panelist, self.rubric, self.calibration, self.finder
        )
        usage = CallUsage(
            step=f"vote:{panelist.id}", model=MODEL_NAME, latency_ms=_elapsed_ms(start)
        )
        self._remember(self._vote_usage, (_transcript_key(transcript), panelist.id), usage)
        return result

    async def debrief(
        self, question: Question, transcript: list[Turn], votes: list[PanelVote]
    ) -> Debrief:
        """The debrief: decision from stage scores, red flags and coverage, every claim cited."""
        start = time.perf_counter()
        analysis = self.analyze(transcript)
        scoring = self.calibration.scoring
        scores = stage_scores(analysis, scoring)
        result = verdict(margin(analysis, scoring), scoring)
        writer = DebriefWriter(self.rubric, self.calibration, self.finder)
        key = _transcript_key(transcript)
        calls = self._probe_calls(key)
        with self._lock:
            calls += [
                self._vote_usage[(key, v.panelist)]
                for v in votes
                if (key, v.panelist) in self._vote_usage
            ]
        draft = writer.write(analysis, scores, result, transcript, votes, Usage())
        calls.append(CallUsage(step="debrief", model=MODEL_NAME, latency_ms=_elapsed_ms(start)))
        return draft.model_copy(update={"usage": Usage.total(calls)})
