"""On-demand speed benchmarks: `python -m benchmarks [NAME ...]`, results in benchmarks/results/."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table

RESULTS_DIR = Path(__file__).parent / "results"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def write_results(name: str, data: dict[str, Any]) -> Path:
    """Save one benchmark's figures as benchmarks/results/<name>.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def mockpanel(
    args: list[str], home: Path, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """`mockpanel ARGS` in a new interpreter on its own data dir (and a local index)."""
    env = {**os.environ, "MOCKPANEL_HOME": str(home)}
    env.pop("MOCKPANEL_CHROMA_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "agents.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def environment(**versions: str) -> dict[str, Any]:
    """The machine a run measured on: Python's version, any library versions given, CPUs."""
    return {
        "python": platform.python_version(),
        **versions,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


def measure_table(title: str) -> Table:
    """A two-column table of measures and their values."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    return table


def show(table: Table, path: Path) -> None:
    """Print a benchmark's table and where its figures were written."""
    from rich.console import Console

    Console().print(table)
    print(f"wrote {path}")
