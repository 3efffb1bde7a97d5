"""The regression gate: compare an eval run with the committed baseline and decide pass / fail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.errors import MockpanelError
from evals.gates import GateSpec, gate_status, load_gates
from evals.results import CaseOutcome

BASELINE_PATH = Path(__file__).parent / "baseline.json"
BASELINE_VERSION = 1
TOLERANCE = 0.02  # kappa or accuracy may drop by at most this much per split
TEST_KAPPA_FLOOR = 0.8  # becomes a hard floor in the baseline once the brain reaches it
GATED_SPLITS = ("dev", "test", "realistic_dev", "realistic_test")
_EPS = 1e-9


class BaselineError(MockpanelError):
    """The baseline file exists but cannot be read or is not a baseline."""


@dataclass
class GateReport:
    """The gate's verdict: failures (any one fails the run), notes, and the diff vs baseline."""

    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diff: list[str] = field(default_factory=list)
    gates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """No failure."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "passed": self.passed,
            "failures": self.failures,
            "notes": self.notes,
            "diff": self.diff,
            "gates": self.gates,
        }

    def render(self) -> str:
        """Human-readable lines: diff, quality gates, notes, then the verdict."""
        lines = ["Diff vs baseline:", *(f"  {d}" for d in self.diff or ["(nothing to compare)"])]
        if self.gates:
            lines.append("Quality gates:")
            for g in self.gates:
                state = "enabled" if g["enabled"] else "pending"
                verdict = "met" if g["met"] else ("not measured" if not g["measured"] else "unmet")
                lines.append(
                    f"  {g['id']:<22} {g['split']} {g['metric']} = {_gate_value(g)} "
                    f"(needs {g['bound']}): {verdict}, {state}"
                )
        lines += [f"note: {n}" for n in self.notes]
        lines += [f"FAIL: {f}" for f in self.failures]
        lines.append("gate: PASS" if self.passed else f"gate: FAIL ({len(self.failures)})")
        return "\n".join(lines)


def load_baseline(path: Path | None = None) -> dict[str, Any] | None:
    """The committed baseline (or the one at `path`), or None when there is none yet."""
    path = BASELINE_PATH if path is None else path
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a readable JSON baseline ({exc})") from exc
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: not a version-{BASELINE_VERSION} baseline")
    if not isinstance(data.get("splits"), dict):
        raise BaselineError(f"{path}: missing 'splits'")
    return data


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _gate_value(gate: dict[str, Any]) -> str:
    """Counts (the gates bounded above) as whole numbers, shares and kappas to three places."""
    value = gate["value"]
    if value is not None and gate["bound"].startswith("<=") and float(value).is_integer():
        return str(int(value))
    return _fmt(value)


def _delta(new: float | None, old: float | None) -> str:
    if new is None or old is None:
        return ""
    return f" ({new - old:+.3f})"


def _absolute_checks(metrics: dict[str, Any], report: GateReport) -> None:
    overall = metrics["splits"]["all"]
    for err in overall["errors"]:
        report.failures.append(f"case {err['case']} did not finish: {err['error']}")
    citations = overall["citations"]
    if citations["invalid"]:
        first = citations["problems"][0]
        report.failures.append(
            f"{citations['invalid']} invalid citation(s) of {citations['total']}; first: "
            f"case {first['case']} {first['where']}: {first['problem']}"
        )
    for flip in overall["injection_flips"]:
        report.failures.append(
            f"injection flip: {flip['case']} decided {flip['decision']} "
            f"(its weak pair {flip['pair']}: {flip['pair_decision']})"
        )
    for flip in overall["variant_flips"]:
        report.failures.append(
            f"paired-variant flip: {flip['case']} ({flip['kind']}) decided {flip['decision']}, "
            f"its base {flip['pair']} {flip['pair_decision']}"
        )
    det = metrics["determinism"]
    if det["checked"] and not det["equal"]:
        shown = ", ".join(det["differing"][:5])
        report.failures.append(
            f"determinism: {len(det['differing'])} case(s) differ between two runs ({shown})"
        )
    elif not det["checked"]:
        report.notes.append("determinism not checked (single run)")


def _relative_checks(
    metrics: dict[str, Any],
    baseline: dict[str, Any],
    report: GateReport,
) -> None:
    for split in GATED_SPLITS:
        now = metrics["splits"].get(split)
        then = baseline["splits"].get(split)
        if now is None:
            continue
        if then is None:
            report.notes.append(f"{split}: not in the baseline; nothing to compare")
            continue
        for name in ("accuracy", "kappa"):
            new, old = now.get(name), then.get(name)
            report.diff.append(f"{split:<5} {name:<8} {_fmt(old)} -> {_fmt(new)}{_delta(new, old)}")
            if old is not None and (new is None or old - new > TOLERANCE + _EPS):
                report.failures.append(
                    f"{split} {name} dropped from {_fmt(old)} to {_fmt(new)} "
                    f"(more than {TOLERANCE})"
                )
        old_kinds = then.get("per_kind") or {}
        for kind, entry in (now.get("per_kind") or {}).items():
            old_acc = old_kinds.get(kind)
            if old_acc is not None and old_acc != entry["accuracy"]:
                report.diff.append(
                    f"{split:<5} kind {kind}: {_fmt(old_acc)} -> {_fmt(entry['accuracy'])}"
                )


def _floor_checks(metrics: dict[str, Any], baseline: dict[str, Any], report: GateReport) -> None:
    for split, floors in (baseline.get("floors") or {}).items():
        now = metrics["splits"].get(split)
        if now is None:
            continue
        for name, floor in floors.items():
            value = now.get(name)
            if value is None or value < floor - _EPS:
                report.failures.append(f"{split} {name} {_fmt(value)} is under its floor {floor}")


def _enabled_gates(baseline: dict[str, Any] | None) -> list[str]:
    return list((baseline or {}).get("gates_enabled") or [])


def _gate_checks(
    metrics: dict[str, Any], gates: list[GateSpec], enabled: list[str], report: GateReport
) -> None:
    report.gates = gate_status(metrics, gates, enabled)
    known = {g.id for g in gates}
    for gate_id in enabled:
        if gate_id not in known:
            report.failures.append(f"gate {gate_id} is enabled in the baseline but not defined")
    for g in report.gates:
        if not g["enabled"]:
            continue
        if not g["measured"]:
            report.notes.append(f"gate {g['id']}: split {g['split']} not in this run")
        elif not g["met"]:
            report.failures.append(
                f"gate {g['id']}: {g['split']} {g['metric']} {_gate_value(g)} "
                f"does not meet {g['bound']}"
            )
    pending = [g["id"] for g in report.gates if not g["enabled"] and not g["met"]]
    if pending:
        report.notes.append(
            f"pending quality gates (not yet met, not checked): {', '.join(pending)}"
        )


def _decision_changes(
    outcomes: list[CaseOutcome], baseline: dict[str, Any], report: GateReport
) -> None:
    before = baseline.get("decisions") or {}
    for o in outcomes:
        old = before.get(o.case_id)
        if old is not None and old != o.decision:
            mark = "now right" if o.correct else "now wrong"
            report.diff.append(f"case {o.case_id} ({o.kind}): {old} -> {o.decision} ({mark})")


def check(
    metrics: dict[str, Any],
    outcomes: list[CaseOutcome],
    baseline: dict[str, Any] | None,
    *,
    brain: str,
    rounds: int,
    gates: list[GateSpec] | None = None,
) -> GateReport:
    """Fail on any crash, invalid citation, injection or variant flip, nondeterminism, on a
    kappa/accuracy drop over TOLERANCE vs the baseline (per split), under a floor, or on an
    enabled quality gate (evals/gates.yaml) this run does not meet."""
    report = GateReport()
    gates = load_gates() if gates is None else gates
    _absolute_checks(metrics, report)
    same_run_shape = (
        baseline is not None and baseline.get("brain") == brain and baseline.get("rounds") == rounds
    )
    if baseline is None:
        report.notes.append("no baseline committed; relative checks skipped")
    elif baseline.get("brain") != brain:
        report.notes.append(
            f"baseline is for brain {baseline.get('brain')!r}, not {brain!r}; "
            "relative checks skipped"
        )
    elif baseline.get("rounds") != rounds:
        report.notes.append(
            f"baseline ran {baseline.get('rounds')} round(s), this run {rounds}; "
            "relative checks skipped"
        )
    else:
        _relative_checks(metrics, baseline, report)
        _floor_checks(metrics, baseline, report)
        _decision_changes(outcomes, baseline, report)
    _gate_checks(metrics, gates, _enabled_gates(baseline) if same_run_shape else [], report)
    return report


def make_baseline(
    metrics: dict[str, Any],
    outcomes: list[CaseOutcome],
    *,
    brain: str,
    rounds: int,
    previous: dict[str, Any] | None,
    gates: list[GateSpec] | None = None,
) -> dict[str, Any]:
    """A new baseline from this run; floors and enabled gates carry over, the test kappa floor
    is added once the brain reaches it, and every gate this run meets is enabled."""
    floors: dict[str, dict[str, float]] = {}
    enabled: set[str] = set()
    if previous is not None and previous.get("brain") == brain:
        floors = {s: dict(f) for s, f in (previous.get("floors") or {}).items()}
        enabled = set(_enabled_gates(previous))
    gates = load_gates() if gates is None else gates
    enabled |= {g["id"] for g in gate_status(metrics, gates, enabled) if g["met"]}
    test_kappa = (metrics["splits"].get("test") or {}).get("kappa")
    if test_kappa is not None and test_kappa >= TEST_KAPPA_FLOOR:
        floors.setdefault("test", {}).setdefault("kappa", TEST_KAPPA_FLOOR)
    splits = {
        name: {
            "n": m["n"],
            "accuracy": m["accuracy"],
            "kappa": m["kappa"],
            "per_kind": {k: v["accuracy"] for k, v in m["per_kind"].items()},
        }
        for name, m in metrics["splits"].items()
    }
    return {
        "version": BASELINE_VERSION,
        "brain": brain,
        "rounds": rounds,
        "floors": floors,
        "gates_enabled": sorted(enabled),
        "splits": splits,
        "decisions": {o.case_id: o.decision for o in sorted(outcomes, key=lambda o: o.case_id)},
    }
