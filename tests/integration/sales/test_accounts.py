"""Account use cases on both engines: CRUD, optimistic locking, code lists, 法人番号, visibility of
非公開 accounts, 自担当, light users, the parent hierarchy, the delete rule and the registry status fields
(English name, closing date and cause, successor)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from dps.application.sales.accounts.commands import DeleteAccount, UpdateAccount, UpdateAccountCommand
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.queries import GetAccount, ListAccountPersons, SearchAccounts
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.records import Relation, StaffMember
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import CORP_A, CORP_B, Directory, build_directory


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


def _names(d: Directory, login: str, query: AccountQuery | None = None, **page: object) -> list[str]:
    found = SearchAccounts(d.deps)(d.principal(login), query or AccountQuery(), PageRequest(**page))  # type: ignore[arg-type]
    return [a.name for a in found.items]


def test_register_view_update_with_version(d: Directory) -> None:
    account = d.account("alice", "株式会社サンプル", kana="サンプル", corporate_number="5-0100-0100-8846",
                        account_type_code="customer", transaction_status_code="active", industry_code="it",
                        size_code="m", employees=120, phone="03-1234-5678",
                        parts=RecordParts(staff=(StaffMember(d.users["carol"], is_main=True),)))
    assert account.corporate_number == CORP_A
    assert account.owner_id == d.users["alice"]
    assert account.owner_organization_id == d.orgs["sales"]
    assert account.created_by == d.users["alice"]

    detail = GetAccount(d.deps)(d.principal("dave"), account.id)
    assert detail.account.name == "株式会社サンプル"
    assert detail.account.staff == (StaffMember(d.users["carol"], is_main=True),)
    assert detail.account.version == 1

    updated = UpdateAccount(d.deps)(d.principal("dave"), UpdateAccountCommand(
        account_id=account.id, expected_version=1, values={"name": "株式会社サンプル改", "employees": 130},
        parts=RecordParts(owner_id=d.users["dave"])))
    assert updated.version == 2
    again = GetAccount(d.deps)(d.principal("alice"), account.id).account
    assert (again.name, again.employees, again.kana, again.version) == ("株式会社サンプル改", 130, "サンプル", 2)
    assert again.owner_id == d.users["dave"]
    assert again.owner_organization_id == d.orgs["dev"]
    assert again.updated_by == d.users["dave"]

    with pytest.raises(Conflict) as stale:
        UpdateAccount(d.deps)(d.principal("alice"), UpdateAccountCommand(
            account_id=account.id, expected_version=1, values={"name": "古い版"}))
    assert stale.value.current_version == 2
    assert GetAccount(d.deps)(d.principal("alice"), account.id).account.name == "株式会社サンプル改"


def test_invalid_codes_and_corporate_numbers(d: Directory) -> None:
    with pytest.raises(Invalid) as bad_code:
        d.account("alice", "A社", account_type_code="nonsense")
    assert "account_type_code" in bad_code.value.errors
    with pytest.raises(Invalid) as bad_digit:
        d.account("alice", "B社", corporate_number="1010001008846")
    assert "corporate_number" in bad_digit.value.errors
    with pytest.raises(Invalid) as no_name:
        d.account("alice", "   ")
    assert "name" in no_name.value.errors
    d.account("alice", "C社", corporate_number=CORP_A)
    with pytest.raises(Conflict) as taken:
        d.account("alice", "D社", corporate_number=CORP_A)
    assert taken.value.field == "corporate_number"
    other = d.account("alice", "E社", corporate_number=CORP_B)
    with pytest.raises(Conflict) as taken_on_update:
        UpdateAccount(d.deps)(d.principal("alice"), UpdateAccountCommand(
            account_id=other.id, expected_version=1, values={"corporate_number": CORP_A}))
    assert taken_on_update.value.field == "corporate_number"
    with pytest.raises(Invalid) as unknown_field:
        d.account("alice", "F社", favourite_colour="blue")
    assert "favourite_colour" in unknown_field.value.errors
    assert _names(d, "alice") == ["C社", "E社"]


def test_restricted_account_is_invisible_to_outsiders_but_visible_to_allow_listed_sub_org(d: Directory) -> None:
    secret = d.account("erin", "極秘商事", kana="ゴクヒ",
                       parts=RecordParts(restriction=Restriction(organizations=frozenset({d.orgs["sales"]}))))
    d.account("erin", "公開物産")
    # dave (開発部) is outside: not in search, 404 on get, 404 on update and delete
    assert _names(d, "dave") == ["公開物産"]
    assert _names(d, "dave", AccountQuery(q="ごくひ")) == []
    with pytest.raises(NotFound):
        GetAccount(d.deps)(d.principal("dave"), secret.id)
    with pytest.raises(NotFound):
        UpdateAccount(d.deps)(d.principal("dave"), UpdateAccountCommand(secret.id, 1, {"name": "x"}))
    with pytest.raises(NotFound):
        DeleteAccount(d.deps)(d.principal("dave"), secret.id)
    with pytest.raises(NotFound):
        ListAccountPersons(d.deps)(d.principal("dave"), secret.id, PageRequest())
    # carol (営業一課) sits under the listed 営業部: sees it; so does the light user lucy (営業部)
    assert _names(d, "carol", AccountQuery(q="ゴクヒ")) == ["極秘商事"]
    assert GetAccount(d.deps)(d.principal("carol"), secret.id).account.is_restricted
    assert _names(d, "lucy") == ["公開物産", "極秘商事"]
    # the creator (and owner) always sees it
    assert _names(d, "erin") == ["公開物産", "極秘商事"]


def test_mine_filter_owner_staff_and_organisation(d: Directory) -> None:
    d.account("alice", "アリス社")
    d.account("carol", "キャロル社")  # carol's 営業一課 lies under alice's 営業部
    d.account("dave", "デイブ社")
    d.account("dave", "担当社", parts=RecordParts(staff=(StaffMember(d.users["erin"]),)))
    assert _names(d, "alice", AccountQuery(mine=True)) == ["アリス社", "キャロル社"]
    assert _names(d, "carol", AccountQuery(mine=True)) == ["キャロル社"]
    assert _names(d, "erin", AccountQuery(mine=True)) == ["担当社"]
    assert _names(d, "erin", AccountQuery(staff_id=d.users["erin"])) == ["担当社"]
    assert _names(d, "erin", AccountQuery(owner_id=d.users["dave"])) == ["デイブ社", "担当社"]


def test_filters_sort_and_pages(d: Directory) -> None:
    parent = d.account("alice", "親会社", kana="オヤ", account_type_code="customer")
    for i in range(5):
        d.account("alice", f"子会社{i}", kana=f"コ{i}", account_type_code="prospect", industry_code="it")
    child = d.account("alice", "子会社X", kana="コX")
    UpdateAccount(d.deps)(d.principal("alice"), UpdateAccountCommand(child.id, 1, parent_account_id=parent.id))
    assert _names(d, "alice", AccountQuery(parent_account_id=parent.id)) == ["子会社X"]
    assert _names(d, "alice", AccountQuery(account_type_code="customer")) == ["親会社"]
    assert len(_names(d, "alice", AccountQuery(industry_code="it"))) == 5
    page_1 = SearchAccounts(d.deps)(d.principal("alice"), AccountQuery(q="こ"), PageRequest(limit=4, sort="-kana"))
    assert [a.kana for a in page_1.items] == ["コX", "コ4", "コ3", "コ2"]
    assert page_1.next_cursor
    page_2 = SearchAccounts(d.deps)(d.principal("alice"), AccountQuery(q="こ"),
                                    PageRequest(limit=4, sort="-kana", cursor=page_1.next_cursor))
    assert [a.kana for a in page_2.items] == ["コ1", "コ0"]
    assert page_2.next_cursor is None
    with pytest.raises(Invalid):
        SearchAccounts(d.deps)(d.principal("alice"), AccountQuery(), PageRequest(sort="phone"))


def test_parent_must_exist_and_never_loop(d: Directory) -> None:
    a = d.account("alice", "A")
    b = d.account("alice", "B")
    c = d.account("alice", "C")
    update = UpdateAccount(d.deps)
    alice = d.principal("alice")
    update(alice, UpdateAccountCommand(b.id, 1, parent_account_id=a.id))
    update(alice, UpdateAccountCommand(c.id, 1, parent_account_id=b.id))
    with pytest.raises(Invalid) as loop:
        update(alice, UpdateAccountCommand(a.id, 1, parent_account_id=c.id))
    assert "parent_account_id" in loop.value.errors
    with pytest.raises(Invalid):
        update(alice, UpdateAccountCommand(a.id, 1, parent_account_id=a.id))
    secret = d.account("erin", "秘密", parts=RecordParts(restriction=Restriction()))
    with pytest.raises(Invalid):  # an invisible parent is as good as missing
        update(alice, UpdateAccountCommand(a.id, 1, parent_account_id=secret.id))
    assert GetAccount(d.deps)(alice, c.id).parent_name == "B"


def test_light_user_reads_but_may_not_write(d: Directory) -> None:
    account = d.account("alice", "読むだけ社")
    lucy = d.principal("lucy")
    assert GetAccount(d.deps)(lucy, account.id).account.name == "読むだけ社"
    with pytest.raises(Forbidden):
        d.account("lucy", "書けない社")
    with pytest.raises(Forbidden):
        UpdateAccount(d.deps)(lucy, UpdateAccountCommand(account.id, 1, {"name": "x"}))
    with pytest.raises(Forbidden):
        DeleteAccount(d.deps)(lucy, account.id)


def test_staff_relations_and_custom_fields_are_checked(d: Directory) -> None:
    account = d.account("alice", "関係社")
    person = d.person("alice", account, "山田")
    alice = d.principal("alice")
    with pytest.raises(Invalid) as two_main:
        UpdateAccount(d.deps)(alice, UpdateAccountCommand(account.id, 1, parts=RecordParts(staff=(
            StaffMember(d.users["alice"], True), StaffMember(d.users["carol"], True)))))
    assert "staff" in two_main.value.errors
    with pytest.raises(Invalid) as bad_role:
        UpdateAccount(d.deps)(alice, UpdateAccountCommand(account.id, 1, parts=RecordParts(
            relations=(Relation(person.id, "boss"),))))
    assert "relations" in bad_role.value.errors
    with pytest.raises(Invalid) as unknown_cf:
        UpdateAccount(d.deps)(alice, UpdateAccountCommand(account.id, 1, parts=RecordParts(
            custom_fields={"nope": 1})))
    assert any(k.startswith("custom_fields") for k in unknown_cf.value.errors)
    UpdateAccount(d.deps)(alice, UpdateAccountCommand(account.id, 1, parts=RecordParts(
        relations=(Relation(person.id, "decision_maker"),))))
    assert GetAccount(d.deps)(alice, account.id).account.relations == (Relation(person.id, "decision_maker"),)


def test_delete_refused_while_referenced_then_cascades_own_children(d: Directory, engine: sa.Engine) -> None:
    from dps.adapters.db.tables.records import record_staff
    from dps.application.sales.persons.commands import DeletePerson

    account = d.account("alice", "消える社", parts=RecordParts(staff=(StaffMember(d.users["carol"]),)))
    person = d.person("alice", account, "佐藤")
    alice = d.principal("alice")
    with pytest.raises(Conflict) as refused:
        DeleteAccount(d.deps)(alice, account.id)
    assert "persons 1" in refused.value.message
    DeletePerson(d.deps)(alice, person.id)
    DeleteAccount(d.deps)(alice, account.id)
    with pytest.raises(NotFound):
        GetAccount(d.deps)(alice, account.id)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(record_staff)).scalar_one() == 0


def test_another_tenant_never_sees_the_account(d: Directory, container: Container) -> None:
    from dps.application.auth.principals import system_principal
    from dps.application.tenancy.tenants import CreateTenantCommand

    account = d.account("alice", "アクメの取引先")
    other = container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=1,
                                                          light_licenses=0))
    outsider = system_principal(other.id, actor="other-admin")  # sees everything - of its own tenant
    with pytest.raises(NotFound):
        GetAccount(d.deps)(outsider, account.id)
    with pytest.raises(NotFound):
        UpdateAccount(d.deps)(outsider, UpdateAccountCommand(account.id, 1, {"name": "乗っ取り"}))
    with pytest.raises(NotFound):
        DeleteAccount(d.deps)(outsider, account.id)
    assert SearchAccounts(d.deps)(outsider, AccountQuery(), PageRequest()).items == []


def test_update_notifies_staff_and_is_logged(d: Directory) -> None:
    from dps.application.sales.access import viewer_in

    account = d.account("alice", "通知社", parts=RecordParts(staff=(StaffMember(d.users["carol"]),)))
    UpdateAccount(d.deps)(d.principal("dave"), UpdateAccountCommand(account.id, 1, {"phone": "03-1111-2222"}))
    carol, dave = d.principal("carol"), d.principal("dave")
    with d.deps.uow(d.tenant.id) as uow:
        assert uow.notifications.count_unread(viewer_in(uow, carol, d.deps.clock)) == 1
        assert uow.notifications.count_unread(viewer_in(uow, dave, d.deps.clock)) == 0


def test_registry_status_fields_round_trip_and_update_with_the_version(d: Directory) -> None:
    """英語名, 閉鎖日, 閉鎖事由 and 承継法人番号 are stored, read back (detail and list), changed only when
    given, and the successor is linked when the tenant has a visible account with that number."""
    successor = d.account("alice", "株式会社サンプル", corporate_number=CORP_A)
    closed = d.account("alice", "旧サンプル株式会社", corporate_number=CORP_B, en_name="Old Sample Co., Ltd.",
                       closed_on="2023-03-31", close_cause="合併による解散等", successor_corporate_number=CORP_A)
    detail = GetAccount(d.deps)(d.principal("dave"), closed.id)
    stored = detail.account
    assert (stored.en_name, stored.closed_on, stored.close_cause, stored.successor_corporate_number) == (
        "Old Sample Co., Ltd.", date(2023, 3, 31), "11", CORP_A)
    assert (detail.successor_id, detail.successor_name) == (successor.id, "株式会社サンプル")
    items = {i.name: i for i in SearchAccounts(d.deps)(d.principal("dave"), AccountQuery(), PageRequest()).items}
    assert items["旧サンプル株式会社"].closed_on == date(2023, 3, 31)
    assert items["旧サンプル株式会社"].is_closed
    assert not items["株式会社サンプル"].is_closed
    assert items["旧サンプル株式会社"].successor_corporate_number == CORP_A
    assert _names(d, "alice", AccountQuery(q="old sample")) == ["旧サンプル株式会社"]  # the English name is searched

    UpdateAccount(d.deps)(d.principal("alice"), UpdateAccountCommand(
        account_id=closed.id, expected_version=1, values={"phone": "03"}))  # the status fields stay as they are
    kept = GetAccount(d.deps)(d.principal("alice"), closed.id).account
    assert (kept.closed_on, kept.close_cause, kept.successor_corporate_number, kept.version) == (
        date(2023, 3, 31), "11", CORP_A, 2)
    with pytest.raises(Conflict):
        UpdateAccount(d.deps)(d.principal("alice"), UpdateAccountCommand(
            account_id=closed.id, expected_version=1, values={"closed_on": None}))
    UpdateAccount(d.deps)(d.principal("alice"), UpdateAccountCommand(
        account_id=closed.id, expected_version=2,
        values={"closed_on": None, "close_cause": "", "successor_corporate_number": None}))
    reopened = GetAccount(d.deps)(d.principal("alice"), closed.id)
    assert (reopened.account.closed_on, reopened.account.close_cause, reopened.account.successor_corporate_number,
            reopened.successor_id) == (None, None, None, None)


def test_bad_status_fields_are_invalid_on_their_field_and_a_hidden_successor_is_not_linked(d: Directory) -> None:
    for values, field in (({"successor_corporate_number": "1000012050002"}, "successor_corporate_number"),
                          ({"corporate_number": CORP_A, "successor_corporate_number": CORP_A},
                           "successor_corporate_number"),
                          ({"closed_on": "2023-13-01"}, "closed_on"), ({"en_name": "x" * 201}, "en_name")):
        with pytest.raises(Invalid) as bad:
            d.account("alice", "A社", **values)
        assert field in bad.value.errors
    d.account("erin", "秘密の承継先", corporate_number=CORP_A, parts=RecordParts(restriction=Restriction()))
    merged = d.account("alice", "合併された社", closed_on=date(2024, 1, 1), close_cause="11",
                       successor_corporate_number=CORP_A)
    detail = GetAccount(d.deps)(d.principal("alice"), merged.id)
    assert detail.account.successor_corporate_number == CORP_A
    assert (detail.successor_id, detail.successor_name) == (None, None)  # erin's 非公開 account stays hidden
