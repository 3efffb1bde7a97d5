"""The one base of every error mockpanel expects: its message is one line a user can act on."""

from __future__ import annotations


class MockpanelError(Exception):
    """An expected failure (bad input, missing index, storage down, …) with a one-line message."""

    def __str__(self) -> str:
        text = super().__str__()
        return " ".join(text.split()) or type(self).__name__


class ConfigError(MockpanelError):
    """A setting (a MOCKPANEL_* variable, a config file value) is invalid."""
