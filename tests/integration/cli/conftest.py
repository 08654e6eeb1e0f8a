"""Run `dps` in-process with click's CliRunner against a fresh SQLite database under tmp_path."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from click.testing import CliRunner, Result

from dps.adapters.logs.channels import reset_logging
from dps.bootstrap.cli_main import cli, context_object
from dps.bootstrap.container import Container, build_container
from tests.integration.conftest import make_settings

Dps = Callable[..., Result]


@pytest.fixture(autouse=True)
def _clean_env_and_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("DPS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("USER", "tester")
    structlog.contextvars.clear_contextvars()
    yield
    structlog.contextvars.clear_contextvars()
    reset_logging()


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DPS_DATA_DIR": str(tmp_path),
        "DPS_PASSWORD_HASH_MEMORY_KIB": "1024",
        "DPS_SECRET_KEY": "test",
    }


@pytest.fixture
def dps(cli_env: dict[str, str]) -> Dps:
    """`dps(*args, input=None, env=None)`: one run of the command, as the console script runs it."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, env={**cli_env, **(env or {})},
                             obj=context_object(), catch_exceptions=True)

    return run


@pytest.fixture
def migrated(dps: Dps) -> Dps:
    result = dps("db", "upgrade")
    assert result.exit_code == 0, result.output
    return dps


@pytest.fixture
def acme(migrated: Dps) -> Dps:
    """A migrated database with tenant 'acme' (2 light licences)."""
    result = migrated("tenant", "create", "acme", "--name", "ACME株式会社", "--light-licenses", "2")
    assert result.exit_code == 0, result.output
    return migrated


def log_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def cli_db(tmp_path: Path) -> Iterator[Container]:
    """A container on the database the CLI runs wrote to, to inspect what they did."""
    container = build_container(make_settings(tmp_path, f"sqlite:///{tmp_path / 'dps.sqlite3'}"))
    yield container
    container.engine().dispose()
