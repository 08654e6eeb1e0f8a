"""The generic reports API and report definitions over HTTP: kinds, a run as a table (columns in
order, sort, drills) and as a download; definitions saved, shared with an organisation (its
sub-organisations too), hidden (404) from others, changed with optimistic locking (409), copied,
run and deleted; bad input is 422 naming the field."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from litestar.testing import TestClient

from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from tests.integration.http.conftest import World

SINCE = date(2000, 4, 1)
PERIOD = {"date_from": "2025-04-01", "date_to": "2025-05-31"}


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


@pytest.fixture
def people(world: World) -> dict[str, dict[str, str]]:
    """営業部 (sales) > 営業一課 (sales1), and 開発部 (dev); erin (sales), carol (sales1), dave (dev), none an
    administrator; erin owns three visits in April and a call in May."""
    c, admin = world.container, world.admin
    company_id = world.organization.company_id
    sales1 = c.create_organization()(admin, CreateOrganizationCommand(company_id, "sales1", "営業一課", SINCE,
                                                                      parent_id=world.organization.id))
    dev = c.create_organization()(admin, CreateOrganizationCommand(company_id, "dev", "開発部", SINCE))
    ids = {}
    for login, org in (("erin", world.organization.id), ("carol", sales1.id), ("dave", dev.id)):
        world.add_user(login)
        ids[login] = next(u.id for u in c.list_users()(admin) if u.login_id == login)
        c.assign_affiliation()(admin, AssignAffiliationCommand(ids[login], org, SINCE))
    c.refresh_org_closure()(admin)
    now = datetime.now(UTC)
    owned = {"owner_id": ids["erin"], "owner_organization_id": world.organization.id, "created_by": ids["erin"],
             "created_at": now, "updated_at": now, "tenant_id": world.tenant.id}
    with c.engine().begin() as conn:
        account = uuid.uuid4()
        conn.execute(accounts.insert().values(id=account, name="得意先", **owned))
        for day, kind, status in ((date(2025, 4, 3), "visit", "done"), (date(2025, 4, 4), "visit", "done"),
                                  (date(2025, 4, 5), "visit", "done"), (date(2025, 5, 3), "call", "planned")):
            conn.execute(activities.insert().values(id=uuid.uuid4(), status=status, kind_code=kind, subject="s",
                                                    activity_date=day, account_id=account, **owned))
    return {login: _auth(world, login) for login in ("erin", "carol", "dave", "alice")}


def _body(world: World, **changes: Any) -> dict[str, Any]:
    return {"name": "月次活動", "kind": "activities", "columns": ["month", "total", "org_code"],
            "params": {"organization_id": str(world.organization.id), **PERIOD}, "sort_key": "total",
            "sort_desc": True, "organization_ids": [str(world.organization.id)], **changes}


def test_kinds_list_their_params_and_columns(client: TestClient[Any], world: World,
                                             people: dict[str, dict[str, str]]) -> None:
    got = client.get("/api/v1/reports", headers=people["carol"])
    assert got.status_code == 200, got.text
    kinds = {k["name"]: k for k in got.json()}
    assert {"activities", "pipeline"} <= set(kinds)
    activity = kinds["activities"]
    assert [(p["name"], p["kind"], p["required"]) for p in activity["params"]] == [
        ("organization_id", "organization", False), ("date_from", "date", True), ("date_to", "date", True)]
    assert {"key": "total", "header": "合計 Total", "kind": "count"} in activity["columns"]


def test_a_kind_runs_as_a_table_with_columns_in_order_and_sorted(client: TestClient[Any], world: World,
                                                                 people: dict[str, dict[str, str]]) -> None:
    got = client.get("/api/v1/reports/activities/table", headers=people["erin"], params={
        **PERIOD, "organization_id": str(world.organization.id), "columns": "month,total,kind.visit.done",
        "sort": "total", "desc": "true"})
    assert got.status_code == 200, got.text
    t = got.json()
    assert [c["key"] for c in t["columns"]] == ["month", "total", "kind.visit.done"]
    assert [c["kind"] for c in t["columns"]] == ["month", "count", "count"]
    assert t["rows"] == [{"level": 0, "cells": cells} for cells in (  # 営業部's own, then 営業一課's
        ["2025-04-01", 3, 3], ["2025-05-01", 1, 0], ["2025-04-01", 0, 0], ["2025-05-01", 0, 0])]
    assert t["totals"] == [None, 4, 3]
    assert t["left_out"] == 0
    assert any("left out" in n for n in t["notes"])
    drill = next(d for d in t["drills"] if (d["row"], d["column"]) == (0, 2))
    assert drill["resource"] == "activities"
    assert drill["filters"]["status"] == "done"
    assert drill["filters"]["kind_code"] == "visit"
    assert drill["filters"]["date_from"] == "2025-04-01"


def test_bad_table_input_is_422_naming_the_field(client: TestClient[Any], world: World,
                                                 people: dict[str, dict[str, str]]) -> None:
    bad = client.get("/api/v1/reports/activities/table", headers=people["erin"],
                     params={**PERIOD, "columns": "total,bogus"})
    assert bad.status_code == 422
    assert "bogus" in bad.json()["errors"]["columns"]
    missing = client.get("/api/v1/reports/activities/table", headers=people["erin"], params={"date_to": "2025-05-31"})
    assert missing.status_code == 422
    assert "date_from" in missing.json()["errors"]
    unknown = client.get("/api/v1/reports/nope/table", headers=people["erin"])
    assert unknown.status_code == 422
    assert "kind" in unknown.json()["errors"]


def test_a_kind_downloads_as_a_file(client: TestClient[Any], world: World,
                                    people: dict[str, dict[str, str]]) -> None:
    got = client.get("/api/v1/reports/activities/file", headers=people["erin"],
                     params={**PERIOD, "format": "csv", "columns": "org_code,total"})
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"].startswith("attachment;")
    assert ".csv" in got.headers["content-disposition"]
    lines = got.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "組織コード Org code,合計 Total"
    assert lines[-1] == "合計 Total,4"
    xlsx = client.get("/api/v1/reports/activities/file", headers=people["erin"], params={**PERIOD})
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert client.get("/api/v1/reports/activities/file", headers=people["erin"],
                      params={**PERIOD, "format": "pdf"}).status_code == 422


def test_definitions_are_shared_locked_copied_run_and_deleted(client: TestClient[Any], world: World,
                                                              people: dict[str, dict[str, str]]) -> None:
    erin, carol, dave = people["erin"], people["carol"], people["dave"]
    created = client.post("/api/v1/report-definitions", headers=erin, json=_body(world))
    assert created.status_code == 201, created.text
    d = created.json()
    assert (d["owner_login"], d["version"], d["may_change"]) == ("erin", 1, True)
    assert d["url"].startswith("/reports/run/activities?")
    assert f"definition={d['id']}" in d["url"]
    assert "columns=month%2Ctotal%2Corg_code" in d["url"]
    path = f"/api/v1/report-definitions/{d['id']}"

    # carol, in a sub-organisation of the shared one, uses it; dave does not even see it
    assert [x["name"] for x in client.get("/api/v1/report-definitions", headers=carol).json()] == ["月次活動"]
    assert client.get(path, headers=carol).json()["may_change"] is False
    assert client.get("/api/v1/report-definitions", headers=dave).json() == []
    for url in (path, f"{path}/table", f"{path}/file"):
        assert client.get(url, headers=dave).status_code == 404
    assert client.post(f"{path}/copy", headers=dave).status_code == 404
    assert client.patch(path, headers=carol, json={"version": 1, "name": "乗っ取り"}).status_code == 403
    security = world.lines("security")
    assert any(e["event"] == "report_definition.shared" and e.get("organizations") == [str(world.organization.id)]
               for e in security)
    assert any(e["event"] == "permission.denied" and e.get("action") == "report_definition.update" for e in security)
    assert "report_definition" in [e.get("entity") for e in world.lines("master")]

    # run: saved columns in order, sorted by total descending; a query parameter overrides a saved one
    table = client.get(f"{path}/table", headers=carol).json()
    assert table["title"] == "月次活動"
    assert [c["key"] for c in table["columns"]] == ["month", "total", "org_code"]
    assert [r["cells"] for r in table["rows"]] == [["2025-04-01", 3, "sales"], ["2025-05-01", 1, "sales"],
                                                   ["2025-04-01", 0, "sales1"], ["2025-05-01", 0, "sales1"]]
    april = client.get(f"{path}/table", headers=carol, params={"date_to": "2025-04-30"}).json()
    assert [r["cells"] for r in april["rows"]] == [["2025-04-01", 3, "sales"], ["2025-04-01", 0, "sales1"]]
    csv = client.get(f"{path}/file", headers=carol, params={"format": "csv"})
    assert csv.status_code == 200
    assert "filename*=UTF-8''%E6%9C%88%E6%AC%A1%E6%B4%BB%E5%8B%95.csv" in csv.headers["content-disposition"]
    assert csv.content.decode("utf-8-sig").splitlines()[1] == "2025-04,3,sales"

    # optimistic lock
    changed = client.patch(path, headers=erin, json={"version": 1, "sort_desc": False, "shared_all": True})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["version"], changed.json()["sort_desc"], changed.json()["name"]) == (2, False, "月次活動")
    stale = client.patch(path, headers=erin, json={"version": 1, "name": "古い"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert [x["name"] for x in client.get("/api/v1/report-definitions", headers=dave).json()] == ["月次活動"]

    # copy: carol's own, shared with nobody
    copy = client.post(f"{path}/copy", headers=carol)
    assert copy.status_code == 201, copy.text
    c = copy.json()
    assert (c["name"], c["owner_login"], c["shared_all"], c["organization_ids"]) == (
        "月次活動 のコピー", "carol", False, [])
    assert client.get(f"/api/v1/report-definitions/{c['id']}", headers=erin).status_code == 404

    # delete: the owner (with the version read), and it is gone
    assert client.delete(path, headers=carol).status_code == 403
    assert client.delete(path, headers=erin, params={"version": 1}).status_code == 409
    assert client.delete(path, headers=erin, params={"version": 2}).status_code == 204
    assert client.get(path, headers=erin).status_code == 404


@pytest.mark.parametrize(("changes", "field", "named"), [
    ({"columns": ["month", "no_such"], "sort_key": None}, "columns[1]", "no_such"),
    ({"params": {"colour": "red"}}, "params.colour", "colour"),
    ({"name": ""}, "name", "name"),
    ({"organization_ids": [str(uuid.UUID(int=5))]}, "organization_ids", str(uuid.UUID(int=5))),
])
def test_bad_definitions_are_422_naming_the_field(client: TestClient[Any], world: World,
                                                  people: dict[str, dict[str, str]], changes: dict[str, Any],
                                                  field: str, named: str) -> None:
    got = client.post("/api/v1/report-definitions", headers=people["erin"], json=_body(world, **changes))
    assert got.status_code == 422, got.text
    assert named in got.json()["errors"][field]


def test_the_openapi_schema_has_the_report_paths(client: TestClient[Any]) -> None:
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    assert {"get"} <= set(paths["/api/v1/reports"])
    assert "get" in paths["/api/v1/reports/{kind}/table"]
    assert "get" in paths["/api/v1/reports/{kind}/file"]
    assert {"get", "post"} <= set(paths["/api/v1/report-definitions"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/report-definitions/{definition_id}"])
    assert "post" in paths["/api/v1/report-definitions/{definition_id}/copy"]
