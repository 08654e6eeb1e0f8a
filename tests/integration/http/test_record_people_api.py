"""The record sub-resources over HTTP: attachments (multipart upload, safe download), staff, relations and
the 非公開 restriction, with the error mapping (403 / 404 / 409 / 422).

`api/record_people.py` is mounted here by this test (app.SALES_API gains it) until the app factory does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from attrs import evolve
from dependency_injector import providers
from litestar.testing import TestClient
from openapi_spec_validator import validate

from dps.adapters.db.tables.collaboration import attachments
from dps.adapters.files.clamd import ClamdScanner
from dps.application.sales.collaboration.attachments import UploadAttachment
from dps.bootstrap.container import Container
from dps.domain.visibility.records import Restriction
from dps.entrypoints.http import app as app_module
from dps.entrypoints.http.api import record_people
from dps.entrypoints.http.app import create_app
from tests.integration.http.conftest import World
from tests.integration.sales.test_attachments import PDF, insert_account, upload
from tests.integration.sales.test_record_people import insert_person, people_uow
from tests.integration.test_clamd import EICAR, EICAR_SIGNATURE, FakeClamd

LIMIT = 4096
SUB_RESOURCES = ("attachments", "staff", "relations", "restriction")


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def use_deps(container: Container, **changes: Any) -> None:
    """Sales deps with the record_people store, a small upload limit and `changes`."""
    container.sales_deps.reset_override()
    base = container.sales_deps()
    deps = evolve(base, uow=people_uow(container.engine()), max_upload_bytes=LIMIT, **changes)
    container.sales_deps.override(providers.Object(deps))


@pytest.fixture
def api(app_container: Container, world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient[Any]]:
    if record_people not in app_module.SALES_API:
        monkeypatch.setattr(app_module, "SALES_API", (*app_module.SALES_API, record_people))
    use_deps(app_container)
    try:
        with TestClient(create_app(app_container)) as client:
            yield client
    finally:
        app_container.sales_deps.reset_override()


@pytest.fixture
def alice_id(app_container: Container, world: World) -> UUID:
    return next(u.id for u in app_container.list_users()(world.admin) if u.login_id == "alice")


def used_schemas(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """The component schemas `paths` refer to, directly or through each other."""
    found: dict[str, Any] = {}
    todo = [paths]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found[name] = schemas[name]
                    todo.append(schemas[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return found


def stored_files(container: Container) -> list[Path]:
    root = container.settings().attachments_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attachment_rows(container: Container) -> int:
    with container.engine().connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(attachments)).scalar_one())


def test_upload_list_download_delete(api: TestClient[Any], world: World, app_container: Container) -> None:
    alice = _auth(world.bearer("alice"))
    account_id = insert_account(app_container.engine(), world.tenant.id)
    base = f"/api/v1/accounts/{account_id}/attachments"

    created = api.post(base, headers=alice, files={"file": ("見積書 2026.pdf", PDF, "application/octet-stream")})
    assert created.status_code == 201, created.text
    a = created.json()
    assert (a["file_name"], a["content_type"], a["size_bytes"]) == ("見積書 2026.pdf", "application/pdf", len(PDF))
    assert a["record_type"] == "account"
    assert a["download_url"] == f"/api/v1/attachments/{a['id']}"

    listed = api.get(base, headers=alice)
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()["items"]] == [a["id"]]

    download = api.get(a["download_url"], headers=alice)
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('見積書 2026.pdf', safe='')}" in disposition
    assert 'filename="___ 2026.pdf"' in disposition

    assert api.delete(a["download_url"], headers=alice).status_code == 204
    assert api.get(a["download_url"], headers=alice).status_code == 404
    assert stored_files(app_container) == []


def test_html_is_downloaded_as_an_opaque_file(api: TestClient[Any], world: World, app_container: Container) -> None:
    alice = _auth(world.bearer("alice"))
    account_id = insert_account(app_container.engine(), world.tenant.id)
    page = b"<html><body><script>document.cookie</script></body></html>"
    created = api.post(f"/api/v1/accounts/{account_id}/attachments", headers=alice,
                       files={"file": ('x"; evil=1.html', page, "text/html")})
    assert created.status_code == 201, created.text
    assert created.json()["content_type"] == "application/octet-stream"
    download = api.get(created.json()["download_url"], headers=alice)
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith('attachment; filename="x__ evil=1.html"')
    assert "sandbox" in download.headers["content-security-policy"]


def test_an_oversized_upload_is_422_and_nothing_is_kept(
    api: TestClient[Any], world: World, app_container: Container
) -> None:
    account_id = insert_account(app_container.engine(), world.tenant.id)
    response = api.post(f"/api/v1/accounts/{account_id}/attachments", headers=_auth(world.bearer("alice")),
                        files={"file": ("big.bin", b"z" * (LIMIT + 1), "application/octet-stream")})
    assert response.status_code == 422
    assert response.json()["errors"] == {"file": f"larger than {LIMIT} bytes"}
    assert stored_files(app_container) == []
    assert attachment_rows(app_container) == 0


def test_eicar_is_refused_and_logged(api: TestClient[Any], world: World, app_container: Container) -> None:
    account_id = insert_account(app_container.engine(), world.tenant.id)
    with FakeClamd() as clamd:
        use_deps(app_container, scanner=ClamdScanner(clamd.address))
        response = api.post(f"/api/v1/accounts/{account_id}/attachments", headers=_auth(world.bearer("alice")),
                            files={"file": ("eicar.txt", EICAR, "text/plain")})
    assert response.status_code == 422
    assert EICAR_SIGNATURE in response.json()["errors"]["file"]
    assert "upload.infected" in world.events("security")
    assert stored_files(app_container) == []
    assert attachment_rows(app_container) == 0


def test_a_light_user_cannot_upload_but_downloads(api: TestClient[Any], world: World, app_container: Container) -> None:
    account_id = insert_account(app_container.engine(), world.tenant.id)
    bob = _auth(world.bearer("bob"))
    refused = api.post(f"/api/v1/accounts/{account_id}/attachments", headers=bob,
                       files={"file": ("a.pdf", PDF, "application/pdf")})
    assert refused.status_code == 403
    created = api.post(f"/api/v1/accounts/{account_id}/attachments", headers=_auth(world.bearer("alice")),
                       files={"file": ("a.pdf", PDF, "application/pdf")})
    download = api.get(created.json()["download_url"], headers=bob)
    assert download.status_code == 200
    assert download.content == PDF
    assert api.delete(created.json()["download_url"], headers=bob).status_code == 403


def test_an_invisible_records_attachment_is_404(api: TestClient[Any], world: World, app_container: Container) -> None:
    secret = insert_account(app_container.engine(), world.tenant.id, restriction=Restriction())
    attachment = UploadAttachment(app_container.sales_deps())(world.admin, upload(secret, PDF))  # see-all operator
    alice = _auth(world.bearer("alice"))
    assert api.get(f"/api/v1/attachments/{attachment.id}", headers=alice).status_code == 404
    assert api.delete(f"/api/v1/attachments/{attachment.id}", headers=alice).status_code == 404
    assert api.get(f"/api/v1/accounts/{secret}/attachments", headers=alice).status_code == 404
    assert api.get(f"/api/v1/attachments/{uuid4()}", headers=alice).status_code == 404
    assert attachment_rows(app_container) == 1


def test_staff_replace_with_validation_and_optimistic_locking(
    api: TestClient[Any], world: World, app_container: Container, alice_id: UUID
) -> None:
    alice = _auth(world.bearer("alice"))
    account_id = insert_account(app_container.engine(), world.tenant.id)
    url = f"/api/v1/accounts/{account_id}/staff"
    assert api.get(url, headers=alice).json() == {"version": 1, "staff": []}

    two_mains = api.put(url, headers=alice, json={"expected_version": 1, "staff": [
        {"user_id": str(alice_id), "is_main": True}, {"user_id": str(uuid4()), "is_main": True}]})
    assert two_mains.status_code == 422
    assert "staff" in two_mains.json()["errors"]

    done = api.put(url, headers=alice, json={"expected_version": 1, "staff": [{"user_id": str(alice_id),
                                                                               "is_main": True}]})
    assert done.status_code == 200, done.text
    assert done.json() == {"version": 2, "staff": [{"user_id": str(alice_id), "is_main": True}]}

    stale = api.put(url, headers=alice, json={"expected_version": 1, "staff": []})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert api.put(url, headers=_auth(world.bearer("bob")), json={"expected_version": 2, "staff": []}
                   ).status_code == 403
    assert api.get(f"/api/v1/accounts/{uuid4()}/staff", headers=alice).status_code == 404


def test_relations_and_restriction(api: TestClient[Any], world: World, app_container: Container) -> None:
    alice = _auth(world.bearer("alice"))
    engine = app_container.engine()
    account_id = insert_account(engine, world.tenant.id)
    person_id = insert_person(engine, world.tenant.id, account_id)
    url = f"/api/v1/persons/{person_id}/relations"
    related = api.put(f"/api/v1/accounts/{account_id}/relations", headers=alice, json={
        "expected_version": 1, "relations": [{"person_id": str(person_id), "role_code": "contact"}]})
    assert related.status_code == 200, related.text
    assert related.json() == {"version": 2, "relations": [{"person_id": str(person_id), "role_code": "contact"}]}
    assert api.get(url, headers=alice).json() == {"version": 1, "relations": []}
    bad_role = api.put(url, headers=alice, json={"expected_version": 1, "relations": [
        {"person_id": str(person_id), "role_code": "nope"}]})
    assert bad_role.status_code == 422

    restriction_url = f"/api/v1/accounts/{account_id}/restriction"
    restricted = api.put(restriction_url, headers=alice, json={
        "expected_version": 2, "restriction": {"organizations": [str(world.organization.id)]}})
    assert restricted.status_code == 200, restricted.text
    assert restricted.json() == {"version": 3, "restricted": True, "restriction": {
        "users": [], "organizations": [str(world.organization.id)], "groups": []}}
    assert api.get(restriction_url, headers=_auth(world.bearer("bob"))).status_code == 404  # bob is not in 営業部
    public = api.put(restriction_url, headers=alice, json={"expected_version": 3, "restriction": None})
    assert public.json() == {"version": 4, "restricted": False, "restriction": None}
    assert api.get(restriction_url, headers=_auth(world.bearer("bob"))).status_code == 200


def test_the_openapi_schema_has_the_sub_resource_paths(api: TestClient[Any]) -> None:
    schema = api.get("/api/schema/openapi.json").json()
    paths = set(schema["paths"])
    for kind in record_people.RESOURCES:
        for sub in SUB_RESOURCES:
            assert f"/api/v1/{kind}/{{record_id}}/{sub}" in paths
    assert set(schema["paths"]["/api/v1/attachments/{attachment_id}"]) >= {"get", "delete"}
    upload_body = schema["paths"]["/api/v1/accounts/{record_id}/attachments"]["post"]["requestBody"]
    assert "multipart/form-data" in upload_body["content"]
    mine = {p: v for p, v in schema["paths"].items()  # every kind has the same shapes: one kind is enough
            if p.startswith(("/api/v1/attachments/", "/api/v1/accounts/{record_id}/"))
            and p.rsplit("/", 1)[-1] in (*SUB_RESOURCES, "{attachment_id}")}
    assert len(mine) == 5
    # the whole schema is validated elsewhere; these paths and the shapes they use here, quickly
    validate({**schema, "paths": mine, "components": {**schema["components"],
                                                      "schemas": used_schemas(mine, schema["components"]["schemas"])}})
