"""HTTP: the 閉鎖 (closed) filter of GET /api/v1/accounts - true / false / absent, combined with the other
filters and the pager, a bad value is 400 naming the parameter, and the OpenAPI schema documents it."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.integration.http.conftest import World


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def _names(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [a["name"] for a in answer.json()["items"]]


@pytest.fixture
def closed_world(client: TestClient[Any], world: World) -> dict[str, str]:
    """Alice's two closed and two open accounts, and carol's closed 非公開 one that alice may not see."""
    world.add_user("carol")
    alice = _auth(world, "alice")
    made: dict[str, str] = {}
    for body in (
        {"name": "旧A商事", "account_type_code": "customer", "closed_on": "2023-03-31", "close_cause": "11"},
        {"name": "旧B物産", "account_type_code": "prospect", "closed_on": "2020-01-15"},
        {"name": "C工業", "account_type_code": "customer"},
        {"name": "D建設", "account_type_code": "prospect"},
    ):
        answer = client.post("/api/v1/accounts", headers=alice, json=body)
        assert answer.status_code == 201, answer.text
        made[body["name"]] = answer.json()["id"]
    secret = client.post("/api/v1/accounts", headers=_auth(world, "carol"),
                         json={"name": "旧E秘密", "closed_on": "2024-01-01", "restriction": {}})
    assert secret.status_code == 201, secret.text
    return made


def test_closed_true_false_and_absent(client: TestClient[Any], world: World, closed_world: dict[str, str]) -> None:
    alice = _auth(world, "alice")
    only_closed = client.get("/api/v1/accounts", headers=alice, params={"closed": "true"})
    assert _names(only_closed) == ["旧A商事", "旧B物産"]
    assert [i["closed_on"] for i in only_closed.json()["items"]] == ["2023-03-31", "2020-01-15"]
    assert _names(client.get("/api/v1/accounts", headers=alice, params={"closed": "false"})) == ["C工業", "D建設"]
    assert _names(client.get("/api/v1/accounts", headers=alice)) == ["C工業", "D建設", "旧A商事", "旧B物産"]
    # carol sees her own 非公開 closed account too
    carol = _auth(world, "carol")
    assert _names(client.get("/api/v1/accounts", headers=carol, params={"closed": "true"})) == [
        "旧A商事", "旧B物産", "旧E秘密"]


def test_closed_combines_with_other_filters_and_the_pager(
    client: TestClient[Any], world: World, closed_world: dict[str, str]
) -> None:
    alice = _auth(world, "alice")
    assert _names(client.get("/api/v1/accounts", headers=alice,
                             params={"closed": "true", "account_type_code": "customer"})) == ["旧A商事"]
    assert _names(client.get("/api/v1/accounts", headers=alice,
                             params={"closed": "false", "q": "建設"})) == ["D建設"]
    first = client.get("/api/v1/accounts", headers=alice, params={"closed": "true", "limit": 1})
    assert _names(first) == ["旧A商事"]
    cursor = first.json()["next_cursor"]
    assert cursor
    second = client.get("/api/v1/accounts", headers=alice, params={"closed": "true", "limit": 1, "cursor": cursor})
    assert _names(second) == ["旧B物産"]
    assert second.json()["next_cursor"] is None


@pytest.mark.parametrize("bad", ["maybe", "2023-03-31", "閉鎖"])
def test_a_bad_closed_value_is_400_naming_the_parameter(
    client: TestClient[Any], world: World, closed_world: dict[str, str], bad: str
) -> None:
    answer = client.get("/api/v1/accounts", headers=_auth(world, "alice"), params={"closed": bad})
    assert answer.status_code == 400, answer.text
    assert "closed" in answer.json()["errors"]


def test_the_openapi_schema_documents_the_closed_parameter(client: TestClient[Any]) -> None:
    schema = client.get("/api/schema/openapi.json")
    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/accounts"]["get"]
    closed = next(p for p in operation["parameters"] if p["name"] == "closed")
    assert closed["in"] == "query"
    assert closed["required"] is False
    assert "閉鎖" in closed["description"]
    types = {s.get("type") for s in closed["schema"].get("oneOf", [closed["schema"]])}
    assert "boolean" in types
