"""How snippets look on the terminal, and their `--json` rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agents.cli.terminal import display, plain

if TYPE_CHECKING:
    from knowledge.models import Snippet


def snippet_row(snippet: Snippet, score: float | None = None) -> dict[str, Any]:
    """One snippet as a JSON object (with its score when it is a search hit)."""
    row: dict[str, Any] = {
        "id": snippet.id,
        "panelist": snippet.panelist,
        "stage": snippet.stage,
        "polarity": snippet.polarity,
        "text": snippet.text,
    }
    if score is not None:
        row["score"] = score
    return row


def print_hits(query: str, hits: list[tuple[Snippet, float]], *, as_json: bool) -> None:
    """Search hits: a JSON list, or a table with score, snippet id and text."""
    rows = [snippet_row(snippet, score) for snippet, score in hits]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    title = plain(f"{len(rows)} snippets for {query!r}")
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("score", no_wrap=True, width=6)
    table.add_column("snippet", no_wrap=True, width=22)
    table.add_column("text", overflow="fold", ratio=1)
    for row in rows:
        about = f"{row['id']}\n{row['panelist']}\n{row['stage']}\n{row['polarity']}"
        table.add_row(f"{row['score']:.3f}", plain(about), plain(row["text"]))
    Console().print(table)


def print_snippet(snippet: Snippet, *, as_json: bool) -> None:
    """One snippet: a JSON object with its tags, or a header line and its text."""
    if as_json:
        data = snippet_row(snippet)
        data["question_tags"] = list(snippet.question_tags)
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    tags = ", ".join(snippet.question_tags) or "-"
    where = f"{snippet.panelist} · {snippet.stage} · {snippet.polarity}"
    print(display(f"{snippet.id}  [{where}]  tags: {tags}"))
    print(display(snippet.text))
