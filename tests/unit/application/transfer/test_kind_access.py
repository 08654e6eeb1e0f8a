"""Who may move each kind of sheet and which dropdowns its workbooks offer, pinned per kind: the sales-record
kinds share one rule (`SalesRecordKind`), sales results and the masters keep their own."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any
from uuid import UUID

import pytest

from dps.application.shared.errors import Forbidden
from dps.application.transfer.kinds import KINDS
from dps.application.transfer.kinds.base import ErrorSink, ImportContext
from dps.application.transfer.kinds.common import acting_user
from dps.application.transfer.ports_store import UserRef
from dps.application.transfer.schema import Column, ColumnType, ImportMode
from dps.domain.catalog.code_lists import CodeList, CodeValue
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.visibility.policy import Viewer
from tests.fakes.transfer import FakeCodeLists

SALES_RECORD_KINDS = ("accounts", "persons", "cards", "opportunities", "activities")
LIGHT_REFUSED = "ライトユーザは取り込み・出力できません / a light user may not import or export records"
ADMIN_NEEDED = "この操作には管理者権限が必要です / this needs the tenant administrator role"
TENANT = TenantId(uuid.uuid4())


class Audit:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict[str, Any]]] = []

    def security(self, event: str, **fields: Any) -> None:
        self.lines.append((event, fields))


def principal(license: License, *, admin: bool = False) -> Principal:
    return Principal(tenant_id=TENANT, user_id=UserId(uuid.uuid4()), login_id="sato", name="佐藤", license=license,
                     roles=frozenset({Role.TENANT_ADMIN}) if admin else frozenset())


def refused(kind: str, who: Principal, action: str) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    audit = Audit()
    with pytest.raises(Forbidden) as e:
        KINDS[kind]().authorize(who, audit, f"{kind}.{action}")  # type: ignore[arg-type]
    return str(e.value), audit.lines


def allowed(kind: str, who: Principal, action: str) -> bool:
    audit = Audit()
    KINDS[kind]().authorize(who, audit, f"{kind}.{action}")  # type: ignore[arg-type]
    return audit.lines == []


@pytest.mark.parametrize("kind", SALES_RECORD_KINDS)
def test_a_sales_record_sheet_is_imported_by_full_users_and_exported_by_all(kind: str) -> None:
    light = principal(License.LIGHT)
    message, lines = refused(kind, light, "import")
    assert message == LIGHT_REFUSED
    assert lines == [("permission.denied", {"user": "sato", "action": f"{kind}.import", "reason": "light licence"})]
    assert allowed(kind, principal(License.FULL), "import")
    assert allowed(kind, light, "export")


def test_sales_results_are_imported_by_administrators_and_exported_by_full_users() -> None:
    message, lines = refused("sales-results", principal(License.FULL), "import")
    assert message == ADMIN_NEEDED
    assert lines == [("permission.denied",
                      {"user": "sato", "action": "sales-results.import", "reason": "not an administrator"})]
    assert allowed("sales-results", principal(License.FULL, admin=True), "import")
    message, lines = refused("sales-results", principal(License.LIGHT), "export")
    assert message == LIGHT_REFUSED
    assert [e for e, _ in lines] == ["permission.denied"]
    assert allowed("sales-results", principal(License.FULL), "export")


@pytest.mark.parametrize("kind", ["account-groups", "products", "product-categories"])
def test_master_sheets_are_imported_by_administrators_only(kind: str) -> None:
    assert refused(kind, principal(License.FULL), "import")[0] == ADMIN_NEEDED
    assert allowed(kind, principal(License.FULL, admin=True), "import")
    assert allowed(kind, principal(License.LIGHT), "export")


class CodeListsUow:
    def __init__(self) -> None:
        values = [CodeValue(code="A", label_ja="A社格"), CodeValue(code="Z", label_ja="廃止", is_active=False)]
        self.code_lists = FakeCodeLists([CodeList(key="rank", values=values),
                                         CodeList(key="industry", values=[CodeValue(code="IT", label_ja="IT")])])


RANK = Column("cf.rank", "ランク", "Rank", ColumnType.CODE, code_list="rank", custom=True)


def choices(kind: str) -> dict[str, Any]:
    """The kind's dropdowns for its sheet as `sheet_schema` makes it: a kind with a custom-field entity gets
    the tenant's custom columns (here a code-list one); the others (cards) have none."""
    handler = KINDS[kind]()
    schema = handler.base_schema()
    if handler.entity is not None:
        schema = schema.with_columns([RANK])
    return {k: list(v) for k, v in handler.code_choices(CodeListsUow(), schema).items()}  # type: ignore[arg-type]


def test_accounts_opportunities_and_activities_offer_the_active_codes_of_every_code_list_column() -> None:
    accounts = choices("accounts")
    assert accounts["industry_code"] == ["IT"]
    assert accounts["cf.rank"] == ["A"]
    assert accounts["size_code"] == []  # the tenant has no such list: nothing to choose
    assert choices("opportunities")["cf.rank"] == ["A"]
    assert choices("activities")["cf.rank"] == ["A"]


def test_persons_offer_their_custom_code_fields_and_cards_no_dropdowns() -> None:
    assert choices("persons") == {"cf.rank": ["A"]}  # no code-list column of its own, a custom one like the others
    assert choices("cards") == {}


class Directory:
    def __init__(self, known: set[UUID]) -> None:
        self.known = known
        self.asked: list[set[UUID]] = []

    def users_by_id(self, ids: Collection[UUID]) -> dict[UUID, UserRef]:
        self.asked.append(set(ids))
        return {i: UserRef(id=UserId(i), login_id="sato", is_active=False) for i in ids if i in self.known}


def context(who: Principal) -> ImportContext:
    return ImportContext(uow=None, principal=who, viewer=Viewer(principal=who), mode=ImportMode.UPSERT,  # type: ignore[arg-type]
                         now=None, today=None, ids=None, hasher=None, errors=ErrorSink(),  # type: ignore[arg-type]
                         schema=None)  # type: ignore[arg-type]


def test_the_acting_user_is_the_importer_when_the_directory_knows_them_retired_or_not() -> None:
    who = principal(License.FULL)
    directory = Directory({who.user_id})
    assert acting_user(context(who), directory) == who.user_id  # type: ignore[arg-type]
    assert directory.asked == [{who.user_id}]
    operator = principal(License.FULL, admin=True)
    assert acting_user(context(operator), directory) is None  # type: ignore[arg-type]
