"""The activities JSON API: register, read, change, delete, copy, search, navigation, the 活動報告
that moves an opportunity on, light users and R6 - through litestar's TestClient."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from dps.adapters.db.repositories.sales.record_rows import save_restriction
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.domain.sales.records import RecordType
from dps.domain.visibility.records import Restriction
from tests.integration.http.conftest import World

TOKYO = ZoneInfo("Asia/Tokyo")
PAST = (datetime.now(TOKYO) - timedelta(days=2)).date()


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


@pytest.fixture
def records(world: World, sqlite_engine: sa.Engine) -> dict[str, UUID]:
    """An account with a person, a public opportunity and a 非公開 one only alice sees; carol is a
    second full user outside every allow-list."""
    world.add_user("carol")
    ids = {"account": uuid4(), "person": uuid4(), "public": uuid4(), "secret": uuid4()}
    t, now = world.tenant.id, datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now}
    with sqlite_engine.begin() as conn:
        conn.execute(accounts.insert().values(tenant_id=t, id=ids["account"], name="株式会社サンプル", **stamps))
        conn.execute(persons.insert().values(tenant_id=t, id=ids["person"], account_id=ids["account"],
                                             last_name="山田", **stamps))
        alice = conn.execute(sa.select(users.c.id).where(users.c.login_id == "alice")).scalar_one()
        for key, restricted in (("public", False), ("secret", True)):
            conn.execute(opportunities.insert().values(
                tenant_id=t, id=ids[key], name=key, account_id=ids["account"], stage_code="10",
                certainty_code="C", is_restricted=restricted, owner_id=alice, **stamps))
        save_restriction(conn, t, RecordType.OPPORTUNITY, ids["secret"], Restriction())
    return ids


def _new(client: TestClient[Any], bearer: str, **body: Any) -> Any:
    payload = {"kind_code": "visit", "subject": "訪問", "activity_date": PAST.isoformat()} | body
    return client.post("/api/v1/activities", headers=_auth(bearer), json=payload)


def test_register_read_change_copy_and_delete(client: TestClient[Any], world: World, records: dict[str, UUID]) -> None:
    alice = world.bearer("alice")
    start = datetime.combine(PAST, datetime.min.time(), tzinfo=TOKYO).replace(hour=10)
    created = _new(client, alice, status="done", subject="提案訪問", activity_date=None,
                   starts_at=start.isoformat(), ends_at=(start + timedelta(hours=1)).isoformat(),
                   opportunity_id=str(records["public"]), person_ids=[str(records["person"])],
                   result_code="forward", next_action_on=(PAST + timedelta(days=14)).isoformat())
    assert created.status_code == 201, created.text
    body = created.json()
    activity_id = body["id"]
    assert body["url"] == f"/activities/{activity_id}"
    assert (body["status"], body["activity_date"], body["version"]) == ("done", PAST.isoformat(), 1)
    assert body["account_id"] == str(records["account"])
    assert body["person_ids"] == [str(records["person"])]
    assert body["opportunity_version"] is None

    got = client.get(f"/api/v1/activities/{activity_id}", headers=_auth(alice))
    assert got.status_code == 200
    assert got.json()["subject"] == "提案訪問"
    assert datetime.fromisoformat(got.json()["starts_at"]) == start

    patched = client.patch(f"/api/v1/activities/{activity_id}", headers=_auth(alice),
                           json={"expected_version": 1, "content": "次回は見積", "ends_at": None})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["version"], patched.json()["content"], patched.json()["ends_at"]) == (2, "次回は見積", None)
    assert patched.json()["result_code"] == "forward"  # not sent, kept

    stale = client.patch(f"/api/v1/activities/{activity_id}", headers=_auth(alice),
                         json={"expected_version": 1, "content": "x"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2

    copied = client.post(f"/api/v1/activities/{activity_id}/copy", headers=_auth(alice))
    assert copied.status_code == 201, copied.text
    copy = copied.json()
    assert copy["id"] != activity_id
    assert (copy["status"], copy["result_code"], copy["activity_date"]) == (
        "planned", None, (PAST + timedelta(days=14)).isoformat())

    assert client.delete(f"/api/v1/activities/{activity_id}", headers=_auth(alice)).status_code == 204
    assert client.get(f"/api/v1/activities/{activity_id}", headers=_auth(alice)).status_code == 404
    assert client.get(f"/api/v1/activities/{uuid4()}", headers=_auth(alice)).status_code == 404


def test_bad_input_is_422_with_the_field(client: TestClient[Any], world: World, records: dict[str, UUID]) -> None:
    alice = world.bearer("alice")
    for body, field_name in (
        ({"kind_code": "fax"}, "kind_code"),
        ({"status": "maybe"}, "status"),
        ({"activity_date": None, "starts_at": "2026-01-05T10:00:00"}, "starts_at"),
        ({"account_id": str(uuid4())}, "account_id"),
        ({"status": "planned", "result_code": "won"}, "result_code"),
    ):
        response = _new(client, alice, **body)
        assert response.status_code == 422, (body, response.text)
        assert field_name in response.json()["errors"]
    listed = client.get("/api/v1/activities", headers=_auth(alice), params={"status": "maybe"})
    assert listed.status_code == 422
    assert client.get("/api/v1/activities", headers=_auth(alice)).json()["items"] == []


def test_search_filters_pages_and_navigation(client: TestClient[Any], world: World, records: dict[str, UUID]) -> None:
    alice = world.bearer("alice")
    first = _new(client, alice, subject="ｶﾌﾞｼｷ 訪問", person_ids=[str(records["person"])]).json()
    second = _new(client, alice, subject="電話", kind_code="call", status="done",
                  activity_date=(PAST - timedelta(days=1)).isoformat(), account_id=str(records["account"])).json()
    third = _new(client, alice, subject="メール", kind_code="mail",
                 activity_date=(PAST - timedelta(days=2)).isoformat()).json()

    def ids(**params: Any) -> list[str]:
        response = client.get("/api/v1/activities", headers=_auth(alice), params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [first["id"], second["id"], third["id"]]
    assert ids(q="カブシキ") == [first["id"]]
    assert ids(kind_code=["call", "mail"]) == [second["id"], third["id"]]
    assert ids(status="done") == [second["id"]]
    assert ids(date_to=(PAST - timedelta(days=1)).isoformat()) == [second["id"], third["id"]]
    assert ids(mine="true") == [first["id"], second["id"], third["id"]]
    assert ids(person_id=str(records["person"])) == [first["id"]]
    assert ids(**{"cf.channel": "web"}) == []

    page = client.get("/api/v1/activities", headers=_auth(alice), params={"limit": 2, "sort": "activity_date"}).json()
    assert [i["id"] for i in page["items"]] == [third["id"], second["id"]]
    rest = client.get("/api/v1/activities", headers=_auth(alice),
                      params={"limit": 2, "sort": "activity_date", "cursor": page["next_cursor"]}).json()
    assert ([i["id"] for i in rest["items"]], rest["next_cursor"]) == ([first["id"]], None)

    nav = client.get(f"/api/v1/accounts/{records['account']}/activities", headers=_auth(alice))
    assert nav.status_code == 200
    assert [i["id"] for i in nav.json()["items"]] == [second["id"]]
    person_nav = client.get(f"/api/v1/persons/{records['person']}/activities", headers=_auth(alice))
    assert [i["id"] for i in person_nav.json()["items"]] == [first["id"]]
    for resource in ("accounts", "opportunities", "campaigns", "persons"):
        assert client.get(f"/api/v1/{resource}/{uuid4()}/activities", headers=_auth(alice)).status_code == 404


def test_light_user_reads_but_gets_403_on_writes(client: TestClient[Any], world: World,
                                                  records: dict[str, UUID]) -> None:
    activity = _new(client, world.bearer("alice"), subject="共有").json()
    bob = world.bearer("bob")
    assert client.get(f"/api/v1/activities/{activity['id']}", headers=_auth(bob)).status_code == 200
    assert [i["id"] for i in client.get("/api/v1/activities", headers=_auth(bob)).json()["items"]] == [activity["id"]]
    assert _new(client, bob).status_code == 403
    assert client.patch(f"/api/v1/activities/{activity['id']}", headers=_auth(bob),
                        json={"expected_version": 1, "subject": "x"}).status_code == 403
    assert client.post(f"/api/v1/activities/{activity['id']}/copy", headers=_auth(bob)).status_code == 403
    assert client.delete(f"/api/v1/activities/{activity['id']}", headers=_auth(bob)).status_code == 403


def test_an_activity_of_a_restricted_opportunity_is_404_to_outsiders(
    client: TestClient[Any], world: World, records: dict[str, UUID]
) -> None:
    secret = _new(client, world.bearer("alice"), subject="極秘", opportunity_id=str(records["secret"])).json()
    carol = world.bearer("carol")
    assert client.get(f"/api/v1/activities/{secret['id']}", headers=_auth(carol)).status_code == 404
    assert client.get("/api/v1/activities", headers=_auth(carol)).json()["items"] == []
    assert client.get(f"/api/v1/opportunities/{records['secret']}/activities",
                      headers=_auth(carol)).status_code == 404
    assert client.patch(f"/api/v1/activities/{secret['id']}", headers=_auth(carol),
                        json={"expected_version": 1, "subject": "x"}).status_code == 404
    alice_nav = client.get(f"/api/v1/opportunities/{records['secret']}/activities",
                           headers=_auth(world.bearer("alice")))
    assert [i["id"] for i in alice_nav.json()["items"]] == [secret["id"]]


def test_an_actual_activity_moves_its_opportunity_on(
    client: TestClient[Any], world: World, records: dict[str, UUID], sqlite_engine: sa.Engine
) -> None:
    alice = world.bearer("alice")
    report = {"expected_version": 1, "stage_code": "40", "certainty_code": "A", "expected_amount": 2500000}
    done = _new(client, alice, status="done", subject="交渉", opportunity_id=str(records["public"]),
                opportunity_update=report)
    assert done.status_code == 201, done.text
    assert done.json()["opportunity_version"] == 2
    stale = _new(client, alice, status="done", subject="再交渉", opportunity_id=str(records["public"]),
                 opportunity_update=report)
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    with sqlite_engine.connect() as conn:
        row = conn.execute(sa.select(opportunities).where(opportunities.c.id == records["public"])).one()
    assert (row.stage_code, row.certainty_code, row.version) == ("40", "A", 2)
    assert Decimal(str(row.expected_amount)) == Decimal("2500000")
    assert [i["subject"] for i in client.get("/api/v1/activities", headers=_auth(alice)).json()["items"]] == ["交渉"]


def test_the_openapi_schema_lists_the_activity_routes(client: TestClient[Any], world: World) -> None:
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/activities"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/activities/{activity_id}"])
    assert "post" in paths["/api/v1/activities/{activity_id}/copy"]
    for resource, key in (("accounts", "account_id"), ("opportunities", "opportunity_id"),
                          ("campaigns", "campaign_id"), ("persons", "person_id")):
        operation = paths[f"/api/v1/{resource}/{{{key}}}/activities"]["get"]
        assert {"status", "kind_code", "sort", "limit", "cursor"} <= {p["name"] for p in operation["parameters"]}
