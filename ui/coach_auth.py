"""The coach passcode: a minimum length, constant-time check, a rate limit on failed tries, and a
per-process unlock token for the session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from agents.errors import MockpanelError
from knowledge.settings import Settings

PASSCODE_ENV = "MOCKPANEL_COACH_PASSCODE"
MIN_PASSCODE_LENGTH = 12
# At most this many wrong passcodes per window, counted for the whole server: guessing from
# many browser sessions at once is slowed as much as guessing from one.
MAX_FAILURES = 5
FAILURE_WINDOW_S = 60.0
# Lives in an imported module (page scripts are re-executed on every run, this is not), so the
# key is stable for the life of the server process and unknown outside it.
_PROCESS_KEY = secrets.token_bytes(32)


class PasscodeTooShort(MockpanelError):
    """The configured coach passcode is too short to protect the coach page."""


def configured_passcode(settings: Settings | None = None) -> str | None:
    """The coach passcode from the settings (MOCKPANEL_COACH_PASSCODE), None when unset or blank."""
    value = (settings or Settings()).coach_passcode
    return value if value and value.strip() else None


def check_passcode_strength(passcode: str | None) -> None:
    """PasscodeTooShort when a passcode is set but shorter than MIN_PASSCODE_LENGTH."""
    if passcode is not None and len(passcode) < MIN_PASSCODE_LENGTH:
        raise PasscodeTooShort(
            f"{PASSCODE_ENV} is {len(passcode)} character(s); use at least "
            f"{MIN_PASSCODE_LENGTH} (e.g. four random words) or unset it to turn the coach page off"
        )


def passcode_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of the typed passcode with the configured one."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class FailureLimiter:
    """A sliding window of failed attempts; once full, tries wait until the oldest expires."""

    def __init__(self, limit: int = MAX_FAILURES, window_s: float = FAILURE_WINDOW_S) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._failures and now - self._failures[0] >= self.window_s:
            self._failures.popleft()

    def wait_seconds(self, now: float | None = None) -> float:
        """0 when a try is allowed now, else the seconds until the next one is."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._expire(now)
            if len(self._failures) < self.limit:
                return 0.0
            return self.window_s - (now - self._failures[0])

    def failed(self, now: float | None = None) -> None:
        """Record a wrong passcode."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._expire(now)
            self._failures.append(now)


LIMITER = FailureLimiter()


def unlock_token(passcode: str) -> str:
    """What a browser session keeps once unlocked: an HMAC of the passcode, never the passcode.
    A changed passcode (after a restart) or a restarted server invalidates it."""
    return hmac.new(_PROCESS_KEY, passcode.encode("utf-8"), hashlib.sha256).hexdigest()


def token_valid(token: object, passcode: str) -> bool:
    """True when a session's stored token was issued for this passcode by this process."""
    return isinstance(token, str) and hmac.compare_digest(token, unlock_token(passcode))
