"""Probes that listen: each quotes the candidate's own sentence (or names an in-scope gap for this
product) and asks one level deeper, in the panelist's voice, grounded in snippets."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from agents.brains.offline.calibration import Calibration, FollowUpOn
from agents.brains.offline.grounding import SnippetFinder
from agents.brains.offline.reading import Reading
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panelist, Question, Rubric, Signal
from knowledge.scope import product_of

_SENSITIVITY = re.compile(r"\b(doubl\w*|tripl\w*|twice|halv\w*|ten times|10x|off by)\b", re.I)
MIN_FIXED_CHARS = 6
HEDGE_READING_MARGIN = 0.05  # an admission's second reading this close to its first is as good
_DOUBTING_PREAMBLE = re.compile(
    r"^[^,;]{0,80}?\b(not (100% |entirely |totally |completely )?sure|could be wrong|"
    r"might be wrong|may be wrong|correct me|right framing)\b[^,;]{0,40},\s*(?:but|so)\s+(?=\S)",
    re.I,
)
BARE_CELL_WORDS = 5  # a table cell shorter than this is read back with its row's first cell
READ_AS_MARGIN = 0.1  # how far above "shows nothing" a sentence's reading must be to push past it
# A sentence with no figure, mechanism or condition ("that's strong evidence it performs") must
# be this much closer to a gap than the floor before a probe on that gap opens by quoting it.
BARE_ANCHOR_MARGIN = 0.1
# ... and one the classifier alone reads as an idea must be at least this close to it by meaning
# before a question pushes past it ("if it passes, the hints build on it" is no alarm).
READ_AS_MIN_SIMILARITY = 0.35


@dataclass(frozen=True)
class Gap:
    """Something a panelist wants to probe, and the candidate sentence it hangs on."""

    kind: str  # missing_signal | thin_signal | red_flag | deeper (past what was covered)
    # | follow_up (a second question on an idea already pushed on, about the reply's sentence)
    # | press (a red flag pushed on whose reply defended the plan without changing it)
    stage: str
    id: str
    severity: float
    anchor: int | None  # the sentence the probe quotes, if any
    hedge: bool = False  # the anchor is the candidate admitting this gap
    aside: bool = False  # ... admitting what was just asked: the question moves to its neighbour
    bridge: bool = False  # the anchor is what the stage showed, not the gap itself
    ask: str | None = None  # the part of the question this gap answers, left out by the answer


def asked_gaps(transcript: list[Turn]) -> set[str]:
    """Gaps already probed in earlier rounds."""
    return {t.gap for t in transcript if t.speaker != "candidate" and t.gap}


def _latest_reply(transcript: list[Turn]) -> str | None:
    """The id of the candidate's latest reply to a probe (not the opening answer)."""
    replies = [t.id for t in transcript if t.speaker == "candidate" and t.round > 0]
    return replies[-1] if replies else None


@dataclass(frozen=True)
class _Asking:
    """What one panelist may ask about in this round."""

    reading: Reading
    panelist: Panelist
    rubric: Rubric
    calibration: Calibration
    own: tuple[str, ...]  # the panelist's stages this question assesses
    asked: set[str]  # gaps probed in earlier rounds
    reply: str | None  # the latest reply's turn id, from round 2 on


