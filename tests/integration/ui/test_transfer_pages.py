"""データ入出力 screens (HTML, no browser): the kinds with template / export / import; an upload of a real
workbook imports it (303 to the result page, the accounts list shows the rows); a bad row writes nothing
and the result page lists the error with a downloadable error workbook naming the field; a dry run writes
nothing; a run's result belongs to whoever ran it (404 for others); a file above the size limit, a file
that is not a workbook and a foreign sheet are messages, never 500s; admin-only kinds are hidden from and
refused to non-admins; light users get 403; template and export downloads are workbooks with the hidden
key row."""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import openpyxl  # type: ignore[import-untyped]
import pytest
from attrs import evolve
from dependency_injector import providers
from litestar.testing import TestClient

import tests.integration.http.conftest as http_fixtures
from dps.application.shared.errors import Forbidden
from dps.application.transfer.imports import ImportRecords
from dps.application.transfer.schema import KEY_ROW_MARKER
from dps.bootstrap.container import Container
from dps.entrypoints.http.ui.transfer_pages import KEEP_SECONDS, prune, safe_file_name
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, csrf_token, log_in

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world

RESULT = re.compile(r"^/transfer/results/([0-9a-f-]{36})$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIMIT = 64 * 1024


@pytest.fixture
def small_limit(app_container: Container) -> Iterator[None]:
    """Uploads above LIMIT bytes are refused (the limit of the sales deps, from the settings)."""
    app_container.sales_deps.override(providers.Object(evolve(app_container.sales_deps(), max_upload_bytes=LIMIT)))
    yield
    app_container.sales_deps.reset_override()


@pytest.fixture
def alice(client: TestClient[Any], world: World, small_limit: None) -> TestClient[Any]:
    """Alice (full licence, administrator) logged in; carol is a full user without the admin role."""
    world.add_user("carol")
    assert log_in(client, "alice", PASSWORD).status_code == 303
    return client


def _workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _keys(ws: Any) -> list[str]:
    """The column keys from the hidden key row (row 2, first cell `#key:<key>`)."""
    cells = [c.value for c in ws[2]]
    first = str(cells[0])
    assert first.startswith(KEY_ROW_MARKER), first
    return [first.split(":", 1)[1], *[str(c) if c else "" for c in cells[1:]]]


def _accounts_file(client: TestClient[Any], rows: list[dict[str, Any]]) -> bytes:
    """The accounts template downloaded from the screen (the real codec) with `rows` appended by key."""
    response = client.get("/transfer/accounts/template")
    assert response.status_code == 200
    wb = _workbook(response.content)
    ws = wb.worksheets[0]
    keys = _keys(ws)
    for row in rows:
        ws.append([row.get(k) for k in keys])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client: TestClient[Any], kind: str, content: bytes, *, name: str = "取引先.xlsx", mode: str = "upsert",
            dry_run: bool = False) -> Any:
    form = {"_csrf_token": csrf_token(client, "/transfer"), "mode": mode}
    if dry_run:
        form["dry_run"] = "true"
    return client.post(f"/transfer/{kind}/import", data=form, files={"file": (name, content, XLSX)},
                       follow_redirects=False)


def _result_path(response: Any) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert RESULT.match(location), location
    return str(location)


def _count(html: str, what: str) -> int:
    match = re.search(rf'data-count="{what}">([\d,]+)<', html)
    assert match, f"no {what} count"
    return int(match.group(1).replace(",", ""))


def test_index_lists_the_kinds_with_their_actions_and_the_nav_links_it(alice: TestClient[Any]) -> None:
    page = alice.get("/transfer")
    assert page.status_code == 200
    html = page.text
    for kind in ("accounts", "users", "products"):
        assert f'<tr data-kind="{kind}">' in html
        assert f'href="/transfer/{kind}/template"' in html
        assert f'href="/transfer/{kind}/export"' in html
        assert f'action="/transfer/{kind}/import"' in html
    assert "取引先" in html
    assert "Accounts" in html
    assert 'value="insert"' in html
    assert 'value="update"' in html
    assert 'name="dry_run"' in html
    assert 'href="/transfer" aria-current="page"' in html  # the 管理 group of the left navigation


def test_upload_of_a_good_workbook_imports_it(alice: TestClient[Any], world: World) -> None:
    content = _accounts_file(alice, [{"name": "東京商事", "code": "T-1"}, {"name": "大阪物産", "code": "O-1"}])
    result = alice.get(_result_path(_upload(alice, "accounts", content)))
    assert result.status_code == 200
    assert _count(result.text, "read") == 2
    assert _count(result.text, "inserted") == 2
    assert _count(result.text, "errors") == 0
    assert "取引先.xlsx" in result.text
    accounts = alice.get("/accounts")
    assert "東京商事" in accounts.text
    assert "大阪物産" in accounts.text
    assert "import.upsert" in [line.get("action") for line in world.lines("master")]

    again = alice.get(_result_path(_upload(alice, "accounts", content, mode="upsert")))
    assert _count(again.text, "inserted") == 0  # the same rows again: new rows by code would duplicate
    assert _count(again.text, "updated") + _count(again.text, "unchanged") == 2


