"""The candidate's key in this browser: no account, a random secret kept in a cookie.

The key is made when the candidate starts their first interview and written to a cookie
(SameSite=Strict, one year), so "My interviews" and the right to reply survive a reload and
a new tab. Opening the private link `?me=<key>` adopts the key in another browser; the
parameter is then removed from the address bar so it is not shared by accident.
"""

from __future__ import annotations

import json
import re

import streamlit as st

from ui.ownership import new_candidate_key

KEY_COOKIE = "mockpanel_key"
COACH_COOKIE = "mockpanel_coach"
COACH_NAME_STATE = "coach_name"
KEY_PARAM = "me"
COOKIE_MAX_AGE_S = 365 * 24 * 3600
_STATE = "candidate_key"
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _valid(value: object) -> str | None:
    return value if isinstance(value, str) and _KEY_SHAPE.match(value) else None


def _cookie() -> str | None:
    try:
        return _valid(st.context.cookies.get(KEY_COOKIE))
    except Exception:  # no request context (tests, bare mode): no cookie
        return None


def current_key() -> str | None:
    """This browser's candidate key: adopted from `?me=`, else this session's, else the cookie."""
    from_link = _valid(st.query_params.get(KEY_PARAM))
    if from_link is not None:
        st.session_state[_STATE] = from_link
        del st.query_params[KEY_PARAM]
        remember(from_link)
        return from_link
    known = _valid(st.session_state.get(_STATE))
    if known is not None:
        return known
    found = _cookie()
    if found is not None:
        st.session_state[_STATE] = found
    return found


def ensure_key() -> str:
    """The current key, or a new one written to this browser's cookie."""
    key = current_key()
    if key is None:
        key = new_candidate_key()
        st.session_state[_STATE] = key
        remember(key)
    return key


def remember(key: str) -> None:
    """Write the key to the browser's cookie."""
    _set_cookie(KEY_COOKIE, key)


def _set_cookie(name: str, value: str) -> None:
    """Set a cookie with JavaScript (Streamlit sets none); the value is JSON-quoted and
    URI-encoded, so it cannot break out of the script."""
    cookie = json.dumps(f"{name}=") + f" + encodeURIComponent({json.dumps(value)}) + " + json.dumps(
        f"; path=/; max-age={COOKIE_MAX_AGE_S}; SameSite=Strict"
    )
    st.html(f"<script>document.cookie = {cookie};</script>", unsafe_allow_javascript=True)


def remember_coach_name(name: str) -> None:
    """Keep the coach's name for this browser's next sessions (this one keeps its field)."""
    _set_cookie(COACH_COOKIE, name)


def restore_coach_name() -> None:
    """Pre-fill the coach's name from this session or the cookie (when the field is empty)."""
    if st.session_state.get(COACH_NAME_STATE):
        return
    try:
        stored = st.context.cookies.get(COACH_COOKIE)
    except Exception:  # no request context: nothing stored
        stored = None
    if stored:
        from urllib.parse import unquote

        st.session_state[COACH_NAME_STATE] = " ".join(unquote(stored).split())[:80]


def private_link_query(key: str) -> str:
    """The query string of the private link that opens this key's interviews elsewhere."""
    return f"{KEY_PARAM}={key}"
