"""`mockpanel eval`: run the eval set through the panel, report, and gate against the baseline."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import evals
from agents.cli.eval_view import eval_payload, progress_bar, summary
from agents.errors import MockpanelError
from agents.rounds import DEFAULT_ROUNDS, check_rounds, default_rounds
from evals.loader import SPLIT_CHOICES

if TYPE_CHECKING:
    from evals.models import EvalCase
    from evals.results import RunRecord
    from knowledge.settings import Settings

SHARD_MIN_CASES = 20
"""Below this many cases a worker process's start-up (~3 s) costs more than it saves."""

MAX_PROCESSES = 8
"""Each worker holds its own embedding model and caches (~0.5 GB)."""

REPORT_PATH = Path(evals.__file__).parent / "report.md"
"""The committed report, rewritten with the baseline."""


def register(subparsers: Any) -> None:
    """Add `eval` to the `mockpanel` parser."""
    p = subparsers.add_parser(
        "eval",
        help="run the fixed eval set through the panel and gate against the committed baseline",
        description=(
            "Runs every eval case through the interview graph with a simulated candidate, "
            "twice (the second run checks determinism), writes results.json and report.md, "
            "and exits 1 when the regression gate fails."
        ),
    )
    p.add_argument("--brain", help="offline | claude | cascade (default: MOCKPANEL_BRAIN)")
    p.add_argument("--split", choices=SPLIT_CHOICES, default="all", help="default: all")
    p.add_argument("--json", action="store_true", help="print JSON; no progress bar")
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="rewrite evals/baseline.json and evals/report.md from this run (needs --split all)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        help=f"follow-up rounds (default {DEFAULT_ROUNDS}, or MOCKPANEL_MAX_ROUNDS)",
    )
    p.add_argument("--jobs", type=int, help="cases run concurrently (default 4; 8 for paid brains)")
    p.add_argument(
        "--processes",
        type=int,
        help=f"worker processes sharing the cases (default: one per core for the offline brain "
        f"on {SHARD_MIN_CASES}+ cases, else 1)",
    )
    p.add_argument(
        "--batch", action="store_true", help="--brain claude only: Message Batches, no follow-ups"
    )
    p.add_argument("--once", action="store_true", help="one run only (skips the determinism check)")
    p.add_argument("--out", type=Path, help="folder for results.json and report.md")
    p.set_defaults(func=run_eval)


def _check_args(args: argparse.Namespace, brain: str) -> None:
    from agents.brains.factory import brain_names

    if brain not in brain_names():
        raise MockpanelError(f"unknown brain {brain!r}; expected one of {', '.join(brain_names())}")
    args.rounds = check_rounds(default_rounds() if args.rounds is None else args.rounds, "--rounds")
    if args.jobs is not None and args.jobs < 1:
        raise MockpanelError(f"--jobs must be at least 1, not {args.jobs}")
    if args.processes is not None and args.processes < 1:
        raise MockpanelError(f"--processes must be at least 1, not {args.processes}")
    if args.processes is not None and args.processes > 1 and args.batch:
        raise MockpanelError("--batch runs in one process; drop --processes")
    if args.update_baseline and args.split != "all":
        raise MockpanelError(
            "--update-baseline needs --split all (the baseline covers every split)"
        )
    if args.batch and brain != "claude":
        raise MockpanelError("--batch works with --brain claude only")


def _default_processes(brain: str, cases: int) -> int:
    """One process per core for the offline brain (CPU-bound); the paid brains wait on the
    network, which one process's event loop already overlaps."""
    from agents.workers import cpu_workers

    if brain != "offline" or cases < SHARD_MIN_CASES:
        return 1
    return min(cpu_workers(), MAX_PROCESSES)


def _out_dir(args: argparse.Namespace, settings: Settings, brain: str) -> Path:
    out: Path = args.out or settings.home / "evals" / f"{time.strftime('%Y%m%d-%H%M%S')}-{brain}"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MockpanelError(f"cannot create output folder {out}: {exc.strerror or exc}") from exc
    return out


def _run(
    cases: list[EvalCase],
    settings: Settings,
    args: argparse.Namespace,
    brain: str,
    out: Path,
    jobs: int,
    processes: int,
) -> list[RunRecord]:
    import asyncio

    from evals.runner import run_batch_eval, run_graph_eval

    if args.batch:
        return [asyncio.run(run_batch_eval(cases, settings, work_dir=out))]
    runs_wanted = 1 if args.once else 2
    progress = progress_bar(disable=args.json)
    tasks: dict[int, Any] = {}

    def on_pass(number: int) -> None:
        label = f"eval {brain} run {number}/{runs_wanted}"
        tasks[number] = progress.add_task(label, total=len(cases))

    def on_done(number: int, _case_id: str) -> None:
        progress.advance(tasks[number])

    with progress:
        return asyncio.run(
            run_graph_eval(
                cases,
                settings,
                brain_name=brain,
                work_dir=out,
                rounds=args.rounds,
                jobs=jobs,
                repeat=not args.once,
                processes=processes,
                on_done=on_done,
                on_pass=on_pass,
            )
        )


def run_eval(args: argparse.Namespace) -> int:
    """Run, measure, report, gate; exit 1 when the gate fails."""
    from evals import gate as gating
    from evals.gates import load_gates
    from evals.loader import load_cases
    from evals.metrics import compute
    from evals.report import render
    from evals.results import EvalResults
    from knowledge.settings import Settings

    settings = Settings()
    brain = args.brain or settings.brain
    _check_args(args, brain)
    jobs = args.jobs or (4 if brain == "offline" else 8)
    cases = load_cases(split=args.split)
    processes = args.processes or _default_processes(brain, len(cases))
    baseline = gating.load_baseline()
    gates = load_gates()  # a bad gate file fails here, before the run
    out = _out_dir(args, settings, brain)

    def say(line: str) -> None:
        print(f"mockpanel eval: {line}", file=sys.stderr)

    try:
        from knowledge.retrieval import ensure_index

        ensure_index(settings, say)
        runs = _run(cases, settings, args, brain, out, jobs, processes)
    except ImportError as exc:
        raise MockpanelError(f"cannot run this eval here: {exc}") from exc

    metrics = compute(runs)
    outcomes = runs[0].outcomes
    report = gating.check(metrics, outcomes, baseline, brain=brain, rounds=args.rounds, gates=gates)
    results = EvalResults(
        brain=brain,
        split=args.split,
        rounds=args.rounds,
        jobs=jobs,
        processes=1 if args.batch else processes,
        batch=args.batch,
        created_at=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        runs=runs,
        metrics=metrics,
        gate=report.to_dict(),
    )
    (out / "results.json").write_text(results.model_dump_json(indent=1), encoding="utf-8")
    (out / "report.md").write_text(render(results, report.render()), encoding="utf-8")

    if args.update_baseline:
        new = gating.make_baseline(
            metrics, outcomes, brain=brain, rounds=args.rounds, previous=baseline, gates=gates
        )
        gating.BASELINE_PATH.write_text(json.dumps(new, indent=1) + "\n", encoding="utf-8")
        committed = gating.check(
            metrics, outcomes, new, brain=brain, rounds=args.rounds, gates=gates
        )
        REPORT_PATH.write_text(render(results, committed.render()), encoding="utf-8")
        say(f"baseline and report rewritten: {gating.BASELINE_PATH}, {REPORT_PATH}")

    if args.json:
        print(json.dumps(eval_payload(args, brain, out, metrics, report.to_dict())))
    else:
        print(summary(metrics, out))
        print(report.render())
    return 0 if report.passed else 1
