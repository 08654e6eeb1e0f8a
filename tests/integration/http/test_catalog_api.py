"""The catalog API: code lists for any logged-in user; custom field definitions read by anyone,
defined and changed by administrators, with 409 on a stale version."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import TestClient

from tests.integration.http.conftest import World


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


NEW_FIELD = {"entity": "opportunity", "key": "deal_size", "label_ja": "案件規模", "label_en": "Deal size",
             "kind": "choice", "required": True, "code_list_key": "company_size", "sort_order": 2}


def test_code_lists_need_a_token(client: TestClient[Any], world: World) -> None:
    assert client.get("/api/v1/code-lists").status_code == 401
    assert client.get("/api/v1/custom-fields").status_code == 401


def test_any_user_reads_the_code_lists(client: TestClient[Any], world: World) -> None:
    bob = _auth(world.bearer("bob"))

    lists = client.get("/api/v1/code-lists", headers=bob)
    assert lists.status_code == 200
    by_key = {cl["key"]: cl for cl in lists.json()}
    assert {"opportunity_stage", "certainty", "activity_kind"} <= set(by_key)
    certainty = client.get("/api/v1/code-lists/certainty", headers=bob)
    assert certainty.status_code == 200
    values = certainty.json()["values"]
    assert values == by_key["certainty"]["values"]
    assert {"code", "label_ja", "label_en", "sort_order", "is_active", "probability"} == set(values[0])
    assert all(v["probability"] is not None for v in values)
    assert [v["sort_order"] for v in values] == sorted(v["sort_order"] for v in values)
    assert client.get("/api/v1/code-lists/no_such_list", headers=bob).status_code == 404


def test_inactive_code_values_only_on_request(client: TestClient[Any], world: World) -> None:
    with world.container.uow()(world.tenant.id) as uow:
        stage = uow.code_lists.get("opportunity_stage")
        assert stage is not None
        stage.deactivate("92")
        uow.code_lists.save(stage)
        uow.commit()
    alice = _auth(world.bearer("alice"))

    active = client.get("/api/v1/code-lists/opportunity_stage", headers=alice).json()["values"]
    every = client.get("/api/v1/code-lists/opportunity_stage?include_inactive=true", headers=alice).json()["values"]

    assert "92" not in [v["code"] for v in active]
    assert next(v for v in every if v["code"] == "92")["is_active"] is False
    assert len(every) == len(active) + 1


def test_admin_defines_lists_and_changes_a_custom_field(client: TestClient[Any], world: World) -> None:
    alice = _auth(world.bearer("alice"))

    created = client.post("/api/v1/custom-fields", headers=alice, json=NEW_FIELD)
    assert created.status_code == 201, created.text
    body = created.json()
    assert {k: body[k] for k in NEW_FIELD} == NEW_FIELD
    assert (body["version"], body["is_active"], body["max_length"]) == (1, True, None)
    assert body["created_at"]
    client.post("/api/v1/custom-fields", headers=alice,
                json={"entity": "account", "key": "memo", "label_ja": "メモ", "kind": "text", "max_length": 50})

    listed = client.get("/api/v1/custom-fields?entity=opportunity", headers=_auth(world.bearer("bob")))
    assert listed.status_code == 200
    assert [f["key"] for f in listed.json()] == ["deal_size"]
    every = client.get("/api/v1/custom-fields", headers=alice).json()
    assert [(f["entity"], f["key"]) for f in every] == [("account", "memo"), ("opportunity", "deal_size")]

    changed = client.patch(f"/api/v1/custom-fields/{body['id']}", headers=alice,
                           json={"expected_version": 1, "label_ja": "規模", "required": False, "is_active": False})
    assert changed.status_code == 200, changed.text
    assert {k: changed.json()[k] for k in ("label_ja", "label_en", "required", "is_active", "version")} == {
        "label_ja": "規模", "label_en": "Deal size", "required": False, "is_active": False, "version": 2,
    }
    assert client.get("/api/v1/custom-fields?entity=opportunity", headers=alice).json() == []
    inactive = client.get("/api/v1/custom-fields?entity=opportunity&include_inactive=true", headers=alice).json()
    assert [(f["key"], f["is_active"]) for f in inactive] == [("deal_size", False)]
    changes = [line for line in world.lines("master") if line.get("entity") == "custom_field"]
    assert [c["action"] for c in changes] == ["create", "create", "update"]


def test_a_stale_version_is_409_with_the_current_one(client: TestClient[Any], world: World) -> None:
    alice = _auth(world.bearer("alice"))
    field_id = client.post("/api/v1/custom-fields", headers=alice, json=NEW_FIELD).json()["id"]
    assert client.patch(f"/api/v1/custom-fields/{field_id}", headers=alice,
                        json={"expected_version": 1, "sort_order": 9}).status_code == 200

    stale = client.patch(f"/api/v1/custom-fields/{field_id}", headers=alice,
                         json={"expected_version": 1, "label_ja": "上書き"})

    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    current = client.get("/api/v1/custom-fields?entity=opportunity", headers=alice).json()[0]
    assert (current["label_ja"], current["sort_order"], current["version"]) == ("案件規模", 9, 2)
    unknown = client.patch(f"/api/v1/custom-fields/{uuid.uuid4()}", headers=alice, json={"expected_version": 1})
    assert unknown.status_code == 404


def test_non_admins_may_not_define_or_change(client: TestClient[Any], world: World) -> None:
    world.add_user("carol")
    alice, carol, bob = (_auth(world.bearer(u)) for u in ("alice", "carol", "bob"))
    field_id = client.post("/api/v1/custom-fields", headers=alice, json=NEW_FIELD).json()["id"]

    for who in (carol, bob):
        assert client.post("/api/v1/custom-fields", headers=who, json={**NEW_FIELD, "key": "x"}).status_code == 403
        denied = client.patch(f"/api/v1/custom-fields/{field_id}", headers=who,
                              json={"expected_version": 1, "label_ja": "x"})
        assert denied.status_code == 403
    assert "permission.denied" in world.events("security")
    assert [f["label_ja"] for f in client.get("/api/v1/custom-fields", headers=carol).json()] == ["案件規模"]


def test_bad_definitions_are_422_or_409_with_the_field(client: TestClient[Any], world: World) -> None:
    alice = _auth(world.bearer("alice"))
    assert client.post("/api/v1/custom-fields", headers=alice, json=NEW_FIELD).status_code == 201

    duplicate = client.post("/api/v1/custom-fields", headers=alice, json=NEW_FIELD)
    assert duplicate.status_code == 409
    cases: list[tuple[dict[str, Any], str]] = [
        ({"entity": "budget"}, "entity"), ({"key": "Bad Key"}, "key"), ({"kind": "colour"}, "kind"),
        ({"code_list_key": "no_such_list"}, "code_list_key"),
        ({"kind": "text", "code_list_key": None, "max_length": 0}, "max_length"),
    ]
    for change, field in cases:
        response = client.post("/api/v1/custom-fields", headers=alice, json={**NEW_FIELD, "key": "other", **change})
        assert response.status_code == 422, (change, response.text)
        assert field in response.json()["errors"], (change, response.json())
    assert client.get("/api/v1/custom-fields?entity=budget", headers=alice).status_code == 422
    assert len(client.get("/api/v1/custom-fields", headers=alice).json()) == 1
