"""Cold starts at once: processes preparing one model folder, threads opening one index."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from knowledge.embeddings import MODEL_FILES, prepare_model_dir
from knowledge.index import ingest
from knowledge.settings import Settings
from tests.knowledge.sample_corpus import write_corpus

ROOT = Path(__file__).resolve().parents[2]

PREPARE = (
    "import sys, time; from pathlib import Path;"
    "from knowledge.embeddings import prepare_model_dir;"
    "time.sleep(max(0.0, float(sys.argv[2]) - time.time())); prepare_model_dir(Path(sys.argv[1]))"
)

OPEN_IN_THREADS = """
import sys, threading
from knowledge.retrieval import Retriever
from knowledge.settings import Settings
errors = []
barrier = threading.Barrier(4)
def open_index():
    barrier.wait()
    try:
        Retriever.from_settings(Settings()).search("gold set", 1)
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=open_index) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print("\\n".join(errors))
sys.exit(1 if errors else 0)
"""


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "MOCKPANEL_HOME": str(home), "PYTHONPATH": str(ROOT)}


def test_eight_processes_prepare_one_model_dir(tmp_path: Path) -> None:
    model_dir = tmp_path / "models"
    start_at = str(time.time() + 8)  # all eight copy at the same moment, imports done
    procs = [
        subprocess.Popen([sys.executable, "-c", PREPARE, str(model_dir), start_at],
                         env=_env(tmp_path),
                         stderr=subprocess.PIPE)
        for _ in range(8)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    onnx_dir = prepare_model_dir(model_dir)
    assert sorted(p.name for p in onnx_dir.iterdir()) == sorted(MODEL_FILES)  # no leftovers


def test_threads_opening_the_index_in_a_cold_process(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest(Settings(home=home), write_corpus(tmp_path / "corpus"))
    for _ in range(3):  # each run is a new, cold process
        proc = subprocess.run([sys.executable, "-c", OPEN_IN_THREADS], env=_env(home),
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