def panelist_gaps(
    reading: Reading,
    panelist: Panelist,
    rubric: Rubric,
    calibration: Calibration,
    transcript: list[Turn],
) -> list[Gap]:
    """Every open, in-scope gap this panelist owns, most severe first."""
    own = [s for s in panelist.stages if s in reading.scope]
    if not own or reading.analysis.state != "ok" or reading.off_question:
        return []
    asked, reply = asked_gaps(transcript), _latest_reply(transcript)
    ask = _Asking(reading, panelist, rubric, calibration, tuple(own), asked, reply)
    open_signals = _owned(ask, own, lambda sid: not reading.touched(sid))
    gaps = _press_gaps(ask, transcript) + _flag_gaps(ask) + _ask_gaps(ask)
    gaps += _hedge_gaps(ask, [s for s in open_signals if all(g.id != s.id for g in gaps)])
    gaps += _signal_gaps(ask, open_signals, {g.id for g in gaps})
    gaps += _follow_up_gaps(ask, transcript)
    if not gaps and not reading.credited_rows():
        # An answer that earned nothing anywhere is still asked about its own stages: a vague
        # answer comes near every idea ("we'd monitor the right metrics") and shows none.
        unearned = [s for s in own if reading.scores.get(s, 1) <= 1]
        gaps = _signal_gaps(ask, _owned(ask, unearned, lambda sid: not reading.shown(sid)), set())
    gaps = gaps or _deeper_gaps(ask)
    if not gaps:
        # Every idea of a stage it owns came up, yet the stage is not earned: go past what was
        # said about one of them, quoting it, rather than ask nothing.
        covered = ask.calibration.scoring.decision.covered_score
        unearned = [s for s in own if reading.scores.get(s, 1) < covered]
        pending = _owned(ask, unearned, lambda sid: not reading.shown(sid))
        gaps = _past_touched_gaps(ask, pending)
    gaps.sort(key=lambda g: (-g.severity, g.id))
    return gaps


def _owned(ask: _Asking, stages: Sequence[str], unseen: Callable[[str], bool]) -> list[Signal]:
    """The panelist's in-focus signals of these stages, not asked yet, that `unseen` keeps."""
    return [
        s
        for s in ask.rubric.signals
        if s.owner == ask.panelist.id
        and s.stage in stages
        and s.id not in ask.asked
        and ask.reading.in_focus(s.id)
        and unseen(s.id)
    ]


def _flag_gaps(ask: _Asking) -> list[Gap]:
    """Red flags in the panelist's stages (or owned by it): the stating sentence, if any."""
    sev = ask.calibration.probes.severity
    gaps = []
    for finding in ask.reading.flags:
        flag = finding.flag
        if flag.id in ask.asked or flag.stage not in ask.reading.scope:
            continue
        if flag.owner != ask.panelist.id and flag.stage not in ask.own:
            continue
        flagged = finding.sentences[0] if finding.sentences else None
        kind = "red_flag" if flagged is not None else "missing_signal"
        gaps.append(Gap(kind, flag.stage, flag.id, sev.red_flag + flag.severity / 3, flagged))
    return gaps


def _press_gaps(ask: _Asking, transcript: list[Turn]) -> list[Gap]:
    """A red flag this panelist pushed on last round whose reply argued back with neither credit
    nor a bar of its own: the flag stands, so the second question presses it, quoting the
    defence (a reply that admits the gap is left to the debrief)."""
    reading, reply = ask.reading, ask.reply
    if reply is None:
        return []
    reply_turn = next(t for t in transcript if t.id == reply)
    asked = [t for t in transcript if t.round == reply_turn.round and t.speaker != "candidate"]
    pressed = {t.gap for t in transcript if t.gap_kind == "press"}
    sev = ask.calibration.probes.severity
    gaps = []
    for finding in reading.flags:
        flag = finding.flag
        if flag.id in pressed or not any(
            t.speaker == ask.panelist.id and t.gap == flag.id and t.gap_kind == "red_flag"
            for t in asked
        ):
            continue
        rows = _reply_part(reading, reply_turn, asked, flag.stage)
        if any(reading.rows[i].credited or "threshold" in reading.rows[i].substance for i in rows):
            continue  # the reply put something real in its place: credit, or a bar to hold
        # ("I think I covered that already" points back; it argues nothing to press on.)
        argued = [
            i
            for i in rows
            if reading.rows[i].stance in ("asserts", "rejects")
            and not reading.analysis.features[i].filler
        ]
        if not argued or any(reading.rows[i].stance == "hedges" for i in rows):
            continue
        restating = [i for i in argued if reading.rows[i].red_flag == flag.id]
        anchor = (restating or argued)[0]
        gaps.append(Gap("press", flag.stage, flag.id, sev.red_flag + flag.severity / 3, anchor))
    # One pressing question per panelist per round: two would share one skeleton.
    return sorted(gaps, key=lambda g: (-g.severity, g.id))[:1]


