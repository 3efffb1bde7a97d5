"""One pass over a transcript: sentences, evidence per signal, substance, red flags,
injection, buzzwords and the answer's state. Memoised per transcript."""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from agents.brains.offline.answer_checks import AnswerState, classify_answer
from agents.brains.offline.calibration import Calibration
from agents.brains.offline.evidence import ExemplarBank
from agents.brains.offline.features import FeatureExtractor, SentenceFeatures
from agents.brains.offline.red_flags import FlagFinding, NegationChecker, RedFlagDetector
from agents.brains.offline.sentences import WH_TITLE_MAX_WORDS, Sentence, split_candidate_turns
from agents.brains.offline.signal_classifier import SignalClassifier
from agents.brains.offline.substance import SubstanceKind
from agents.transcript import Turn
from knowledge.embeddings import Embedder
from knowledge.models import STAGE_IDS, Rubric, Signal


@dataclass(frozen=True)
class SignalEvidence:
    """A sentence that matches a signal, and whether substance backs it."""

    sentence: int
    similarity: float
    substance: tuple[SubstanceKind, ...]
    substance_from: int | None  # the sentence that carried the substance, if any
    anchored: bool = False  # the sentence also matched one of the signal's explicit patterns
    read: bool = False  # named outright, or read as this signal by the classifier with confidence


@dataclass(frozen=True)
class SignalFinding:
    """Everything found for one rubric signal."""

    signal: Signal
    evidence: tuple[SignalEvidence, ...]

    @property
    def credited(self) -> bool:
        """At least one evidence sentence is backed by substance."""
        return any(e.substance_from is not None for e in self.evidence)

    @property
    def anchored_credit(self) -> bool:
        """Credited by a sentence that also matched the signal's explicit patterns."""
        return any(e.substance_from is not None and e.anchored for e in self.evidence)

    @property
    def thin(self) -> bool:
        """Mentioned, but never with substance."""
        return bool(self.evidence) and not self.credited

    @property
    def best(self) -> SignalEvidence | None:
        """The strongest evidence: substance first, then similarity, then order."""
        if not self.evidence:
            return None
        return sorted(
            self.evidence, key=lambda e: (e.substance_from is None, -e.similarity, e.sentence)
        )[0]


# A sentence this short lends its neighbour's substance only as the half of a sentence cut at a
# colon; on its own it is a headline for the claim that follows.
BORROW_MIN_WORDS = 6
# How many sentences back a flag's context excuse may stand: "The reference set comes from past
# queries. People write a question for each. Someone else confirms every pair."
CONTEXT_EXCUSE_REACH = 2
_LINE_BREAKS = str.maketrans("\n\r\t", "   ")
# A clause this short before a colon ("the north-star is finished repairs: …") can say
# what the clause after it is, as a lead label does.
HEAD_CLAUSE_MAX_WORDS = 8


@dataclass(frozen=True)
class Analysis:
    """The offline brain's reading of a transcript's candidate turns."""

    sentences: list[Sentence]
    truncated: bool
    injection: frozenset[int]
    buzzword_lists: frozenset[int]
    findings: dict[str, SignalFinding]
    flags: list[FlagFinding]
    stage_credit: dict[str, float]
    buzzword_terms: int
    buzzword_dense: bool
    state: AnswerState
    word_count: int
    on_topic: frozenset[int] = field(default_factory=frozenset)
    nearest: dict[str, int] = field(default_factory=dict)
    """Per signal, the non-injected sentence closest to it (for grounding probes)."""
    vectors: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 384), np.float32))
    """Each sentence's embedding, in sentence order."""
    features: list[SentenceFeatures] = field(default_factory=list)
    """Each sentence's features (stance, substance parts, flag hits), in sentence order."""
    primary: dict[int, str] = field(default_factory=dict)
    """Per sentence, the one rubric signal it is read as showing (if any)."""
    whole_patterns: dict[int, frozenset[int]] = field(default_factory=dict)
    undecided: frozenset[int] = frozenset()
    """Sentences offering one option among others, never chosen (hedges of their own kind)."""
    """For a piece of a sentence cut at a colon or semicolon, the signals whose patterns match
    the whole sentence ("a small model for most; the large one for big diffs" weighs sizes)."""

    def credited_signals(self, stage: str | None = None) -> list[SignalFinding]:
        """Credited findings, optionally of one stage, in rubric order."""
        return [
            f
            for f in self.findings.values()
            if f.credited and (stage is None or f.signal.stage == stage)
        ]

    def sentence(self, index: int) -> Sentence:
        """The sentence with this index."""
        return self.sentences[index]

    @property
    def opening_words(self) -> int:
        """Words in the candidate's opening answer (the first turn read)."""
        if not self.sentences:
            return 0
        first = self.sentences[0].turn_id
        return sum(len(s.text.split()) for s in self.sentences if s.turn_id == first)


