"""Red flags: per-sentence patterns and similarity (unless the sentence rejects the idea),
plus structural flags raised when one topic dominates the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.brains.offline.calibration import Calibration, StructuralFlag
from agents.brains.offline.prefilter import Prefilter
from agents.brains.offline.sentences import QUOTED, words_of
from knowledge.models import RedFlag


@dataclass(frozen=True)
class FlagFinding:
    """A red flag and the sentences that show it."""

    flag: RedFlag
    sentences: tuple[int, ...]
    structural: bool
    absent: bool = False  # raised because the answer never touches the idea (the safeguard)
    restated: bool = False  # stated again in a later turn: the practice is the plan, not a slip
    practice_used: bool = False  # absent safeguard of a practice the answer uses: weighs as stated
    worded: bool = False  # a sentence states it in the flag's own wording, not by resemblance

    @property
    def stated(self) -> bool:
        """The answer states the practice, or puts it to use with its safeguard missing."""
        return self.practice_used or not self.absent


_QUALIFIER = re.compile(r"\bwithout \w+ing\b(?: (?:the |a |any |our )?\w+)?", re.IGNORECASE)
# A compound that starts with a negation ("pay or no-pay", "a no-show", "non-urgent") names a
# thing; it negates nothing after it.
_NEGATED_COMPOUND = re.compile(r"\b(?:no|non|not)-(?=\w)", re.IGNORECASE)
# A lead label: a few words, then a colon, opening the sentence ("Things I would not do: …").
_DENIES_VERB = re.compile(r"\b(nothing|never|none|not|cannot)\b|n['’]t\b", re.IGNORECASE)
_LEAD_LABEL = re.compile(r"^\W*((?:[\w'’-]+\s+){0,5}[\w'’-]+)\s*:\s")

# A run-in title's own full stop before the colon its context adds ("Objective.: …").
_RUN_IN_STOP = re.compile(r"^([^.:\n]{1,60})\.:")
_OR_GOES_ON = re.compile(r"\s*(?:or|nor)\b", re.IGNORECASE)
# A numbered heading's own full stop ("2. Data and labels: …") ends no sentence either.
_NUMBERED_LABEL = re.compile(
    r"^(?:(?:step|part|phase|section)\s+)?\d{1,2}[.)]\s+(?=[^.:\n]{1,60}:)", re.IGNORECASE
)


class NegationChecker:
    """Decides whether a sentence rejects the idea a red-flag match names."""

    def __init__(self, calibration: Calibration) -> None:
        config = calibration.negation
        self._clause_cues = [re.compile(p, re.IGNORECASE) for p in config.clause_cues]
        self._after_cues = [re.compile(p, re.IGNORECASE) for p in config.after_cues]
        self._sentence_cues = [re.compile(p, re.IGNORECASE) for p in config.sentence_cues]
        self._rejecting_labels = [re.compile(p, re.IGNORECASE) for p in config.rejecting_labels]
        self._declined_labels = [re.compile(p, re.IGNORECASE) for p in config.declined_labels]
        self._refused = [re.compile(p, re.IGNORECASE) for p in config.refused_conditions]
        self._splitter = re.compile(config.clause_splitter, re.IGNORECASE)
        self._window = config.max_words_before_match

    def rejects_match(self, text: str, start: int, end: int | None = None) -> bool:
        """A rejection cue in the same clause, shortly before the match at `start`, a judgment
        right after it ("rating buttons are mostly noise"), or a lead label that files the
        sentence under what not to do."""
        if self._under_rejecting_label(text, start):
            return True
        if any(
            (m := c.search(text)) is not None and m.start("condition") <= start < m.end("condition")
            for c in self._refused
        ):
            return True
        if end is not None and self._denied_under_label(text, start, end):
            return True
        # Words it quotes (a button's "this is wrong", what a user would say) are not its verdict.
        text = QUOTED.sub(lambda m: " " * len(m.group()), text)
        clause_start = previous_start = 0
        for boundary in self._splitter.finditer(text, 0, start):
            previous_start, clause_start = clause_start, boundary.end()
        # "We would not trust their figures, or use thumbs as the only signal": an "or" clause
        # goes on with the refusal that opened the one before it.
        if clause_start and _OR_GOES_ON.match(text, clause_start):
            earlier = _QUALIFIER.sub(" ", text[previous_start:clause_start])
            if any(c.search(" ".join(earlier.split()[: self._window])) for c in self._clause_cues):
                return True
        # "without losing precision, X is worth more": the cue qualifies its own verb, not X.
        before = _NEGATED_COMPOUND.sub(" ", _QUALIFIER.sub(" ", text[clause_start:start]))
        recent = " ".join(words_of(before)[-self._window :])
        lead = " ".join(before.split()[-self._window :])
        if any(c.search(recent) or c.search(lead) for c in self._clause_cues):
            return True
        if end is None:
            return False
        after = text[end:]
        cut = self._splitter.search(after)
        after = after[: cut.start()] if cut else after
        return any(c.search(after) for c in self._after_cues)

    def rejects_sentence(self, text: str) -> bool:
        """A cue that rejects the sentence's whole idea (rather than, avoid, the mistake …)."""
        return any(c.search(text) for c in self._sentence_cues)

    def declined(self, text: str) -> bool:
        """The sentence lists an option the design turned down ("Rejected: a side-by-side test")."""
        lead = _LEAD_LABEL.match(text)
        return lead is not None and any(c.search(lead.group(1)) for c in self._declined_labels)

    def _denied_under_label(self, text: str, start: int, end: int) -> bool:
        """A match that runs from a lead label into its line ("Golden set: nothing in it is
        used for tuning prompts"): the line's own first clause, up to the match's end, denies
        its verb. A bare "no" stays part of the practice ("shipped with no linguist touch")."""
        lead = _LEAD_LABEL.match(text)
        if lead is None or start >= lead.end() or end <= lead.end():
            return False
        body = text[lead.end() : end]
        cut = self._splitter.search(body)
        body = body[: cut.start()] if cut else body
        said = " ".join(words_of(body)[: self._window])
        return _DENIES_VERB.search(said) is not None

    def _under_rejecting_label(self, text: str, start: int) -> bool:
        lead = _LEAD_LABEL.match(text)
        return (
            lead is not None
            and lead.end() <= start
            and any(c.search(lead.group(1)) for c in self._rejecting_labels)
        )


