"""Advice read off the evidence table: each item quotes the candidate's own sentence or names an
in-scope gap for this product, and none is about a signal the answer already showed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agents.brains.offline.calibration import Calibration
from agents.brains.offline.probes import short_quote
from agents.brains.offline.reading import Reading
from agents.brains.offline.votes import missing_part_name
from agents.debrief import Advice, Citation
from knowledge.models import Rubric, Signal
from knowledge.scope import product_of

ADVICE_QUOTE_WORDS = 16
MAX_ADVICE = 5
THIN_MAX_WORDS = 14  # a longer sentence says something specific even when no figure shows
ABSENT_FLOOR = 0.35  # advice names a missing idea only when no sentence comes this close to it
FLAG_ITEMS = 2


class Advisor:
    """Writes the advice items of one debrief."""

    def __init__(self, rubric: Rubric, calibration: Calibration) -> None:
        self.rubric = rubric
        self.calibration = calibration

    def advice(self, reading: Reading) -> list[Advice]:
        """At most MAX_ADVICE items: flagged sentences, admitted gaps, thin claims, gaps."""
        analysis = reading.analysis
        if analysis.state != "ok" or reading.off_question:
            return []
        items = _Items(reading)
        self._flag_items(reading, items)
        self._hedge_items(reading, items)
        self._thin_items(reading, items)
        self._gap_items(reading, items)
        if reading.buzzword_dense and analysis.buzzword_lists:
            first = min(analysis.buzzword_lists)
            text = self.calibration.writer.advice.buzzwords.format(quote=items.quote(first))
            items.add(text, None, "buzzwords", first)
        return items.items

    def _gap_text(
        self,
        reading: Reading,
        items: _Items,
        gap_id: str,
        substance: str,
        near: int | None,
        signal: bool = False,
    ) -> str:
        """Advice naming a gap: built on the candidate's nearby sentence when there is one; a
        missing signal's substance reads as what to give, a flag's fix as its own sentence."""
        tpl = self.calibration.writer.advice
        focus = self.calibration.probes.focus[gap_id]
        product = product_of(reading.question)
        if near is not None:
            near_tpl = tpl.missing_signal_near if signal else tpl.missing_near
            return near_tpl.format(
                quote=items.quote(near), focus=focus, product=product, substance=substance
            )
        if signal:
            far_tpl = tpl.missing_signal[items.unanchored % len(tpl.missing_signal)]
            items.unanchored += 1
        else:
            far_tpl = tpl.missing
        return far_tpl.format(product=product, focus=focus, substance=substance)

    def _gap_anchor(
        self, reading: Reading, items: _Items, target: Signal, about: list[int]
    ) -> int | None:
        """What the answer said nearest the missing idea: a sentence close enough to it that
        adding there reads as a next step, never one that states a red flag or that another
        item already quotes."""
        taken = {i for g in reading.flags for i in g.sentences} | items.rows
        near = _nearest_row(reading, target.id, exclude=taken)
        if near is not None:
            return near
        column = reading.columns[target.id]
        floor = self.calibration.similarity.touch_rank_floor
        return max(
            (
                i
                for i in about
                if reading.rows[i].stance == "asserts"
                and i not in taken
                and reading.analysis.features[i].signal_sims[column] >= floor
            ),
            key=lambda i: (reading.analysis.features[i].signal_sims[column], -i),
            default=None,
        )

    def _flag_items(self, reading: Reading, items: _Items) -> None:
        """The most severe red flags: the sentence that states one, or what to add for one
        raised by silence."""
        fixes = self.calibration.writer.flag_fix
        stated = {i for g in reading.flags for i in g.sentences}
        flagged = sorted(reading.flags, key=lambda f: (-f.flag.severity, f.flag.id))
        for f in flagged[:FLAG_ITEMS]:
            fix = fixes.get(f.flag.id, "")
            if f.sentences and items.extend(f.sentences[0], f"Also {fix}"):
                continue  # one sentence stating two flags gets one item with both fixes
            if f.sentences:
                text = self.calibration.writer.advice.flag.format(
                    quote=items.quote(f.sentences[0]), fix=fix
                )
                items.add(text, f.flag.stage, f.flag.id, f.sentences[0])
                continue
            # Raised by silence: build on what the answer did say in that stage, if anything.
            near = self._nearest_for_flag(reading, f.flag.stage, exclude=stated)
            text = self._gap_text(reading, items, f.flag.id, _upper_first(fix), near)
            items.add(text, f.flag.stage, f.flag.id, near)

    def _hedge_items(self, reading: Reading, items: _Items) -> None:
        """An admitted gap: a first estimate of what was admitted, else of what the stage needs."""
        focus = self.calibration.probes.focus
        named = self.calibration.similarity.neighbour_floor
        for i in reading.hedge_rows():
            topic = _admitted(reading, i, named)
            target = topic or self._open_signal(reading, reading.rows[i].stage)
            if target is None:
                continue
            if topic is not None and i in reading.answered_hedges:
                text = self.calibration.writer.advice.answered.format(
                    focus=focus[target.id],
                    product=product_of(reading.question),
                    quote=items.quote(i),
                    substance=target.substance,
                )
            else:
                template = (
                    self.calibration.writer.advice.undecided
                    if i in reading.analysis.undecided
                    else self.calibration.writer.advice.hedge
                )
                text = template.format(quote=items.quote(i), focus=focus[target.id])
            items.add(text, target.stage, target.id, i)

    def _thin_items(self, reading: Reading, items: _Items) -> None:
        """A short claim with no substance: the part the panel asks for first."""
        writer = self.calibration.writer
        # Said concretely somewhere, though the table could not credit it: a bare mention of the
        # same idea elsewhere is no gap to advise on.
        concrete = {r.signal for r in reading.rows if r.signal and _concrete(r.substance, r.quote)}
        for i in reading.thin_rows():
            row = reading.rows[i]
            assert row.signal is not None
            if row.signal in concrete:
                continue
            signal = reading.signals[row.signal]
            part = missing_part_name(writer, signal.id, row.substance)
            text = writer.advice.thin.format(
                quote=items.quote(i), part=part, substance=signal.substance
            )
            items.add(text, signal.stage, signal.id, i)

    def _gap_items(self, reading: Reading, items: _Items) -> None:
        """Assessed stages that earned nothing: the weightiest missing idea of each; a hired
        answer hears only of its weakest stage that no sentence went near."""
        touched = {a.stage for a in items.items}
        room = 1 if reading.verdict.decision == "hire" else len(reading.scope)
        ranked = sorted(
            (s for s in reading.scope if s not in touched),
            key=lambda s: (reading.scores[s], self.rubric.stage(s).order),
        )
        for stage in ranked:
            if room == 0:
                return
            # A rejected answer hears of every stage it left without credit; a hired one only of
            # a stage it never went near.
            about = _about_stage(reading, stage)
            if reading.scores[stage] != 1 or (about and reading.verdict.decision == "hire"):
                continue
            # A vague answer, credited nowhere, comes near every idea and shows none: the
            # weightiest one not shown is still what it needs.
            target = self._open_signal(reading, stage)
            if target is None and not reading.credited_rows():
                target = self._weightiest(reading, stage, lambda s: not reading.shown(s.id))
            if target is None:
                continue
            near = self._gap_anchor(reading, items, target, about)
            substance = _aside(target.substance)
            text = self._gap_text(reading, items, target.id, substance, near, signal=True)
            items.add(text, stage, target.id, near)
            room -= 1

    def _nearest_for_flag(self, reading: Reading, stage: str, exclude: set[int]) -> int | None:
        """The answer's sentence closest to the stage whose silence raised a flag: what the
        candidate offered there instead (not a sentence another flag's advice quotes)."""
        best: tuple[float, int] | None = None
        for signal in self.rubric.signals_for(stage):
            signal_id = signal.id
            row = _nearest_row(reading, signal_id, ABSENT_FLOOR, exclude)
            if row is None:
                continue
            sim = reading.analysis.features[row].signal_sims[reading.columns[signal_id]]
            if best is None or sim > best[0]:
                best = (sim, row)
        return best[1] if best else None

    def _open_signal(self, reading: Reading, stage: str | None) -> Signal | None:
        """The weightiest signal of an assessed stage that the answer has not shown."""
        if stage is None or stage not in reading.scope:
            return None
        return self._weightiest(
            reading,
            stage,
            lambda s: not reading.touched(s.id) and reading.absent(s.id, ABSENT_FLOOR),
        )

    def _weightiest(
        self, reading: Reading, stage: str, keep: Callable[[Signal], bool]
    ) -> Signal | None:
        """The weightiest in-focus signal of a stage that `keep` keeps."""
        kept = [s for s in self.rubric.signals_for(stage) if reading.in_focus(s.id) and keep(s)]
        return min(kept, key=lambda s: (-s.weight, s.id), default=None)


def _admitted(reading: Reading, i: int, named: float) -> Signal | None:
    """What a hedge admits, when it answers a probe with nothing of its own ("Not sure"): what
    was asked; when it names it itself ("I haven't priced it", not "I hadn't thought about
    that"): the panel's reading of the hedge if the hedge is this close to it,
    else the signal it is closest to if that is; and only if asked about and shown nowhere
    else."""
    if i in reading.answered_hedges:
        topic = reading.hedge_topics[i]  # what the panel had just asked
        if not reading.in_focus(topic) or reading.touched(topic):
            return None  # a push on something they said: they said it, so it is no gap
        return reading.signals[topic]
    sims = reading.analysis.features[i].signal_sims
    closest = max(reading.columns, key=lambda s: sims[reading.columns[s]])
    for signal_id in (reading.hedge_topics.get(i), closest):
        if signal_id is None or sims[reading.columns[signal_id]] < named:
            continue
        if not reading.in_focus(signal_id) or reading.shown(signal_id):
            return None  # named, but shown elsewhere or not asked about
        return reading.signals[signal_id]
    return None


class _Items:
    """The advice collected so far: at most MAX_ADVICE, one per target."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.items: list[Advice] = []
        self.targets: set[str] = set()
        self.rows: set[int] = set()  # the sentences the items quote
        self.unanchored = 0  # gap items with no sentence of the answer to build on

    def add(self, text: str, stage: str | None, target: str | None, row: int | None) -> None:
        """Keep an item unless the list is full or its target already has one."""
        if len(self.items) >= MAX_ADVICE or (target is not None and target in self.targets):
            return
        citation = None
        if row is not None:
            r = self.reading.rows[row]
            citation = Citation(turn=r.turn, quote=r.quote)
        if target:
            self.targets.add(target)
        if row is not None:
            self.rows.add(row)
        self.items.append(Advice(text=text, stage=stage, target=target, citation=citation))

    def extend(self, row: int, more: str) -> bool:
        """Add a sentence to the item that already quotes this row; False when none does."""
        quote = self.reading.rows[row].quote
        for k, item in enumerate(self.items):
            if item.citation is not None and item.citation.quote == quote:
                self.items[k] = item.model_copy(update={"text": f"{item.text} {more}".strip()})
                return True
        return False

    def quote(self, row: int) -> str:
        """The candidate's sentence, shortened for the advice text."""
        return short_quote(self.reading.rows[row].quote, ADVICE_QUOTE_WORDS)


def _about_stage(reading: Reading, stage: str) -> list[int]:
    """Sentences read as this stage, or landing closest to one of its signals."""
    signals = reading.signals
    by_column = {j: sid for sid, j in reading.columns.items()}
    about = []
    for i, row in enumerate(reading.rows):
        if i in reading.analysis.injection:
            continue
        if row.stage == stage:
            about.append(i)
            continue
        sims = reading.analysis.features[i].signal_sims
        best = max(range(len(sims)), key=lambda j: sims[j])
        if sims[best] >= reading.touch_floor and signals[by_column[best]].stage == stage:
            about.append(i)
    return about


def _nearest_row(
    reading: Reading, signal_id: str, floor: float = 0.5, exclude: set[int] | None = None
) -> int | None:
    """The candidate's asserting sentence closest to a signal, if at least `floor` close."""
    column = reading.columns[signal_id]
    best, best_sim = None, floor
    for i, row in enumerate(reading.rows):
        if row.stance != "asserts" or i in reading.analysis.injection or i in (exclude or ()):
            continue
        sim = reading.analysis.features[i].signal_sims[column]
        if sim >= best_sim:
            best, best_sim = i, sim
    return best


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _aside(text: str) -> str:
    """A signal's substance as a clause inside a sentence ("The threshold values." ->
    "the threshold values"); an acronym keeps its capitals."""
    text = text.strip().rstrip(".")
    if text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _concrete(substance: Sequence[str], quote: str) -> bool:
    """A row that says something specific, whether or not the table credits it."""
    return bool(set(substance) - {"who"}) or len(quote.split()) >= THIN_MAX_WORDS