def _reply_part(reading: Reading, reply: Turn, asked: list[Turn], stage: str) -> list[int]:
    """The evidence rows of the part of a reply that answers the round's question on `stage`:
    a reply in one paragraph per asked stage is read paragraph by paragraph, in the order the
    stages were asked; a reply in one paragraph is read whole; otherwise only its rows read in
    that stage count."""
    rows = [i for i, r in enumerate(reading.rows) if r.turn == reply.id]
    stages = list(dict.fromkeys(t.stage for t in asked if t.stage))
    paragraphs = [p for p in re.split(r"\n\s*\n", reply.text) if p.strip()]
    if stage in stages and len(paragraphs) >= len(stages) > 1:
        part = paragraphs[stages.index(stage)]
        return [i for i in rows if reading.rows[i].quote in part]
    if len(paragraphs) == 1:
        return rows  # one paragraph for every question: all of it answers this one too
    return [i for i in rows if reading.rows[i].stage == stage]


def _hedge_gaps(ask: _Asking, open_signals: list[Signal]) -> list[Gap]:
    """Gaps the candidate admitted, one per stage, followed up by the panelist who owns them."""
    reading, reply = ask.reading, ask.reply
    gaps: list[Gap] = []
    hedged_stages: set[str] = set()
    for i in reading.hedge_rows():
        row = reading.rows[i]
        topic = reading.hedge_topics.get(i)
        if row.stage not in ask.own or row.stage in hedged_stages or topic is None:
            continue
        if reading.signals[topic].owner != ask.panelist.id:
            continue  # the panelist who owns what was admitted follows it up
        if reply is not None and row.turn != reply and any(r.turn == reply for r in reading.rows):
            continue  # a later reply moved on; follow up what they said last
        # The probe quotes the admission, so it asks about what was admitted, nothing else ...
        target = next((s for s in open_signals if s.id == topic), None)
        if target is None and i in reading.named_hedges and not reading.shown(topic):
            # An admission that names its topic is followed up unless the answer shows it
            # elsewhere: a nearby sentence on another idea does not settle it.
            target = next((s for s in _owned(ask, ask.own, lambda _: True) if s.id == topic), None)
        same_stage = [s for s in open_signals if s.stage == row.stage]
        if target is None and i not in reading.answered_hedges:
            floor = ask.calibration.similarity.on_topic_threshold
            target = _nearest_open(reading, i, same_stage, floor)
        aside = target is None and bool(same_stage) and i in reading.answered_hedges
        if aside:
            # The admission answers what this panelist just asked: its next question on that
            # stage starts from it rather than asking past it as if nothing had been said.
            target = max(same_stage, key=lambda s: s.weight)
        if target is None:
            continue
        hedged_stages.add(row.stage)
        sev = ask.calibration.probes.severity.hedge
        gaps.append(Gap("missing_signal", target.stage, target.id, sev, i, hedge=True, aside=aside))
    return gaps


def _nearest_open(
    reading: Reading, index: int, candidates: list[Signal], floor: float
) -> Signal | None:
    """... or, when that idea was touched elsewhere, the open idea of its stage the classifier
    reads the admission as first ("haven't thought about using several models": which
    requests go where), if it is that close to it at all."""
    feats = reading.analysis.features[index]
    best = max(feats.signal_scores[:-1])  # the last is "shows nothing"
    near = [
        s
        for s in candidates
        if feats.signal_sims[reading.columns[s.id]] >= floor
        and feats.signal_scores[reading.columns[s.id]] >= best - HEDGE_READING_MARGIN
    ]
    return max(near, key=lambda s: (feats.signal_scores[reading.columns[s.id]], s.id), default=None)


