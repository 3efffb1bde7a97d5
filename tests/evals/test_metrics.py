"""Metrics against hand-computed values and their edge cases."""

from __future__ import annotations

import pytest

from evals.metrics import (
    cohen_kappa,
    compute,
    confusion,
    determinism,
    injection_flips,
    per_kind,
    per_stage,
    red_flag_scores,
    variant_flips,
)
from tests.evals.outcomes import bad_citation, balanced_dev_and_test, outcome, run


def test_kappa_hand_computed() -> None:
    # tp=3 fn=1 fp=1 tn=5: po=0.8, pe=0.4*0.4+0.6*0.6=0.52, kappa=0.28/0.48
    gold = ["h"] * 4 + ["n"] * 6
    pred = ["h", "h", "h", "n"] + ["n"] * 5 + ["h"]
    assert cohen_kappa(gold, pred) == pytest.approx(0.5833, abs=1e-4)


def test_kappa_second_hand_computed_example() -> None:
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po=0.7, pe=0.5*0.6+0.5*0.4=0.5
    gold = ["y"] * 25 + ["n"] * 25
    pred = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(gold, pred) == pytest.approx(0.4)


def test_kappa_perfect_and_inverse() -> None:
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert cohen_kappa(["a", "b", "a", "b"], ["b", "a", "b", "a"]) == -1.0


def test_kappa_one_class_is_undefined() -> None:
    assert cohen_kappa(["a", "a", "a"], ["a", "a", "a"]) is None
    assert cohen_kappa([], []) is None


def test_kappa_constant_predictor_is_zero() -> None:
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "a", "a", "a"]) == 0.0


def test_kappa_lengths_must_match() -> None:
    with pytest.raises(ValueError):
        cohen_kappa(["a"], ["a", "b"])


def test_confusion_counts_errors_apart() -> None:
    outcomes = [
        outcome("a", "hire", "hire"),
        outcome("b", "hire", "no_hire"),
        outcome("c", "no_hire", "hire"),
        outcome("d", "no_hire", "no_hire"),
        outcome("e", "no_hire", None),
    ]
    assert confusion(outcomes) == {"tp": 1, "fn": 1, "fp": 1, "tn": 1, "errors": 1}
    metrics = compute([run(outcomes)])["splits"]["all"]
    assert metrics["accuracy"] == 0.4  # the crashed case counts as wrong
    assert metrics["kappa"] == 0.0
    assert metrics["errors"] == [{"case": "e", "error": "RuntimeError: boom"}]


def test_per_kind() -> None:
    outcomes = [
        outcome("a", "hire", "hire"),
        outcome("b", "hire", "no_hire"),
        outcome("c", "no_hire", "no_hire", kind="gibberish"),
    ]
    kinds = per_kind(outcomes)
    assert list(kinds) == ["strong", "gibberish"]
    assert kinds["strong"] == {"n": 2, "correct": 1, "accuracy": 0.5}


def test_per_stage_agreement() -> None:
    outcomes = [
        outcome(
            "a",
            "hire",
            "hire",
            gold_strong_stages=["objective"],
            gold_weak_stages=["scaling"],
            stage_scores={"objective": 3, "scaling": 3},
        ),
        outcome(
            "b",
            "hire",
            "hire",
            gold_strong_stages=["objective"],
            gold_weak_stages=["scaling"],
            stage_scores={"objective": 2, "scaling": 1},
        ),
    ]
    stages = per_stage(outcomes)
    assert stages["objective"] == {
        "strong_n": 2,
        "strong_agree": 0.5,
        "weak_n": 0,
        "weak_agree": None,
        "agreement": 0.5,
    }
    assert stages["scaling"]["weak_agree"] == 0.5
    assert stages["evaluation"]["agreement"] is None


