"""Health, readiness, OpenAPI, request ids, security headers and failure pages."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from dependency_injector import providers
from litestar.testing import TestClient

from dps.application.directory.companies import ListCompanies
from dps.application.directory.organizations import ListOrganizations
from dps.bootstrap.container import Container
from dps.domain.shared.ids import TenantId
from dps.entrypoints.http.app import create_app
from dps.entrypoints.http.sessions import SessionCookies
from tests.integration.http.conftest import PASSWORD, World, log_in

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/x"


@pytest.fixture
def down_client(app_container: Container) -> Any:
    """The app over a database that refuses connections."""
    engine = sa.create_engine(UNREACHABLE, connect_args={"connect_timeout": 2})
    app_container.engine.override(providers.Object(engine))
    with TestClient(create_app(app_container)) as c:
        yield c
    engine.dispose()


def test_healthz_is_always_ok(client: TestClient[Any]) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_on_a_migrated_database(client: TestClient[Any], world: World) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_readyz_and_healthz_when_the_database_is_down(down_client: TestClient[Any]) -> None:
    ready = down_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert "unreachable" in ready.json()["reason"]
    assert down_client.get("/healthz").status_code == 200


def test_database_down_is_503_without_traceback_and_logged(
    down_client: TestClient[Any], app_container: Container, tmp_path: Path
) -> None:
    api = down_client.get("/api/v1/me", headers={"Authorization": f"Bearer dps.{'a' * 32}.{'b' * 32}.secret"})
    assert api.status_code == 503
    assert api.json() == {
        "status": 503, "detail": "しばらくしてから再度お試しください / service temporarily unavailable",
    }

    cookies = SessionCookies(secret_key=app_container.settings().secret_key, secure=False)
    cookie = cookies.value(TenantId(uuid.UUID(int=1)), "some-secret")
    down_client.cookies.set("dps_session", cookie)
    page = down_client.get("/", follow_redirects=False)
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "しばらくしてから再度お試しください" in page.text
    for body in (api.text, page.text):
        assert "Traceback" not in body
        assert "OperationalError" not in body
        assert "127.0.0.1" not in body
    system = (tmp_path / "logs" / "_system" / "system.log").read_text(encoding="utf-8")
    assert '"event": "database.unavailable"' in system
    assert "Traceback" in system


def test_unexpected_error_is_a_generic_500_with_the_traceback_in_the_system_log(
    client: TestClient[Any], world: World
) -> None:
    class Broken(ListCompanies):
        def __init__(self) -> None:
            pass

        def __call__(self, principal: Any) -> Any:
            raise RuntimeError("internal secret detail")

    world.container.list_companies.override(providers.Object(Broken()))
    try:
        response = client.get("/api/v1/companies", headers={"Authorization": f"Bearer {world.bearer('alice')}"})
    finally:
        world.container.list_companies.reset_override()

    assert response.status_code == 500
    assert "internal secret detail" not in response.text
    assert "Traceback" not in response.text
    [failure] = [line for line in world.lines("system") if line["event"] == "request.failed"]
    assert "RuntimeError: internal secret detail" in failure["exception"]
    assert failure["user"] == "alice"


def test_unexpected_error_on_a_page_is_a_generic_500_page(client: TestClient[Any], world: World) -> None:
    class Broken(ListOrganizations):
        def __init__(self) -> None:
            pass

        def __call__(self, principal: Any, as_of: Any = None) -> Any:
            raise ValueError("do not show this")

    log_in(client, "alice", PASSWORD)
    world.container.list_organizations.override(providers.Object(Broken()))
    try:
        response = client.get("/")
    finally:
        world.container.list_organizations.reset_override()

    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "システムエラーが発生しました" in response.text
    assert response.headers["x-request-id"] in response.text
    assert "do not show this" not in response.text
    assert "Traceback" not in response.text


def test_request_id_is_echoed_and_logged(client: TestClient[Any], world: World) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc-12345-XYZ"})
    assert response.headers["x-request-id"] == "abc-12345-XYZ"
    [line] = [line for line in world.lines("request", tenant="_system") if line["request_id"] == "abc-12345-XYZ"]
    assert line["path"] == "/healthz"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)

    bad = client.get("/healthz", headers={"X-Request-ID": "no spaces allowed <script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["x-request-id"])


def test_security_headers_on_every_response(client: TestClient[Any], world: World) -> None:
    for path in ("/login", "/api/v1/me", "/healthz", "/does-not-exist", "/static/dps.css"):
        response = client.get(path, follow_redirects=False)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["referrer-policy"] == "same-origin", path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        assert response.headers["x-request-id"], path


def test_unknown_page_is_a_404_page_and_unknown_api_path_is_404_json(client: TestClient[Any]) -> None:
    page = client.get("/does-not-exist")
    assert page.status_code == 404
    assert "ページが見つかりません" in page.text
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404
    assert api.json()["status"] == 404


def test_openapi_schema_is_valid_and_only_has_the_api(client: TestClient[Any]) -> None:
    response = client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "DPS API"
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/me" in schema["paths"]
    assert "/api/v1/organizations/{organization_id}/rename" in schema["paths"]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    try:
        from openapi_spec_validator import validate
    except ImportError:
        assert schema["paths"]["/api/v1/me"]["get"]["responses"]["200"]
    else:
        validate(schema)


def test_api_docs_page_lists_every_operation_offline(client: TestClient[Any]) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "/api/v1/me" in response.text
    assert re.search(r">POST</span></td>\s*<td><code>/api/v1/users</code>", response.text)
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]*src="([^"]*)"', response.text))
    assert "http://" not in response.text
    assert "https://" not in response.text
