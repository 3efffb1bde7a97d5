"""A panelist's vote: the shared evidence table, weighted to its own stages, in its own voice."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agents.brains.offline.calibration import Calibration, VoteVoice, Writer
from agents.brains.offline.citations import snippets
from agents.brains.offline.grounding import SnippetFinder
from agents.brains.offline.probes import claim_quote, short_quote
from agents.brains.offline.reading import Reader, Reading
from agents.debrief import Citation, PanelVote
from knowledge.loader import load_panel
from knowledge.models import Panelist, Rubric, Signal

VOTE_QUOTE_WORDS = 14


STRENGTH_SCORE = 3
"""A stage scored at least this (of 4) is one a panelist may praise in its vote."""


DEFAULT_ASKS = ("quantity", "threshold", "causal", "who", "what")


def missing_part_name(writer: Writer, signal_id: str | None, parts: Sequence[str]) -> str:
    """How a panel names the first substance part a sentence lacks, in the order it asks for
    them (a signal may have its own order: a verification rule needs its consequence, not a
    number)."""
    asks = writer.asks_for.get(signal_id or "", DEFAULT_ASKS)
    missing = next((part for part in asks if part not in parts), asks[0])
    return writer.part_names[missing]


def panelist_vote(
    reading: Reading,
    reader: Reader,
    panelist: Panelist,
    rubric: Rubric,
    calibration: Calibration,
    finder: SnippetFinder,
) -> PanelVote:
    """Hire / no-hire from this panelist's point of view, with its evidence and its worry."""
    scoring = calibration.scoring
    voice = calibration.writer.vote_voice[panelist.id]
    own = [s for s in panelist.stages if s in reading.scope]
    boost: dict[str, float] = {s: scoring.votes.own_stage_boost for s in own}
    result = reader.panel_verdict(reading, boost)
    lines = [voice.hire if result.decision == "hire" else voice.no_hire]
    cited: list[Citation] = []

    def cite(i: int) -> str:
        row = reading.rows[i]
        cited.append(Citation(turn=row.turn, quote=row.quote))
        # What was shown is quoted past a doubting preamble; an admission is quoted whole.
        quote = claim_quote if row.stance in ("asserts", "rejects") else short_quote
        return quote(row.quote, VOTE_QUOTE_WORDS)

    # Out of scope, its own stages still count for nothing; a line that shows one anyway is
    # named rather than called untouched ("this question doesn't touch money" after priced errors).
    shown = [
        i
        for s in panelist.stages
        for i in reading.credited_rows(s)
        if reading.rows[i].stance == "asserts" and _owns(reading, i, panelist.id, rubric)
    ]
    if not own and shown and reading.analysis.state == "ok" and not reading.off_question:
        best = _richest(reading, shown)
        phrase = _stage_phrase(rubric, reading.rows[best].stage or panelist.stages[0])
        lines.append(voice.outside_shown.format(quote=cite(best), stage=phrase))
    elif not own:
        lines.append(voice.outside)
    elif reading.analysis.state == "ok" and not reading.off_question:
        # Praise only a stage the table scores as a strength; a lone credited line in a weak
        # stage is not something this panelist "could build".
        strengths = [
            i
            for s in own
            if reading.scores.get(s, 0) >= STRENGTH_SCORE
            for i in reading.credited_rows(s)
            # In a stage it shares, a panelist praises only its own ideas (a lead engineer
            # "could build" the latency budget, not the budget line of the cost stage), and
            # never a line that carries a red flag.
            if _owns(reading, i, panelist.id, rubric) and reading.rows[i].red_flag is None
        ]
        if strengths:
            best = _richest(reading, strengths)
            phrase = _stage_phrase(rubric, reading.rows[best].stage or own[0])
            lines.append(voice.strength.format(quote=cite(best), stage=phrase))
        else:
            # Short of a strength, an idea it did credit is named rather than denied.
            started = [
                i
                for s in own
                for i in reading.credited_rows(s)
                if _owns(reading, i, panelist.id, rubric) and reading.rows[i].red_flag is None
            ]
            lines.append(
                voice.partial.format(quote=cite(started[0])) if started else _nothing(voice, own)
            )
            carried = (
                _carried_by(reading, own, panelist.id, rubric)
                if result.decision == "hire"
                else None
            )
            if carried is not None:
                phrase = _stage_phrase(rubric, reading.rows[carried].stage or own[0])
                lines.append(voice.carried.format(quote=cite(carried), stage=phrase))
        worry = _worry(reading, panelist, own, calibration, cite)
        if not worry and result.decision == "no_hire":
            if all(reading.scores.get(s, 0) >= STRENGTH_SCORE for s in own):
                worry = worry_elsewhere(reading, own, calibration, rubric, voice.worry_elsewhere)
            else:
                worry = _uncredited(reading, panelist, own, calibration)
        if worry:
            lines.append(worry)
    else:
        lines.append(_nothing(voice, own))
    if not cited:
        stage = rubric.stage(own[0] if own else panelist.stages[0])
        cited = snippets(
            finder.find(
                f"{stage.name}. {stage.description}",
                1,
                stage=stage.id,
                panelist=panelist.id,
                polarity="negative" if result.decision == "no_hire" else "positive",
            )
        )
    return PanelVote(
        panelist=panelist.id,
        decision=result.decision,
        confidence=result.confidence,
        rationale=" ".join(lines),
        citations=cited,
    )


def _nothing(voice: VoteVoice, own: Sequence[str]) -> str:
    """No idea shown in the stages this panelist owns and this question assesses, named."""
    return voice.nothing.format(topics=" or ".join(voice.topics[s] for s in own))


