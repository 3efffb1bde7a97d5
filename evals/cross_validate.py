"""Cross-validation on the tuning splits: the sentence classifier is retrained without each
fold's cases, and those cases are judged with it. This is the held-out view of dev-side data,
which (unlike the test splits) may be studied and tuned on; in-sample figures flatter the judge
because the classifier has seen every dev sentence.
Run: `python -m evals.cross_validate [--split realistic_dev] [--folds 5] [--out DIR]`."""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from agents.brains.offline.signal_classifier import WEIGHTS_ENV
from evals.loader import load_cases
from evals.metrics import split_metrics
from evals.models import EvalCase
from evals.results import CaseOutcome
from evals.train_signal_classifier import TRAINING_SPLITS, save, train

SEED = 0


def fold_of(cases: Sequence[EvalCase], folds: int) -> dict[str, int]:
    """Each case's fold; copies of one answer (variants, pairs) always share a fold."""

    def group(case: EvalCase) -> str:
        return case.variant_group or case.pair_of or case.id

    groups = sorted({group(c) for c in cases})
    random.Random(SEED).shuffle(groups)
    number = {g: i % folds for i, g in enumerate(groups)}
    return {c.id: number[group(c)] for c in cases}


def _judge(split: str, weights: Path, home: Path, out: Path) -> list[CaseOutcome]:
    """One `mockpanel eval --once` run of a split with these classifier weights."""
    env = {**os.environ, WEIGHTS_ENV: str(weights), "MOCKPANEL_HOME": str(home)}
    command = [sys.executable, "-m", "agents.cli", "eval", "--split", split, "--once"]
    # The run's own gate compares with the committed baseline and may fail; only its results
    # matter here.
    subprocess.run([*command, "--out", str(out)], env=env, check=False, stdout=subprocess.DEVNULL)
    results = out / "results.json"
    if not results.is_file():
        raise SystemExit(f"cross-validation: the eval of {split} wrote no {results}")
    runs = json.loads(results.read_text(encoding="utf-8"))["runs"]
    return [CaseOutcome.model_validate(o) for o in runs[0]["outcomes"]]


def cross_validate(splits: Sequence[str], folds: int, work: Path) -> list[CaseOutcome]:
    """Every case of `splits`, judged by a classifier trained without its fold."""
    cases = [c for s in TRAINING_SPLITS for c in load_cases(split=s)]
    fold = fold_of(cases, folds)
    held_out: list[CaseOutcome] = []
    for k in range(folds):
        excluded = frozenset(cid for cid, f in fold.items() if f == k)
        weights, signal_ids, dims, digest = train(exclude=excluded)
        path = work / f"fold{k}.npz"
        save(path, weights, signal_ids, dims, digest)
        for split in splits:
            judged = _judge(split, path, work / "home", work / f"fold{k}-{split}")
            held_out += [o for o in judged if o.case_id in excluded]
        print(f"fold {k + 1}/{folds}: {len(excluded)} cases held out", file=sys.stderr)
    return held_out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="realistic_dev", help="comma-separated tuning splits")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, help="keep the fold runs and write a summary here")
    args = parser.parse_args(argv)
    splits = args.split.split(",")
    if args.folds < 2 or any(s not in TRAINING_SPLITS for s in splits):
        parser.error(f"--split takes {', '.join(TRAINING_SPLITS)}; --folds at least 2")
    with tempfile.TemporaryDirectory(prefix="mockpanel-cv-") as tmp:
        work = args.out or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        outcomes = cross_validate(splits, args.folds, work)
        summary = {}
        for split in splits:
            m = split_metrics([o for o in outcomes if o.split == split])
            ev, cal = m["evidence"], m["calibration"]
            summary[split] = m
            print(
                f"{split}: n={m['n']} accuracy {m['accuracy']:.3f} kappa {m['kappa']:.3f} "
                f"Brier {cal['brier']:.3f} evidence precision {ev['precision']:.3f} "
                f"recall {ev['recall']:.3f} redundant probes {m['probes']['redundant']}"
            )
            for wrong in m["misclassified"]:
                print(f"  wrong: {wrong['case']} {wrong['decision']} {wrong['confidence']:.2f}")
        if args.out:
            (work / "cross_validation.json").write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
