"""The panel's reading of one transcript for one question: the evidence table, read within the
question's scope, and everything derived from it (scores, flags, verdict)."""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

from agents.brains.offline.analysis import Analysis, Analyzer
from agents.brains.offline.calibration import Calibration, Scoring
from agents.brains.offline.red_flags import FlagFinding
from agents.brains.offline.relevance import QuestionMatcher, Relevance, question_text
from agents.brains.offline.scoring import (
    Verdict,
    assessed_flags,
    cap_flagged_stages,
    counts_as_dense,
    depth_weight,
    is_focused,
    margin_from,
    scores_from_credit,
    verdict,
)
from agents.debrief import EvidenceRow
from agents.transcript import Turn
from knowledge.models import STAGE_IDS, Question, Rubric, Signal, StageId
from knowledge.scope import Ask, infer_asks

OFF_QUESTION_MIN_SIGNALS = 3
OFF_PRODUCT_MIN_WORDS = 50
OFF_PRODUCT_MIN_SIGNALS = 2  # ideas shown with substance: one line of sense in junk is not enough
NAMED_ASKS_MIN = 2  # a question that names this many parts expects each of them answered


@dataclass(frozen=True)
class Reading:
    """One transcript read for one question: every judgment is derived from `rows`."""

    question: Question
    analysis: Analysis
    scope: tuple[StageId, ...]
    rows: tuple[EvidenceRow, ...]
    """One row per sentence of the candidate's turns, in order (same indices as analysis)."""
    scores: dict[str, int]
    """Score 1–4 of each assessed stage."""
    flags: tuple[FlagFinding, ...]
    relevance: Relevance
    off_question: bool
    """The answer is about another problem than the one asked (and would earn credit there)."""
    verdict: Verdict
    unfamiliar: tuple[str, ...]
    """Answer shapes that pulled the confidence towards 0.5."""
    shrink: float
    signals: dict[str, Signal]
    columns: dict[str, int]
    """Each signal's column in the sentence × signal similarities."""
    threshold: float
    """Similarity at which a sentence counts as showing a signal."""
    implies: dict[str, list[str]]
    """Signals that a credited signal shows too."""
    touch_floor: float
    """Similarity at which a substantive sentence counts as touching a signal."""
    touch_rank: int
    """A substantive sentence touches the signals among its this-many closest ones..."""
    touch_rank_floor: float
    """... that it is at least this close to."""
    classifier_touch_rank: int
    """... and the signals among the classifier's this-many likeliest for it, above "nothing"."""
    hedge_topics: dict[int, str]
    """Per hedging sentence, the signal it admits a gap in (read with the sentence before it)."""
    answered_hedges: frozenset[int]
    """Hedges that say nothing of their own, in a reply: they admit what the panel just asked."""
    named_hedges: frozenset[int] = frozenset()
    """Hedges that name what they admit outright ("I haven't priced the model yet")."""
    unused: frozenset[str] = frozenset()
    """Signals this product or this design has no use for: never probed, advised or missing."""
    missing_asks: tuple[Ask, ...] = ()
    """Parts the question asks for by name that no sentence of the answer addresses."""
    buzzword_dense: bool = False
    """Many rubric terms, few of them backed, and some assessed stage not covered in depth."""

    def in_focus(self, signal_id: str) -> bool:
        """A signal the question asks about: any of an assessed stage, or when the question
        names its focus signals, one of those (a latency question is not asked about labeling
        cost)."""
        if signal_id in self.unused:
            return False  # an idea this product or design has no use for
        focus = self.question.focus_signals
        return signal_id in focus if focus else self.signals[signal_id].stage in self.scope

    @property
    def not_assessed(self) -> list[StageId]:
        """Stages outside the question's scope."""
        return [s for s in STAGE_IDS if s not in self.scope]

    def credited_rows(self, stage: str | None = None) -> list[int]:
        """Sentences credited as evidence, optionally of one stage."""
        return [
            i for i, r in enumerate(self.rows) if r.credited and (stage is None or r.stage == stage)
        ]

    def credited_signals(self) -> set[str]:
        """Signals shown with substance somewhere in the transcript."""
        return {r.signal for r in self.rows if r.credited and r.signal}

    def best_row(self, signal_id: str) -> int | None:
        """The credited sentence for a signal with the most substance (first on ties)."""
        found = self._credited_for(signal_id)
        return max(found, key=lambda i: (len(self.rows[i].substance), -i)) if found else None

    def anchor_row(self, signal_id: str) -> int | None:
        """The credited sentence a follow-up on this signal quotes: one the classifier reads
        first as this signal if there is one (a sentence credited for it as a runner-up is
        often about something else), then the one with the most substance."""
        column = self.columns[signal_id]
        found = self._credited_for(signal_id)

        def key(i: int) -> tuple[bool, int, int]:
            scores = self.analysis.features[i].signal_scores[:-1]
            first = max(range(len(scores)), key=lambda j: (scores[j], -j)) == column
            return first, len(self.rows[i].substance), -i

        return max(found, key=key) if found else None

    def _credited_for(self, signal_id: str) -> list[int]:
        """The rows credited for this signal."""
        return [i for i, r in enumerate(self.rows) if r.credited and r.signal == signal_id]

    def flagged_sentences(self) -> frozenset[int]:
        """Rows of a sentence (all its pieces, when cut at a colon) that states a red flag: the
        flag is what is wrong with it, not a missing figure ("We'll track the acceptance rate:
        if admins agree with most flags, the model is working")."""
        sentences = self.analysis.sentences
        out: set[int] = set()
        start = 0
        for i in range(1, len(sentences) + 1):
            if i == len(sentences) or not sentences[i].joined:
                piece = range(start, i)
                if any(self.rows[k].red_flag is not None for k in piece):
                    out.update(piece)
                start = i
        return frozenset(out)

    def thin_rows(self, stage: str | None = None) -> list[int]:
        """Sentences that assert an in-scope signal with no substance behind it."""
        credited = self.credited_signals()
        mentions: dict[str, list[int]] = {}  # rows read as a signal without credit
        for i, r in enumerate(self.rows):
            if r.signal and not r.credited and r.signal not in credited:
                mentions.setdefault(r.signal, []).append(i)
        flagged = self.flagged_sentences()
        eligible = [
            i
            for rows in mentions.values()
            for i in rows
            if self.rows[i].stance == "asserts"
            and self.rows[i].stage in self.scope
            and self.rows[i].signal not in self.unused  # a batch job has no latency to give
            and (stage is None or self.rows[i].stage == stage)
            and i not in flagged
        ]
        # Not said with substance by a sentence that is not itself a bare mention of it.
        said = {
            signal
            for signal in {self.rows[i].signal for i in eligible}
            if signal and self.touched(signal, besides=frozenset(mentions[signal]), named=False)
        }
        return sorted(i for i in eligible if self.rows[i].signal not in said)

    def hedge_rows(self) -> list[int]:
        """Sentences that admit a gap in an assessed stage (or in no particular stage)."""
        return [
            i
            for i, r in enumerate(self.rows)
            if r.stance == "hedges" and (r.stage is None or r.stage in self.scope)
        ]

    def absent(self, signal_id: str, floor: float) -> bool:
        """No asserting sentence comes within `floor` similarity of the signal: clearly missing."""
        column = self.columns[signal_id]
        return all(
            self.analysis.features[i].signal_sims[column] < floor
            for i, r in enumerate(self.rows)
            if r.stance in ("asserts", "rejects") and i not in self.analysis.injection
        )

    def row_owner(self, row: int) -> str | None:
        """The panelist who owns the signal a row shows, if any."""
        signal = self.signals.get(self.rows[row].signal or "")
        return signal.owner if signal is not None else None

    def touched(self, signal_id: str, besides: Collection[int] = (), named: bool = True) -> bool:
        """Shown, or said with some substance by a sentence close to it (not one of the rows
        `besides`): the panel may push on it with a quote, but does not ask for it (or advise it)
        as if it were missing. `named`: a sentence naming it outright touches it, even bare."""
        if self.shown(signal_id, besides):
            return True
        # What a touched signal implies is touched too (corrections fed back into training are
        # data from usage).
        sources = [src for src, implied in self.implies.items() if signal_id in implied]
        return any(self._touched(s, besides, named) for s in [signal_id, *sources])

    def _touched(self, signal_id: str, besides: Collection[int], named: bool) -> bool:
        """Said with some substance by a sentence close to this signal (not one of `besides`)."""
        return next(self.touching_rows(signal_id, besides, named), None) is not None

    def touching_rows(
        self, signal_id: str, besides: Collection[int] = (), named: bool = True
    ) -> Iterator[int]:
        """The sentences that touch this signal (see `touched`), in order."""
        column = self.columns[signal_id]
        for i, r in enumerate(self.rows):
            if i in besides or r.stance not in ("asserts", "rejects"):
                continue
            if i in self.analysis.injection:
                continue
            feats = self.analysis.features[i]
            substantive = r.credited or bool(set(r.substance) - {"who"})
            whole = self.analysis.whole_patterns.get(i, ())
            named_here = column in feats.signal_patterns or column in whole
            if named_here and (named or substantive):
                yield i  # named outright, even if the sentence was read for another one
                continue
            if not substantive:
                continue  # credited rows have substance, if only in the classifier's reading
            if feats.signal_sims[column] >= self.touch_floor:
                yield i
                continue
            if self.touch_rank and feats.signal_sims[column] >= self.touch_rank_floor:
                closer = sum(sim > feats.signal_sims[column] for sim in feats.signal_sims)
                if closer < self.touch_rank:
                    yield i  # among the few signals this sentence is closest to
                    continue
            scores = feats.signal_scores
            likelier = sum(score > scores[column] for score in scores[:-1])
            if scores[column] > scores[-1] and likelier < self.classifier_touch_rank:
                yield i  # the classifier reads it as this signal, or nearly
            elif r.credited and likelier <= self.classifier_touch_rank:
                yield i  # a credited sentence often shows its runner-up signals too

    def shown(self, signal_id: str, besides: Collection[int] = ()) -> bool:
        """Already shown with substance: credited, or a substantive asserting sentence (not one
        of the rows `besides`) as close to this signal as a credited match would need to be (no
        probe, no advice)."""
        credited = self.credited_signals()
        if signal_id in credited or any(signal_id in self.implies.get(c, ()) for c in credited):
            return True
        analysis = self.analysis
        column = self.columns[signal_id]
        for i, r in enumerate(self.rows):
            if i in besides or r.stance not in ("asserts", "rejects") or r.red_flag:
                continue
            if i in analysis.injection:
                continue
            if not {"quantity", "threshold", "causal"} & set(r.substance):
                continue
            if analysis.features[i].signal_sims[column] >= self.threshold:
                return True
        return False