def _stage_phrase(rubric: Rubric, stage_id: str) -> str:
    """A stage's name as said mid-sentence ("evaluation and feedback loop")."""
    name = rubric.stage(stage_id).name
    return name[:1].lower() + name[1:]


def _carried_by(
    reading: Reading, own: Sequence[str], panelist_id: str, rubric: Rubric
) -> int | None:
    """For a yes from a panelist whose own stages are thin: the best credited sentence of the
    stages that carry the answer; when the question asks only about stages it owns, of another
    panelist's half of one it shares (the cost lines of a cost-only question, for the lead
    engineer who owns its latency)."""
    rows = [
        i
        for s in reading.scope
        if s not in own and reading.scores.get(s, 0) >= STRENGTH_SCORE
        for i in reading.credited_rows(s)
    ]
    if not rows and set(reading.scope) <= set(own):
        rows = [
            i
            for s in own
            if reading.scores.get(s, 0) >= STRENGTH_SCORE
            for i in reading.credited_rows(s)
            if not _owns(reading, i, panelist_id, rubric)
        ]
    return _richest(reading, rows) if rows else None


def worry_elsewhere(
    reading: Reading, own: Sequence[str], calibration: Calibration, rubric: Rubric, line: str
) -> str:
    """Why a panelist whose own stages hold up still votes no: the weakest assessed stage of the
    others, by its red flag or its weightiest open idea."""
    others = sorted(
        (s for s in reading.scope if s not in own and reading.scores.get(s, 4) < STRENGTH_SCORE),
        key=lambda s: (reading.scores[s], rubric.stage(s).order),
    )
    cfg = calibration.probes
    for stage in others:
        stage_name = _stage_phrase(rubric, stage)
        for f in reading.flags:
            if f.flag.stage == stage and f.flag.id in cfg.flag_concerns:
                return line.format(stage=stage_name, gap=cfg.flag_concerns[f.flag.id])
        open_signals = sorted(
            (
                s
                for s in rubric.signals_for(stage)
                if reading.in_focus(s.id) and not reading.touched(s.id)
            ),
            key=lambda s: (-s.weight, s.id),
        )
        if open_signals:
            return line.format(stage=stage_name, gap=f"Nothing on {cfg.focus[open_signals[0].id]}.")
    return ""


def _uncredited(
    reading: Reading, panelist: Panelist, own: Sequence[str], calibration: Calibration
) -> str:
    """A no from a panelist whose own stages are weak, with nothing flagged, admitted or thin
    there: its weightiest idea the answer touched without earning (waved off, or only named)."""
    credited = reading.credited_signals()
    ideas = _own_ideas(reading, panelist, own, lambda sid: sid not in credited)
    if not ideas:
        return ""
    return calibration.writer.vote_voice[panelist.id].worry_missing.format(
        focus=calibration.probes.focus[ideas[0].id]
    )


def _richest(reading: Reading, rows: Sequence[int]) -> int:
    """The row with the most concrete parts (the earliest among equals)."""
    return max(rows, key=lambda i: (len(reading.rows[i].substance), -i))


def _own_ideas(
    reading: Reading, panelist: Panelist, own: Sequence[str], keep: Callable[[str], bool]
) -> list[Signal]:
    """This panelist's signals in its assessed stages that the question asks about and `keep`
    admits, weightiest first."""
    return sorted(
        (
            s
            for s in reading.signals.values()
            if s.stage in own
            and s.owner == panelist.id
            and reading.in_focus(s.id)  # a latency question is not asked about labeling cost
            and keep(s.id)
        ),
        key=lambda s: (-s.weight, s.id),
    )


def _worry(
    reading: Reading,
    panelist: Panelist,
    own: Sequence[str],
    calibration: Calibration,
    cite: Callable[[int], str],
) -> str:
    """The panelist's main concern about this answer, read off the table."""
    voice = calibration.writer.vote_voice[panelist.id]
    cfg = calibration.probes
    # Its own flags first; another panelist's only when that one sits out this question, so
    # two votes never raise the same concern about the same sentence.
    owned = [f for f in reading.flags if f.flag.owner == panelist.id]
    shared = [
        f
        for f in reading.flags
        if f.flag.owner != panelist.id
        and f.flag.stage in own
        and not set(load_panel().get(f.flag.owner).stages) & set(reading.scope)
    ]
    for f in owned + shared:
        if f.sentences:
            return voice.worry_flag.format(
                quote=cite(f.sentences[0]), concern=cfg.flag_concerns.get(f.flag.id, "")
            )
    for i in reading.hedge_rows():
        topic = reading.hedge_topics.get(i)
        # The panelist who owns what was admitted worries about it (as it asks about it).
        mine = reading.signals[topic].owner == panelist.id if topic else True
        if reading.rows[i].stage in own and mine:
            return voice.worry_hedge.format(quote=cite(i))
    thin = [i for s in own for i in reading.thin_rows(s)]
    if thin:
        row = reading.rows[thin[0]]
        part = missing_part_name(calibration.writer, row.signal, row.substance)
        return voice.worry_thin.format(quote=cite(thin[0]), part=part)
    open_signals = _own_ideas(reading, panelist, own, lambda sid: not reading.touched(sid))
    if open_signals and min(reading.scores[s] for s in own if s in reading.scores) < 4:
        return voice.worry_missing.format(focus=cfg.focus[open_signals[0].id])
    return ""


def _owns(reading: Reading, row: int, panelist: str, rubric: Rubric) -> bool:
    """The row's idea is this panelist's: its stage's owner, or the owner of its signal."""
    stage = reading.rows[row].stage
    return (stage is not None and rubric.stage(stage).owner == panelist) or reading.row_owner(
        row
    ) == panelist
