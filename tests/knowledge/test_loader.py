"""Bad knowledge files fail with one clear line naming the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loader import KnowledgeFileError, load_model, load_snippet_dir
from knowledge.models import QuestionBank, SnippetCorpus

GOOD_TEXT = "a debrief note long enough to pass validation"


def _snippet(sid: str, **overrides: object) -> str:
    fields: dict[str, object] = {
        "id": sid,
        "panelist": "interviewer",
        "stage": "objective",
        "polarity": "positive",
        "text": GOOD_TEXT,
    }
    fields.update(overrides)
    lines = [f"  - id: {fields.pop('id')}"] + [f"    {k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, name: str, body: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path


def _error(path: Path, model: type = SnippetCorpus) -> str:
    with pytest.raises(KnowledgeFileError) as info:
        load_model(path, model)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_valid_file_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, "ok.yaml", "snippets:\n" + _snippet("a1") + _snippet("b2"))
    corpus = load_model(path, SnippetCorpus)
    assert [s.id for s in corpus.snippets] == ["a1", "b2"]


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.yaml", "snippets:\n  - id: a1\n    text: [unclosed\n")
    message = _error(path)
    assert "malformed YAML" in message
    assert "line" in message


def test_wrong_type_names_entry_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "types.yaml", "snippets:\n" + _snippet("a1", text=12345))
    message = _error(path)
    assert "entry 'a1'" in message
    assert "field 'text'" in message
    assert "valid string" in message


def test_list_field_given_a_scalar(tmp_path: Path) -> None:
    path = _write(tmp_path, "tags.yaml", "snippets:\n" + _snippet("a1", question_tags="health"))
    message = _error(path)
    assert "entry 'a1'" in message
    assert "field 'question_tags'" in message


def test_unknown_stage_names_the_right_entry(tmp_path: Path) -> None:
    body = "snippets:\n" + _snippet("a1") + _snippet("b2", stage="deployment")
    message = _error(_write(tmp_path, "stage.yaml", body))
    assert "entry 'b2' (snippets[1])" in message
    assert "field 'stage'" in message
    assert "data_strategy" in message  # lists the allowed stages


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    body = "snippets:\n" + _snippet("a1", colour="red")
    message = _error(_write(tmp_path, "extra.yaml", body))
    assert "field 'colour'" in message


def test_duplicate_ids_in_one_file(tmp_path: Path) -> None:
    body = "snippets:\n" + _snippet("a1") + _snippet("a1")
    message = _error(_write(tmp_path, "dupes.yaml", body))
    assert "duplicate snippet ids" in message
    assert "a1" in message


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "interviewer.yaml", "snippets:\n" + _snippet("a1"))
    _write(tmp_path, "lead_engineer.yaml", "snippets:\n" + _snippet("a1"))
    with pytest.raises(KnowledgeFileError, match=r"duplicate snippet ids: \['a1'\]") as info:
        load_snippet_dir(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path, "latin1.yaml", b"snippets:\n  - id: caf\xe9\n")
    assert "not UTF-8" in _error(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot read" in _error(tmp_path / "absent.yaml")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.yaml", "- a\n- b\n")
    assert "mapping at the top level" in _error(path)


def test_empty_snippet_folder(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeFileError, match="no snippet files"):
        load_snippet_dir(tmp_path)


def test_other_models_use_the_same_reporting(tmp_path: Path) -> None:
    body = "questions:\n  - id: q1\n    title: A question\n    prompt: too short\n"
    message = _error(_write(tmp_path, "questions.yaml", body), QuestionBank)
    assert "entry 'q1' (questions[0]), field 'prompt'" in message
    assert "more)" in message  # the other problems are counted, not dropped


def test_product_terms_must_be_lowercase_word_starts(tmp_path: Path) -> None:
    body = (
        "questions:\n  - id: q1\n    title: A question\n"
        "    prompt: Design something with enough words to pass.\n"
        "    use_case: testing\n    stresses: [objective]\n"
        "    product_terms: [Transcript, '']\n"
    )
    message = _error(_write(tmp_path, "questions.yaml", body), QuestionBank)
    assert "field 'product_terms'" in message
    assert "lowercase" in message
