"""Data files are read bounded and UTF-8 only; every failure is one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.errors import MockpanelError
from knowledge.yaml_file import read_yaml


class DataError(MockpanelError):
    """The error a caller asks for."""


def test_reads_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("stages: [objective]\n", encoding="utf-8")
    assert read_yaml(path, DataError) == {"stages": ["objective"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a: [1\n", "malformed YAML at line 2"),
        (b"name: caf\xe9\n", "not UTF-8 text (byte 9)"),
        (b"x" * 101, "larger than 100 bytes"),
    ],
)
def test_bad_files_are_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_yaml(path, DataError, max_bytes=100)
    assert str(info.value) == f"{path}: {message}"


def test_devices_and_folders(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        read_yaml(tmp_path, DataError)
    if Path("/dev/zero").exists():
        with pytest.raises(DataError, match="larger than 1,000 bytes"):
            read_yaml(Path("/dev/zero"), DataError, name="the corpus", max_bytes=1000)