def test_a_bad_row_writes_nothing_and_offers_the_error_workbook(alice: TestClient[Any]) -> None:
    content = _accounts_file(alice, [{"name": "正しい会社", "code": "G-1"},
                                     {"name": "人数が変", "code": "B-1", "employees": "たくさん"}])
    path = _result_path(_upload(alice, "accounts", content))
    result = alice.get(path)
    html = result.text
    assert _count(html, "errors") == 1
    assert 'data-count="inserted"' not in html  # nothing was written: no counts of what would have been
    assert 'class="alert alert-error transfer-failed"' in html
    assert 'class="grid transfer-errors"' in html
    errors_table = html.split('class="grid transfer-errors"', 1)[1]
    assert '<td class="num">4</td>' in errors_table  # rows 1-2 are the header and the key row
    assert "従業員数" in errors_table
    assert "正しい会社" not in alice.get("/accounts").text

    download = alice.get(f"{path}/errors")
    assert download.status_code == 200
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment;")
    ws = _workbook(download.content).worksheets[0]
    texts = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "人数が変" in texts
    assert any("従業員数" in t for t in texts)
    assert "正しい会社" not in texts


def test_a_dry_run_writes_nothing(alice: TestClient[Any]) -> None:
    content = _accounts_file(alice, [{"name": "検証だけ商会", "code": "D-1"}])
    result = alice.get(_result_path(_upload(alice, "accounts", content, dry_run=True)))
    assert 'class="alert alert-ok transfer-ok"' in result.text
    assert _count(result.text, "inserted") == 1  # what would be inserted
    assert "検証だけ商会" not in alice.get("/accounts").text


def test_another_user_cannot_open_the_result_or_its_error_workbook(alice: TestClient[Any], world: World,
                                                                   app_container: Container) -> None:
    content = _accounts_file(alice, [{"name": "", "code": "X-1"}])  # name is required
    path = _result_path(_upload(alice, "accounts", content))
    assert alice.get(f"{path}/errors").status_code == 200
    with TestClient(alice.app) as carol:
        assert log_in(carol, "carol", PASSWORD).status_code == 303
        assert carol.get(path).status_code == 404
        assert carol.get(f"{path}/errors").status_code == 404
        assert carol.get("/transfer/results/not-a-uuid").status_code == 404


def test_bad_files_and_too_large_files_are_messages(alice: TestClient[Any]) -> None:
    not_a_workbook = alice.get(_result_path(_upload(alice, "accounts", b"hello, this is text")))
    assert not_a_workbook.status_code == 200
    assert 'class="alert alert-error transfer-problem"' in not_a_workbook.text

    products = alice.get("/transfer/products/template").content
    foreign = alice.get(_result_path(_upload(alice, "accounts", products, name="products.xlsx")))
    assert 'class="alert alert-error transfer-problem"' in foreign.text

    too_large = _upload(alice, "accounts", b"x" * (LIMIT + 1))
    assert too_large.status_code == 413
    assert "ファイルが大きすぎます" in too_large.text

    no_file = alice.post("/transfer/accounts/import", data={"_csrf_token": csrf_token(alice, "/transfer"),
                                                            "mode": "upsert"}, follow_redirects=False)
    assert no_file.status_code == 422
    assert "ファイルを選択してください" in no_file.text
    assert alice.get("/transfer/nothing/template").status_code == 404


def test_a_header_problem_names_the_missing_column(alice: TestClient[Any]) -> None:
    wb = _workbook(alice.get("/transfer/accounts/template").content)
    ws = wb.worksheets[0]
    ws.delete_cols(_keys(ws).index("name") + 1)
    ws.append(["", "", "C-1"])
    out = io.BytesIO()
    wb.save(out)
    result = alice.get(_result_path(_upload(alice, "accounts", out.getvalue())))
    assert result.status_code == 200
    problem = result.text.split('class="problem"', 1)[1]
    assert "name" in problem.split("</p>", 1)[0]
    assert 'data-count="inserted"' not in result.text


def test_a_shift_jis_csv_upload_is_imported(alice: TestClient[Any]) -> None:
    content = "取引先名,取引先コード\r\n横浜工業,Y-1\r\n".encode("cp932")
    form = {"_csrf_token": csrf_token(alice, "/transfer"), "mode": "insert"}
    response = alice.post("/transfer/accounts/import", data=form,
                          files={"file": ("取引先.csv", content, "text/csv")}, follow_redirects=False)
    result = alice.get(_result_path(response))
    assert _count(result.text, "inserted") == 1
    assert "取引先.csv" in result.text
    assert "横浜工業" in alice.get("/accounts").text