_ALPHA_WORD = re.compile(r"[A-Za-z]{2,}")
# Sentences about the interface earn no credit for the data system, whatever they say.
NO_CREDIT_TOPICS = frozenset({"ui_focus"})


class Analyzer:
    """Builds Analysis objects; exemplar embeddings are computed once per Analyzer."""

    def __init__(
        self, rubric: Rubric, calibration: Calibration, embedder: Embedder, memo_size: int = 64
    ) -> None:
        self.rubric = rubric
        self.calibration = calibration
        self.embedder = embedder
        self.bank = ExemplarBank(rubric, calibration, embedder)
        self.red_flags = RedFlagDetector(self.bank.flags, self.bank.flag_patterns, calibration)
        classifier = SignalClassifier.load([s.id for s in rubric.signals])
        self.extractor = FeatureExtractor(
            calibration, embedder, self.bank, self.red_flags, classifier
        )
        self._absence_patterns = {
            fid: [re.compile(p, re.IGNORECASE) for p in cfg.patterns]
            for fid, cfg in calibration.absence_flags.items()
        }
        self._absence_secondhand = {
            fid: [re.compile(p, re.IGNORECASE) for p in cfg.secondhand_patterns]
            for fid, cfg in calibration.absence_flags.items()
        }
        self._absence_subjects = {
            fid: [re.compile(p, re.IGNORECASE) for p in cfg.subject_patterns]
            for fid, cfg in calibration.absence_flags.items()
        }
        self._absence_contexts = {
            fid: [re.compile(p, re.IGNORECASE) for p in cfg.context_patterns]
            for fid, cfg in calibration.absence_flags.items()
        }
        self._override_exempt = {
            fid: [re.compile(p, re.IGNORECASE) for p in patterns]
            for fid, patterns in calibration.flag_override_exempt.items()
        }
        # Rubric patterns that read a short label on its own ("^(ground truth|…)\\s*:").
        self._label_patterns = [
            [p for p in patterns if p.pattern.startswith("^") and ":" in p.pattern]
            for patterns in self.bank.signal_patterns
        ]
        self._failure_story = [
            re.compile(p, re.IGNORECASE) for p in calibration.stance.failure_story_patterns
        ]
        self._failure_turn = [
            re.compile(p, re.IGNORECASE) for p in calibration.stance.failure_story_turn_patterns
        ]
        self._failure_sections = [
            re.compile(p, re.IGNORECASE) for p in calibration.stance.failure_sections
        ]
        self._context_excuses = {
            fid: [re.compile(p, re.IGNORECASE) for p in patterns]
            for fid, patterns in calibration.flag_context_excuses.items()
        }
        self._needed_context = {
            fid: [re.compile(p, re.IGNORECASE) for p in patterns]
            for fid, patterns in calibration.flag_needs_context.items()
        }
        self._open_sections = [
            re.compile(p, re.IGNORECASE) for p in calibration.stance.open_question_sections
        ]
        self._rejecting_sections = [
            re.compile(p, re.IGNORECASE) for p in calibration.stance.rejecting_sections
        ]
        self._announced_rejections = [
            re.compile(p, re.IGNORECASE) for p in calibration.stance.announced_rejections
        ]
        self._context_sections = [
            re.compile(p, re.IGNORECASE) for p in calibration.stance.context_sections
        ]
        self._options = [re.compile(p, re.IGNORECASE) for p in calibration.stance.option_patterns]
        self._modal = [re.compile(p, re.IGNORECASE) for p in calibration.stance.menu_modal_patterns]
        context_signals = set(calibration.stance.context_signals)
        self._context_columns = frozenset(
            j for j, signal in enumerate(self.bank.signals) if signal.id in context_signals
        )
        self._memo: OrderedDict[tuple[frozenset[str], tuple[tuple[str, str], ...]], Analysis] = (
            OrderedDict()
        )
        self._memo_size = memo_size
        self._lock = threading.Lock()

    def analyze(self, transcript: list[Turn], scope: Sequence[str] = STAGE_IDS) -> Analysis:
        """The analysis of the candidate's turns (memoised on their ids and text) for a
        question assessing the stages in `scope`."""
        lens = frozenset(scope) if set(scope) < set(STAGE_IDS) else frozenset(STAGE_IDS)
        key = (lens, tuple((t.id, t.text) for t in transcript if t.speaker == "candidate"))
        with self._lock:
            cached = self._memo.get(key)
            if cached is not None:
                self._memo.move_to_end(key)
                return cached
        result = self._analyze(transcript, lens)
        with self._lock:
            self._memo[key] = result
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return result

    def warm_up(self, texts: Sequence[str]) -> None:
        """Compute the features of every sentence of these texts in one batch (each read as a
        candidate turn of its own), so analyses that follow find them ready."""
        cal = self.calibration
        contexts: dict[str, None] = {}
        for text in texts:
            sentences, _ = split_candidate_turns(
                [Turn(id="t1", speaker="candidate", text=text)],
                max_words=cal.limits.max_words,
                max_sentence_words=cal.limits.max_sentence_words,
            )
            contexts.update((s.context, None) for s in sentences)
        self.extractor.features(list(contexts))

    def _analyze(self, transcript: list[Turn], scope: frozenset[str]) -> Analysis:
        cal = self.calibration
        sentences, truncated = split_candidate_turns(
            transcript,
            max_words=cal.limits.max_words,
            max_sentence_words=cal.limits.max_sentence_words,
        )
        read = self.extractor.features([s.context for s in sentences])
        read = self._whole_flags(sentences, read, transcript)
        feats = [self._under_rejecting_section(s, f) for s, f in zip(sentences, read, strict=True)]
        feats = self._under_announced_rejection(sentences, feats)
        feats, undecided = self._still_open(sentences, feats)
        injection = self._injected(sentences, feats)
        buzz_lists = frozenset(
            s.index for s in sentences if s.index not in injection and feats[s.index].buzzword_list
        )
        counted = [s for s in sentences if s.index not in injection]
        on_topic = frozenset(
            s.index
            for s in counted
            if feats[s.index].best_signal >= cal.similarity.on_topic_threshold
        )
        state, word_count = classify_answer(
            [s.context for s in counted], [s.index in on_topic for s in counted], cal.answer_checks
        )
        recounted = self._failure_stories(sentences)
        flag_hits: dict[int, list[int]] = {}
        lacking = self._lacking_context(sentences)
        # Injected sentences count towards red flags too: they may only lower the answer.
        for s in sentences:
            if s.index in recounted:
                continue
            for i in feats[s.index].flag_hits:
                if (
                    i not in lacking
                    and not self._excused_by_context(sentences, s, i)
                    and not self._follows_rejection(sentences, feats, s, i)
                ):
                    flag_hits.setdefault(i, []).append(s.index)
        flagged = _with_stated_reasons(
            sentences, transcript, {i for found in flag_hits.values() for i in found}
        )
        usable = self._usable(sentences, feats, injection | buzz_lists | flagged | recounted)
        long_answer = word_count >= cal.density.long_answer_words
        findings = self._findings(sentences, feats, usable, long_answer, scope)
        if state != "ok":
            # Nothing in an empty, unreadable or off-topic answer earns credit.
            findings = {sid: SignalFinding(f.signal, ()) for sid, f in findings.items()}
        stage_credit: dict[str, float] = {
            stage: round(
                sum(
                    f.signal.weight
                    for f in findings.values()
                    if f.credited and f.signal.stage == stage
                ),
                4,
            )
            for stage in STAGE_IDS
        }
        flags = self._flags(sentences, feats, injection, flag_hits, findings, stage_credit)
        if state == "ok":
            raised = {f.flag.id for f in flags}
            flags += [
                f
                for f in self._absent(counted, feats, word_count, findings)
                if f.flag.id not in raised
            ]
        term_count = sum(feats[s.index].term_count for s in counted)
        credited = sum(1 for f in findings.values() if f.credited)
        nearest = self._nearest(counted, feats)
        dense = self.extractor.buzzwords.answer_is_dense(term_count, credited) or (
            bool(buzz_lists) and credited == 0
        )
        vectors = np.stack([f.vector for f in feats]) if feats else np.zeros((0, 384), np.float32)
        primary = {e.sentence: sid for sid, f in findings.items() for e in f.evidence}
        return Analysis(
            sentences=sentences,
            truncated=truncated,
            injection=injection,
            buzzword_lists=buzz_lists,
            findings=findings,
            flags=flags,
            stage_credit=stage_credit,
            buzzword_terms=term_count,
            buzzword_dense=dense,
            state=state,
            word_count=word_count,
            on_topic=on_topic,
            nearest=nearest,
            vectors=vectors,
            features=feats,
            primary=primary,
            whole_patterns=self._whole_patterns(sentences),
            undecided=undecided,
        )

    def _still_open(
        self, sentences: list[Sentence], feats: list[SentenceFeatures]
    ) -> tuple[list[SentenceFeatures], frozenset[int]]:
        """A plan stated under an "Open questions" heading, or offered as one option among
        others in a turn that never picks one, is still undecided: it admits the gap rather
        than closing it. Also returns the sentences that are options."""
        offers = {
            s.index
            for s in sentences
            if self.extractor.remembered("option", s.text, self._offers_option)
        }
        per_turn = Counter(sentences[i].turn_id for i in offers)
        menus = {t for t, n in per_turn.items() if n >= self.calibration.stance.menu_min_options}
        asserted = [s for s, f in zip(sentences, feats, strict=True) if f.stance == "asserts"]
        undecided = frozenset(
            s.index
            for s in asserted
            if s.index in offers
            or (s.turn_id in menus and any(p.search(s.flat) for p in self._modal))
        )
        still_open = undecided | {s.index for s in asserted if self._open(s.section)}
        return [
            replace(f, stance="hedges") if s.index in still_open else f
            for s, f in zip(sentences, feats, strict=True)
        ], undecided

    def _under_rejecting_section(self, s: Sentence, f: SentenceFeatures) -> SentenceFeatures:
        """A bad practice named under a "Why not" column or an "Avoid" heading is turned down."""
        if not _any_match(self._rejecting_sections, s.section.strip("*_ ")):
            return f
        return _turned_down(f)

    def _under_announced_rejection(
        self, sentences: list[Sentence], feats: list[SentenceFeatures]
    ) -> list[SentenceFeatures]:
        """What follows "Two ideas I would argue against at once." in its paragraph, or in the list
        right under it, is turned down: "One: thumbs as the main signal." states no practice."""
        out = list(feats)
        for k, s in enumerate(sentences):
            if not _any_match(self._announced_rejections, s.text):
                continue
            # It heads a list when it closes its paragraph ("… what I would not do:").
            listed = s.text.rstrip().endswith(":") or (
                k + 1 < len(sentences) and sentences[k + 1].block != s.block
            )
            heads = sentences[k + 1].section if k + 1 < len(sentences) else ""
            for t in sentences[k + 1 :]:
                same_paragraph = (t.turn_id, t.block) == (s.turn_id, s.block)
                # ... up to the next heading: a new section is the design again.
                in_list = (
                    listed and t.turn_id == s.turn_id and t.kind == "bullet" and t.section == heads
                )
                if not (same_paragraph or in_list):
                    break
                out[t.index] = _turned_down(out[t.index])
        return out

    def _offers_option(self, text: str) -> bool:
        """The sentence offers an alternative ("one option is…", "or alternatively we might…")."""
        return _any_match(self._options, text)

    def _open(self, section: str) -> bool:
        """The section collects what is still undecided ("Open questions")."""
        return any(p.search(section) for p in self._open_sections)

    def _lacking_context(self, sentences: list[Sentence]) -> frozenset[int]:
        """Flags whose practice is a fault only in a setting the candidate never described."""
        return frozenset(
            i
            for i, flag in enumerate(self.bank.flags)
            if flag.id in self._needed_context
            and not any(p.search(s.flat) for s in sentences for p in self._needed_context[flag.id])
        )

    def _excused_by_context(self, sentences: list[Sentence], s: Sentence, flag: int) -> bool:
        """One of the two sentences before, in the same paragraph, makes the flagged practice
        sound ("The held-out set comes from merged PRs. Two seniors confirm each one…")."""
        patterns = self._context_excuses.get(self.bank.flags[flag].id, [])
        for before in sentences[max(0, s.index - CONTEXT_EXCUSE_REACH) : s.index]:
            same_paragraph = (before.turn_id, before.block) == (s.turn_id, s.block)
            if same_paragraph and any(p.search(before.flat) for p in patterns):
                return True
        return False

    @staticmethod
    def _follows_rejection(
        sentences: list[Sentence], feats: list[SentenceFeatures], s: Sentence, flag: int
    ) -> bool:
        """The sentence just before, in the same paragraph, turned this practice down: this one
        says why ("No star ratings. People rate whatever ends the chat soonest.")."""
        if s.index == 0:
            return False
        before = sentences[s.index - 1]
        return (before.turn_id, before.block) == (s.turn_id, s.block) and flag in feats[
            before.index
        ].rejected_flags

    def _failure_stories(self, sentences: list[Sentence]) -> frozenset[int]:
        """Sentences of a paragraph that opens by telling what went wrong before, or that sits
        under a heading of failures imagined ahead: the story of the failure, from its first
        sentence to the paragraph's end or to the sentence that turns to what worked."""
        out: set[int] = set()
        opened: set[tuple[str, int]] = set()
        closed: set[tuple[str, int]] = set()
        for s in sentences:
            paragraph = (s.turn_id, s.block)
            if paragraph in closed:
                continue
            if paragraph not in opened and (
                any(p.search(s.flat) for p in self._failure_story)
                or any(p.search(s.section) for p in self._failure_sections)
            ):
                opened.add(paragraph)
            elif paragraph in opened and any(p.search(s.flat) for p in self._failure_turn):
                closed.add(paragraph)
                continue
            if paragraph in opened:
                out.add(s.index)
        return frozenset(out)

    def _whole_patterns(self, sentences: list[Sentence]) -> dict[int, frozenset[int]]:
        """Pattern hits of each sentence that was cut into pieces, read whole, per piece."""
        out: dict[int, frozenset[int]] = {}
        negation = self.extractor.red_flags.negation
        for group in _cut_sentences(sentences):
            text = "; ".join(s.flat for s in group)
            hits = self.extractor.remembered(
                "whole_patterns",
                text,
                lambda t: frozenset(self.bank.signal_pattern_hits(t, negation)),
            )
            out.update((s.index, hits) for s in group)
        return out

    def _whole_flags(
        self, sentences: list[Sentence], feats: list[SentenceFeatures], transcript: list[Turn]
    ) -> list[SentenceFeatures]:
        """A practice worded across the cut of a sentence read in pieces ("The number we tune
        is precision: of every case it flags, the share it found") is stated by the piece where
        its wording ends, read on the sentence as written, when each cut it crosses carries
        the thought on: a colon, or a piece that opens by pointing back ("if it's under 10%")."""
        texts = {t.id: t.text for t in transcript}
        out = list(feats)
        for group in _cut_sentences(sentences):
            whole, spans = _as_written(group, texts.get(group[0].turn_id, ""))
            # Line breaks read as spaces, with every piece's span kept.
            whole = whole.translate(_LINE_BREAKS)
            seen = {i for s in group for i in feats[s.index].flag_hits}
            seen.update(i for s in group for i in feats[s.index].rejected_flags)
            hits = self.extractor.remembered("whole_flags", whole, self.red_flags.worded_flags)
            for i, start, end in hits:
                crossed = [
                    k
                    for k in range(1, len(group))
                    if start < spans[k][0] and spans[k - 1][1] < end
                ]
                if i in seen or not crossed or not all(
                    ":" in whole[spans[k - 1][1] : spans[k][0]]
                    or _POINTS_BACK.match(group[k].text)
                    for k in crossed
                ):
                    continue
                seen.add(i)
                s = [s for s, (first, _) in zip(group, spans, strict=True) if first < end][-1]
                out[s.index] = replace(out[s.index], flag_hits=(*out[s.index].flag_hits, i))
        return out

    def _injected(self, sentences: list[Sentence], feats: list[SentenceFeatures]) -> frozenset[int]:
        """Sentences addressed to the panel; in such a paragraph, the ones that carry on the
        appeal go too."""
        injected_blocks = {(s.turn_id, s.block) for s in sentences if feats[s.index].injection}
        appeal = self.extractor.injection.joins_appeal
        return frozenset(
            s.index
            for s in sentences
            if feats[s.index].injection
            or ((s.turn_id, s.block) in injected_blocks and appeal(s.flat))
        )

    def _usable(
        self, sentences: list[Sentence], feats: list[SentenceFeatures], excluded: frozenset[int]
    ) -> list[bool]:
        """Per sentence, whether it may be evidence: an asserting or rejecting sentence of some
        length that is not filler, excluded, squarely about a topic that earns nothing, or an
        option the answer lists only as turned down ("Rejected: a side-by-side test")."""
        min_words = self.calibration.limits.min_sentence_words
        negation = self.red_flags.negation
        return [
            s.index not in excluded
            and not negation.declined(s.context)
            and feats[s.index].words >= min_words
            and feats[s.index].stance in ("asserts", "rejects")
            and not feats[s.index].filler
            and not feats[s.index].core_topics & NO_CREDIT_TOPICS
            for s in sentences
        ]

    def _nearest(self, counted: list[Sentence], feats: list[SentenceFeatures]) -> dict[str, int]:
        """Per signal, the counted sentence closest to it (the earlier one on a tie)."""
        if not counted:
            return {}
        return {
            signal.id: max(counted, key=lambda s: (feats[s.index].signal_sims[j], -s.index)).index
            for j, signal in enumerate(self.bank.signals)
        }

    def _label_hits(self, section: str) -> frozenset[int]:
        """Signals a sentence's short label names (their label patterns, "^Ground truth:"); a
        title as long as an indirect question ("What a good week looks like") can name one."""
        if not section or len(section.split()) > WH_TITLE_MAX_WORDS:
            return frozenset()
        label = f"{section}:"
        return frozenset(
            i
            for i, patterns in enumerate(self._label_patterns)
            if any(p.search(label) for p in patterns)
        )

    @staticmethod
    def _named_by_head(
        sentences: list[Sentence], feats: list[SentenceFeatures], s: Sentence
    ) -> frozenset[int]:
        """Signals that the short clause opening this sentence names outright, when this one
        continues it ("So the north-star is finished repairs: one visit fixes it")."""
        if not s.joined or s.index == 0:
            return frozenset()
        head = sentences[s.index - 1]
        if (
            (head.turn_id, head.block) != (s.turn_id, s.block)
            or head.joined
            or len(head.words) > HEAD_CLAUSE_MAX_WORDS
        ):
            return frozenset()
        return frozenset(feats[head.index].signal_patterns)

    def _findings(
        self,
        sentences: list[Sentence],
        feats: list[SentenceFeatures],
        usable: list[bool],
        long_answer: bool,
        scope: frozenset[str],
    ) -> dict[str, SignalFinding]:
        cal = self.calibration.similarity
        strong = self.calibration.density.strong_similarity
        anchored = self.calibration.density.anchored_similarity
        per_signal: dict[int, list[SignalEvidence]] = {}
        for s in sentences:
            if not usable[s.index]:
                continue
            if s.kind == "table" and len(_ALPHA_WORD.findall(s.text)) < 2:
                continue  # a bare figure in a cell backs its row; alone it shows no signal
            row = feats[s.index].signal_sims
            pattern_hits = feats[s.index].signal_patterns
            admit = self.calibration.classifier
            # A decisive pattern names the practice however little the rest of the sentence
            # reads like the exemplars ("then two regions for six weeks vs two without").
            decisive = (
                feats[s.index].decisive_patterns if feats[s.index].stance == "asserts" else ()
            )
            candidates = [
                j
                for j, sim in enumerate(row)
                if sim >= cal.signal_threshold
                or (j in pattern_hits and sim >= cal.pattern_floor)
                or (j in decisive and sim >= admit.decisive_floor)
            ]
            # The classifier, trained on annotated sentences, ranks the signals it could show,
            # and reads signals the exemplars' wording alone misses.
            scores = feats[s.index].signal_scores
            top = max(range(len(row)), key=lambda j: (scores[j], -j))
            named_by_label = (
                self._label_hits(s.section) if s.lead_label else frozenset()
            ) | self._named_by_head(sentences, feats, s)
            candidates += [
                j for j in named_by_label if j not in candidates and row[j] >= admit.named_floor
            ]
            if (
                top not in candidates
                and feats[s.index].stance == "asserts"
                and scores[top] > scores[-1] + admit.admit_margin
                # Named outright too, two independent readings agree: cosine may lag far behind
                # when the sentence is mostly about its domain ("harassment recall on 300 posts").
                and row[top] >= (admit.named_floor if top in pattern_hits else admit.admit_floor)
            ):
                candidates.append(top)
            elif (
                top not in candidates
                and feats[s.index].stance == "asserts"
                and scores[top] > scores[-1]
                and candidates
                and not pattern_hits.intersection(candidates)
                and all(scores[top] >= scores[j] + admit.overrule_margin for j in candidates)
            ):
                # Cosine found only look-alikes the classifier clearly ranks below its own pick,
                # unless the sentence names another signal outright that the classifier reads
                # too ("we retrain on their dismissals" is a retraining trigger, not a test).
                named = [
                    j
                    for j in pattern_hits
                    if j != top
                    and row[j] >= admit.named_floor
                    and scores[j] > scores[-1] + admit.admit_margin
                ]
                candidates.append(max(named, key=lambda j: (scores[j], -j)) if named else top)
            # ... and sets aside what it reads as showing nothing, unless named outright.
            candidates = [
                j
                for j in candidates
                if j in pattern_hits or scores[-1] <= scores[j] + admit.dismiss_margin
            ]
            if any(p.search(s.section) for p in self._context_sections):
                # The world as it is today shows its baseline and costs, not the design.
                candidates = [j for j in candidates if j in self._context_columns]
            # A short label that names a signal outright ("Ground truth:", "Bar to launch:") says
            # what the line under it is, unless the line names another signal outright itself;
            # then a reading the question asks about beats one it does not ("a 70% margin
            # target" answers a cost question as unit economics, not as a success metric);
            # otherwise the classifier's ranking decides.
            label_leads = (
                frozenset()
                if pattern_hits.difference(named_by_label).intersection(candidates)
                else named_by_label
            )
            candidates.sort(
                key=lambda j: (
                    j not in label_leads,
                    self.bank.signals[j].stage not in scope,
                    j not in decisive,
                    -scores[j],
                    j,
                )
            )
            # A table cell is a fragment (the condition may sit in the next cell): only whole
            # sentences are judged look-alikes.
            lookalikes = feats[s.index].lookalikes if s.kind != "table" else frozenset()
            if candidates and candidates[0] in lookalikes:
                # About that idea without showing it: another signal needs its own wording, not
                # a resemblance that the look-alike topic produced.
                candidates = [j for j in candidates if j in pattern_hits and j not in lookalikes]
            for j in candidates[: cal.max_signals_per_sentence]:
                source = self._substance_source(s, j, sentences, feats, usable)
                # Named outright, or read as this signal by the classifier with confidence.
                sure = j in pattern_hits or scores[j] > scores[-1] + admit.admit_margin
                needed = anchored if sure else strong
                if long_answer and row[j] < needed:
                    source = None  # a weak match in a long answer is a mention, not evidence
                else:
                    source = self._judged_credit(s.index, feats[s.index], source, sure)
                per_signal.setdefault(j, []).append(
                    SignalEvidence(
                        sentence=s.index,
                        similarity=round(row[j], 4),
                        substance=feats[source].substance if source is not None else (),
                        substance_from=source,
                        anchored=j in pattern_hits,
                        read=sure,
                    )
                )
        return {
            signal.id: SignalFinding(signal, tuple(per_signal.get(j, [])))
            for j, signal in enumerate(self.bank.signals)
        }

    def _judged_credit(
        self, index: int, feats: SentenceFeatures, source: int | None, sure: bool
    ) -> int | None:
        """The substance rule, checked by the classifier's credit head trained on expert
        credit: it vetoes what experts would call a mention, and credits a sentence it reads
        confidently as this signal that the word rules miss."""
        head = self.calibration.classifier
        if source is not None and feats.credit_score <= head.credit_veto:
            return None
        granted = feats.credit_score > head.credit_grant and not feats.no_credit
        if source is None and sure and granted:
            return index
        return source

    def _substance_source(
        self,
        s: Sentence,
        j: int,
        sentences: list[Sentence],
        feats: list[SentenceFeatures],
        usable: list[bool],
    ) -> int | None:
        """The sentence (itself, else a related neighbour in the same turn) carrying substance."""
        if feats[s.index].substance:
            return s.index
        if s.kind == "table":
            # A table row is one statement: its cells lend each other substance freely.
            for k in sorted(
                (t.index for t in sentences if t.block == s.block and t.turn_id == s.turn_id),
                key=lambda k: (abs(k - s.index), k),
            ):
                if k != s.index and usable[k] and feats[k].substance:
                    return k
        if len(s.words) < BORROW_MIN_WORDS and not s.joined:
            return None  # "Not all errors are equal." heads the claim; it does not make it
        floor = self.calibration.similarity.neighbour_floor
        for distance in range(1, self.calibration.substance.window + 1):
            for k in (s.index - distance, s.index + distance):
                if not 0 <= k < len(sentences):
                    continue
                if sentences[k].turn_id != s.turn_id or not usable[k] or not feats[k].substance:
                    continue
                # The other half of the same sentence (cut at a colon) lends its substance freely.
                same_sentence = (k == s.index + 1 and sentences[k].joined) or (
                    k == s.index - 1 and s.joined
                )
                if same_sentence or feats[k].signal_sims[j] >= floor:
                    return k
        return None

    def _flags(
        self,
        sentences: list[Sentence],
        feats: list[SentenceFeatures],
        injection: frozenset[int],
        hits: dict[int, list[int]],
        findings: dict[str, SignalFinding],
        stage_credit: dict[str, float],
    ) -> list[FlagFinding]:
        detector = self.red_flags
        overrides = self.calibration.flag_overrides
        out: list[FlagFinding] = []
        counted = [s for s in sentences if s.index not in injection]
        # A signal another stated flag takes back (a cut-off on the model's own confidence)
        # cannot vouch for the answer either.
        withdrawn = {
            sid
            for i in hits
            for sid in self.calibration.flag_withdraws.get(self.bank.flags[i].id, [])
        }
        for i, flag in enumerate(self.bank.flags):
            if flag.id in detector.structural_ids:
                found = self._structural(flag.id, counted, feats, stage_credit)
                if found:
                    out.append(FlagFinding(flag, tuple(found), structural=True))
                continue
            if i not in hits:
                continue
            stating = [s for s in sentences if s.index in hits[i]]
            exempt = any(
                p.search(s.flat) for s in stating for p in self._override_exempt.get(flag.id, [])
            )
            if not exempt and any(
                findings[sid].anchored_credit
                for sid in overrides.get(flag.id, [])
                if sid in findings and sid not in withdrawn
            ):
                continue
            out.append(
                FlagFinding(
                    flag,
                    tuple(hits[i]),
                    structural=False,
                    restated=len({s.turn_id for s in stating}) > 1,
                    worded=any(detector.worded(i, s.text) for s in stating),
                )
            )
        return out

    def _absent(
        self,
        counted: list[Sentence],
        feats: list[SentenceFeatures],
        word_count: int,
        findings: dict[str, SignalFinding],
    ) -> list[FlagFinding]:
        """Flags for ideas a substantive answer never touches, in any wording."""
        threshold = self.calibration.similarity.signal_threshold
        index = {s.id: j for j, s in enumerate(self.bank.signals)}
        negation = self.red_flags.negation
        remembered = self.extractor.remembered
        out: list[FlagFinding] = []
        for flag in self.bank.flags:
            config = self.calibration.absence_flags.get(flag.id)
            if config is None or word_count < config.min_words:
                continue
            if any(sid in findings and findings[sid].evidence for sid in config.signals):
                continue  # the evidence table read the idea somewhere: it is not absent
            if any(sid in findings and findings[sid].credited for sid in config.excused_by):
                continue
            subjects = self._absence_subjects[flag.id]
            # A practice turned down ("we would not train only on funded loans") is not used.
            uses = (
                functools.partial(_asserted_match, subjects, negation)
                if config.practice_used
                else functools.partial(_any_match, subjects)
            )
            if not any(remembered(f"subject:{flag.id}", s.context, uses) for s in counted):
                continue  # an answer about something else entirely
            contexts = self._absence_contexts[flag.id]
            if contexts and not any(_any_match(contexts, s.context) for s in counted):
                continue  # the condition that makes the absence a fault is not stated
            columns = [index[sid] for sid in config.signals if sid in index]
            describes = functools.partial(
                _own_check,
                self._absence_patterns[flag.id],
                self._absence_secondhand[flag.id],
                negation,
            )

            # Asking whether one is needed ("Do we need a labelled set?") does not describe it.
            said = [
                s for s in counted if feats[s.index].stance != "asks" and not self._open(s.section)
            ]
            touched = any(
                feats[s.index].signal_sims[j] >= threshold for s in said for j in columns
            ) or any(remembered(f"absence:{flag.id}", s.text, describes) for s in said)
            if not touched:
                # The sentences that use the practice (the grader, the vendor's report) are quoted.
                # Used again in a reply, after a probe, it is the plan: it weighs as restated.
                users = (
                    [s for s in said if uses(s.flat) and not feats[s.index].rejected_flags]
                    if config.practice_used
                    else []
                )
                out.append(
                    FlagFinding(
                        flag,
                        tuple(s.index for s in users[:2]),
                        structural=True,
                        absent=True,
                        restated=len({s.turn_id for s in users}) > 1,
                        practice_used=config.practice_used,
                    )
                )
        return out

    def _structural(
        self,
        flag_id: str,
        counted: list[Sentence],
        feats: list[SentenceFeatures],
        stage_credit: dict[str, float],
    ) -> list[int]:
        config = self.red_flags.structural_config(flag_id)
        if not counted:
            return []
        topic = [s.index for s in counted if flag_id in feats[s.index].topics]
        if len(topic) < config.min_sentences or len(topic) / len(counted) < config.min_share:
            return []
        if config.max_data_credit is not None:
            data_credit = sum(stage_credit[s] for s in config.data_stages)
            if data_credit > config.max_data_credit:
                return []
        return topic


