"""A reusable fake Anthropic Messages API for tests and benchmarks (no network)."""

from tests.fake_anthropic.core import (
    FakeAnthropic,
    Recorded,
    Scripted,
    count_tokens,
    reply_broken_stream,
    reply_error,
    reply_hang,
    reply_json,
    reply_text,
)
from tests.fake_anthropic.mock import mock_client
from tests.fake_anthropic.responders import PanelResponder
from tests.fake_anthropic.server import FakeAnthropicServer

__all__ = [
    "FakeAnthropic",
    "FakeAnthropicServer",
    "PanelResponder",
    "Recorded",
    "Scripted",
    "count_tokens",
    "mock_client",
    "reply_broken_stream",
    "reply_error",
    "reply_hang",
    "reply_json",
    "reply_text",
]
