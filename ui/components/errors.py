"""Failures shown to the user as one line; the full traceback goes to the server log only."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st
from pydantic import ValidationError

from agents.errors import MockpanelError
from ui.components.safe_text import escape_inline
from ui.services import Services, get_services

log = logging.getLogger("mockpanel.ui")


def one_line(exc: BaseException) -> str:
    """The first line of an error's message (its type name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def user_facing_errors(status: Any = None) -> Iterator[None]:
    """Show any failure inside as one escaped line (and mark the st.status as failed)."""
    try:
        yield
    except Exception as exc:  # the UI boundary: nothing reaches the user as a traceback
        # Ours carry a message written for the user; pydantic's describe a form value it refused.
        expected = isinstance(exc, MockpanelError | ValidationError)
        if not expected:
            log.exception("unexpected error in the mockpanel UI")
        if status is not None:
            status.update(label="Something went wrong", state="error", expanded=True)
        prefix = "" if expected else f"Unexpected error ({type(exc).__name__}): "
        st.error(prefix + escape_inline(one_line(exc)), icon=":material/error:")


def page_services(failure: str) -> Services | None:
    """The shared services, or None after one line saying `failure` and why (a misconfigured
    data dir or database)."""
    try:
        return get_services()
    except Exception as exc:  # the page has nothing to show without them; say why in one line
        st.error(f"{failure}: {escape_inline(one_line(exc))}")
        return None
