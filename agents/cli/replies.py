"""Candidate replies in the terminal: typed on stdin, or scripted in a YAML file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from agents.errors import MockpanelError

if TYPE_CHECKING:
    from rich.console import Console

    from agents.state import Probe

END_OF_REPLY = "."
FINISH_COMMAND = "/done"
SCRIPT_OPENING_KEYS = ("answer", "opening")
SCRIPT_DEFAULT_KEY = "default"


@dataclass
class Script:
    """Scripted replies for `interview --script`: in order, or chosen by the probed stage."""

    opening: str | None = None
    replies: list[str] | None = None
    by_stage: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    _used: set[str] = field(default_factory=set)

    def reply_to(self, probes: list[Probe]) -> str | None:
        """The reply to this round's probes; None when the script has nothing left to say."""
        if self.replies is not None:
            return self.replies.pop(0) if self.replies else None
        parts: list[str] = []
        for p in probes:
            if p.stage in self.by_stage and p.stage not in self._used:
                self._used.add(p.stage)
                parts.append(self.by_stage[p.stage])
        if parts:
            return "\n\n".join(parts)
        if self.default is not None and SCRIPT_DEFAULT_KEY not in self._used:
            self._used.add(SCRIPT_DEFAULT_KEY)
            return self.default
        return None


def load_script(path: Path) -> Script:
    """Read and check a script file; MockpanelError with one line on any problem."""

    from agents.answer_input import MAX_BYTES, AnswerError, clean_answer
    from knowledge.models import STAGE_IDS
    from knowledge.yaml_file import read_yaml

    data = read_yaml(path, MockpanelError, name=f"script {path}", max_bytes=MAX_BYTES)

    def reply(value: object, where: str) -> str:
        if not isinstance(value, str):
            raise MockpanelError(f"script {path}: {where} must be text")
        try:
            return clean_answer(value)
        except AnswerError as exc:
            raise MockpanelError(f"script {path}: {where}: {exc}") from None

    if isinstance(data, list):
        if not data:
            raise MockpanelError(f"script {path}: the list of replies is empty")
        return Script(replies=[reply(v, f"reply {i + 1}") for i, v in enumerate(data)])
    if isinstance(data, dict):
        allowed = (*STAGE_IDS, SCRIPT_DEFAULT_KEY, *SCRIPT_OPENING_KEYS)
        unknown = [str(k) for k in data if k not in allowed]
        if unknown:
            raise MockpanelError(
                f"script {path}: unknown key {unknown[0]!r}; use {', '.join(allowed)}"
            )
        opening_key = next((k for k in SCRIPT_OPENING_KEYS if k in data), None)
        return Script(
            opening=reply(data[opening_key], opening_key) if opening_key else None,
            by_stage={str(k): reply(v, str(k)) for k, v in data.items() if k in STAGE_IDS},
            default=(
                reply(data[SCRIPT_DEFAULT_KEY], SCRIPT_DEFAULT_KEY)
                if SCRIPT_DEFAULT_KEY in data
                else None
            ),
        )
    raise MockpanelError(f"script {path}: expected a list of replies or a mapping stage -> reply")


def read_reply(console: Console, stream: BinaryIO, label: str) -> str | None:
    """One reply from stdin, ended by a line holding only '.', or EOF; None = finish.

    At most MAX_BYTES are read per reply; bytes that are not UTF-8 end the command.
    """
    from rich.text import Text

    from agents.answer_input import AnswerError, clean_answer, decode_text

    source = f"{label.lower()} on stdin"
    while True:
        if stream.isatty():
            console.print(
                f"[bold]{label}[/] [dim](end with a line holding only '{END_OF_REPLY}'; "
                f"{FINISH_COMMAND} goes to the debrief)[/]"
            )
        raw = _read_until_end_marker(stream, source)
        if raw is None:
            return None
        text = decode_text(raw, source)
        try:
            return clean_answer(text)
        except AnswerError as exc:
            if not stream.isatty():
                raise
            console.print(Text(f"{exc}; please try again.", style="red"))


def _read_until_end_marker(stream: BinaryIO, source: str) -> bytes | None:
    """The reply's bytes up to the '.' line or EOF; None for /done or nothing at all."""
    from agents.answer_input import MAX_BYTES, too_large

    end, finish = END_OF_REPLY.encode(), FINISH_COMMAND.encode()
    lines: list[bytes] = []
    size = 0
    while True:
        line = stream.readline(MAX_BYTES + 1 - size)
        if not line:
            return b"".join(lines) if lines else None
        stripped = line.strip()
        if stripped == end:
            return b"".join(lines)
        if stripped == finish and not lines:
            return None
        lines.append(line)
        size += len(line)
        if size > MAX_BYTES:
            raise too_large(source)