def _turned_down(f: SentenceFeatures) -> SentenceFeatures:
    """The practices a sentence names, read as turned down rather than stated."""
    if not f.flag_hits:
        return f
    rejected = tuple(sorted({*f.rejected_flags, *f.flag_hits}))
    stance = "rejects" if f.stance == "asserts" else f.stance
    return replace(f, flag_hits=(), rejected_flags=rejected, stance=stance)


def _any_match(patterns: Sequence[re.Pattern[str]], text: str) -> bool:
    """Whether any of the patterns matches somewhere in the text."""
    return any(p.search(text) for p in patterns)


def _own_check(
    patterns: Sequence[re.Pattern[str]],
    secondhand: Sequence[re.Pattern[str]],
    negation: NegationChecker,
    text: str,
) -> bool:
    """The sentence states the safeguard as the answer's own, not as someone else's finding."""
    return not _any_match(secondhand, text) and _asserted_match(patterns, negation, text)


def _asserted_match(
    patterns: Sequence[re.Pattern[str]], negation: NegationChecker, text: str
) -> bool:
    """Whether any of the patterns matches somewhere in the text without being turned down."""
    return any(
        not negation.rejects_match(text, m.start(), m.end())
        for p in patterns
        for m in p.finditer(text)
    )


# A piece that opens by pointing back at the one before carries its subject on.
_POINTS_BACK = re.compile(
    r"^(?:and |but |so )?(?:(?:if|when|once|as long as|unless) )?"
    r"(?:it|it's|its|this|that|that's|these|those|they|they're|which)\b",
    re.IGNORECASE,
)


