"""A live DPS server on a free loopback port and a real headless Chromium to drive it."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from attrs import define

from dps.application.auth.principals import system_principal
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.entrypoints.http.app import create_app
from tests.integration.conftest import _migrated, make_container
from tests.integration.ui.screens import MOBILE, PC, People, Sales, login, make_people, seed_sales

CHROMIUM = os.environ.get("DPS_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(container), host="127.0.0.1", port=self.port, log_level="warning",
                                log_config=None)  # no dictConfig: it would rewire the process's loggers
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(tmp_path: Path, sqlite_engine: sa.Engine) -> Iterator[LiveServer]:
    container = make_container(tmp_path, sqlite_engine)
    tenant = container.create_tenant()(CreateTenantCommand(code="acme", name="ACME株式会社"))
    server = LiveServer(container)
    server.tenant = tenant  # type: ignore[attr-defined]
    server.admin = system_principal(tenant.id, actor="ui-test")  # type: ignore[attr-defined]
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright (no browser download: the executable is given)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"Chromium is required for the UI tests in CI and is missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- one live server per test module, with a small realistic world (browser scenarios) -----------------


@define
class UiWorld:
    """The live server of a test module, its directory (`people`) and its sales records (`sales`)."""

    server: LiveServer
    people: People
    sales: Sales

    @property
    def url(self) -> str:
        return self.server.url

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.server.url, timeout=30)


@pytest.fixture(scope="module")
def ui_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiWorld]:
    """A live server on its own SQLite file (so other modules' wiping does not touch it), seeded once:
    users alice, bob (alice's manager), carol (another organisation), lena (light) and the records of
    `screens.seed_sales`. Tests of the module share it; each makes what it changes."""
    directory = tmp_path_factory.mktemp("ui-world")
    engine = _migrated(f"sqlite:///{directory / 'dps.sqlite3'}")
    container = make_container(directory, engine)
    people = make_people(container)
    server = LiveServer(container)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as api:
            sales = seed_sales(api, people)
        yield UiWorld(server=server, people=people, sales=sales)
    finally:
        server.stop()
        container.engine.reset_override()
        engine.dispose()


@pytest.fixture
def open_page(chromium: Any, ui_world: UiWorld) -> Iterator[Callable[..., Any]]:
    """open_page(user, mobile=False, path="/"): a fresh browser context (PC 1280x800 or mobile 375x812,
    scale 1, ja-JP), logged in as `user` through the /login form (None: not logged in), at `path`."""
    contexts: list[Any] = []

    def open_(user: str | None, *, mobile: bool = False, path: str = "/") -> Any:
        context = chromium.new_context(  # type: ignore[attr-defined]
            viewport=MOBILE if mobile else PC, device_scale_factor=1, locale="ja-JP", is_mobile=mobile,
            has_touch=mobile, timezone_id="Asia/Tokyo")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            login(page, ui_world.url, user, next_path=path)
        else:
            page.goto(f"{ui_world.url}{path}")
        return page

    yield open_
    for context in contexts:
        context.close()
