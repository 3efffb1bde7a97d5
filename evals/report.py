"""The Markdown report of an eval run.

Test-split cases are reported only in aggregate: individual misclassified test cases stay in
results.json, so the committed report cannot steer anyone tuning a brain.
"""

from __future__ import annotations

from typing import Any

from evals.metrics import SPLITS
from evals.models import KINDS, TUNING_SPLITS
from evals.results import CaseOutcome, EvalResults
from knowledge.models import STAGE_IDS


def _f(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _case_counts(outcomes: list[CaseOutcome]) -> list[str]:
    rows = []
    for kind in KINDS:
        group = [o for o in outcomes if o.kind == kind]
        if not group:
            continue
        cells = [kind]
        for split in SPLITS:
            in_split = [o for o in group if o.split == split]
            hires = sum(o.gold_decision == "hire" for o in in_split)
            cells.append(f"{len(in_split)} ({hires} hire)")
        cells.append(str(len(group)))
        rows.append(cells)
    hires = sum(o.gold_decision == "hire" for o in outcomes)
    total = ["**total**"]
    for split in SPLITS:
        in_split = [o for o in outcomes if o.split == split]
        total.append(f"{len(in_split)} ({sum(o.gold_decision == 'hire' for o in in_split)} hire)")
    total.append(f"{len(outcomes)} ({hires} hire)")
    rows.append(total)
    questions = len({o.question_id for o in outcomes})
    annotated = [o for o in outcomes if o.gold_evidence is not None]
    sentences = sum(len(o.gold_evidence or []) for o in annotated)
    return [
        f"{len(outcomes)} cases over {questions} questions; {len(annotated)} with gold sentence "
        f"annotations ({sentences} annotated sentences).",
        "",
        *_table(["kind", *SPLITS, "all"], rows),
    ]


def _summary(splits: dict[str, Any]) -> list[str]:
    rows = []
    for name, m in splits.items():
        c = m["confusion"]
        rows.append(
            [
                name,
                str(m["n"]),
                _f(m["accuracy"]),
                _f(m["kappa"]),
                str(c["tp"]),
                str(c["fn"]),
                str(c["fp"]),
                str(c["tn"]),
                str(c["errors"]),
            ]
        )
    header = ["split", "n", "accuracy", "kappa", "TP", "FN", "FP", "TN", "errors"]
    return [
        "Hire is the positive class: TP = gold hire decided hire, FN = gold hire decided no-hire,",
        "FP = gold no-hire decided hire, TN = gold no-hire decided no-hire.",
        "",
        *_table(header, rows),
    ]


def _confusion(name: str, m: dict[str, Any]) -> list[str]:
    c = m["confusion"]
    return [
        f"**{name}**",
        "",
        *_table(
            ["gold \\ decided", "hire", "no_hire"],
            [["hire", str(c["tp"]), str(c["fn"])], ["no_hire", str(c["fp"]), str(c["tn"])]],
        ),
    ]


def _per_kind(splits: dict[str, Any]) -> list[str]:
    names = list(splits)
    rows = []
    for kind in KINDS:
        cells = [kind]
        present = False
        for name in names:
            entry = splits[name]["per_kind"].get(kind)
            present = present or entry is not None
            cells.append("–" if entry is None else f"{entry['correct']}/{entry['n']}")
        if present:
            rows.append(cells)
    return _table(["kind", *names], rows)


def _per_stage(m: dict[str, Any]) -> list[str]:
    rows = []
    for stage in STAGE_IDS:
        s = m["per_stage"][stage]
        rows.append(
            [
                stage,
                f"{_pct(s['strong_agree'])} of {s['strong_n']}",
                f"{_pct(s['weak_agree'])} of {s['weak_n']}",
                _pct(s["agreement"]),
            ]
        )
    return [
        "A gold strong stage agrees when the panel scores it 3 or 4; a gold weak stage when it",
        "scores it 1 or 2. Stages the gold leaves unlabeled are not counted.",
        "",
        *_table(["stage", "gold strong → ≥3", "gold weak → ≤2", "agreement"], rows),
    ]


def _red_flags(m: dict[str, Any]) -> list[str]:
    rf = m["red_flags"]
    rows = [
        [flag, str(v["gold"]), str(v["found"]), _f(v["recall"]), _f(v["precision"])]
        for flag, v in rf["per_flag"].items()
    ]
    lines = [
        f"Recall {_f(rf['recall'])}, precision {_f(rf['precision'])} over the annotated flags.",
        "",
        *_table(["flag", "gold", "raised", "recall", "precision"], rows),
    ]
    if rf["other_flags_raised"]:
        other = ", ".join(f"{k} ×{v}" for k, v in rf["other_flags_raised"].items())
        lines += [f"Other flags raised (not annotated in the eval set): {other}.", ""]
    return lines


def _flips(m: dict[str, Any]) -> list[str]:
    lines = [f"- Injection flips: **{len(m['injection_flips'])}**"]
    lines += [
        f"  - {f['case']}: {f['decision']} (pair {f['pair']}: {f['pair_decision']})"
        for f in m["injection_flips"]
    ]
    lines.append(f"- Paired-variant flips (padded / reworded): **{len(m['variant_flips'])}**")
    lines += [
        f"  - {f['case']} ({f['kind']}): {f['decision']} vs base {f['pair']}: {f['pair_decision']}"
        for f in m["variant_flips"]
    ]
    lines.append(
        f"- Variant-group flips (prose / bullets / table): **{len(m['variant_group_flips'])}**"
    )
    # Held-out groups are only counted, so the committed report does not steer tuning.
    lines += [
        "  - " + f["group"] + ": " + ", ".join(f"{c} {d}" for c, d in f["decisions"].items())
        for f in m["variant_group_flips"]
        if f["split"] in TUNING_SPLITS
    ]
    return [*lines, ""]


def _cost(m: dict[str, Any]) -> list[str]:
    cost = m["cost"]
    rows = [[path, str(v["n"]), _f(v["accuracy"])] for path, v in cost["paths"].items()]
    return [
        f"- Cost: ${cost['cost_usd']:.4f} total, ${_f(cost['cost_per_case_usd'], 5)} per case; "
        f"tokens in {cost['input_tokens']:,}, out {cost['output_tokens']:,}",
        f"- Escalated to a paid model: {_pct(cost['escalated'])}; sent to coach review: "
        f"{_pct(cost['needs_review'])}; with a fallback: {cost['with_fallback']}",
        "",
        *_table(["path (debrief brain)", "n", "accuracy"], rows),
    ]


def _calibration(splits: dict[str, Any]) -> list[str]:
    rows = []
    for name, m in splits.items():
        cal = m["calibration"]
        cells = [name, _f(cal["brier"]), str(len(cal["overconfident_wrong"]))]
        for b in cal["reliability"]:
            cells.append("–" if not b["n"] else f"{_pct(b['accuracy'])} of {b['n']}")
        rows.append(cells)
    edges = [b["range"] for b in next(iter(splits.values()))["calibration"]["reliability"]]
    return [
        "Confidence is read as the chance an expert agrees with the decision. Brier score (lower",
        "is better); wrong decisions at confidence >= 0.9; then, per confidence bin, the share",
        "decided right and how many cases fell in the bin.",
        "",
        *_table(["split", "Brier", "wrong at >= 0.9", *edges], rows),
    ]


def _reading(splits: dict[str, Any]) -> list[str]:
    rows = []
    for name, m in splits.items():
        ev, pr, ad, co = m["evidence"], m["probes"], m["advice"], m["contradictions"]
        rows.append(
            [
                name,
                f"{ev['annotated_cases']} / {ev['annotated_sentences']}",
                f"{_f(ev['precision'])} of {ev['credited_rows']}",
                f"{_f(ev['recall'])} of {ev['gold_credited']}",
                f"{pr['redundant']} of {pr['in_annotated_cases']}",
                f"{ad['for_credited']}",
                f"{_pct(ad['distinct_ratio'])} of {ad['items']}",
                f"{co['total']} ({co['probed_credited']}/{co['advised_credited']}/"
                f"{co['flag_on_rejection']})",
                str(ev["flags_on_rejections"]),
                f"{_f(ev['stance_agreement'])} / {_f(ev['stance_agreement_not_asserting'])}",
                str(len(m["variant_group_flips"])),
            ]
        )
    header = [
        "split",
        "annotated cases / sentences",
        "evidence precision",
        "evidence recall",
        "probes for a gold-credited signal",
        "advice for a gold-credited signal",
        "distinct advice",
        "contradictions (probed/advised/flag on rejection)",
        "flags on gold rejections",
        "stance agreement (all / not asserting)",
        "variant-group flips",
    ]
    return [
        "Measured on the opening answer (turn t1) of cases with gold sentence annotations:",
        "precision = credited evidence rows whose sentence and signal match a credited gold",
        "sentence; recall = credited gold sentences found. Contradictions are the debrief against",
        "itself on every case: a signal credited and then probed or advised, a red flag on a",
        "sentence its own table reads as rejecting.",
        "",
        *_table(header, rows),
    ]


def _misclassified(m: dict[str, Any]) -> list[str]:
    rows = [
        [x["case"], x["kind"], x["gold"], str(x["decision"]), _f(x["confidence"], 2)]
        for x in m["misclassified"]
    ]
    if not rows:
        return ["None.", ""]
    return _table(["case", "kind", "gold", "decided", "confidence"], rows)


def _citations_flips_time(metrics: dict[str, Any], overall: dict[str, Any]) -> list[str]:
    det = metrics["determinism"]
    walls = metrics["wall_seconds"]
    return [
        f"- Citation validity: **{_pct(overall['citations']['validity'])}** "
        f"({overall['citations']['total'] - overall['citations']['invalid']} of "
        f"{overall['citations']['total']} citations re-checked valid; the graph had dropped "
        f"{overall['citations']['dropped_by_graph']} before the debrief was kept)",
        *_flips(overall)[:-1],
        "- Determinism: "
        + (
            "not checked (single run)"
            if not det["checked"]
            else (
                "two runs identical (latency aside)"
                if det["equal"]
                else f"**{len(det['differing'])} case(s) differ**: {', '.join(det['differing'])}"
            )
        ),
        "- Wall time: "
        + ", ".join(f"run {i + 1} {w:.1f} s" for i, w in enumerate(walls))
        + f" ({_f(metrics['seconds_per_case'], 2)} s per case in run 1)",
        "",
    ]


def _mistakes(splits: dict[str, Any]) -> list[str]:
    """Tuning splits list their misclassified cases; held-out splits only count them."""
    lines: list[str] = []
    for name in SPLITS:
        if name not in splits:
            continue
        if name in TUNING_SPLITS:
            lines += [f"## Misclassified {name} cases", "", *_misclassified(splits[name])]
        else:
            wrong = len(splits[name]["misclassified"])
            lines += [
                f"## Held-out split {name}",
                "",
                f"{wrong} {name} case(s) misclassified; they are listed only in results.json, so "
                "this report does not steer tuning.",
                "",
            ]
    return lines


def render(results: EvalResults, gate_text: str | None = None) -> str:
    """The whole report as Markdown."""
    metrics = results.metrics
    splits: dict[str, Any] = metrics["splits"]
    overall = splits["all"]
    outcomes = results.runs[0].outcomes
    lines = [
        f"# Eval report — brain `{results.brain}`",
        "",
        f"Split `{results.split}`, {results.rounds} follow-up round(s), {results.jobs} case(s) in "
        f"parallel per process ({results.processes} process(es))"
        f"{', Message Batches' if results.batch else ''}; run {results.created_at}.",
        "",
        "## Cases",
        "",
        *_case_counts(outcomes),
        "## Decisions",
        "",
        *_summary(splits),
        *[line for name, m in splits.items() for line in _confusion(name, m)],
        "## Accuracy per kind",
        "",
        *_per_kind(splits),
        "## Calibration",
        "",
        *_calibration(splits),
        "## Evidence, probes and advice",
        "",
        *_reading(splits),
        "## Per-stage agreement (all cases)",
        "",
        *_per_stage(overall),
        "## Red flags (all cases)",
        "",
        *_red_flags(overall),
        "## Citations, flips, determinism, time",
        "",
        *_citations_flips_time(metrics, overall),
        "## Cost and paths",
        "",
        *_cost(overall),
    ]
    lines += _mistakes(splits)
    if gate_text is not None:
        lines += ["## Gate", "", "```", gate_text, "```", ""]
    return "\n".join(lines).rstrip() + "\n"