def stage_credit(
    rows: Sequence[EvidenceRow],
    signals: Mapping[str, Signal],
    scoring: Scoring,
    scope: Sequence[str] = STAGE_IDS,
) -> dict[str, float]:
    """Credited weight per stage: each credited signal once, weighted by the depth of its best
    sentence; on a focused question, each credited sentence after the first that gives the
    signal a threshold or a reason adds a share of it."""
    best: dict[str, float] = {}
    deeper: dict[str, list[float]] = {}
    for r in rows:
        if r.credited and r.signal:
            depth = depth_weight(r.substance, scoring)
            best[r.signal] = max(best.get(r.signal, 0.0), depth)
            # Another figure is arithmetic; another threshold or reason is a level deeper.
            if {"threshold", "causal"} & set(r.substance):
                deeper.setdefault(r.signal, []).append(depth)
    focused = is_focused(scope)
    served = {
        sid: stage
        for stage, ids in scoring.serves.items()
        if focused and stage in scope
        for sid in ids
    }
    credit: dict[str, float] = dict.fromkeys(STAGE_IDS, 0.0)
    for sid, share in best.items():
        if focused:
            more = sorted(deeper.get(sid, []), reverse=True)[1 : 1 + scoring.focused_repeat_max]
            share += scoring.focused_repeat_credit * sum(more)
        stage = signals[sid].stage
        if stage not in scope and sid in served:
            stage = served[sid]
        credit[stage] += signals[sid].weight * share
    return credit


