"""Reading a YAML data file: bounded, UTF-8 only, one-line errors naming the file and line."""

from __future__ import annotations

from pathlib import Path

import yaml

from agents.errors import MockpanelError

MAX_FILE_BYTES = 10_000_000
"""Most bytes read from one data file (the largest shipped file is a few hundred kB)."""

# The C loader is ~10x faster when libyaml is present; both are safe loaders.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(
    path: Path,
    error: type[MockpanelError],
    *,
    name: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> object:
    """The parsed file; `error` with one line naming it (`name`, else the path) if unusable."""
    label = name or str(path)
    try:
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{label}: cannot read ({exc.strerror or exc})") from exc
    if len(raw) > max_bytes:
        raise error(f"{label}: larger than {max_bytes:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{label}: not UTF-8 text (byte {exc.start})") from exc
    try:
        return yaml.load(text, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"{label}: malformed YAML{line}") from exc