def _signal_gaps(ask: _Asking, open_signals: list[Signal], taken: set[str]) -> list[Gap]:
    """Open signals: a thin mention to push on, else the sentence closest to build on."""
    reading, reply = ask.reading, ask.reply
    sev = ask.calibration.probes.severity
    floor = ask.calibration.probes.anchor_floor
    gaps = []
    anchor: int | None
    for signal in open_signals:
        if signal.id in taken:
            continue
        weakness = (4 - reading.scores.get(signal.stage, 1)) / 3
        thin = [i for i in reading.thin_rows(signal.stage) if reading.rows[i].signal == signal.id]
        if thin:
            anchor = next(
                (i for i in reversed(thin) if reading.rows[i].turn == reply),
                _clearest(reading, signal.id, thin),
            )
            kind, severity = "thin_signal", sev.thin_signal + signal.weight / 3 + weakness / 2
        else:
            # Round 2 follows up the reply: a reply sentence close enough to build on beats a
            # closer sentence of the opening answer.
            reply_floor = ask.calibration.probes.reply_anchor_floor
            anchor = _nearest(reading, signal.id, reply_floor, turn=reply) if reply else None
            anchor = anchor if anchor is not None else _nearest(reading, signal.id, floor)
            kind = "missing_signal"
            severity = sev.missing_signal + signal.weight / 3 + weakness
        bridge = anchor is None and (anchor := _bridge(ask, signal)) is not None
        if anchor is not None and reply is not None and reading.rows[anchor].turn == reply:
            severity += sev.reply_anchor
        gaps.append(Gap(kind, signal.stage, signal.id, round(severity, 4), anchor, bridge=bridge))
    return gaps


def _ask_gaps(ask: _Asking) -> list[Gap]:
    """A part the question named and the answer left out ("how many reviewers we need"), asked
    in the question's own words, even when the answer came near the idea elsewhere. Each part
    goes to one panelist: the owner of the first assessed idea that answers it."""
    sev = ask.calibration.probes.severity
    signals = {s.id: s for s in ask.rubric.signals}
    gaps: list[Gap] = []
    for part in ask.reading.missing_asks:
        first = next(
            (signals[i] for i in part.signals if signals[i].stage in ask.reading.scope), None
        )
        # Stages can be shared; the idea's own owner asks, so the part is asked once.
        if first is None or first.owner != ask.panelist.id or first.id in ask.asked:
            continue
        if any(g.id == first.id for g in gaps):
            continue
        severity = sev.missing_signal + first.weight / 3 + 1.0 + sev.named_ask
        gaps.append(
            Gap("missing_signal", first.stage, first.id, round(severity, 4), None, ask=part.phrase)
        )
    return gaps


def _bridge(ask: _Asking, signal: Signal) -> int | None:
    """The sentence of the gap's stage, credited for an idea this panelist owns, closest to the
    gap (the latest reply's first), if it comes close enough to lead into the gap from."""
    reading = ask.reading
    column = reading.columns[signal.id]
    floor = ask.calibration.probes.bridge_floor
    credited = [
        i
        for i in reading.credited_rows(signal.stage)
        if i not in reading.analysis.injection
        and reading.rows[i].stance == "asserts"
        and reading.row_owner(i) == ask.panelist.id
    ]
    sims = {i: reading.analysis.features[i].signal_sims[column] for i in credited}
    near = [i for i in credited if sims[i] >= floor]
    if not near:
        return None
    return max(near, key=lambda i: (reading.rows[i].turn == ask.reply, sims[i], -i))


