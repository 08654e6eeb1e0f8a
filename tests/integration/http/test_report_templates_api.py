"""The Excel template API: upload (201, or 422 with every problem by cell address), list, the original
file, fill as a download (the kind's parameters from the query), delete (403 for others, 409 while a
report definition uses it, 204); light users may list and fill but not upload."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from litestar.testing import TestClient
from openpyxl import Workbook, load_workbook

from dps.adapters.db.tables.reports import report_definitions
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from tests.integration.http.conftest import World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _auth(world: World, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer(login)}"}


def template_bytes(**cells: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["A3"], ws["B3"], ws["C3"] = "{{report.title}}", "{{row.org_code}}", "{{row.month}}", "{{row.total}}"
    ws["A4"], ws["C4"] = "合計", "{{total.total}}"
    for ref, value in cells.items():
        ws[ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload(client: TestClient[Any], headers: dict[str, str], data: bytes, name: str = "月次",
            kind: str = "activities") -> Any:
    return client.post("/api/v1/report-templates", headers=headers, data={"name": name, "kind": kind},
                       files={"file": ("monthly.xlsx", data, XLSX)})


def _seed_activities(world: World) -> None:
    alice = next(u for u in world.container.list_users()(world.admin) if u.login_id == "alice")
    world.container.refresh_org_closure()(world.admin)
    now = datetime.now(UTC)
    owned = {"owner_id": alice.id, "owner_organization_id": world.organization.id, "created_by": alice.id,
             "created_at": now, "updated_at": now, "tenant_id": world.tenant.id}
    with world.container.engine().begin() as conn:
        account = uuid.uuid4()
        conn.execute(accounts.insert().values(id=account, name="得意先", **owned))
        for day in (date(2025, 4, 3), date(2025, 4, 9), date(2025, 5, 3)):
            conn.execute(activities.insert().values(id=uuid.uuid4(), status="done", kind_code="visit", subject="s",
                                                    activity_date=day, account_id=account, **owned))


def test_upload_list_download_fill_and_delete(client: TestClient[Any], world: World) -> None:
    _seed_activities(world)
    alice = _auth(world, "alice")
    data = template_bytes()
    made = _upload(client, alice, data)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["name"], body["kind"]) == ("月次", "activities")
    assert [p["address"] for p in body["placeholders"]] == ["Sheet!A1", "Sheet!A3", "Sheet!B3", "Sheet!C3",
                                                              "Sheet!C4"]
    listed = client.get("/api/v1/report-templates", headers=_auth(world, "bob")).json()["items"]
    assert [t["id"] for t in listed] == [body["id"]]
    original = client.get(body["download_url"], headers=alice)
    assert original.status_code == 200
    assert original.content == data
    assert "attachment" in original.headers["content-disposition"]

    filled = client.get("/api/v1/reports/activities/filled", headers=_auth(world, "bob"), params={
        "template_id": body["id"], "date_from": "2025-04-01", "date_to": "2025-05-31",
        "organization_id": str(world.organization.id)})
    assert filled.status_code == 200, filled.text
    assert filled.headers["content-type"].startswith(XLSX)
    ws = load_workbook(io.BytesIO(filled.content)).active
    assert ws is not None
    rows = [tuple(r) for r in ws.iter_rows(min_row=3, max_row=5, max_col=3, values_only=True)]
    assert rows == [("sales", 45748, 2), ("sales", 45778, 1), ("合計", None, 3)]  # months as serials (no format)
    assert zipfile.ZipFile(io.BytesIO(filled.content)).testzip() is None

    assert client.delete(f"/api/v1/report-templates/{body['id']}", headers=alice).status_code == 204
    assert client.get("/api/v1/report-templates", headers=alice).json()["items"] == []


def test_a_broken_template_is_422_with_cell_addresses(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    got = _upload(client, alice, template_bytes(B3="{{row.colour}}", D9="{{oops}}"))
    assert got.status_code == 422, got.text
    errors = got.json()["errors"]
    assert set(errors) == {"Sheet!B3", "Sheet!D9"}
    assert "not a column" in errors["Sheet!B3"]
    not_xlsx = client.post("/api/v1/report-templates", headers=alice, data={"name": "x"},
                           files={"file": ("x.xlsx", b"hello", XLSX)})
    assert not_xlsx.status_code == 422
    assert list(not_xlsx.json()["errors"]) == ["file"]


def test_who_may_upload_and_delete(client: TestClient[Any], world: World) -> None:
    world.add_user("carol")
    assert _upload(client, _auth(world, "bob"), template_bytes()).status_code == 403
    made = _upload(client, _auth(world, "carol"), template_bytes()).json()
    world.add_user("dan")
    assert client.delete(f"/api/v1/report-templates/{made['id']}", headers=_auth(world, "dan")).status_code == 403
    now = datetime.now(UTC)
    with world.container.engine().begin() as conn:
        conn.execute(report_definitions.insert().values(
            tenant_id=world.tenant.id, id=uuid.uuid4(), name="定義", kind="activities",
            template_id=uuid.UUID(made["id"]), created_at=now, updated_at=now))
    assert client.delete(f"/api/v1/report-templates/{made['id']}", headers=_auth(world, "alice")).status_code == 409
    missing = client.get(f"/api/v1/report-templates/{uuid.uuid4()}/file", headers=_auth(world, "alice"))
    assert missing.status_code == 404


def test_fill_with_bad_input_is_422(client: TestClient[Any], world: World) -> None:
    alice = _auth(world, "alice")
    made = _upload(client, alice, template_bytes()).json()
    no_id = client.get("/api/v1/reports/activities/filled", headers=alice)
    assert no_id.status_code == 422
    assert "template_id" in no_id.json()["errors"]
    no_period = client.get("/api/v1/reports/activities/filled", headers=alice, params={"template_id": made["id"]})
    assert no_period.status_code == 422
    assert set(no_period.json()["errors"]) == {"date_from", "date_to"}
    wrong_kind = client.get("/api/v1/reports/pipeline/filled", headers=alice, params={"template_id": made["id"]})
    assert wrong_kind.status_code == 422
    assert "kind" in wrong_kind.json()["errors"]
    dropped = client.get("/api/v1/reports/activities/filled", headers=alice, params={
        "template_id": made["id"], "date_from": "2025-04-01", "date_to": "2025-04-30", "columns": "org_code,total"})
    assert dropped.status_code == 422  # the template needs the month column
    assert list(dropped.json()["errors"]) == ["Sheet!B3"]
