"""Errors a brain raises when it cannot be used at all."""

from __future__ import annotations

from agents.errors import MockpanelError


class BrainUnavailable(MockpanelError):
    """The brain cannot run here (no API key, package missing, …); the message is one line."""