def _follow_up_gaps(ask: _Asking, transcript: list[Turn]) -> list[Gap]:
    """The latest reply answered this panelist's question with something to build on: one
    question a level deeper on that answer, quoting it (a real interviewer's second question)."""
    reading, reply = ask.reading, ask.reply
    if reply is None:
        return []
    reply_round = next(t.round for t in transcript if t.id == reply)
    mine = [t for t in transcript if t.speaker == ask.panelist.id and t.round == reply_round]
    if not mine:
        return []
    followed = {t.gap for t in transcript if t.gap_kind == "deeper"}
    followed_up = {t.gap for t in transcript if t.gap_kind == "follow_up"}
    asked = [t.gap for t in mine if t.gap in reading.signals]  # not a red flag's id
    # What the reply showed with substance: the asked idea first, then any other of this
    # panelist's ideas it went to instead ("is accuracy worth it?" answered with unit costs).
    shown: list[tuple[str, int]] = []
    for signal_id in asked:
        anchor = _answered_in(reading, signal_id, reply)
        if anchor is not None:
            shown.append((signal_id, anchor))
    shown += [
        (r.signal, i)
        for i, r in enumerate(reading.rows)
        if r.turn == reply and r.credited and r.signal
    ]
    sev = ask.calibration.probes.severity
    for signal_id, anchor in shown:
        signal = reading.signals.get(signal_id)
        if signal is None or signal.owner != ask.panelist.id or signal.stage not in ask.own:
            continue
        if signal_id in followed_up or not reading.in_focus(signal_id):
            continue
        severity = round(sev.follow_up + signal.weight / 3, 4)
        if signal_id in followed:
            # Its deeper question is spent: the second one is about what the reply just said.
            return [Gap("follow_up", signal.stage, signal_id, severity, anchor)]
        if _deeper_answered(ask, signal_id):
            continue
        return [Gap("deeper", signal.stage, signal_id, severity, anchor)]
    return []


def _deeper_answered(ask: _Asking, signal_id: str) -> bool:
    """The candidate already went where the deeper question would: touched the idea it asks
    for, or asserted something in the wording that answers it."""
    probes = ask.calibration.probes
    asks_about = probes.deeper_asks_about.get(signal_id)
    if asks_about is not None and ask.reading.touched(asks_about):
        return True
    answers = tuple(probes.deeper_answered_by.get(signal_id, ()))
    return bool(answers) and _any_of(answers).search(_asserted(ask.reading)) is not None


@functools.lru_cache(maxsize=256)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _asserted(reading: Reading) -> str:
    """Every sentence the candidate asserted or rejected, with its label, one text; a full stop
    between them keeps a pattern's within-sentence span from running across two."""
    sentences = reading.analysis.sentences
    # Read under its label: "Guardrails: accuracy on the audited sample ≥ 95%" names a guardrail.
    return ".\n".join(
        sentences[i].context
        for i, r in enumerate(reading.rows)
        if r.stance in ("asserts", "rejects")
    )


def _answered_in(reading: Reading, signal_id: str, turn: str) -> int | None:
    """The reply's sentence that answers a question about this signal with substance: credited
    for it, or read as it with a figure, threshold or mechanism behind it."""
    rows = [i for i, r in enumerate(reading.rows) if r.turn == turn]
    for i in rows:
        if reading.rows[i].credited and reading.rows[i].signal == signal_id:
            return i
    anchor = read_as(reading, signal_id)
    return anchor if anchor in rows else None


def _deeper_gaps(ask: _Asking) -> list[Gap]:
    """Nothing left open in the panelist's stages: push one level further on what the answer
    did cover (its failure, limit or trade-off), quoting the sentence that covered it."""
    gaps = []
    reading = ask.reading
    for signal in ask.rubric.signals:
        if signal.owner != ask.panelist.id or signal.stage not in ask.own:
            continue
        if signal.id in ask.asked or not reading.in_focus(signal.id):
            continue
        if _deeper_answered(ask, signal.id):
            continue  # the answer already went there
        # Only past what was said: the credited sentence, else one the classifier reads as this
        # signal; a sentence merely near it would make the question about something unsaid.
        anchor = reading.anchor_row(signal.id)
        if anchor is None:
            anchor = read_as(reading, signal.id)
        if anchor is not None:
            sev = ask.calibration.probes.severity.missing_signal + signal.weight / 3
            gaps.append(Gap("deeper", signal.stage, signal.id, round(sev, 4), anchor))
    return gaps


def _clearest(reading: Reading, signal_id: str, rows: list[int]) -> int | None:
    """Of several sentences about a signal, the one the classifier reads most clearly as it."""
    column = reading.columns[signal_id]
    features = reading.analysis.features
    return max(rows, key=lambda i: (features[i].signal_scores[column], -i), default=None)


