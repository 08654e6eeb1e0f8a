"""Attachment use cases on both engines: upload (limit, scan, sniff, hash), list, download, delete, and who may
do each (R6: judged on the record). Parent records are inserted as rows (the aggregates are built elsewhere)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from attrs import evolve

from dps.adapters.db.repositories.sales.attachments import SqlAttachmentRepository
from dps.adapters.db.repositories.sales.record_rows import save_restriction, save_staff
from dps.adapters.db.tables.collaboration import attachments
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.files.clamd import ClamdScanner
from dps.adapters.files.local import LocalFileStore
from dps.application.auth.principals import system_principal
from dps.application.directory.users import AddUser, AddUserCommand
from dps.application.sales.collaboration.attachments import (
    DeleteAttachment,
    DownloadAttachment,
    ListAttachments,
    UploadAttachment,
    UploadAttachmentCommand,
)
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Forbidden, Invalid, NotFound, ServiceUnavailable
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.sales.records import RecordType, StaffMember
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.test_clamd import EICAR, EICAR_SIGNATURE, FakeClamd

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n" + b"0123456789" * 100


class RecordingAudit:
    """The AuditLog port, keeping what it was told."""

    def __init__(self) -> None:
        self.security_events: list[tuple[str, dict[str, Any]]] = []
        self.changes: list[dict[str, Any]] = []
        self.app_events: list[str] = []

    def security(self, event: str, **fields: Any) -> None:
        self.security_events.append((event, fields))

    def master_change(self, *, entity: str, record_id: UUID | str, action: str, actor: str,
                      before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
        self.changes.append({"entity": entity, "record_id": str(record_id), "action": action, "actor": actor,
                             "before": before, "after": after})

    def application(self, event: str, **fields: Any) -> None:
        self.app_events.append(event)


def add_user(container: Container, admin: Principal, login: str, license: License = License.FULL) -> Principal:
    """A user of the tenant and the principal acting as them."""
    user = AddUser(container.directory_deps())(admin, AddUserCommand(login_id=login, name=login, license=license))
    return Principal(tenant_id=admin.tenant_id, user_id=user.id, login_id=login, name=login, license=license)


def insert_account(
    engine: sa.Engine, tenant_id: TenantId, *, name: str = "取引先", owner: UserId | None = None,
    restriction: Restriction | None = None, staff: Iterable[StaffMember] = (),
) -> UUID:
    """An account row (with its allow-list and staff rows) straight into the tables."""
    account_id = uuid4()
    with engine.begin() as conn:
        conn.execute(accounts.insert().values(
            tenant_id=tenant_id, id=account_id, name=name, owner_id=owner, created_by=owner,
            is_restricted=restriction is not None, created_at=NOW, updated_at=NOW,
        ))
        save_restriction(conn, tenant_id, RecordType.ACCOUNT, account_id, restriction)
        save_staff(conn, tenant_id, RecordType.ACCOUNT, account_id, list(staff))
    return account_id


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attachment_rows(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(attachments)).scalar_one())


def upload(record_id: UUID, data: bytes, name: str = "提案書.pdf", declared: str | None = None,
           record_type: RecordType = RecordType.ACCOUNT) -> UploadAttachmentCommand:
    return UploadAttachmentCommand(record_type=record_type, record_id=record_id, file_name=name,
                                   data=io.BytesIO(data), declared_type=declared)


@pytest.fixture
def files_root(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


@pytest.fixture
def audit() -> RecordingAudit:
    return RecordingAudit()


@pytest.fixture
def deps(container: Container, tenant: Tenant, files_root: Path, audit: RecordingAudit) -> SalesDeps:
    return evolve(container.sales_deps(), files=LocalFileStore(files_root), audit=audit, max_upload_bytes=4096)


@pytest.fixture
def alice(container: Container, admin: Principal) -> Principal:
    return add_user(container, admin, "alice")


def test_upload_list_download_delete(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, files_root: Path, audit: RecordingAudit
) -> None:
    account_id = insert_account(engine, alice.tenant_id, owner=alice.user_id)

    attachment = UploadAttachment(deps)(alice, upload(account_id, PDF, name="../見積/提案書\u202e.pdf",
                                                      declared="text/html"))

    assert attachment.file_name == "提案書.pdf"
    assert attachment.content_type == "application/pdf"
    assert (attachment.size_bytes, attachment.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert attachment.uploaded_by == alice.user_id
    assert attachment.uploaded_at is not None
    assert [p.name for p in stored_files(files_root)] == [attachment.storage_key]
    assert [c["action"] for c in audit.changes] == ["create"]

    listed = ListAttachments(deps)(alice, RecordType.ACCOUNT, account_id)
    assert [a.id for a in listed] == [attachment.id]
    assert listed[0].file_name == "提案書.pdf"
    assert listed[0].sha256 == attachment.sha256

    download = DownloadAttachment(deps)(alice, attachment.id)
    with download.stream as stream:
        assert stream.read() == PDF
    assert download.attachment.content_type == "application/pdf"

    DeleteAttachment(deps)(alice, attachment.id)
    assert attachment_rows(engine) == 0
    assert stored_files(files_root) == []
    assert ListAttachments(deps)(alice, RecordType.ACCOUNT, account_id) == []
    with pytest.raises(NotFound):
        DownloadAttachment(deps)(alice, attachment.id)
    assert [c["action"] for c in audit.changes] == ["create", "delete"]


def test_an_oversized_upload_is_refused_and_nothing_is_kept(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, files_root: Path
) -> None:
    account_id = insert_account(engine, alice.tenant_id)
    with pytest.raises(Invalid) as e:
        UploadAttachment(deps)(alice, upload(account_id, b"x" * 4097))
    assert e.value.errors == {"file": "larger than 4096 bytes"}
    assert stored_files(files_root) == []
    assert attachment_rows(engine) == 0
    # exactly the limit is fine
    assert UploadAttachment(deps)(alice, upload(account_id, b"x" * 4096)).size_bytes == 4096


def test_an_infected_upload_is_refused_and_logged(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, files_root: Path, audit: RecordingAudit
) -> None:
    account_id = insert_account(engine, alice.tenant_id)
    with FakeClamd() as clamd:
        scanning = evolve(deps, scanner=ClamdScanner(clamd.address))
        with pytest.raises(Invalid) as e:
            UploadAttachment(scanning)(alice, upload(account_id, b"hello " + EICAR, name="eicar.com"))
        clean = UploadAttachment(scanning)(alice, upload(account_id, "議事録".encode(), name="memo.txt"))
    assert EICAR_SIGNATURE in e.value.errors["file"]
    infected = [fields for event, fields in audit.security_events if event == "upload.infected"]
    assert len(infected) == 1
    assert infected[0]["signature"] == EICAR_SIGNATURE
    assert infected[0]["user"] == "alice"
    assert infected[0]["record_id"] == str(account_id)
    assert clamd.streams[1] == "議事録".encode()
    assert [p.name for p in stored_files(files_root)] == [clean.storage_key]
    assert attachment_rows(engine) == 1
    assert clean.content_type == "text/plain; charset=utf-8"


def test_an_unreachable_scanner_refuses_the_upload(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, files_root: Path
) -> None:
    account_id = insert_account(engine, alice.tenant_id)
    with FakeClamd() as clamd:
        address = clamd.address
    with pytest.raises(ServiceUnavailable):
        UploadAttachment(evolve(deps, scanner=ClamdScanner(address, timeout=2)))(alice, upload(account_id, PDF))
    assert stored_files(files_root) == []
    assert attachment_rows(engine) == 0


def test_when_the_row_cannot_be_written_the_stored_bytes_are_removed(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, files_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id = insert_account(engine, alice.tenant_id)

    def broken_add(self: SqlAttachmentRepository, attachment: object) -> None:
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(SqlAttachmentRepository, "add", broken_add)
    with pytest.raises(sa.exc.OperationalError):
        UploadAttachment(deps)(alice, upload(account_id, PDF))
    assert stored_files(files_root) == []


def test_light_users_read_but_never_upload_or_delete(
    engine: sa.Engine, container: Container, admin: Principal, deps: SalesDeps, alice: Principal,
    audit: RecordingAudit,
) -> None:
    light = add_user(container, admin, "lite", License.LIGHT)
    account_id = insert_account(engine, alice.tenant_id)
    attachment = UploadAttachment(deps)(alice, upload(account_id, PDF))

    with pytest.raises(Forbidden):
        UploadAttachment(deps)(light, upload(account_id, PDF))
    with pytest.raises(Forbidden):
        DeleteAttachment(deps)(light, attachment.id)
    assert [a.id for a in ListAttachments(deps)(light, RecordType.ACCOUNT, account_id)] == [attachment.id]
    with DownloadAttachment(deps)(light, attachment.id).stream as stream:
        assert stream.read() == PDF
    denied = [f for e, f in audit.security_events if e == "permission.denied"]
    assert {f["user"] for f in denied} == {"lite"}
    assert attachment_rows(engine) == 1


def test_an_invisible_records_attachments_do_not_exist_for_the_viewer(
    engine: sa.Engine, container: Container, admin: Principal, deps: SalesDeps, alice: Principal
) -> None:
    carol = add_user(container, admin, "carol")
    secret = insert_account(engine, alice.tenant_id, owner=carol.user_id, restriction=Restriction())
    attachment = UploadAttachment(deps)(carol, upload(secret, PDF))

    with pytest.raises(NotFound):
        DownloadAttachment(deps)(alice, attachment.id)
    with pytest.raises(NotFound):
        ListAttachments(deps)(alice, RecordType.ACCOUNT, secret)
    with pytest.raises(NotFound):
        UploadAttachment(deps)(alice, upload(secret, PDF))
    with pytest.raises(NotFound):
        DeleteAttachment(deps)(alice, attachment.id)
    with pytest.raises(NotFound):
        DownloadAttachment(deps)(alice, uuid4())
    assert attachment_rows(engine) == 1
    # the allow-list opens it
    with engine.begin() as conn:
        allow_alice = Restriction(users=frozenset({alice.user_id}))
        save_restriction(conn, alice.tenant_id, RecordType.ACCOUNT, secret, allow_alice)
    with DownloadAttachment(deps)(alice, attachment.id).stream as stream:
        assert stream.read() == PDF


def test_unknown_records_and_kinds_without_attachments(engine: sa.Engine, deps: SalesDeps, alice: Principal) -> None:
    with pytest.raises(NotFound):
        UploadAttachment(deps)(alice, upload(uuid4(), PDF))
    with pytest.raises(Invalid):
        UploadAttachment(deps)(alice, upload(uuid4(), PDF, record_type=RecordType.BUDGET))
    account_id = insert_account(engine, alice.tenant_id)
    with pytest.raises(Invalid) as e:
        UploadAttachment(deps)(alice, upload(account_id, PDF, name="../.."))
    assert set(e.value.errors) == {"file"}


def test_another_tenants_attachment_is_not_found(
    engine: sa.Engine, container: Container, deps: SalesDeps, alice: Principal
) -> None:
    account_id = insert_account(engine, alice.tenant_id)
    attachment = UploadAttachment(deps)(alice, upload(account_id, PDF))
    other = container.create_tenant()(CreateTenantCommand(code="other", name="他社"))
    outsider = add_user(container, system_principal(other.id), "mallory")
    with pytest.raises(NotFound):
        DownloadAttachment(deps)(outsider, attachment.id)
    with pytest.raises(NotFound):
        DeleteAttachment(deps)(outsider, attachment.id)
