"""Excel テンプレート pages (HTML, no browser): the list with its upload form (CSRF), a refused upload
listing every problem with its cell address (422), delete with a confirmation (refused while in use),
the fill streaming the workbook; light users see and fill, but get no upload or delete controls."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from litestar.testing import TestClient
from openpyxl import load_workbook

import tests.integration.http.conftest as http_fixtures
from dps.adapters.db.tables.reports import report_definitions
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in
from tests.integration.http.test_report_templates_api import XLSX, template_bytes

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world

PAGE = "/reports/templates"


def _upload(client: TestClient[Any], data: bytes, name: str = "月次", kind: str = "activities") -> Any:
    token = csrf_token(client, PAGE)
    return client.post(PAGE, data={"_csrf_token": token, "name": name, "kind": kind},
                       files={"file": ("monthly.xlsx", data, XLSX)}, follow_redirects=False)


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr data-template="([0-9a-f-]{36})">', html)


def test_upload_list_fill_and_delete(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    empty = client.get(PAGE)
    assert empty.status_code == 200
    assert 'class="template-upload"' in empty.text
    assert _ids(empty.text) == []
    done = _upload(client, template_bytes())
    assert done.status_code == 303
    assert done.headers["location"] == PAGE
    listed = client.get(PAGE).text
    [template_id] = _ids(listed)
    assert "<code>Sheet!A3</code> {{row.org_code}}" in listed
    assert f'action="/reports/templates/{template_id}/delete" data-confirm=' in listed

    filled = client.get(f"{PAGE}/{template_id}/fill", params={
        "kind": "activities", "date_from": "2025-04-01", "date_to": "2025-04-30",
        "organization_id": str(world.organization.id)})
    assert filled.status_code == 200, filled.text
    assert filled.headers["content-type"].startswith(XLSX)
    ws = load_workbook(io.BytesIO(filled.content)).active
    assert ws is not None
    assert ws["A1"].value == "活動別 Activities"
    assert ws["A3"].value == "sales"

    token = csrf_token(client, PAGE)
    gone = client.post(f"{PAGE}/{template_id}/delete", data={"_csrf_token": token}, follow_redirects=False)
    assert gone.status_code == 303
    assert _ids(client.get(PAGE).text) == []


def test_a_broken_upload_lists_its_problems(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    got = _upload(client, template_bytes(B3="{{row.colour}}", D9="{{row.}}"))
    assert got.status_code == 422
    assert '<tr data-address="Sheet!B3">' in got.text
    assert '<tr data-address="Sheet!D9">' in got.text
    assert 'value="月次"' in got.text  # what the user typed is kept
    not_xlsx = _upload(client, b"plain text")
    assert not_xlsx.status_code == 422
    assert '<tr data-address="file">' in not_xlsx.text
    no_token = client.post(PAGE, data={"name": "x"}, files={"file": ("m.xlsx", template_bytes(), XLSX)})
    assert no_token.status_code == 403


def test_a_template_in_use_is_not_deleted(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    _upload(client, template_bytes())
    [template_id] = _ids(client.get(PAGE).text)
    now = datetime.now(UTC)
    with world.container.engine().begin() as conn:
        conn.execute(report_definitions.insert().values(
            tenant_id=world.tenant.id, id=uuid.uuid4(), name="定義", kind="activities",
            template_id=uuid.UUID(template_id), created_at=now, updated_at=now))
    token = csrf_token(client, PAGE)
    refused = client.post(f"{PAGE}/{template_id}/delete", data={"_csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 409
    assert 'data-error="tpl.in_use"' in refused.text
    assert _ids(refused.text) == [template_id]


def test_light_users_fill_but_do_not_upload(client: TestClient[Any], world: World) -> None:
    log_in(client, "alice", PASSWORD)
    _upload(client, template_bytes())
    client.get("/logout")
    client.cookies.clear()
    log_in(client, "bob", LIGHT_PASSWORD)
    page = client.get(PAGE)
    assert page.status_code == 200
    [template_id] = _ids(page.text)
    assert 'class="template-upload"' not in page.text
    assert "/delete" not in page.text
    refused = _upload(client, template_bytes(), name="bob's")
    assert refused.status_code == 403
    filled = client.get(f"{PAGE}/{template_id}/fill", params={
        "date_from": "2025-04-01", "date_to": "2025-04-30", "organization_id": str(world.organization.id)})
    assert filled.status_code == 200
    missing = client.get(f"{PAGE}/{uuid.uuid4()}/fill")
    assert missing.status_code == 404
    assert client.get(f"{PAGE}/not-an-id/file").status_code == 404
