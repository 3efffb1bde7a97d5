"""Run every benchmarks/bench_*.py module's main(), or only the ones named on the command line."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path


def available() -> list[str]:
    """Names of the benchmark modules, without the bench_ prefix."""
    folder = Path(__file__).parent
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(folder)])
        if m.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    """Run the selected benchmarks; non-zero exit if any fails or a name is unknown."""
    names = available()
    chosen = argv or names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(names)}")
        return 2
    failed = []
    for name in chosen:
        print(f"== benchmark: {name}", flush=True)
        try:
            importlib.import_module(f"benchmarks.bench_{name}").main()
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
