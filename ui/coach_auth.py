"""The coach passcode: constant-time check, and a per-process unlock token for the session."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

PASSCODE_ENV = "MOCKPANEL_COACH_PASSCODE"
# Lives in an imported module (page scripts are re-executed on every run, this is not), so the
# key is stable for the life of the server process and unknown outside it.
_PROCESS_KEY = secrets.token_bytes(32)


def configured_passcode() -> str | None:
    """The passcode from MOCKPANEL_COACH_PASSCODE, or None when unset or blank."""
    value = os.environ.get(PASSCODE_ENV, "")
    return value if value.strip() else None


def passcode_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of the typed passcode with the configured one."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def unlock_token(passcode: str) -> str:
    """What a browser session keeps once unlocked: an HMAC of the passcode, never the passcode.
    A changed passcode (after a restart) or a restarted server invalidates it."""
    return hmac.new(_PROCESS_KEY, passcode.encode("utf-8"), hashlib.sha256).hexdigest()


def token_valid(token: object, passcode: str) -> bool:
    """True when a session's stored token was issued for this passcode by this process."""
    return isinstance(token, str) and hmac.compare_digest(token, unlock_token(passcode))
