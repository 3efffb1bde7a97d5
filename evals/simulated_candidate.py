"""A deterministic simulated candidate: answers probes from an eval case's scripted replies."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from agents.state import Probe
from evals.models import EvalCase
from knowledge.models import StageId

# Said when a probe targets a stage the case has no scripted reply for; one per case, fixed by
# the hash of the case id, so the same case always says the same thing.
NOT_CONSIDERED: tuple[str, ...] = (
    "Honestly, I hadn't considered that part.",
    "That's not something I've thought through, to be honest.",
    "I don't have a good answer for that; I hadn't thought about it.",
    "Good question. I haven't really considered it.",
)
# Said when a stage is probed again after its scripted reply was already given.
NOTHING_TO_ADD = "I don't have anything to add beyond what I already said on that."


def not_considered_line(case_id: str) -> str:
    """The fixed 'had not considered it' sentence for this case."""
    digest = hashlib.sha256(case_id.encode("utf-8")).digest()
    return NOT_CONSIDERED[int.from_bytes(digest[:4], "big") % len(NOT_CONSIDERED)]


@dataclass(frozen=True)
class ReplyRecord:
    """What the candidate was asked in one round and which stages it had a script for."""

    probed: tuple[str, ...]
    scripted: tuple[str, ...]
    unscripted: tuple[str, ...]
    repeated: tuple[str, ...]


@dataclass
class SimulatedCandidate:
    """Callable responder for `PanelService.run_scripted`: probes in, one reply text out."""

    case: EvalCase
    log: list[ReplyRecord] = field(default_factory=list)
    _given: set[StageId] = field(default_factory=set)

    def __call__(self, probes: list[Probe]) -> str:
        """The reply to one round's probes: scripted replies in probe order, then the fallbacks."""
        stages: list[StageId] = []
        for probe in probes:
            if probe.stage not in stages:
                stages.append(probe.stage)
        scripted = [s for s in stages if s in self.case.replies and s not in self._given]
        repeated = [s for s in stages if s in self._given]
        unscripted = [s for s in stages if s not in self.case.replies]
        parts = [self.case.replies[s] for s in scripted]
        if unscripted or not stages:
            parts.append(not_considered_line(self.case.id))
        if repeated:
            parts.append(NOTHING_TO_ADD)
        self._given.update(scripted)
        self.log.append(
            ReplyRecord(tuple(stages), tuple(scripted), tuple(unscripted), tuple(repeated))
        )
        return "\n\n".join(parts)
