"""Entry point of `streamlit run ui/app.py`: the candidate's pages and the coach page."""

from __future__ import annotations

import contextlib
from pathlib import Path

import streamlit as st

from ui.coach_auth import check_passcode_strength, configured_passcode
from ui.components.errors import one_line
from ui.services import get_services

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Configure the app, start loading the model and index, and run the page the URL asks for."""
    st.set_page_config(page_title="mockpanel", page_icon=":material/groups:", layout="wide")
    try:
        check_passcode_strength(configured_passcode())
    except Exception as exc:
        st.error(f"mockpanel cannot start: {one_line(exc)}", icon=":material/lock:")
        st.stop()
    # Starts loading the model and index on the first visit; a failure is each page's to report.
    with contextlib.suppress(Exception):
        get_services()
    pages = [
        st.Page(
            HERE / "candidate_page.py",
            title="Interview",
            icon=":material/record_voice_over:",
            url_path="interview",
            default=True,
        ),
        st.Page(
            HERE / "history_page.py",
            title="My interviews",
            icon=":material/history:",
            url_path="history",
        ),
        st.Page(
            HERE / "coach_page.py",
            title="Coach review",
            icon=":material/rate_review:",
            url_path="coach",
        ),
    ]
    st.navigation(pages, position="top").run()


main()
