"""Knowledge index speed: cold ingest, warm re-ingest, one-change re-ingest, query latency."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import chromadb
import yaml

from benchmarks import (
    environment,
    measure_table,
    mockpanel,
    percentile,
    show,
    write_results,
)
from knowledge.index import ingest
from knowledge.loader import DATA_DIR, load_snippets
from knowledge.models import PANELIST_IDS, STAGE_IDS
from knowledge.retrieval import Retriever
from knowledge.settings import Settings

QUERY_COUNT = 200
WARMUP_QUERIES = 5
QUERIES_FILE = Path(__file__).parents[1] / "tests" / "knowledge" / "data" / "retrieval_queries.yaml"


def _cold_ingest_in_new_process(home: Path) -> dict[str, float]:
    """`mockpanel ingest --json` in a fresh interpreter on an empty data dir."""
    started = time.perf_counter()
    done = mockpanel(["ingest", "--json"], home)
    wall = time.perf_counter() - started
    report = json.loads(done.stdout)
    return {
        "process_wall_s": wall,
        "ingest_s": float(report["seconds"]),
        "snippets": report["total"],
    }


def _one_change_reingest(settings: Settings, scratch: Path) -> float:
    """Re-ingest after editing one snippet's text (copies the corpus to a scratch folder)."""
    corpus_dir = scratch / "corpus"
    shutil.copytree(DATA_DIR / "snippets", corpus_dir)
    ingest(settings, corpus_dir)
    first = sorted(corpus_dir.glob("*.yaml"))[0]
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    data["snippets"][0]["text"] += " Benchmark edit."
    first.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    report = ingest(settings, corpus_dir)
    assert report.updated == 1 and report.added == 0, report
    return report.seconds


def _query_texts() -> list[str]:
    """200 distinct query texts: the labelled queries, then halves of snippet texts."""
    labelled = [q["text"] for q in yaml.safe_load(QUERIES_FILE.read_text())["queries"]]
    texts = list(labelled)
    for snippet in load_snippets().snippets:
        words = snippet.text.split()
        texts.append(" ".join(words[: len(words) // 2]))
        texts.append(" ".join(words[len(words) // 2 :]))
    unique = list(dict.fromkeys(t for t in texts if t.strip()))
    return unique[:QUERY_COUNT]


def _latencies(retriever: Retriever, texts: list[str], filtered: bool) -> list[float]:
    rng = random.Random(7)
    out = []
    for text in texts:
        filters: dict[str, str] = {}
        if filtered:
            filters = {"stage": rng.choice(STAGE_IDS), "panelist": rng.choice(PANELIST_IDS)}
        started = time.perf_counter()
        retriever.search(text, 5, **filters)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 3),
        "p95_ms": round(percentile(values, 95), 3),
        "max_ms": round(max(values), 3),
    }


def main() -> dict[str, Any]:
    """Run the knowledge benchmark, print a table, write benchmarks/results/knowledge.json."""
    with tempfile.TemporaryDirectory(prefix="mockpanel-bench-") as tmp:
        scratch = Path(tmp)
        cold = _cold_ingest_in_new_process(scratch / "home")
        settings = Settings(home=scratch / "home", chroma_url=None)
        warm = ingest(settings)
        assert warm.added == warm.updated == warm.removed == 0, warm
        one_change = _one_change_reingest(
            Settings(home=scratch / "edit-home", chroma_url=None), scratch
        )

        retriever = Retriever.from_settings(settings)
        texts = _query_texts()
        for text in texts[:WARMUP_QUERIES]:
            retriever.search(f"warm-up {text}", 5)
        new_text = _latencies(retriever, texts, filtered=False)  # embeds each query
        cached = _latencies(retriever, texts, filtered=False)  # embedding memoised
        filtered = _latencies(retriever, list(reversed(texts)), filtered=True)

    results: dict[str, Any] = {
        "snippets": cold["snippets"],
        "cold_ingest_process_wall_s": round(cold["process_wall_s"], 3),
        "cold_ingest_s": round(cold["ingest_s"], 3),
        "warm_reingest_s": round(warm.seconds, 3),
        "one_change_reingest_s": round(one_change, 3),
        "query_uncached": _summary(new_text),
        "query_cached_embedding": _summary(cached),
        "query_filtered_stage_panelist": _summary(filtered),
        "environment": environment(chromadb=chromadb.__version__),
    }
    path = write_results("knowledge", results)
    _print(results, path)
    return results


def _print(results: dict[str, Any], path: Path) -> None:
    table = measure_table(f"knowledge index ({results['snippets']} snippets)")
    table.add_row(
        "cold ingest, new process (wall)", f"{results['cold_ingest_process_wall_s']:.2f} s"
    )
    table.add_row("cold ingest (inside ingest())", f"{results['cold_ingest_s']:.2f} s")
    table.add_row("warm re-ingest (no change)", f"{results['warm_reingest_s']:.2f} s")
    table.add_row("re-ingest, one snippet edited", f"{results['one_change_reingest_s']:.2f} s")
    for key, label in (
        ("query_uncached", "query, new text"),
        ("query_cached_embedding", "query, embedding cached"),
        ("query_filtered_stage_panelist", "query, cached, stage+panelist filter"),
    ):
        row = results[key]
        table.add_row(
            f"{label} p50 / p95 (n={row['n']})", f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f} ms"
        )
    show(table, path)


if __name__ == "__main__":
    main()