@dataclass(frozen=True)
class _CompiledShape:
    """A design shape's patterns, compiled once."""

    unused: tuple[str, ...]
    names: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]


def _about_other_part(analysis: Analysis, relevance: Relevance, scope: Sequence[str]) -> bool:
    """An answer nearest a question on another part of the work (pricing, when hallucinations
    were asked) is about that part only if more of its ideas are there than in the part asked:
    a guardrail answer that prices one hand-off is still a guardrail answer."""
    if len(relevance.other_stages) == len(STAGE_IDS):
        # Another whole design: another product — unless the question asked about one part
        # and the opening answer's ideas sit in that part (a policy assistant's guardrails that
        # quote "clauses" are not a contract summariser's design; replies go where probed).
        if len(scope) == len(STAGE_IDS) or not analysis.sentences:
            return True
        first = analysis.sentences[0].turn_id
        opening: Counter[str] = Counter(
            f.signal.stage
            for f in analysis.credited_signals()
            if any(analysis.sentences[e.sentence].turn_id == first for e in f.evidence)
        )
        inside = sum(n for stage, n in opening.items() if stage in scope)
        return sum(opening.values()) - inside >= inside
    shown: dict[str, int] = {s: len(analysis.credited_signals(s)) for s in STAGE_IDS}
    return sum(shown[s] for s in relevance.other_stages) > sum(shown[s] for s in scope)