def _about(reading: Reading, index: int, signal_id: str) -> bool:
    """The sentence is about this signal, not merely near it: named by one of its patterns,
    or the classifier's likeliest reading of it ("an AUC of 0.9 on held-back data" touches
    routing by its words, but is about the test)."""
    column = reading.columns[signal_id]
    features = reading.analysis.features[index]
    scores = features.signal_scores
    return column in features.signal_patterns or scores[column] >= max(scores[:-1])


def _past_touched_gaps(ask: _Asking, signals: list[Signal]) -> list[Gap]:
    """One level past ideas the answer touched without showing them, each anchored on the bare
    mention of it (else the sentence touching it) that the classifier reads most clearly as it."""
    reading = ask.reading
    flagged = reading.flagged_sentences()
    gaps = []
    for signal in signals:
        if _deeper_answered(ask, signal.id):
            continue
        thin = [i for i in reading.thin_rows(signal.stage) if reading.rows[i].signal == signal.id]
        touching = [
            i
            for i in reading.touching_rows(signal.id)
            if _about(reading, i, signal.id) and i not in flagged
        ]
        anchor = _clearest(reading, signal.id, thin or touching)
        if anchor is not None:
            sev = ask.calibration.probes.severity.missing_signal + signal.weight / 3
            gaps.append(Gap("deeper", signal.stage, signal.id, round(sev, 4), anchor))
    return gaps


def read_as(reading: Reading, signal_id: str) -> int | None:
    """The asserting sentence the classifier most clearly reads as this signal (its likeliest
    reading, above "shows nothing", and not read as another signal) and that says something
    concrete (a mechanism, figure or condition), if any: a question that goes past what a
    sentence said must be about what that sentence is about, and a bare label ("Option A,
    template library") said nothing to go past."""
    column = reading.columns[signal_id]
    # Read as it with some confidence: a hair above "shows nothing" ("request to prepone the
    # pilot rather than wait" as a fallback) is no reading to push past.
    best, best_score = None, READ_AS_MARGIN
    flagged = reading.flagged_sentences()
    for i, row in enumerate(reading.rows):
        if row.stance not in ("asserts", "rejects") or i in reading.analysis.injection:
            continue
        if i in flagged:
            continue
        if not set(row.substance) - {"who"}:
            continue
        if row.signal not in (None, signal_id):
            continue
        features = reading.analysis.features[i]
        if (
            column not in features.signal_patterns
            and features.signal_sims[column] < READ_AS_MIN_SIMILARITY
        ):
            continue
        scores = features.signal_scores
        likelier = sum(score > scores[column] for score in scores[:-1])
        margin = scores[column] - scores[-1]
        if likelier == 0 and margin > best_score:
            best, best_score = i, margin
    return best


def _nearest(reading: Reading, signal_id: str, floor: float, turn: str | None = None) -> int | None:
    """The candidate's asserting sentence closest to a signal (in `turn`, if given), if close
    enough to build on."""
    column = reading.columns[signal_id]
    best, best_sim = None, floor
    flagged = reading.flagged_sentences()  # a flawed claim is probed as the flag, not built on
    for i, row in enumerate(reading.rows):
        if row.stance not in ("asserts", "rejects") or i in reading.analysis.injection:
            continue
        if i in flagged:
            continue
        if turn is not None and row.turn != turn:
            continue
        if reading.analysis.features[i].filler:
            continue  # "I think I covered that already" says nothing to build on
        sim = reading.analysis.features[i].signal_sims[column]
        if not row.substance and sim < floor + BARE_ANCHOR_MARGIN:
            continue
        if sim >= best_sim:
            best, best_sim = i, sim
    return best


