"""Probes: gaps from the panelist's weakest stages, written in its voice, grounded in snippets."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from agents.brains.offline.analysis import Analysis
from agents.brains.offline.calibration import Calibration
from agents.brains.offline.grounding import SnippetFinder
from agents.state import Probe
from agents.transcript import Turn
from knowledge.models import Panelist, Question, RedFlag, Rubric, Signal


@dataclass(frozen=True)
class Gap:
    """Something a panelist wants to probe."""

    kind: str  # missing_signal | thin_signal | red_flag
    stage: str
    id: str
    severity: float
    signal: Signal | None
    flag: RedFlag | None
    sentence: int | None  # the sentence the gap is about (thin/red flag) or nearest to it


def asked_gaps(transcript: list[Turn]) -> set[str]:
    """Gaps already probed in earlier rounds."""
    return {t.gap for t in transcript if t.speaker != "candidate" and t.gap}


def panelist_gaps(
    analysis: Analysis,
    scores: dict[str, int],
    panelist: Panelist,
    rubric: Rubric,
    calibration: Calibration,
    asked: set[str],
) -> list[Gap]:
    """Every open gap this panelist owns, most severe first."""
    sev = calibration.probes.severity
    own_stages = set(panelist.stages)
    gaps: list[Gap] = []
    for finding in analysis.flags:
        flag = finding.flag
        if flag.id in asked or (flag.owner != panelist.id and flag.stage not in own_stages):
            continue
        gaps.append(
            Gap(
                # A flag raised by absence has nothing to quote: ask for what is missing.
                "red_flag" if finding.sentences else "missing_signal",
                flag.stage,
                flag.id,
                round(sev.red_flag + flag.severity / 3, 4),
                None,
                flag,
                finding.sentences[0] if finding.sentences else None,
            )
        )
    for signal in rubric.signals:
        if signal.id in asked or signal.owner != panelist.id or signal.stage not in own_stages:
            continue
        found = analysis.findings[signal.id]
        weakness = (4 - scores[signal.stage]) / 3
        if found.credited or scores[signal.stage] >= 4:
            continue
        best = found.best
        if best is not None:
            severity = sev.thin_signal + signal.weight / 3 + weakness / 2
            gaps.append(
                Gap(
                    "thin_signal",
                    signal.stage,
                    signal.id,
                    round(severity, 4),
                    signal,
                    None,
                    best.sentence,
                )
            )
        else:
            severity = sev.missing_signal + signal.weight / 3 + weakness
            gaps.append(
                Gap(
                    "missing_signal",
                    signal.stage,
                    signal.id,
                    round(severity, 4),
                    signal,
                    None,
                    analysis.nearest.get(signal.id),
                )
            )
    gaps.sort(key=lambda g: (-g.severity, g.id))
    return gaps


def choose(gaps: list[Gap], count: int) -> list[Gap]:
    """The most severe gaps, one per stage first, then the rest by severity."""
    chosen: list[Gap] = []
    stages: set[str] = set()
    for gap in gaps:
        if len(chosen) < count and gap.stage not in stages:
            chosen.append(gap)
            stages.add(gap.stage)
    for gap in gaps:
        if len(chosen) < count and gap not in chosen:
            chosen.append(gap)
    return sorted(chosen, key=lambda g: (-g.severity, g.id))


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else text


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]


def short_quote(text: str, max_words: int) -> str:
    """The sentence, shortened to max_words with an ellipsis."""
    words = text.split()
    if len(words) <= max_words:
        return text.strip().rstrip(".!?;:,")
    return " ".join(words[:max_words]).rstrip(",;:.") + "…"


class ProbeWriter:
    """Turns gaps into probe text in a panelist's voice and grounds them in snippets."""

    def __init__(self, calibration: Calibration, finder: SnippetFinder) -> None:
        self.calibration = calibration
        self.finder = finder

    def write(
        self, gap: Gap, analysis: Analysis, panelist: Panelist, question: Question, round: int
    ) -> Probe:
        """One probe for one gap."""
        cfg = self.calibration.probes
        options = cfg.templates[panelist.id][gap.kind]
        template = options[zlib.crc32(f"{gap.id}:{round}".encode()) % len(options)]
        quote_text = analysis.sentence(gap.sentence).text if gap.sentence is not None else ""
        fields = {
            "use_case": question.use_case,
            "quote": short_quote(quote_text, cfg.quote_max_words) if quote_text else gap.id,
            "focus": cfg.focus.get(gap.id, _lower_first(self._item_name(gap))),
            "flag_concern": cfg.flag_concerns.get(gap.id, "") if gap.flag else "",
        }
        text = template.format(**fields)
        return Probe(
            panelist=panelist.id,
            stage=gap.stage,
            gap=gap.id,
            gap_kind=gap.kind,
            severity=gap.severity,
            text=text,
            snippet_ids=self.finder.find_for_gap(
                self._query(gap),
                analysis.vectors[gap.sentence] if gap.sentence is not None else None,
                cfg.snippets_per_probe,
                stage=gap.stage,
                panelist=panelist.id,
            ),
        )

    @staticmethod
    def _item_name(gap: Gap) -> str:
        item = gap.flag if gap.flag is not None else gap.signal
        assert item is not None
        return item.name

    @staticmethod
    def _query(gap: Gap) -> str:
        """The gap half of the retrieval query: its name and first descriptive sentence."""
        item = gap.flag if gap.flag is not None else gap.signal
        assert item is not None
        return f"{item.name}. {_first_sentence(item.description)}"
