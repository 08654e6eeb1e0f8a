"""Person use cases on both engines: CRUD, the account rule, search, navigation from the account,
visibility, light users and the delete rule."""

from __future__ import annotations

from uuid import uuid4

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.records import record_relations
from dps.adapters.db.tables.sales_accounts import business_cards
from dps.application.sales.accounts.commands import UpdateAccount, UpdateAccountCommand
from dps.application.sales.accounts.queries import ListAccountPersons
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.persons.cards import AddBusinessCard, AddBusinessCardCommand
from dps.application.sales.persons.commands import DeletePerson, UpdatePerson, UpdatePersonCommand
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.queries import GetPerson, SearchPersons
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.records import Relation, StaffMember
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import Directory, build_directory


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


def _names(d: Directory, login: str, query: PersonQuery) -> list[str]:
    return [p.full_name for p in SearchPersons(d.deps)(d.principal(login), query, PageRequest()).items]


def test_register_view_update_and_stale_version(d: Directory) -> None:
    account = d.account("alice", "山田商事")
    person = d.person("alice", account, "山田", first_name="花子", last_name_kana="ヤマダ", first_name_kana="ハナコ",
                      email="hanako@yamada.example", title="課長", score=70)
    assert person.owner_id == d.users["alice"]
    assert person.owner_organization_id == d.orgs["sales"]
    detail = GetPerson(d.deps)(d.principal("dave"), person.id)
    assert detail.account_name == "山田商事"
    assert detail.person.full_name == "山田 花子"
    other = d.account("alice", "鈴木工業")
    moved = UpdatePerson(d.deps)(d.principal("dave"), UpdatePersonCommand(
        person_id=person.id, expected_version=1, values={"title": "部長"}, account_id=other.id))
    assert moved.version == 2
    again = GetPerson(d.deps)(d.principal("alice"), person.id).person
    assert (again.title, again.account_id, again.email) == ("部長", other.id, "hanako@yamada.example")
    with pytest.raises(Conflict) as stale:
        UpdatePerson(d.deps)(d.principal("alice"), UpdatePersonCommand(person.id, 1, {"title": "係長"}))
    assert stale.value.current_version == 2


def test_bad_input_is_invalid(d: Directory) -> None:
    account = d.account("alice", "A社")
    with pytest.raises(Invalid) as no_name:
        d.person("alice", account, "")
    assert "last_name" in no_name.value.errors
    with pytest.raises(Invalid) as bad_mail:
        d.person("alice", account, "田中", email="not-a-mail")
    assert "email" in bad_mail.value.errors
    with pytest.raises(Invalid) as bad_score:
        d.person("alice", account, "田中", score=101)
    assert "score" in bad_score.value.errors
    hidden = d.account("erin", "隠し社", parts=RecordParts(restriction=Restriction()))
    with pytest.raises(Invalid) as invisible_account:
        d.person("alice", hidden, "田中")
    assert "account_id" in invisible_account.value.errors


def test_search_by_name_kana_email_and_filters(d: Directory) -> None:
    a, b = d.account("alice", "A社"), d.account("alice", "B社")
    d.person("alice", a, "佐藤", first_name="一郎", last_name_kana="サトウ", first_name_kana="イチロウ",
             email="ichiro@a.example")
    d.person("carol", a, "鈴木", last_name_kana="スズキ")
    d.person("dave", b, "高橋", last_name_kana="タカハシ",
             parts=RecordParts(staff=(StaffMember(d.users["erin"]),)))
    assert _names(d, "dave", PersonQuery(q="さとう")) == ["佐藤 一郎"]
    assert _names(d, "dave", PersonQuery(q="ｻﾄｳ ｲﾁﾛｳ")) == ["佐藤 一郎"]
    assert _names(d, "dave", PersonQuery(q="ICHIRO@")) == ["佐藤 一郎"]
    assert _names(d, "dave", PersonQuery(q="佐藤一郎")) == ["佐藤 一郎"]
    assert _names(d, "dave", PersonQuery(account_id=a.id)) == ["佐藤 一郎", "鈴木"]
    assert _names(d, "alice", PersonQuery(mine=True)) == ["佐藤 一郎", "鈴木"]
    assert _names(d, "erin", PersonQuery(mine=True)) == ["高橋"]
    assert _names(d, "erin", PersonQuery(owner_id=d.users["carol"])) == ["鈴木"]
    page = ListAccountPersons(d.deps)(d.principal("lucy"), a.id, PageRequest(limit=1))
    assert [p.last_name for p in page.items] == ["佐藤"]
    assert page.next_cursor is not None