def choose(
    gaps: list[Gap],
    count: int,
    first_pick: float,
    implies: Mapping[str, Sequence[str]] | None = None,
) -> list[Gap]:
    """The most severe gaps, one per stage first; the best one gets the first-pick boost so each
    panelist's top question outranks the others' second ones. Two ideas one implies of the other
    (`implies`: corrections fed back are data from usage) are not asked in one round: the second
    question would sound like the first."""
    related = {(a, b) for a, bs in (implies or {}).items() for b in bs}

    def echoes(gap: Gap, chosen: list[Gap]) -> bool:
        return any((gap.id, c.id) in related or (c.id, gap.id) in related for c in chosen)

    chosen: list[Gap] = []
    stages: set[str] = set()
    for gap in gaps:
        if len(chosen) < count and gap.stage not in stages:
            chosen.append(gap)
            stages.add(gap.stage)
    for gap in gaps:
        if len(chosen) < count and gap not in chosen and not echoes(gap, chosen):
            chosen.append(gap)
    chosen.sort(key=lambda g: (-g.severity, g.id))
    if chosen:
        chosen[0] = replace(chosen[0], severity=round(chosen[0].severity + first_pick, 4))
    return chosen


def claim_quote(text: str, max_words: int) -> str:
    """short_quote of what the sentence claims, past a doubting preamble ("I'm not 100% sure this
    is the right framing, but …"): quoted as a strength, the preamble is not what was shown."""
    preamble = _DOUBTING_PREAMBLE.match(text)
    return short_quote(text[preamble.end() :] if preamble else text, max_words)


def short_quote(text: str, max_words: int) -> str:
    """The sentence, shortened to max_words with an ellipsis."""
    words = text.split()
    if len(words) <= max_words:
        return " ".join(words).rstrip(".!?;:,")  # a line break inside a sentence is a space
    return " ".join(words[:max_words]).rstrip(",;:.") + "…"


