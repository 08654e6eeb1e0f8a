"""The JSON API: Bearer tokens only, error mapping, directory endpoints."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.integration.http.conftest import PASSWORD, World, log_in


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def test_no_token_is_401_json_with_www_authenticate(client: TestClient[Any], world: World) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["detail"]


def test_bad_token_is_401(client: TestClient[Any], world: World) -> None:
    bearer = world.bearer("alice")
    assert client.get("/api/v1/me", headers=_auth(bearer + "x")).status_code == 401
    assert client.get("/api/v1/me", headers=_auth("dps.nonsense")).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic YWxpY2U6cGFzcw=="}).status_code == 401


def test_me_shows_the_principal_of_the_token(client: TestClient[Any], world: World) -> None:
    response = client.get("/api/v1/me", headers=_auth(world.bearer("alice")))

    assert response.status_code == 200
    me = response.json()
    assert me["tenant"] == "acme"
    assert me["tenant_id"] == str(world.tenant.id)
    assert me["login_id"] == "alice"
    assert me["name"] == "Alice 太郎"
    assert me["license"] == "full"
    assert me["roles"] == ["tenant_admin"]
    assert me["organization_ids"] == [str(world.organization.id)]
    assert me["primary_organization_id"] == str(world.organization.id)
    assert me["group_ids"] == []
    assert (me["locale"], me["time_zone"]) == ("ja", "Asia/Tokyo")
    request_lines = [line for line in world.lines("request") if line["path"] == "/api/v1/me"]
    assert request_lines[-1]["user"] == "alice"
    assert request_lines[-1]["status"] == 200


def test_the_session_cookie_alone_does_not_open_the_api(client: TestClient[Any], world: World) -> None:
    assert log_in(client, "alice", PASSWORD).status_code == 303
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    company = {"code": "x1", "name": "X", "valid_from": "2020-01-01"}
    assert client.post("/api/v1/companies", json=company).status_code == 401


def test_list_users_for_any_user(client: TestClient[Any], world: World) -> None:
    response = client.get("/api/v1/users", headers=_auth(world.bearer("bob")))
    assert response.status_code == 200
    users = {u["login_id"]: u for u in response.json()}
    assert set(users) == {"alice", "bob"}
    assert users["bob"]["license"] == "light"
    assert users["bob"]["is_active"] is True
    assert set(users["bob"]) == {"id", "login_id", "name", "kana", "email", "license", "locale", "is_active"}


def test_light_user_cannot_add_users(client: TestClient[Any], world: World) -> None:
    response = client.post("/api/v1/users", headers=_auth(world.bearer("bob")),
                           json={"login_id": "carol", "name": "Carol", "license": "full"})
    assert response.status_code == 403
    assert response.json()["status"] == 403
    denied = [line for line in world.lines("security") if line["event"] == "permission.denied"]
    assert denied
    assert denied[-1]["user"] == "bob"


def test_admin_adds_a_user_then_duplicate_is_409_and_bad_email_is_422(client: TestClient[Any], world: World) -> None:
    headers = _auth(world.bearer("alice"))
    body = {"login_id": "carol", "name": "Carol 花子", "license": "light", "email": "carol@example.jp",
            "password": "Carol-Secret-12", "is_admin": False}

    created = client.post("/api/v1/users", headers=headers, json=body)
    assert created.status_code == 201
    assert created.json()["login_id"] == "carol"
    assert created.json()["license"] == "light"

    duplicate = client.post("/api/v1/users", headers=headers, json=body)
    assert duplicate.status_code == 409
    assert duplicate.json()["field"] == "login_id"
    assert "login_id" in duplicate.json()["errors"]

    bad_email = client.post("/api/v1/users", headers=headers, json={**body, "login_id": "dave", "email": "nope"})
    assert bad_email.status_code == 422
    assert set(bad_email.json()["errors"]) == {"email"}

    malformed = client.post("/api/v1/users", headers=headers, json={**body, "login_id": "erin", "license": "gold"})
    assert malformed.status_code == 400
    assert "license" in malformed.json()["errors"]


def test_companies_and_organisations_with_optimistic_versions(client: TestClient[Any], world: World) -> None:
    headers = _auth(world.bearer("alice"))
    company = client.post("/api/v1/companies", headers=headers,
                          json={"code": "sub", "name": "子会社", "valid_from": "2010-04-01"})
    assert company.status_code == 201
    assert {c["code"] for c in client.get("/api/v1/companies", headers=headers).json()} == {"acme", "sub"}

    org = client.post("/api/v1/organizations", headers=headers, json={
        "company_id": company.json()["id"], "code": "dev", "name": "開発部", "valid_from": "2010-04-01",
    })
    assert org.status_code == 201
    org_id, version = org.json()["id"], org.json()["version"]

    renamed = client.post(f"/api/v1/organizations/{org_id}/rename", headers=headers, json={
        "name": "技術部", "effective_from": "2020-04-01", "expected_version": version,
    })
    assert renamed.status_code == 200
    assert [v["name"] for v in renamed.json()["versions"]] == ["開発部", "技術部"]

    stale = client.post(f"/api/v1/organizations/{org_id}/rename", headers=headers, json={
        "name": "研究部", "effective_from": "2021-04-01", "expected_version": version,
    })
    assert stale.status_code == 409
    assert stale.json()["current_version"] == renamed.json()["version"] != version

    then = client.get("/api/v1/organizations", headers=headers, params={"as_of": "2015-01-01"}).json()
    now = client.get("/api/v1/organizations", headers=headers).json()
    assert {o["code"]: o["name"] for o in then} == {"sales": "営業部", "dev": "開発部"}
    assert {o["code"]: o["name"] for o in now} == {"sales": "営業部", "dev": "技術部"}

    missing = client.post("/api/v1/organizations/00000000-0000-0000-0000-000000000001/close", headers=headers,
                          json={"effective_from": "2030-01-01", "expected_version": 1})
    assert missing.status_code == 404


def test_public_groups_and_org_refresh(client: TestClient[Any], world: World) -> None:
    assert client.get("/api/v1/public-groups", headers=_auth(world.bearer("bob"))).json() == []
    assert client.post("/api/v1/org-refresh", headers=_auth(world.bearer("bob"))).status_code == 403

    refreshed = client.post("/api/v1/org-refresh", headers=_auth(world.bearer("alice")), json={"as_of": "2024-04-01"})
    assert refreshed.status_code == 200
    assert refreshed.json() == {"as_of": "2024-04-01", "organizations": 1, "rows": 1}
    assert client.post("/api/v1/org-refresh", headers=_auth(world.bearer("alice"))).status_code == 200
