"""Case-file validation: every bad file names the file, the case and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.loader import EvalCaseError, load_cases
from knowledge.models import STAGE_IDS
from tests.evals.conftest import QUESTION_IDS, RED_FLAG_IDS, WriteCases, case_dict


def load(folder: Path, split: str = "all") -> list:
    return load_cases(folder, split=split, question_ids=QUESTION_IDS, red_flag_ids=RED_FLAG_IDS)


def error_of(folder: Path) -> str:
    with pytest.raises(EvalCaseError) as info:
        load(folder)
    return str(info.value)


def test_valid_file_loads_sorted(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict("sb-strong-02"), case_dict("sb-strong-01")])
    assert [c.id for c in load(folder)] == ["sb-strong-01", "sb-strong-02"]


def test_unknown_stage_in_replies_names_file_case_and_field(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict(replies={"pricing": "We charge per seat."})])
    message = error_of(folder)
    assert "dev_cases.yaml" in message
    assert "case 'sb-strong-01' (cases[0])" in message
    assert "field 'replies', key 'pricing'" in message


def test_unknown_red_flag(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict(kind="weak", gold_decision="no_hire", red_flags=["vibes"])])
    message = error_of(folder)
    assert "field 'red_flags'" in message and "vibes" in message


def test_red_flag_must_be_in_the_rubric(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict(kind="weak", gold_decision="no_hire", red_flags=["ui_focus"])])
    with pytest.raises(EvalCaseError, match="not in the rubric"):
        load_cases(folder, question_ids=QUESTION_IDS, red_flag_ids={"magic_box"})


def test_unknown_question(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict(question_id="design-a-toaster")])
    message = error_of(folder)
    assert "field 'question_id'" in message and "design-a-toaster" in message


def test_pair_of_must_reference_an_existing_case(write_cases: WriteCases) -> None:
    folder = write_cases(
        [
            case_dict(
                "sb-padded-01",
                kind="padded_weak",
                gold_decision="no_hire",
                gold_strong_stages=[],
                pair_of="sb-weak-99",
            )
        ]
    )
    message = error_of(folder)
    assert "case 'sb-padded-01'" in message and "field 'pair_of'" in message
    assert "sb-weak-99" in message


def test_pair_must_be_in_the_same_split(write_cases: WriteCases) -> None:
    weak = case_dict(
        "sb-weak-01",
        kind="weak",
        gold_decision="no_hire",
        gold_strong_stages=[],
        answer="a chatbot " * 10,
    )
    injected = case_dict(
        "sb-injection-01",
        kind="prompt_injection",
        gold_decision="no_hire",
        gold_strong_stages=[],
        pair_of="sb-weak-01",
        split="test",
    )
    write_cases([weak])
    folder = write_cases([injected], name="test_cases.yaml")
    assert "is in dev, not test" in error_of(folder)


def test_padded_copy_must_be_longer(write_cases: WriteCases) -> None:
    weak = case_dict(
        "sb-weak-01",
        kind="weak",
        gold_decision="no_hire",
        gold_strong_stages=[],
        answer="one two three four five six seven eight nine ten",
    )
    padded = case_dict(
        "sb-padded-01",
        kind="padded_weak",
        gold_decision="no_hire",
        gold_strong_stages=[],
        pair_of="sb-weak-01",
        answer="one two three four five six seven eight nine ten eleven twelve",
    )
    message = error_of(write_cases([weak, padded]))
    assert "field 'answer'" in message and "padded to 1.2x" in message


def test_duplicate_ids_across_files(write_cases: WriteCases) -> None:
    write_cases([case_dict()], name="dev_a.yaml")
    folder = write_cases([case_dict()], name="dev_b.yaml")
    message = error_of(folder)
    assert "dev_b.yaml" in message and "duplicate" in message and "dev_a.yaml" in message


def test_split_must_match_the_file_name(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict(split="test")])
    message = error_of(folder)
    assert "field 'split'" in message and "test case in a dev_ file" in message


def test_file_name_must_name_the_split(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict()], name="cases.yaml")
    assert "must start with one of realistic_dev_, realistic_test_, dev_, test_" in error_of(folder)


def test_kind_fixes_the_gold_decision(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict(kind="buzzword_salad")])
    message = error_of(folder)
    assert "kind buzzword_salad must have gold_decision no_hire" in message


def test_stage_cannot_be_strong_and_weak(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict(gold_weak_stages=["objective"])])
    assert "both strong and weak" in error_of(folder)


def test_very_long_needs_1500_words(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict("sb-long-01", kind="very_long", answer="word " * 200)])
    assert "very_long answer has 200 words" in error_of(folder)


def test_plain_words_strong_cannot_use_the_jargon(write_cases: WriteCases) -> None:
    folder = write_cases(
        [case_dict(kind="plain_words_strong", answer="We build a data flywheel from the edits.")]
    )
    assert "flywheel" in error_of(folder)


def test_blank_answer_and_blank_reply(write_cases: WriteCases) -> None:
    assert "answer is blank" in error_of(write_cases([case_dict(answer="   \n ")]))
    assert "blank reply" in error_of(write_cases([case_dict(replies={"scaling": "  "})]))


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "dev_bad.yaml").write_text("cases:\n  - id: [unclosed\n", encoding="utf-8")
    message = error_of(folder)
    assert "dev_bad.yaml" in message and "malformed YAML at line" in message


def test_not_a_case_file(write_cases: WriteCases) -> None:
    folder = write_cases({"questions": []})
    assert "expected a mapping with a 'cases' list" in error_of(folder)


def test_unknown_field_is_rejected(write_cases: WriteCases) -> None:
    folder = write_cases([case_dict(gold="hire")])
    assert "field 'gold'" in error_of(folder)


def test_split_filter(write_cases: WriteCases) -> None:
    write_cases([case_dict("sb-strong-01")])
    folder = write_cases([case_dict("sb-strong-02", split="test")], name="test_cases.yaml")
    assert [c.id for c in load(folder, "test")] == ["sb-strong-02"]
    with pytest.raises(EvalCaseError, match="unknown split"):
        load(folder, "train")


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(EvalCaseError, match="no case files"):
        load(tmp_path)


def realistic(case_id: str = "sb-focused-01", **overrides: object) -> dict[str, object]:
    """A valid realistic-split case."""
    fields: dict[str, object] = {
        "kind": "focused_short",
        "split": "realistic_dev",
        "answer": "We keep three hundred graded tickets aside. A new prompt must beat the old one.",
    }
    fields.update(overrides)
    return case_dict(case_id, **fields)


def load_scoped(folder: Path, split: str = "all") -> list:
    """Load with the support question assessing evaluation only."""
    scopes = {"support-bot-deflection": ["evaluation"], "content-moderation": list(STAGE_IDS)}
    return load_cases(
        folder,
        split=split,
        question_ids=scopes,
        red_flag_ids=RED_FLAG_IDS,
        signal_ids=("gold_reference_set",),
    )


def test_realistic_files_name_their_split(write_cases: WriteCases) -> None:
    folder = write_cases(
        [realistic(gold_strong_stages=["evaluation"], gold_weak_stages=[])],
        name="realistic_dev_cases.yaml",
    )
    assert [c.split for c in load_scoped(folder)] == ["realistic_dev"]
    assert [c.id for c in load_scoped(folder, "realistic")] == ["sb-focused-01"]
    assert load_scoped(folder, "dev") == []


def test_realistic_splits_take_realistic_kinds(write_cases: WriteCases) -> None:
    folder = write_cases([realistic(kind="strong")], name="realistic_dev_cases.yaml")
    assert "kind strong does not belong in a realistic_dev case" in error_of(folder)


def test_gold_stages_must_be_in_the_question_scope(write_cases: WriteCases) -> None:
    folder = write_cases([realistic()], name="realistic_dev_cases.yaml")
    with pytest.raises(EvalCaseError, match=r"\['objective', 'data_strategy'\] are not assessed"):
        load_scoped(folder)


def test_a_hire_needs_three_strong_stages_or_every_assessed_one(write_cases: WriteCases) -> None:
    one_stage = realistic(gold_strong_stages=["evaluation"], gold_weak_stages=[])
    assert load_scoped(write_cases([one_stage], name="realistic_dev_cases.yaml"))
    two_of_five = realistic(
        question_id="content-moderation", gold_strong_stages=["objective", "evaluation"]
    )
    folder = write_cases([two_of_five], name="realistic_dev_cases.yaml")
    with pytest.raises(EvalCaseError, match="a hire needs substance in at least 3 stages"):
        load_scoped(folder)


def gold(quote: str, **fields: object) -> dict[str, object]:
    return {"quote": quote, "signals": ["gold_reference_set"], "credited": True, **fields}


def test_evidence_quotes_must_be_verbatim_and_ids_known(write_cases: WriteCases) -> None:
    ok = realistic(
        gold_strong_stages=["evaluation"],
        gold_weak_stages=[],
        evidence=[gold("We keep three hundred graded tickets aside.")],
    )
    (case,) = load_scoped(write_cases([ok], name="realistic_dev_cases.yaml"))
    assert case.gold_credited_signals == {"gold_reference_set"}
    moved = {**ok, "evidence": [gold("We keep 300 graded tickets aside.")]}
    folder = write_cases([moved], name="realistic_dev_cases.yaml")
    assert "not verbatim in the answer" in error_of(folder)
    unknown = {**ok, "evidence": [gold("A new prompt must beat the old one.", signals=["vibes"])]}
    folder = write_cases([unknown], name="realistic_dev_cases.yaml")
    with pytest.raises(EvalCaseError, match=r"signal\(s\) \['vibes'\] are not in the rubric"):
        load_scoped(folder)


def test_evidence_sentences_are_coherent(write_cases: WriteCases) -> None:
    base = realistic(gold_strong_stages=["evaluation"], gold_weak_stages=[])
    quote = "A new prompt must beat the old one."
    for bad, message in (
        (gold(quote, signals=[], credited=False), "needs a signal or red flag"),
        (gold(quote, stance="hedges"), "a hedges sentence cannot be credited"),
        (
            gold(quote, red_flag="no_gold_set", stance="asks", credited=False),
            "asserted or rejected",
        ),
        (gold(quote, red_flag="magic_box"), "asserting a red flag is not credit"),
    ):
        folder = write_cases([{**base, "evidence": [bad]}], name="realistic_dev_cases.yaml")
        assert message in error_of(folder)
    flagged = {**base, "evidence": [gold(quote, red_flag="magic_box", credited=False)]}
    folder = write_cases([flagged], name="realistic_dev_cases.yaml")
    assert "asserts red flag magic_box the case does not list" in error_of(folder)


def test_variant_groups_share_split_question_and_label(write_cases: WriteCases) -> None:
    prose = realistic(
        "sb-prose-01",
        gold_strong_stages=["evaluation"],
        gold_weak_stages=[],
        variant_group="sb-group",
    )
    table = {**prose, "id": "sb-table-01", "kind": "markdown_table"}
    assert len(load_scoped(write_cases([prose, table], name="realistic_dev_cases.yaml"))) == 2
    alone = write_cases([prose], name="realistic_dev_cases.yaml")
    with pytest.raises(EvalCaseError, match="group 'sb-group' has only this case"):
        load_scoped(alone)
    other = {
        **table,
        "kind": "confident_mediocre",
        "gold_decision": "no_hire",
        "gold_strong_stages": [],
    }
    folder = write_cases([prose, other], name="realistic_dev_cases.yaml")
    with pytest.raises(EvalCaseError, match="field 'gold_decision': differs from 'sb-prose-01'"):
        load_scoped(folder)
