"""HTTP: an API request reads its tenant's row once - resolving the bearer token reads it, the query
use case that follows takes it (`request_reads`) - and the next request reads it again."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.integration.http.conftest import PASSWORD, World, log_in
from tests.integration.test_request_reads import tenant_reads


def test_an_api_request_reads_the_tenant_row_once(client: TestClient[Any], world: World) -> None:
    engine = world.container.engine()
    headers = {"Authorization": f"Bearer {world.bearer('alice')}"}
    created = client.post("/api/v1/opportunities", headers=headers, json={
        "name": "基幹更改", "account_id": client.post("/api/v1/accounts", headers=headers, json={
            "name": "株式会社サンプル", "kana": "サンプル"}).json()["id"], "stage_code": "10"})
    assert created.status_code == 201, created.text
    for path in ("/api/v1/opportunities", "/api/v1/accounts", f"/api/v1/opportunities/{created.json()['id']}"):
        with tenant_reads(engine) as reads:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        assert len(reads) == 1, (path, reads)  # the token's read; the use case asked no more


def test_the_next_request_sees_a_changed_tenant(client: TestClient[Any], world: World) -> None:
    headers = {"Authorization": f"Bearer {world.bearer('alice')}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    engine = world.container.engine()
    with engine.begin() as conn:  # the tenant deactivated elsewhere: the next request must see it
        conn.exec_driver_sql("UPDATE tenants SET is_active = false")
    assert client.get("/api/v1/opportunities", headers=headers).status_code == 401


def test_a_page_request_reads_the_tenant_row_once(client: TestClient[Any], world: World) -> None:
    """The session check only reads, so the page's use case takes the row it read."""
    assert log_in(client, "alice", PASSWORD).status_code in (302, 303)
    assert client.get("/").status_code == 200  # the process learns the tenant's code once
    engine = world.container.engine()
    for path in ("/accounts", "/opportunities"):
        with tenant_reads(engine) as reads:
            response = client.get(path)
        assert response.status_code == 200, response.text
        assert len(reads) == 1, (path, reads)
