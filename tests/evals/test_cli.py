"""`mockpanel eval` end to end with a brain double, and its argument errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import evals.gate
import evals.loader
from agents.cli import main
from tests.doubles import CountingBrain, KnownSnippets
from tests.evals.test_runner_e2e import INJECTED, STRONG, WEAK


@pytest.fixture
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings) -> Path:
    """Three cases, a brain double, a fake snippet index, baseline and report in tmp."""
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "dev_cases.yaml").write_text(yaml.safe_dump({"cases": [STRONG, WEAK]}), "utf-8")
    test_case = {**INJECTED, "split": "test", "pair_of": "sb-weak-02"}
    test_weak = {**WEAK, "id": "sb-weak-02", "split": "test"}
    test_strong = {**STRONG, "id": "sb-strong-02", "split": "test"}
    (cases / "test_cases.yaml").write_text(
        yaml.safe_dump({"cases": [test_weak, test_case, test_strong]}), "utf-8"
    )
    monkeypatch.setattr(evals.loader, "CASES_DIR", cases)
    monkeypatch.setattr(evals.gate, "BASELINE_PATH", tmp_path / "baseline.json")
    import agents.brains.factory
    import agents.cli.evaluate

    monkeypatch.setattr(agents.cli.evaluate, "REPORT_PATH", tmp_path / "report.md")
    import knowledge.retrieval

    monkeypatch.setattr(agents.brains.factory, "make_brain", lambda name, s: CountingBrain())
    monkeypatch.setattr(
        knowledge.retrieval.Retriever, "from_settings", classmethod(lambda cls, s: KnownSnippets())
    )
    return tmp_path


def test_eval_json_then_baseline_then_gate(wired: Path, capsys: pytest.CaptureFixture) -> None:
    out = wired / "out"
    assert main(["eval", "--json", "--out", str(out), "--jobs", "2"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["gate"]["passed"] is True
    assert printed["metrics"]["splits"]["dev"]["accuracy"] == 1.0
    assert printed["metrics"]["determinism"]["equal"] is True
    results = json.loads((out / "results.json").read_text())
    assert len(results["runs"]) == 2 and results["runs"][1]["order"][0] == "sb-weak-02"
    assert "## Accuracy per kind" in (out / "report.md").read_text()

    assert main(["eval", "--update-baseline", "--out", str(out), "--once"]) == 0
    baseline = json.loads((wired / "baseline.json").read_text())
    assert baseline["brain"] == "offline" and baseline["floors"] == {"test": {"kappa": 0.8}}
    report = (wired / "report.md").read_text()
    assert "gate: PASS" in report
    assert "sb-weak-02" not in report  # test cases appear only in aggregate
    printed_text = capsys.readouterr().out
    assert "gate: PASS" in printed_text


def test_gate_failure_exits_1(
    wired: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import agents.brains.factory

    monkeypatch.setattr(
        agents.brains.factory, "make_brain", lambda name, s: CountingBrain(gullible=True)
    )
    assert main(["eval", "--once", "--out", str(wired / "out")]) == 1
    assert "FAIL: injection flip: sb-injection-01" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "--brain", "oracle"], "unknown brain 'oracle'"),
        (["eval", "--rounds", "9"], "--rounds must be between 0 and 5"),
        (["eval", "--jobs", "0"], "--jobs must be at least 1"),
        (["eval", "--processes", "0"], "--processes must be at least 1"),
        (["eval", "--split", "dev", "--update-baseline"], "--update-baseline needs --split all"),
        (["eval", "--batch"], "--batch works with --brain claude only"),
    ],
)
def test_bad_arguments(
    argv: list[str], message: str, capsys: pytest.CaptureFixture, settings
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_bad_case_file_is_one_line(wired: Path, capsys: pytest.CaptureFixture) -> None:
    (wired / "cases" / "dev_broken.yaml").write_text("cases: [{id: x}]\n", "utf-8")
    assert main(["eval"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mockpanel: error:") and "dev_broken.yaml" in err
    assert len(err.splitlines()) == 1


def test_batch_path_uses_claude_batch(
    wired: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import evals.claude_batch
    from agents.debrief import Citation, Debrief, Reason, StageScore
    from agents.transcript import Turn
    from evals.models import EvalCase
    from knowledge.models import STAGE_IDS

    seen: dict[str, object] = {}

    async def fake_batch(cases: list[EvalCase], settings: object, *, state_path: Path):
        seen["ids"] = sorted(c.id for c in cases)
        seen["state"] = state_path
        out = {}
        for c in cases:
            turn = Turn(id="t1", speaker="candidate", text=c.answer)
            decision = "hire" if c.gold_decision == "hire" else "no_hire"
            out[c.id] = Debrief(
                decision=decision,
                strength="lean",
                confidence=0.7,
                stage_scores={s: StageScore(stage=s, score=2) for s in STAGE_IDS},
                reasons=[Reason(claim="c", citations=[Citation(turn="t1", quote=c.answer[:10])])],
                transcript=[turn],
                brain="claude",
                usage={"cost_usd": 0.01, "input_tokens": 100, "output_tokens": 50},
            )
        return out

    monkeypatch.setattr(evals.claude_batch, "run_batch_eval", fake_batch)
    out = wired / "batch-out"
    assert main(["eval", "--brain", "claude", "--batch", "--json", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert seen["state"] == out / "batch_state.json"
    assert len(seen["ids"]) == 5  # type: ignore[arg-type]
    overall = printed["metrics"]["splits"]["all"]
    assert overall["accuracy"] == 1.0
    assert overall["cost"]["escalated"] == 1.0 and overall["cost"]["cost_usd"] == 0.05
    assert printed["metrics"]["determinism"]["checked"] is False
    assert any("relative checks skipped" in n for n in printed["gate"]["notes"])
