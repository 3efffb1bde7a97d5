"""`mockpanel ingest` and `mockpanel knowledge search|show`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from agents.cli.knowledge_view import print_hits, print_snippet
from agents.errors import MockpanelError

if TYPE_CHECKING:
    from knowledge.retrieval import Retriever

MAX_K = 50


def register(subparsers: Any) -> None:
    """Add the knowledge sub-commands to the `mockpanel` parser."""
    ingest = subparsers.add_parser(
        "ingest", help="(re)build the knowledge index; only new or changed snippets are embedded"
    )
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.set_defaults(func=run_ingest)

    knowledge = subparsers.add_parser("knowledge", help="search or show debrief snippets")
    sub = knowledge.add_subparsers(dest="knowledge_command", metavar="ACTION", required=True)

    search = sub.add_parser("search", help="snippets closest to a text")
    search.add_argument("text", help="query text")
    search.add_argument("--stage", help="objective | data_strategy | model_integration | ...")
    search.add_argument("--panelist", help="interviewer | hiring_manager | lead_engineer")
    search.add_argument("--polarity", help="positive | negative")
    search.add_argument("--tag", help="question tag")
    search.add_argument("-k", type=int, default=5, help=f"how many results (1..{MAX_K})")
    search.add_argument("--json", action="store_true", help="print a JSON list")
    search.set_defaults(func=run_search)

    show = sub.add_parser("show", help="one snippet by id")
    show.add_argument("id", help="snippet id")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=run_show)


def run_ingest(args: argparse.Namespace) -> int:
    """Bring the index in line with the snippet files."""
    from knowledge.index import ingest
    from knowledge.settings import Settings

    report = ingest(Settings())
    print(json.dumps(report.as_dict()) if args.json else report.summary())
    return 0


def _open_retriever() -> Retriever:
    """The retriever over the built index; one-line error when it is missing or stale."""
    from knowledge.retrieval import Retriever
    from knowledge.settings import Settings

    return Retriever.from_settings(Settings())


def run_search(args: argparse.Namespace) -> int:
    """Print the snippets closest to the query text."""
    if not args.text.strip():
        raise MockpanelError("query text is empty")
    if not 1 <= args.k <= MAX_K:
        raise MockpanelError(f"-k must be between 1 and {MAX_K}, got {args.k}")
    retriever = _open_retriever()
    hits = retriever.search(
        args.text,
        args.k,
        stage=args.stage,
        panelist=args.panelist,
        polarity=args.polarity,
        question_tag=args.tag,
    )
    print_hits(args.text, [(hit.snippet, hit.score) for hit in hits], as_json=args.json)
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one snippet."""
    snippet = _open_retriever().get(args.id)
    if snippet is None:
        raise MockpanelError(f"no snippet with id {args.id!r}")
    print_snippet(snippet, as_json=args.json)
    return 0
