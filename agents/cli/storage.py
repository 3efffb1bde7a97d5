"""`mockpanel db migrate` and `mockpanel gold export`: the shared store's schema and gold set."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `db` and `gold` sub-commands."""
    db = subparsers.add_parser("db", help="the shared database (SQLite or PostgreSQL)")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = db_sub.add_parser(
        "migrate", help="apply pending schema migrations (once, under a lock; safe to repeat)"
    )
    migrate.add_argument("--json", action="store_true", help="print the result as JSON")
    migrate.set_defaults(func=run_migrate)

    gold = subparsers.add_parser("gold", help="the gold set filed by coaches")
    gold_sub = gold.add_subparsers(dest="gold_command", metavar="ACTION", required=True)
    export = gold_sub.add_parser("export", help="write every gold-set entry as an eval-case file")
    export.add_argument(
        "--dir", metavar="DIR", help="target folder (default: MOCKPANEL_GOLD_DIR or <home>/gold)"
    )
    export.add_argument("--json", action="store_true", help="print the written paths as JSON")
    export.set_defaults(func=run_gold_export)


def run_migrate(args: argparse.Namespace) -> int:
    """Bring the configured database's schema up to date."""
    from agents.storage.database import open_database
    from agents.storage.migrations import LATEST, applied_versions, migrate
    from knowledge.settings import Settings

    db = open_database(Settings())  # migrates on first open in this process
    applied = migrate(db)  # and again here, so the command reports what it finds
    versions = applied_versions(db)
    result = {"database": db.where, "backend": db.backend, "version": max(versions, default=0),
              "latest": LATEST, "applied_now": applied}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{db.backend} database {db.where}: schema at version {result['version']} "
              f"of {LATEST}")
    return 0


def run_gold_export(args: argparse.Namespace) -> int:
    """Write the store's gold-set entries as eval-case files (readable by the eval loader)."""
    from agents.store import SessionStore
    from knowledge.settings import Settings
    from ui.gold_set import export_gold_set, gold_dir

    settings = Settings()
    target = Path(args.dir).expanduser() if args.dir else gold_dir(settings)
    paths = export_gold_set(SessionStore.from_settings(settings), target)
    if args.json:
        print(json.dumps([str(p) for p in paths]))
    else:
        print(f"wrote {len(paths)} gold case(s) to {target}")
    return 0
