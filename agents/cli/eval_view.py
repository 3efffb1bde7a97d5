"""How an eval run looks on the terminal: progress bar, summary lines, the `--json` object."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress


def progress_bar(*, disable: bool) -> Progress:
    """A progress bar on stderr, one task per pass over the cases."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=disable,
    )


def eval_payload(
    args: argparse.Namespace, brain: str, out: Path, metrics: dict[str, Any], gate: dict[str, Any]
) -> dict[str, Any]:
    """The `eval --json` object."""
    return {
        "out": str(out),
        "brain": brain,
        "split": args.split,
        "rounds": args.rounds,
        "metrics": metrics,
        "gate": gate,
    }


def summary(metrics: dict[str, Any], out: Path) -> str:
    """One line per split (accuracy, kappa, citations, flips), then wall time and folder."""
    lines = []
    for name, m in metrics["splits"].items():
        kappa = "n/a" if m["kappa"] is None else f"{m['kappa']:.3f}"
        acc = "n/a" if m["accuracy"] is None else f"{m['accuracy']:.3f}"
        lines.append(
            f"{name:<5} n={m['n']:<3} accuracy {acc}  kappa {kappa}  "
            f"citations {m['citations']['total'] - m['citations']['invalid']}/"
            f"{m['citations']['total']}  injection flips {len(m['injection_flips'])}  "
            f"variant flips {len(m['variant_flips'])}"
        )
    walls = ", ".join(f"{w:.1f}s" for w in metrics["wall_seconds"])
    lines.append(f"wall time {walls}; results in {out}")
    return "\n".join(lines)
