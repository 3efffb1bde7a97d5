"""A page whose services cannot open says so in one escaped line and draws nothing else."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from ui.components.errors import page_services

    if page_services("The panel cannot start") is None:
        return
    st.write("drawn")


def test_services_that_cannot_open_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("database *locked*\nat line 2")

    monkeypatch.setattr("ui.components.errors.get_services", broken)
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The panel cannot start: database \\*locked\\*"]
    assert not at.markdown