def test_a_refusal_by_the_use_case_is_a_403_message_on_the_upload_page(
        alice: TestClient[Any], app_container: Container) -> None:
    content = _accounts_file(alice, [{"name": "拒否される会社"}])

    class Refusing(ImportRecords):
        def __call__(self, *_args: Any, **_kwargs: Any) -> Any:
            raise Forbidden("この操作には管理者権限が必要です / this needs the tenant administrator role")

    app_container.import_records.override(providers.Object(Refusing(app_container.transfer_deps())))
    try:
        refused = _upload(alice, "accounts", content)
    finally:
        app_container.import_records.reset_override()
    assert refused.status_code == 403
    assert 'class="alert alert-error transfer-error"' in refused.text
    assert "管理者権限" in refused.text
    assert '<tr data-kind="accounts">' in refused.text  # the upload page, with its forms


def test_admin_only_kinds_are_hidden_from_and_refused_to_other_users(alice: TestClient[Any]) -> None:
    users_template = alice.get("/transfer/users/template").content
    with TestClient(alice.app) as carol:
        assert log_in(carol, "carol", PASSWORD).status_code == 303
        html = carol.get("/transfer").text
        assert '<tr data-kind="accounts">' in html
        assert '<tr data-kind="users">' not in html
        assert '<tr data-kind="products">' not in html
        assert _upload(carol, "users", users_template, name="users.xlsx").status_code == 404
        assert carol.get("/transfer/users/export").status_code == 404


def test_light_users_have_no_access(client: TestClient[Any], world: World) -> None:
    assert log_in(client, "bob", LIGHT_PASSWORD).status_code == 303
    assert client.get("/transfer").status_code == 403
    assert client.get("/transfer/accounts/export").status_code == 403
    assert client.get("/transfer/accounts/template").status_code == 403
    assert 'href="/transfer"' not in client.get("/").text
    form = {"_csrf_token": csrf_token(client, "/account/preferences"), "mode": "upsert"}
    refused = client.post("/transfer/accounts/import", data=form, files={"file": ("a.xlsx", b"x", XLSX)},
                          follow_redirects=False)
    assert refused.status_code == 403


def test_template_and_export_are_workbooks_with_the_hidden_key_row(alice: TestClient[Any]) -> None:
    template = alice.get("/transfer/accounts/template")
    assert template.status_code == 200
    assert template.headers["content-type"].startswith(XLSX)
    assert template.headers["x-content-type-options"] == "nosniff"
    disposition = template.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]).startswith("取引先_ひな形_")
    ws = _workbook(template.content).worksheets[0]
    assert ws.row_dimensions[2].hidden
    assert {"id", "version", "name", "code"} <= set(_keys(ws))

    content = _accounts_file(alice, [{"name": "出力される会社", "code": "E-1"}])
    _result_path(_upload(alice, "accounts", content))
    export = alice.get("/transfer/accounts/export")
    assert export.status_code == 200
    assert unquote(export.headers["content-disposition"].split("filename*=UTF-8''", 1)[1]).endswith(".xlsx")
    ws = _workbook(export.content).worksheets[0]
    assert ws.row_dimensions[2].hidden
    keys = _keys(ws)
    rows = [dict(zip(keys, r, strict=False)) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert [r["name"] for r in rows] == ["出力される会社"]


def test_upload_names_are_made_safe() -> None:
    assert safe_file_name("../../etc/passwd") == "passwd.xlsx"
    assert safe_file_name("C:\\data\\取引先.XLSX") == "取引先.xlsx"
    assert safe_file_name("..") == "upload.xlsx"
    assert safe_file_name("販売実績.csv") == "販売実績.csv"


def test_old_runs_are_pruned_and_recent_ones_kept(tmp_path: Path) -> None:
    old, recent, old_export = tmp_path / "old-run", tmp_path / "recent-run", tmp_path / "exports" / "old"
    for d in (old, recent, old_export):
        d.mkdir(parents=True)
        (d / "result.json").write_text("{}")
    now = time.time()
    for d in (old, old_export):
        os.utime(d, (now - KEEP_SECONDS - 60, now - KEEP_SECONDS - 60))
    prune(tmp_path, now)
    assert not old.exists()
    assert not old_export.exists()
    assert recent.exists()
    assert (tmp_path / "exports").exists()


def test_the_work_area_is_under_the_files_directory(app_container: Container, tmp_path: Path) -> None:
    assert app_container.transfer_work_dir() == app_container.settings().attachments_dir / "transfer"