def test_restricted_person_and_account_navigation(d: Directory) -> None:
    account = d.account("erin", "見える社")
    secret = d.person("erin", account, "秘密",
                      parts=RecordParts(restriction=Restriction(users=frozenset({d.users["carol"]}))))
    d.person("erin", account, "公開")
    assert _names(d, "dave", PersonQuery(account_id=account.id)) == ["公開"]
    assert [p.last_name for p in ListAccountPersons(d.deps)(d.principal("dave"), account.id, PageRequest()).items
            ] == ["公開"]
    with pytest.raises(NotFound):
        GetPerson(d.deps)(d.principal("dave"), secret.id)
    assert GetPerson(d.deps)(d.principal("carol"), secret.id).person.last_name == "秘密"
    # once the account is 非公開 (carol only), its person list is 404 for dave
    UpdateAccount(d.deps)(d.principal("erin"), UpdateAccountCommand(
        account.id, 1, parts=RecordParts(restriction=Restriction(users=frozenset({d.users["carol"]})))))
    with pytest.raises(NotFound):
        ListAccountPersons(d.deps)(d.principal("dave"), account.id, PageRequest())


def test_light_user_may_not_write(d: Directory) -> None:
    account = d.account("alice", "A社")
    person = d.person("alice", account, "中村")
    lucy = d.principal("lucy")
    assert GetPerson(d.deps)(lucy, person.id).person.last_name == "中村"
    with pytest.raises(Forbidden):
        d.person("lucy", account, "小林")
    with pytest.raises(Forbidden):
        UpdatePerson(d.deps)(lucy, UpdatePersonCommand(person.id, 1, {"title": "x"}))
    with pytest.raises(Forbidden):
        DeletePerson(d.deps)(lucy, person.id)
    with pytest.raises(Forbidden):
        AddBusinessCard(d.deps)(lucy, AddBusinessCardCommand(
            person.id, __import__("datetime").date(2026, 1, 1), {"company_name": "A社", "last_name": "中村"}))


def test_delete_refused_while_an_opportunity_names_the_person(d: Directory, engine: sa.Engine) -> None:
    account = d.account("alice", "A社")
    person = d.person("alice", account, "加藤")
    friend = d.person("alice", account, "伊藤", parts=RecordParts(relations=(Relation(person.id, "contact"),)))
    AddBusinessCard(d.deps)(d.principal("alice"), AddBusinessCardCommand(
        person.id, __import__("datetime").date(2026, 1, 1), {"company_name": "A社", "last_name": "加藤"}))
    opportunity_id = uuid4()
    with engine.begin() as conn:
        conn.execute(record_relations.insert().values(tenant_id=d.tenant.id, record_type="opportunity",
                                                      record_id=opportunity_id, person_id=person.id))
    with pytest.raises(Conflict) as refused:
        DeletePerson(d.deps)(d.principal("alice"), person.id)
    assert "opportunities 1" in refused.value.message
    with engine.begin() as conn:
        conn.execute(record_relations.delete().where(record_relations.c.record_id == opportunity_id))
    DeletePerson(d.deps)(d.principal("alice"), person.id)
    with pytest.raises(NotFound):
        GetPerson(d.deps)(d.principal("alice"), person.id)
    # its cards went with it, and it is no longer a relation of the other person
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(business_cards)).scalar_one() == 0
    assert GetPerson(d.deps)(d.principal("alice"), friend.id).person.relations == ()
