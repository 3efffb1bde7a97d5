"""`python -m ui.serve [streamlit flags]`: `streamlit run ui/app.py`, with the model and the index
loading the moment the server starts rather than on the first visit.

The pages import the same `ui.services` module, so the Services built (and warmed) here are the
ones the first page run finds.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
log = logging.getLogger("mockpanel.ui")


def _warm() -> None:
    from ui.services import get_services

    try:
        get_services()  # opens the index here and starts loading the model in its own thread
    except Exception as exc:  # the pages report it in one line
        log.warning("mockpanel UI could not prepare its services: %s", exc)


def main(argv: list[str] | None = None) -> None:
    """Start the warm-up, then hand over to `streamlit run` with these flags."""
    from streamlit.web import cli

    threading.Thread(target=_warm, name="mockpanel-start-up").start()
    cli.main(args=["run", str(APP), *(sys.argv[1:] if argv is None else argv)],
             prog_name="streamlit")


if __name__ == "__main__":
    main()
