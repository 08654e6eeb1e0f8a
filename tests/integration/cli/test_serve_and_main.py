"""`dps serve` up to the point where uvicorn takes over, and the group's own behaviour."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dps.application.demo.seed import DEMO_PASSWORD
from dps.bootstrap import runtime
from dps.bootstrap.cli_main import ContainerServices, cli
from dps.entrypoints.cli.main import cli as bare_cli
from dps.entrypoints.cli.serve import UVICORN_LOGGING
from tests.integration.cli.conftest import Dps

ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - never bound: uvicorn is faked here


class FakeUvicorn:
    def __init__(self, exit_code: int | None = None) -> None:
        self.calls: list[tuple[Any, dict[str, Any]]] = []
        self.exit_code = exit_code
        # handlers a real server of another test in this process left on the logger do not count
        self.handlers_before = len(logging.getLogger("uvicorn").handlers)
        self.console_handlers = 0

    def run(self, app: Any, **kwargs: Any) -> None:
        self.calls.append((app, kwargs))
        self.console_handlers = len(logging.getLogger("uvicorn").handlers) - self.handlers_before
        if self.exit_code is not None:
            raise SystemExit(self.exit_code)


@pytest.fixture
def uvicorn(monkeypatch: pytest.MonkeyPatch) -> FakeUvicorn:
    fake = FakeUvicorn()
    monkeypatch.setattr("uvicorn.run", fake.run)
    return fake


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> object:
    app = object()
    monkeypatch.setattr(runtime, "create_asgi_app", lambda container: app)
    return app


def test_serve_help_works(dps: Dps, tmp_path: Path) -> None:
    result = dps("serve", "--help")
    assert result.exit_code == 0, result.output
    for option in ("--host", "--port", "--demo / --no-demo", "--workers"):
        assert option in result.stdout
    assert not (tmp_path / "dps.sqlite3").exists()  # help boots nothing


def test_serve_migrates_seeds_the_demo_on_sqlite_and_prints_the_login(
    dps: Dps, uvicorn: FakeUvicorn, fake_app: object
) -> None:
    result = dps("serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "DPS is running at http://127.0.0.1:8123" in result.stdout
    assert "ログインID admin" in result.stdout
    assert DEMO_PASSWORD in result.stdout
    assert "never use it in production" in result.stdout
    assert "loaded the demo tenant" in result.stderr
    [(app, kwargs)] = uvicorn.calls
    assert app is fake_app
    assert kwargs == {"host": "127.0.0.1", "port": 8123, **UVICORN_LOGGING}
    assert kwargs["log_config"] is None  # uvicorn's dictConfig would close the per-tenant log files
    assert "DPS stopped" in result.stdout
    assert uvicorn.console_handlers == 1  # the server's warnings show on the terminal while it runs
    assert logging.getLogger("uvicorn").handlers == []  # and nothing is left behind

    listed = dps("user", "list", "--tenant", "demo")
    assert listed.exit_code == 0, listed.output

    again = dps("serve")  # the demo exists: the login is printed all the same, nothing reseeded
    assert again.exit_code == 0, again.output
    assert "ログインID admin" in again.stdout
    assert "loaded the demo tenant" not in again.stderr


def test_serve_without_demo_creates_no_tenant(dps: Dps, uvicorn: FakeUvicorn, fake_app: object) -> None:
    result = dps("serve", "--no-demo", "--host", ALL_INTERFACES)
    assert result.exit_code == 0, result.output
    assert "demo-pass" not in result.stdout
    assert "listening on all interfaces" in result.stdout
    assert uvicorn.calls[0][1]["host"] == ALL_INTERFACES
    assert dps("tenant", "list").stdout.count("\n") == 2  # header and rule only


def test_serve_with_workers_uses_the_importable_factory(dps: Dps, uvicorn: FakeUvicorn, fake_app: object) -> None:
    result = dps("serve", "--workers", "3", env={"DPS_PORT": "9000"})
    assert result.exit_code == 0, result.output
    [(app, kwargs)] = uvicorn.calls
    assert app == runtime.ASGI_FACTORY == "dps.bootstrap.runtime:asgi_app"
    assert kwargs == {"factory": True, "host": "127.0.0.1", "port": 9000, "workers": 3, **UVICORN_LOGGING}
    assert "PostgreSQL" in result.stderr  # several processes on SQLite: a word of warning


def test_serve_reports_a_server_that_cannot_start(
    dps: Dps, monkeypatch: pytest.MonkeyPatch, fake_app: object
) -> None:
    monkeypatch.setattr("uvicorn.run", FakeUvicorn(exit_code=3).run)
    result = dps("serve", "--no-demo")
    assert result.exit_code == 1, result.output
    assert "could not start" in result.stderr


def test_serve_hands_uvicorn_the_real_web_app(dps: Dps, uvicorn: FakeUvicorn) -> None:
    pytest.importorskip(runtime.HTTP_APP_MODULE)
    from litestar import Litestar
    from litestar.testing import TestClient

    result = dps("serve", "--no-demo")
    assert result.exit_code == 0, result.output
    [(app, _)] = uvicorn.calls
    assert isinstance(app, Litestar)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200


def test_unexpected_failures_print_one_line_unless_debugging(
    migrated: Dps, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: ContainerServices) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ContainerServices, "list_tenants", boom)
    quiet = migrated("tenant", "list")
    assert quiet.exit_code == 1
    assert "RuntimeError: disk on fire" in quiet.stderr
    assert "Traceback" not in quiet.output
    loud = migrated("tenant", "list", env={"DPS_DEBUG": "1"})
    assert loud.exit_code == 1
    assert "Traceback" in loud.stderr


def test_the_group_without_its_wiring_says_how_to_install_it(cli_env: dict[str, str]) -> None:
    assert bare_cli is cli
    result = CliRunner().invoke(bare_cli, ["tenant", "list"], env=cli_env)
    assert result.exit_code == 1
    assert "dps.bootstrap.cli_main:main" in result.stderr
