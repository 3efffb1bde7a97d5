"""Entry point of `streamlit run ui/app.py`: the candidate page and the coach page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Configure the app and run the page the URL asks for."""
    st.set_page_config(page_title="mockpanel", page_icon="🎙️", layout="wide")
    pages = [
        st.Page(
            HERE / "candidate_page.py",
            title="Interview",
            icon=":material/record_voice_over:",
            url_path="interview",
            default=True,
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
