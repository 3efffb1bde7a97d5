"""Storage under load: N concurrent live interviews over two app processes, SQLite vs PostgreSQL.

The brain is the instant FakeBrain, so the figures are the graph, checkpoints, session rows and
per-session locks. SQLite: both processes share one data dir. PostgreSQL: a throwaway cluster on
127.0.0.1, each process its own data dir, a fresh database per N (migrated by the first process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import percentile, write_results

ROOT = Path(__file__).resolve().parents[1]
SIZES = (8, 16, 32)
PROCESSES = 2
STEPS = ("start", "reply", "finish")


def _load(n: int, homes: list[Path], database_url: str | None) -> dict[str, Any]:
    start_at = time.time() + 5  # imports done in every process before the clock starts
    procs = []
    for i, home in enumerate(homes):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKPANEL_")}
        env.update(MOCKPANEL_HOME=str(home), PYTHONPATH=str(ROOT))
        if database_url:
            env["MOCKPANEL_DATABASE_URL"] = database_url
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "benchmarks.storage_load", str(n // len(homes)), f"p{i}",
             str(start_at)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True))
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"a load process failed with code {proc.returncode}")
        results.append(json.loads(out))
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    row: dict[str, Any] = {"sessions": n, "wall_s": round(wall, 2),
                           "sessions_per_min": round(n / wall * 60, 1)}
    for step in STEPS:
        values = [v for r in results for v in r["steps"][step]]
        row[f"{step}_p50_ms"] = round(percentile(values, 50) * 1000, 1)
        row[f"{step}_p95_ms"] = round(percentile(values, 95) * 1000, 1)
    return row


def main() -> None:
    """Run every size on both backends; print a table and save benchmarks/results/storage.json."""
    from tests.integration.servers import missing_servers, postgres_server

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="mockpanel-bench-") as tmp:
        for n in SIZES:
            home = Path(tmp) / f"sqlite-{n}"
            rows.append({"backend": "sqlite", **_load(n, [home] * PROCESSES, None)})
        if missing_servers() is None:
            with postgres_server() as pg:
                for n in SIZES:
                    url = pg.create_database(f"bench_{n}")
                    homes = [Path(tmp) / f"pg-{n}-{i}" for i in range(PROCESSES)]
                    rows.append({"backend": "postgres", **_load(n, homes, url)})
    header = ["backend", "sessions", "sessions_per_min",
              *(f"{s}_p{q}_ms" for s in STEPS for q in (50, 95))]
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[h]) for h in header))
    write_results("storage", {"processes": PROCESSES, "rows": rows,
                              "cpus": os.cpu_count(), "steps_per_session": 4})


if __name__ == "__main__":
    main()