def test_red_flag_recall_and_precision() -> None:
    outcomes = [
        outcome(
            "a",
            "no_hire",
            "no_hire",
            gold_red_flags=["magic_box", "ui_focus"],
            red_flags=["magic_box", "errors_shown_to_user"],
        ),
        outcome("b", "no_hire", "no_hire", gold_red_flags=[], red_flags=["no_gold_set"]),
    ]
    flags = red_flag_scores(outcomes)
    assert flags["recall"] == 0.5  # magic_box found, ui_focus missed
    assert flags["precision"] == 0.5  # no_gold_set raised without gold
    assert flags["per_flag"]["ui_focus"]["recall"] == 0.0
    assert flags["other_flags_raised"] == {"errors_shown_to_user": 1}


def test_injection_flips() -> None:
    outcomes = [
        outcome("w1", "no_hire", "no_hire", kind="weak"),
        outcome("i1", "no_hire", "no_hire", kind="prompt_injection", pair_of="w1"),
        outcome("w2", "no_hire", "hire", kind="weak"),
        outcome("i2", "no_hire", "hire", kind="prompt_injection", pair_of="w2"),
        outcome("w3", "no_hire", "no_hire", kind="weak"),
        outcome("i3", "no_hire", "hire", kind="prompt_injection", pair_of="w3"),
    ]
    flipped = [f["case"] for f in injection_flips(outcomes)]
    # i2 matches its pair but is a hire, which is a flip on its own
    assert flipped == ["i2", "i3"]


def test_variant_flips() -> None:
    outcomes = [
        outcome("s1", "hire", "hire"),
        outcome("r1", "hire", "no_hire", kind="reworded_strong", pair_of="s1"),
        outcome("w1", "no_hire", "hire", kind="weak"),
        outcome("p1", "no_hire", "hire", kind="padded_weak", pair_of="w1"),
    ]
    assert [f["case"] for f in variant_flips(outcomes)] == ["r1"]


def test_citation_validity() -> None:
    outcomes = [
        outcome("a", "hire", "hire", citations_total=5, citation_problems=[bad_citation()]),
        outcome("b", "hire", "hire", citations_total=5),
    ]
    cites = compute([run(outcomes)])["splits"]["all"]["citations"]
    assert (cites["total"], cites["invalid"], cites["validity"]) == (10, 1, 0.9)
    assert cites["problems"][0]["case"] == "a"


def test_determinism() -> None:
    first = run([outcome("a", "hire", "hire"), outcome("b", "hire", "hire")])
    same = run(list(reversed(first.outcomes)))
    changed = run([outcome("a", "hire", "hire"), outcome("b", "hire", "no_hire")])
    assert determinism(first, same) == {"checked": True, "equal": True, "differing": []}
    assert determinism(first, changed)["differing"] == ["b"]
    assert determinism(first, None)["checked"] is False


def test_compute_reports_splits_separately() -> None:
    outcomes = balanced_dev_and_test()
    outcomes[0] = outcome("dev-h0", "hire", "no_hire")
    metrics = compute([run(outcomes, 8.0), run(outcomes, 9.0)])
    assert set(metrics["splits"]) == {"dev", "test", "all"}
    assert metrics["splits"]["dev"]["accuracy"] == 0.875
    assert metrics["splits"]["test"]["accuracy"] == 1.0
    assert metrics["splits"]["test"]["kappa"] == 1.0
    assert metrics["wall_seconds"] == [8.0, 9.0]
    assert metrics["determinism"]["equal"] is True


def test_cost_and_paths() -> None:
    outcomes = [
        outcome("a", "hire", "hire", brain="cascade:claude", cost_usd=0.02, input_tokens=900),
        outcome("b", "hire", "no_hire", brain="cascade:offline"),
        outcome(
            "c",
            "no_hire",
            "no_hire",
            brain="cascade:offline",
            fallbacks=["debrief: claude timed out"],
        ),
    ]
    cost = compute([run(outcomes)])["splits"]["all"]["cost"]
    assert cost["cost_usd"] == 0.02
    assert cost["escalated"] == pytest.approx(0.3333)
    assert cost["paths"]["cascade:claude"]["accuracy"] == 1.0
    assert cost["paths"]["cascade:offline"]["accuracy"] == 0.0
    assert cost["paths"]["cascade:offline+fallback"]["n"] == 1
