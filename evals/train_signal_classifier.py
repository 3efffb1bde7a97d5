"""Train the offline brain's sentence-to-signal classifier and write its weights.

Training sentences: every rubric exemplar and description, and the gold sentence annotations
of the tuning splits (dev and realistic_dev). The test splits are never read.
Run: `python -m evals.train_signal_classifier [--check]` (`make classifier`)."""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field

from agents.brains.offline.calibration import load_calibration
from agents.brains.offline.sentences import split_candidate_turns
from agents.brains.offline.signal_classifier import CREDIT, NONE, WEIGHTS_PATH, design, fit
from agents.transcript import Turn
from evals.judgment import AnswerReading
from evals.loader import load_cases
from evals.models import EvalCase
from knowledge.embeddings import Embedder, get_embedder
from knowledge.loader import load_rubric
from knowledge.models import Rubric

TRAINING_SPLITS = ("dev", "realistic_dev")
MEASURE_ONLY_PATH = Path(__file__).parent / "evidence_measure_only.yaml"


class MeasureOnly(BaseModel):
    """Annotated cases whose gold evidence measures the judge but never trains it."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=10)
    cases: list[str] = Field(min_length=1)


def measure_only_cases(path: Path = MEASURE_ONLY_PATH) -> frozenset[str]:
    """The ids listed in the measure-only file."""
    return frozenset(MeasureOnly.model_validate(yaml.safe_load(path.read_text())).cases)


@dataclass(frozen=True)
class TrainingSentence:
    """One labelled sentence: acceptable signals, the primary first (NONE: shows no signal);
    for a gold sentence that asserts or rejects, whether the expert credited it."""

    text: str
    signals: tuple[str, ...]
    credited: bool | None = None


def _unlisted(case: EvalCase) -> list[str]:
    """Sentences of an annotated answer that no gold signal sentence covers: they show nothing."""
    limits = load_calibration().limits
    sentences, _ = split_candidate_turns(
        [Turn(id="t1", speaker="candidate", text=case.answer)],
        max_words=limits.max_words,
        max_sentence_words=limits.max_sentence_words,
    )
    reading = AnswerReading(case.answer, case.evidence or [])
    out = []
    for sentence in sentences:
        gold = reading.match(sentence.text)
        if gold is None or not gold.signals:
            out.append(sentence.context)
    return out


def training_sentences(
    rubric: Rubric, exclude: frozenset[str] = frozenset()
) -> list[TrainingSentence]:
    """Exemplars and descriptions of every signal, then the tuning splits' annotated answers
    (but the `exclude`d and measure-only case ids): their gold signal sentences, and their other
    sentences as showing nothing."""
    exclude = exclude | measure_only_cases()
    out = [
        TrainingSentence(text, (s.id,))
        for s in rubric.signals
        for text in [*s.exemplars, s.description]
    ]
    for split in TRAINING_SPLITS:
        for case in load_cases(split=split):
            if case.evidence is None or case.id in exclude:
                continue
            out += [
                TrainingSentence(
                    g.quote,
                    tuple(g.signals),
                    g.credited if g.stance in ("asserts", "rejects") else None,
                )
                for g in case.evidence
                if g.signals
            ]
            out += [TrainingSentence(text, (NONE,)) for text in _unlisted(case)]
    return out


def targets(
    sentences: Sequence[TrainingSentence], signal_ids: Sequence[str], other: float
) -> np.ndarray:
    """One row per sentence: 1 for its primary signal, `other` for its other acceptable ones."""
    column = {sid: j for j, sid in enumerate(signal_ids)}
    y = np.zeros((len(sentences), len(signal_ids)), np.float32)
    for i, sentence in enumerate(sentences):
        for rank, sid in enumerate(sentence.signals):
            y[i, column[sid]] = 1.0 if rank == 0 else other
    return y


def train(
    embedder: Embedder | None = None, exclude: frozenset[str] = frozenset()
) -> tuple[np.ndarray, list[str], int, str]:
    """Fit the weights (without the `exclude`d cases); returns them with the column order, hash
    dims and a training digest."""
    rubric = load_rubric()
    config = load_calibration().classifier
    signal_ids = [s.id for s in rubric.signals] + [NONE]
    sentences = training_sentences(rubric, exclude)
    texts = [s.text for s in sentences]
    inputs = design((embedder or get_embedder()).embed(texts), texts, config.hash_dims)
    signal_weights = fit(
        inputs, targets(sentences, signal_ids, config.other_signal_target), config.ridge
    )
    # The credit head learns from the gold sentences alone: +1 credited, -1 not.
    judged = [i for i, s in enumerate(sentences) if s.credited is not None]
    credit = np.array([[1.0 if sentences[i].credited else -1.0] for i in judged], np.float32)
    credit_weights = fit(inputs[judged], credit, config.ridge)
    digest = hashlib.sha256(
        "\n".join(f"{s.text}\t{','.join(s.signals)}\t{s.credited}" for s in sentences).encode()
    ).hexdigest()
    weights = np.hstack([signal_weights, credit_weights])
    return weights, [*signal_ids, CREDIT], config.hash_dims, digest


def save(path: Path, weights: np.ndarray, signal_ids: list[str], dims: int, digest: str) -> None:
    """Write the weights file the offline brain loads."""
    np.savez_compressed(
        path,
        weights=weights,
        signal_ids=np.array(signal_ids),
        dims=np.array(dims),
        training_digest=np.array(digest),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument(
        "--check", action="store_true", help="fail if the committed weights are stale"
    )
    args = parser.parse_args(argv)
    weights, signal_ids, dims, digest = train()
    if args.check:
        with np.load(args.out, allow_pickle=False) as data:
            stale = str(data["training_digest"]) != digest or not np.allclose(
                data["weights"], weights, atol=1e-4
            )
        if stale:
            print(f"{args.out}: stale; run `make classifier`", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({digest[:12]})")
        return 0
    save(args.out, weights, signal_ids, dims, digest)
    shape = f"{weights.shape[0]} inputs x {len(signal_ids)} classes"
    print(f"wrote {args.out}: {shape} ({digest[:12]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