class ProbeWriter:
    """Turns gaps into probe text in a panelist's voice and grounds them in snippets."""

    def __init__(self, calibration: Calibration, finder: SnippetFinder, rubric: Rubric) -> None:
        self.calibration = calibration
        self.finder = finder
        self.rubric = rubric

    def write_all(
        self,
        gaps: list[Gap],
        reading: Reading,
        panelist: Panelist,
        question: Question,
        transcript: list[Turn],
    ) -> list[Probe]:
        """One probe per gap, each opening differently from every earlier probe of the panel."""
        cfg = self.calibration.probes
        spoken = [t.text for t in transcript if t.speaker != "candidate"]
        lead_ins = [
            t for t in cfg.lead_ins[panelist.id] if not any(_opens(s, t) for s in spoken)
        ] or list(cfg.lead_ins[panelist.id])
        # Once every opener is spent the question stands alone rather than repeat one.
        openers = [t for t in cfg.openers[panelist.id] if not any(_opens(s, t) for s in spoken)]
        bridges = [
            t for t in cfg.bridge_lead_ins[panelist.id] if not any(_opens(s, t) for s in spoken)
        ]
        asks = [
            t
            for t in cfg.ask_lead_ins.get(panelist.id, [])
            if not any(_opens(s, t) for s in spoken)
        ]
        probes = []
        for gap in gaps:
            if gap.kind == "press":
                opening = ""  # the pressing question quotes the defence itself
            elif gap.ask is not None and asks:
                opening = asks.pop(0).format(ask=_lower_first(gap.ask))
            elif gap.hedge and gap.anchor is not None:
                lead_in = (cfg.hedge_aside_lead_ins if gap.aside else cfg.hedge_lead_ins)[
                    panelist.id
                ]
                opening = lead_in.format(quote=self._quote(reading, gap))
            elif gap.bridge and gap.anchor is not None:
                opening = bridges.pop(0).format(quote=self._quote(reading, gap)) if bridges else ""
                if not opening and openers:
                    opening = openers.pop(0).format(product=product_of(question))
            elif gap.anchor is not None:
                opening = (
                    lead_ins.pop(0).format(quote=self._quote(reading, gap)) if lead_ins else ""
                )
            else:
                opening = openers.pop(0).format(product=product_of(question)) if openers else ""
            probes.append(self._probe(gap, reading, panelist, opening))
        return probes

    def _quote(self, reading: Reading, gap: Gap) -> str:
        assert gap.anchor is not None
        quote = short_quote if gap.hedge else claim_quote  # an admission is quoted whole
        words = self.calibration.probes.quote_max_words
        said = quote(reading.rows[gap.anchor].quote, words)
        label = _row_label(reading, gap.anchor)
        return f"{short_quote(label, words)}”, “{said}" if label else said

    def _probe(self, gap: Gap, reading: Reading, panelist: Panelist, opening: str) -> Probe:
        cfg = self.calibration.probes
        parts = [opening]
        if gap.kind == "red_flag":
            parts.append(cfg.flag_concerns.get(gap.id, ""))
        if gap.kind == "follow_up" and gap.anchor is not None:
            row = reading.rows[gap.anchor]
            question = cfg.follow_up[panelist.id][_rests_on(row.substance, row.quote)]
        elif gap.kind == "press":
            question = cfg.press[panelist.id].format(
                quote=self._quote(reading, gap), missing=cfg.focus[gap.id]
            )
        elif gap.kind == "deeper":
            question = self._deeper(gap, reading)
        else:
            question = cfg.push[gap.id]
        if opening.endswith(":") and len(parts) == 1 and not question.startswith("I "):
            question = question[0].lower() + question[1:]  # "Beyond that: how would you …"
        parts.append(question)
        text = " ".join(p for p in parts if p)
        return Probe(
            panelist=panelist.id,
            stage=gap.stage,
            gap=gap.id,
            gap_kind=gap.kind,
            severity=gap.severity,
            text=text,
            snippet_ids=self.finder.find_for_gap(
                self._query(gap.id),
                # A bridge's sentence shows another signal: the notes are found for the gap.
                reading.analysis.vectors[gap.anchor]
                if gap.anchor is not None and not gap.bridge
                else None,
                cfg.snippets_per_probe,
                stage=gap.stage,
                panelist=panelist.id,
            ),
        )

    def _deeper(self, gap: Gap, reading: Reading) -> str:
        """One level below what they said: the line it draws, else the figure it gives, else
        (or for a signal with no such variant) how it works."""
        cfg = self.calibration.probes
        variants = cfg.deeper_on.get(gap.id, {})
        if gap.anchor is not None and variants:
            row = reading.rows[gap.anchor]
            part = _rests_on(row.substance, row.quote)
            if part in variants:
                return variants[part]
        return cfg.deeper[gap.id]

    def _query(self, gap_id: str) -> str:
        """The gap half of the retrieval query: its name and first descriptive sentence."""
        found = [(f.name, f.description) for f in self.rubric.red_flags if f.id == gap_id]
        found += [(s.name, s.description) for s in self.rubric.signals if s.id == gap_id]
        name, description = found[0]
        text = " ".join(description.split())
        cut = text.find(". ")
        return f"{name}. {text if cut < 0 else text[: cut + 1]}"


def _row_label(reading: Reading, index: int) -> str | None:
    """For a bare table cell ("at least 90%"), the first cell of its row ("Action-item
    recall"): read back together, the two say what the figure is for."""
    sentences = reading.analysis.sentences
    cell = sentences[index]
    if cell.kind != "table" or len(cell.words) >= BARE_CELL_WORDS:
        return None
    first = next(
        s for s in sentences if (s.turn_id, s.block, s.kind) == (cell.turn_id, cell.block, "table")
    )
    return first.text if first.index != index else None


def _rests_on(parts: Sequence[str], quote: str) -> FollowUpOn:
    """What a sentence rests on, for the second question about it: a line it draws, else a
    figure, else how it works."""
    if "threshold" in parts:
        return "threshold"
    if "quantity" in parts and not _SENSITIVITY.search(quote):
        return "quantity"
    return "mechanism"  # a figure already tried at double or half needs no "what if" again


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _opens(spoken: str, template: str) -> bool:
    """Whether an earlier probe was built on this lead-in: its longest fixed fragment (the
    words that do not change with the quote or product) appears in the spoken text."""
    fragments = re.split(r"\{[a-z_]+\}", template)
    fixed = max((f.strip(" “”\"'—-:.,") for f in fragments), key=len)
    return len(fixed) >= MIN_FIXED_CHARS and fixed in spoken