def _cut_sentences(sentences: list[Sentence]) -> list[list[Sentence]]:
    """The pieces of each sentence that was cut for reading (two or more), in order."""
    groups: list[list[Sentence]] = []
    for s in sentences:
        if s.joined and groups and groups[-1][-1].turn_id == s.turn_id:
            groups[-1].append(s)
        else:
            groups.append([s])
    return [g for g in groups if len(g) > 1]


def _as_written(group: list[Sentence], turn_text: str) -> tuple[str, list[tuple[int, int]]]:
    """The sentence these pieces were cut from, as the turn has it, and each piece's span in
    it (pieces not found in order: joined on spaces)."""
    starts, cursor = [], 0
    for s in group:
        at = turn_text.find(s.text, cursor)
        if at < 0:
            break
        starts.append(at)
        cursor = at + len(s.text)
    if len(starts) == len(group):
        base = starts[0]
        spans = [(a - base, a - base + len(s.text)) for a, s in zip(starts, group, strict=True)]
        return turn_text[base:cursor], spans
    spans, text = [], ""
    for s in group:
        if text:
            text += " "
        spans.append((len(text), len(text) + len(s.text)))
        text += s.text
    return text, spans


def _with_stated_reasons(
    sentences: list[Sentence], transcript: list[Turn], pieces: set[int]
) -> set[int]:
    """The flagged pieces plus what each one introduces with a colon: the reason a flagged
    claim gives ("... matters: within a month we'd have ...") earns nothing of its own."""
    texts = {t.id: t.text for t in transcript}
    out = set(pieces)
    for k in sorted(pieces):
        while k + 1 < len(sentences) and sentences[k + 1].joined:
            here, after = sentences[k], sentences[k + 1]
            text = texts.get(here.turn_id, "")
            start = text.find(here.text)
            if start < 0 or after.turn_id != here.turn_id:
                break
            if not text[start + len(here.text) :].lstrip().startswith(":"):
                break
            out.add(k + 1)
            k += 1
    return out