class RedFlagDetector:
    """Finds red flags sentence by sentence, then structurally."""

    def __init__(
        self, flags: list[RedFlag], patterns: list[list[re.Pattern[str]]], calibration: Calibration
    ) -> None:
        self._flags = flags
        self._patterns = patterns
        self._pattern_filters = [Prefilter(p.pattern for p in group) for group in patterns]
        self._calibration = calibration
        self.negation = NegationChecker(calibration)
        self._structural = calibration.structural_flags
        self._excuses = {
            fid: [re.compile(p, re.IGNORECASE) for p in patterns]
            for fid, patterns in calibration.flag_excuses.items()
        }
        self._topic = {
            fid: [re.compile(p, re.IGNORECASE) for p in cfg.topic_patterns]
            for fid, cfg in self._structural.items()
        }

    def worded(self, index: int, text: str) -> bool:
        """Whether one of flag `index`'s own patterns names the practice in the text."""
        return any(p.search(text) for p in self._patterns[index])

    @property
    def structural_ids(self) -> frozenset[str]:
        """Flags raised only from the shape of the whole answer."""
        return frozenset(self._structural)

    def sentence_flags(
        self, text: str, flag_sims: list[float], best_signal: float
    ) -> tuple[list[int], list[int]]:
        """Indices of the (non-structural) flags whose practice this sentence asserts, and of
        those whose practice it names only to reject."""
        sim = self._calibration.similarity
        # A run-in title's own full stop ("Objective.: the north star is…") would end the
        # sentence it heads for a pattern that reads to the end of its sentence.
        text = _NUMBERED_LABEL.sub("", _RUN_IN_STOP.sub(r"\1:", text, count=1), count=1)
        hits: list[int] = []
        rejected: list[int] = []
        for i, flag in enumerate(self._flags):
            if flag.id in self._structural:
                continue
            span = self._asserted_wording(i, text)
            named = span is not None
            matched = span is not None and span[0] >= 0
            if (
                not matched
                and not flag.wording_only
                and flag_sims[i] >= sim.red_flag_threshold
                and len(words_of(text)) >= sim.red_flag_min_words
            ):
                if self.negation.rejects_sentence(text):
                    named = True
                else:
                    matched = flag_sims[i] >= best_signal + sim.red_flag_margin
            if matched and self.excused(flag.id, text):
                continue
            if matched:
                hits.append(i)
            elif named:
                rejected.append(i)
        return hits, rejected

    def _asserted_wording(self, index: int, text: str) -> tuple[int, int] | None:
        """The span of flag `index`'s own wording of the practice in the text, asserted ((-1,
        -1): named only to be rejected; None: not named)."""
        named = False
        if not self._pattern_filters[index].may_match(text):
            return None
        for pattern in self._patterns[index]:
            for m in pattern.finditer(text):
                named = True
                if not self.negation.rejects_match(text, m.start(), m.end()):
                    return m.start(), m.end()
        return (-1, -1) if named else None

    def worded_flags(self, text: str) -> list[tuple[int, int, int]]:
        """(flag index, start, end of its wording) for each non-structural flag whose own
        pattern names the practice, asserted and not excused, in this text."""
        out = []
        for i, flag in enumerate(self._flags):
            if flag.id in self._structural:
                continue
            span = self._asserted_wording(i, text)
            if span is not None and span[0] >= 0 and not self.excused(flag.id, text):
                out.append((i, *span))
        return out

    def excused(self, flag_id: str, text: str) -> bool:
        """The sentence gives a reason that makes the flag's trade-off a sound judgment."""
        return any(p.search(text) for p in self._excuses.get(flag_id, []))

    def core_topics(self, text: str, flag_sims: list[float]) -> frozenset[str]:
        """Structural flags this sentence squarely shows (the flag's own patterns or exemplars)."""
        threshold = self._calibration.similarity.red_flag_threshold
        return frozenset(
            flag.id
            for i, flag in enumerate(self._flags)
            if flag.id in self._structural
            and (flag_sims[i] >= threshold or any(p.search(text) for p in self._patterns[i]))
        )

    def topics(self, text: str, flag_sims: list[float]) -> frozenset[str]:
        """Structural flags whose topic this sentence is on (pattern or similarity)."""
        threshold = self._calibration.similarity.red_flag_threshold
        found = set()
        for i, flag in enumerate(self._flags):
            if flag.id not in self._structural:
                continue
            patterns = self._topic[flag.id] + self._patterns[i]
            if flag_sims[i] >= threshold or any(p.search(text) for p in patterns):
                found.add(flag.id)
        return frozenset(found)

    def structural_config(self, flag_id: str) -> StructuralFlag:
        """The structural rule for a flag."""
        return self._structural[flag_id]
