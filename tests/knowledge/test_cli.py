"""`mockpanel ingest` and `mockpanel knowledge search|show` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.cli import main
from knowledge.loader import load_snippets

ROW_KEYS = {"id", "panelist", "stage", "polarity", "text", "score"}


@pytest.fixture
def use_index(real_index_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the CLI at the session's index of the real corpus (built by `mockpanel ingest`)."""
    monkeypatch.setenv("MOCKPANEL_HOME", str(real_index_home))
    monkeypatch.delenv("MOCKPANEL_CHROMA_URL", raising=False)
    yield real_index_home


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mockpanel: error: ")
    assert "\n" not in err
    return err


def test_ingest_summary_then_no_op(use_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    total = len(load_snippets().snippets)
    report = _json(capsys, ["ingest", "--json"])
    assert report == {
        "added": 0,
        "updated": 0,
        "removed": 0,
        "unchanged": total,
        "total": total,
        "seconds": report["seconds"],
        "rebuilt": False,
        "location": str(use_index / "chroma"),
    }
    assert main(["ingest"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"indexed {total} snippets at ")
    assert "0 added, 0 updated, 0 removed" in line


def test_search_json_rows(use_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["knowledge", "search", "experts verify a sample of labels", "-k", "7", "--json"]
    rows = _json(capsys, argv)
    assert isinstance(rows, list) and len(rows) == 7
    assert all(set(row) == ROW_KEYS for row in rows)
    order = [(-row["score"], row["id"]) for row in rows]
    assert order == sorted(order)
    assert _json(capsys, argv) == rows  # deterministic


def test_search_filters(use_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = load_snippets().snippets
    tag = sorted({t for s in corpus for t in s.question_tags})[0]
    argv = ["knowledge", "search", "cost of labels", "-k", "50", "--json"]
    filters = ["--stage", "scaling", "--panelist", "lead_engineer", "--polarity", "negative"]
    rows = _json(capsys, [*argv, *filters])
    expected = {
        s.id
        for s in corpus
        if (s.stage, s.panelist, s.polarity) == ("scaling", "lead_engineer", "negative")
    }
    assert expected and {row["id"] for row in rows} == expected
    tagged = _json(capsys, [*argv, "--tag", tag])
    assert {row["id"] for row in tagged} == {s.id for s in corpus if tag in s.question_tags}


def test_search_table(use_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, ["knowledge", "search", "gold set", "-k", "2", "--json"])
    assert main(["knowledge", "search", "gold set", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert "2 snippets for 'gold set'" in out
    for row in rows:
        assert row["id"] in out


def test_show(use_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snippet = load_snippets().snippets[0]
    data = _json(capsys, ["knowledge", "show", snippet.id, "--json"])
    assert data == {
        "id": snippet.id,
        "panelist": snippet.panelist,
        "stage": snippet.stage,
        "polarity": snippet.polarity,
        "text": snippet.text,
        "question_tags": list(snippet.question_tags),
    }
    assert main(["knowledge", "show", snippet.id]) == 0
    out = capsys.readouterr().out
    assert snippet.id in out and snippet.text in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["knowledge", "show", "no-such-snippet"], "no snippet with id 'no-such-snippet'"),
        (["knowledge", "search", "   "], "query text is empty"),
        (["knowledge", "search", "labels", "-k", "0"], "-k must be between 1 and 50"),
        (["knowledge", "search", "labels", "-k", "51"], "-k must be between 1 and 50"),
        (["knowledge", "search", "labels", "--stage", "deploy"], "unknown stage 'deploy'"),
        (["knowledge", "search", "labels", "--panelist", "ceo"], "unknown panelist 'ceo'"),
    ],
)
def test_bad_input(
    use_index: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert message in _fails(capsys, argv)


def test_missing_index(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _fails(capsys, ["knowledge", "search", "labels", "--json"])
    assert err.endswith(f"knowledge index not found at {home / 'chroma'}; run `mockpanel ingest`")
    assert "not found" in _fails(capsys, ["knowledge", "show", "anything"])
