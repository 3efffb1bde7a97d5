"""Real servers for the integration suite: one PostgreSQL cluster and one Chroma server per run,
a fresh database per test; every test here is marked `integration`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agents.session_view import SessionView
from tests.integration.servers import (
    PostgresServer,
    chroma_server,
    missing_servers,
    postgres_server,
)

ROOT = Path(__file__).resolve().parents[2]
REQUIRE_ENV = "MOCKPANEL_REQUIRE_SERVERS"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@dataclass
class Servers:
    """The run's PostgreSQL cluster and Chroma server URL."""

    postgres: PostgresServer
    chroma_url: str


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    """Both servers, started once; skipped where they are not installed (failed in CI)."""
    reason = missing_servers()
    if reason:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but {reason}")
        pytest.skip(reason)
    with postgres_server() as pg, chroma_server() as chroma_url:
        yield Servers(pg, chroma_url)


@pytest.fixture
def database_url(servers: Servers) -> str:
    """A fresh, empty database on the shared cluster (nothing migrated yet)."""
    return servers.postgres.create_database(f"t_{uuid.uuid4().hex[:12]}")


@dataclass
class Machine:
    """One app server: its own data dir, the shared database and Chroma server."""

    home: Path
    database_url: str
    chroma_url: str | None = None

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKPANEL_")}
        env.update(MOCKPANEL_HOME=str(self.home), MOCKPANEL_DATABASE_URL=self.database_url,
                   PYTHONPATH=str(ROOT), MOCKPANEL_DB_CONNECT_TIMEOUT="3")
        if self.chroma_url:
            env["MOCKPANEL_CHROMA_URL"] = self.chroma_url
        env.update(extra)
        return env

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """Start `tests.integration.machine ARGS` on this machine."""
        return subprocess.Popen(
            [sys.executable, "-m", "tests.integration.machine", *args], cwd=ROOT,
            env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def run(self, *args: str, timeout: float = 180) -> Outcome:
        """Run `tests.integration.machine ARGS` to the end."""
        return finish(self.popen(*args), timeout)

    def settings(self) -> object:
        from knowledge.settings import Settings

        return Settings(home=self.home, database_url=self.database_url,
                        chroma_url=self.chroma_url)


@dataclass
class Outcome:
    """How one machine process ended."""

    code: int
    out: str
    err: str

    @property
    def view(self) -> SessionView:
        assert self.code == 0, self.err
        return SessionView.model_validate_json(self.out)


def finish(proc: subprocess.Popen[str], timeout: float = 180) -> Outcome:
    """Wait for a machine process (killed if it overruns) and collect its output."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return Outcome(proc.returncode, out, err)


def one_line(text: str) -> bool:
    """True for exactly one non-empty line with no traceback in it."""
    return bool(re.fullmatch(r"[^\n]+\n?", text)) and "Traceback" not in text


@pytest.fixture
def machines(tmp_path: Path, database_url: str, servers: Servers) -> tuple[Machine, Machine]:
    """Machines A and B: two data dirs, one database, one Chroma server."""
    return (Machine(tmp_path / "a", database_url, servers.chroma_url),
            Machine(tmp_path / "b", database_url, servers.chroma_url))