class Reader:
    """Builds and memoises readings; the analysis underneath is shared across questions."""

    def __init__(
        self,
        analyzer: Analyzer,
        rubric: Rubric,
        calibration: Calibration,
        matcher: QuestionMatcher,
        memo_size: int = 64,
    ) -> None:
        self.analyzer = analyzer
        self.rubric = rubric
        self.calibration = calibration
        self.matcher = matcher
        self._signals = {s.id: s for s in rubric.signals}
        self._columns = {s.id: j for j, s in enumerate(analyzer.bank.signals)}
        self._hedge_cues = [
            (sid, re.compile("|".join(f"(?:{p})" for p in cues), re.IGNORECASE))
            for sid, cues in calibration.stance.hedge_topic_cues.items()
            if sid in self._columns and cues
        ]
        self._memo: OrderedDict[tuple[object, ...], Reading] = OrderedDict()
        self._memo_size = memo_size
        self._lock = threading.Lock()
        self._shapes = [
            _CompiledShape(
                unused=tuple(shape.unused),
                names=tuple(re.compile(p, re.IGNORECASE) for p in shape.names),
                unless=tuple(re.compile(p, re.IGNORECASE) for p in shape.unless),
            )
            for shape in calibration.design_shapes.values()
        ]

    def read(self, question: Question, transcript: list[Turn]) -> Reading:
        """The reading of this transcript for this question (memoised)."""
        key = (
            question.id,
            question.prompt,
            tuple(question.assesses),
            tuple((t.id, t.text) for t in transcript if t.speaker == "candidate"),
            tuple((t.id, t.gap) for t in transcript if t.speaker != "candidate"),
        )
        with self._lock:
            cached = self._memo.get(key)
            if cached is not None:
                self._memo.move_to_end(key)
                return cached
        reading = self._read(question, transcript)
        with self._lock:
            self._memo[key] = reading
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return reading

    def _read(self, question: Question, transcript: list[Turn]) -> Reading:
        cal = self.calibration
        scope = tuple(s for s in STAGE_IDS if s in question.assesses) or STAGE_IDS
        analysis = self.analyzer.analyze(transcript, scope)
        hedge_topics, answered, named = self._hedge_topics(analysis, self._asked(transcript))
        counted = [s.index for s in analysis.sentences if s.index not in analysis.injection]
        relevance = (
            self.matcher.relevance(
                question,
                analysis.vectors[counted],
                [analysis.sentences[i].text for i in counted],
            )
            if analysis.state == "ok" and counted
            else Relevance(0.0, 0.0, None, None)
        )
        flags = tuple(assessed_flags(analysis, scope))
        rows = tuple(self._rows(analysis, flags, scope, hedge_topics, credit_allowed=True))
        # Only an answer with real content elsewhere is "about another problem"; a thin answer
        # that merely shares words with another question is judged on what it says. One that
        # never names the product asked about is about something else once it runs long and
        # shows real ideas (in any stage: a cost answer sent to a drift question shows none
        # in the drift question's stages).
        off_question = analysis.state == "ok" and (
            (
                relevance.different_question
                and len({r.signal for r in rows if r.credited}) >= OFF_QUESTION_MIN_SIGNALS
                and _about_other_part(analysis, relevance, scope)
            )
            or (
                not relevance.names_product
                and analysis.word_count >= OFF_PRODUCT_MIN_WORDS
                and len(analysis.credited_signals()) >= OFF_PRODUCT_MIN_SIGNALS
            )
        )
        if off_question:
            rows = tuple(self._rows(analysis, flags, scope, hedge_topics, credit_allowed=False))
        missing_asks = self._missing_asks(question, rows) if analysis.state == "ok" else ()
        credit = stage_credit(rows, self._signals, cal.scoring, scope)
        all_scores = cap_flagged_stages(
            scores_from_credit(credit, cal.scoring, scope, analysis.opening_words),
            flags,
            cal.scoring,
        )
        scores: dict[str, int] = {s: all_scores[s] for s in scope}
        dense = counts_as_dense(analysis, all_scores, cal.scoring, scope)
        if analysis.state == "not_english":
            value = 0.0  # unread, not weak: even odds, and a reviewer decides
        elif analysis.state != "ok" or off_question:
            value = cal.scoring.decision.non_answer_margin
        else:
            value = margin_from(all_scores, flags, dense, cal.scoring, None, scope)
            value -= cal.scoring.decision.missing_ask_penalty * len(missing_asks)
        unfamiliar = self._unfamiliar(analysis, scope)
        shrink = 1.0
        factors = cal.scoring.confidence.unfamiliar
        if value > 0 and flags:
            unfamiliar += ("flagged_hire",)
        if value > 0 and scope == ("scaling",):
            unfamiliar += ("scaling_only_hire",)
        for shape in unfamiliar:
            shrink *= {
                "short": factors.short,
                "markdown": factors.markdown,
                "flagged_hire": factors.flagged_hire,
                "scaling_only_hire": factors.scaling_only_hire,
            }.get(shape, factors.focused)
        return Reading(
            question=question,
            analysis=analysis,
            scope=scope,
            rows=rows,
            scores=scores,
            flags=flags,
            relevance=relevance,
            off_question=off_question,
            verdict=verdict(value, cal.scoring, shrink),
            unfamiliar=unfamiliar,
            shrink=shrink,
            signals=self._signals,
            columns=self._columns,
            threshold=cal.similarity.signal_threshold,
            implies=cal.implies,
            touch_floor=cal.similarity.touch_floor,
            touch_rank=cal.similarity.touch_rank,
            touch_rank_floor=cal.similarity.touch_rank_floor,
            classifier_touch_rank=cal.classifier.touch_rank,
            hedge_topics=hedge_topics,
            answered_hedges=frozenset(answered),
            named_hedges=frozenset(named),
            unused=frozenset(question.unused_signals) | self._unused_by_design(analysis),
            missing_asks=missing_asks,
            buzzword_dense=dense,
        )

    @staticmethod
    def _missing_asks(question: Question, rows: Sequence[EvidenceRow]) -> tuple[Ask, ...]:
        """The parts the question names (when it names several) that no asserted sentence
        addresses: "how many reviewers we need" with no word on reviewer capacity."""
        asks = infer_asks(question_text(question))
        if len(asks) < NAMED_ASKS_MIN:
            return ()
        shown = {r.signal for r in rows if r.signal and r.stance == "asserts"}
        return tuple(a for a in asks if not shown.intersection(a.signals))

    def _unused_by_design(self, analysis: Analysis) -> frozenset[str]:
        """Signals the answer's design has no use for: every model it names is of one shape, or
        it has no part of another kind (no one labels anything)."""
        said = " ".join(s.flat for s in analysis.sentences if s.index not in analysis.injection)
        unused: set[str] = set()
        for shape in self._shapes:
            named = not shape.names or any(p.search(said) for p in shape.names)
            if named and not any(p.search(said) for p in shape.unless):
                unused.update(shape.unused)
        return frozenset(unused)

    def panel_verdict(self, reading: Reading, boost: Mapping[str, float]) -> Verdict:
        """The verdict with some stages weighted up (a panelist's own), from the same table."""
        cal = self.calibration
        analysis = reading.analysis
        if analysis.state != "ok" or reading.off_question:
            return reading.verdict
        # The reading's scores are the same table's, already capped: only the weights move.
        value = margin_from(
            reading.scores,
            reading.flags,
            reading.buzzword_dense,
            cal.scoring,
            boost,
            reading.scope,
        )
        value -= cal.scoring.decision.missing_ask_penalty * len(reading.missing_asks)
        return verdict(value, cal.scoring, reading.shrink)

    def _unfamiliar(self, analysis: Analysis, scope: tuple[StageId, ...]) -> tuple[str, ...]:
        factors = self.calibration.scoring.confidence.unfamiliar
        shapes: list[str] = []
        if analysis.state != "ok":
            return ()
        if analysis.word_count < factors.short_words:
            shapes.append("short")
        if analysis.sentences:
            marked = sum(1 for s in analysis.sentences if s.kind != "prose")
            if marked / len(analysis.sentences) >= factors.markdown_share:
                shapes.append("markdown")
        if is_focused(scope):
            shapes.append("focused")
        return tuple(shapes)

    def _asked(self, transcript: list[Turn]) -> dict[str, tuple[str, ...]]:
        """Per candidate reply, the rubric signals the probes just before it asked about (a
        probe of a red flag asks for the practices that answer it)."""
        cures = self.calibration.flag_overrides
        asked: dict[str, tuple[str, ...]] = {}
        pending: list[str] = []
        for turn in transcript:
            if turn.speaker != "candidate":
                if turn.gap in self._columns:
                    pending.append(turn.gap)
                elif turn.gap in cures:
                    pending.extend(g for g in cures[turn.gap] if g in self._columns)
                continue
            if pending:
                asked[turn.id] = tuple(dict.fromkeys(pending))
            pending = []
        return asked

    def _hedge_topics(
        self, analysis: Analysis, asked: Mapping[str, tuple[str, ...]]
    ) -> tuple[dict[int, str], set[int], set[int]]:
        """What each admitted gap is about, which hedges admit what the panel just asked, and
        which name their topic outright.

        A hedge that names its topic outright ("I haven't priced the model yet") is about what
        it names, whatever was asked. A hedge that says little itself ("We'd look at it later")
        in a reply admits the asked signal it is closest to, unless another idea is clearly
        closer. Otherwise: the classifier's reading of the hedge when it reads one; else the
        closest signal to the hedge or, when the hedge says little itself ("I haven't thought
        about the number"), to it and the sentence before it in the same turn."""
        floor = self.calibration.similarity.on_topic_threshold
        own = self.calibration.similarity.neighbour_floor
        margin = self.calibration.similarity.hedge_topic_margin
        signals = self.analyzer.bank.signals
        topics: dict[int, str] = {}
        answered: set[int] = set()
        named: set[int] = set()
        for s in analysis.sentences:
            feats = analysis.features[s.index]
            if feats.stance != "hedges" or not feats.signal_sims:
                continue
            sims = list(feats.signal_sims)
            cued = next((sid for sid, cue in self._hedge_cues if cue.search(s.flat)), None)
            if cued is not None:
                topics[s.index] = cued  # the admission names what it is about
                named.add(s.index)
                continue
            questions = asked.get(s.turn_id, ())
            if questions and max(sims) < own:
                closest_asked = max(questions, key=lambda g: sims[self._columns[g]])
                # ... unless it names another idea outright ("not sure about costs yet").
                if max(sims) - sims[self._columns[closest_asked]] < margin:
                    topics[s.index] = closest_asked
                    answered.add(s.index)
                    continue
            scores = feats.signal_scores
            read = max(range(len(signals)), key=lambda j: scores[j])
            if scores[read] > scores[-1]:
                topics[s.index] = signals[read].id  # the classifier reads what it is about
                continue
            needed = floor
            before = s.index - 1
            if max(sims) < own and before >= 0 and analysis.sentences[before].turn_id == s.turn_id:
                prev = analysis.features[before].signal_sims
                sims = [a + b for a, b in zip(sims, prev, strict=True)]
                needed = 2 * floor
            best = max(range(len(sims)), key=lambda j: sims[j])
            if sims[best] >= needed:
                topics[s.index] = signals[best].id
        return topics, answered, named

    def _in_scope_reading(
        self, analysis: Analysis, index: int, scope: tuple[str, ...]
    ) -> str | None:
        """For a sentence read as a signal this question does not assess: the assessed signal
        the classifier ranks nearly as high and above "shows nothing", if any: asked only how
        they would evaluate, a candidate's number to watch after launch is about evaluation."""
        feats = analysis.features[index]
        scores = feats.signal_scores
        signals = self.analyzer.bank.signals
        read = max(range(len(signals)), key=lambda j: (scores[j], -j))
        assessed = [j for j, sig in enumerate(signals) if sig.stage in scope]
        if not assessed:
            return None
        best = max(assessed, key=lambda j: (scores[j], -j))
        margin = self.calibration.classifier.scope_reread_margin
        if scores[best] > scores[-1] and scores[best] >= scores[read] - margin:
            return signals[best].id
        return None

    def _rows(
        self,
        analysis: Analysis,
        flags: tuple[FlagFinding, ...],
        scope: tuple[str, ...],
        hedge_topics: Mapping[int, str],
        *,
        credit_allowed: bool,
    ) -> list[EvidenceRow]:
        flag_of: dict[int, str] = {}
        for f in flags:
            for i in f.sentences:
                flag_of.setdefault(i, f.flag.id)
        withdrawn = {
            sid for f in flags for sid in self.calibration.flag_withdraws.get(f.flag.id, [])
        }
        rows: list[EvidenceRow] = []
        for s in analysis.sentences:
            feats = analysis.features[s.index]
            signal_id = analysis.primary.get(s.index)
            credited = False
            if signal_id is not None and credit_allowed and analysis.state == "ok":
                finding = analysis.findings[signal_id]
                credited = signal_id not in withdrawn and any(
                    e.sentence == s.index and e.substance_from is not None for e in finding.evidence
                )
            if (
                signal_id is not None
                and self._signals[signal_id].stage not in scope
                and s.index not in analysis.injection
            ):
                # Credited or not, the sentence keeps its verdict under the assessed reading.
                signal_id = self._in_scope_reading(analysis, s.index, scope) or signal_id
            flag_id = flag_of.get(s.index)
            stage: StageId | None = None
            if signal_id is not None:
                stage = self._signals[signal_id].stage
            elif flag_id is not None:
                stage = next(f.flag.stage for f in flags if f.flag.id == flag_id)
            elif s.index in hedge_topics:
                stage = self._signals[hedge_topics[s.index]].stage
            rows.append(
                EvidenceRow(
                    turn=s.turn_id,
                    quote=s.text,
                    signal=signal_id,
                    red_flag=flag_id,
                    stage=stage,
                    stance=feats.stance,
                    substance=list(feats.parts),
                    credited=credited,
                )
            )
        return rows
