"""Page CSS for narrow screens and readability (no scripts, no candidate text)."""

from __future__ import annotations

import streamlit as st

# Tabs wrap onto a second line instead of scrolling sideways; captions (turn badges) stay at a
# readable 14 px with enough contrast (WCAG AA: Streamlit's faded grey is below 4.5:1); on a
# phone the page uses its full width; a long unbroken line in a code box (the private link)
# breaks anywhere rather than pushing the page sideways.
CSS = """
<style>
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; overflow-x: visible; row-gap: 0.25rem; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 0.875rem; }
[data-testid="stCaptionContainer"] { color: inherit; opacity: 0.82; }
[data-testid="stChatInputTextArea"]::placeholder { text-overflow: ellipsis; }
[data-testid="stCode"] code { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; }
  [data-testid="stVegaLiteChart"] { overflow-x: hidden; }
}
</style>
"""


def apply_style() -> None:
    """Add the app's CSS to the page (once per run; Streamlit keeps it out of the layout)."""
    st.html(CSS)
