"""The list side of accounts, persons, leads, campaigns and activities on both engines: a page is ONE
statement of flat list items (no per-row or child-row queries) whose fields agree with the aggregate
the detail loads; a person's item names its account only for a viewer who may see it; and a NOT NULL
sort column pages without NULLS LAST (an index walk on PostgreSQL) while a nullable one keeps nulls last."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs
import pytest
import sqlalchemy as sa

from dps.application.sales.access import viewer_in
from dps.application.sales.accounts.ports import AccountQuery
from dps.application.sales.accounts.read_models import AccountListItem
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.read_models import ActivityListItem
from dps.application.sales.campaigns.ports import CampaignQuery
from dps.application.sales.campaigns.read_models import CampaignListItem
from dps.application.sales.leads.ports import LeadQuery
from dps.application.sales.leads.read_models import LeadListItem
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.read_models import PersonListItem
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.paging import Page, PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.accounts import Account
from dps.domain.sales.activities import Activity, ActivityStatus
from dps.domain.sales.campaigns import Campaign
from dps.domain.sales.leads import Lead
from dps.domain.sales.persons import Person
from dps.domain.sales.records import Relation, SalesRecord, StaffMember
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import Viewer
from dps.domain.visibility.records import Restriction
from tests.integration.sales.accounts_helpers import CORP_A, Directory, build_directory

NOW = datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
DAY = date(2026, 11, 19)
Search = Callable[[SalesUnitOfWork, Viewer, PageRequest], Page[Any]]
SEARCHES: dict[str, Search] = {
    "account": lambda uow, v, p: uow.accounts.search(v, AccountQuery(), p),
    "person": lambda uow, v, p: uow.persons.search(v, PersonQuery(), p),
    "lead": lambda uow, v, p: uow.leads.search(v, LeadQuery(), p),
    "campaign": lambda uow, v, p: uow.campaigns.search(v, CampaignQuery(), p),
    "activity": lambda uow, v, p: uow.activities.search(v, ActivitySearch(), p),
}
ITEMS: dict[str, Any] = {"account": AccountListItem, "person": PersonListItem, "lead": LeadListItem,
                         "campaign": CampaignListItem, "activity": ActivityListItem}
RENAMED = {"website": "url"}
"""List item attributes whose aggregate attribute has another name."""


@pytest.fixture
def d(container: Container, tenant: Tenant, admin: Principal) -> Directory:
    return build_directory(container, tenant, admin)


def _add(d: Directory, record: SalesRecord, *, at: datetime = NOW) -> None:
    """Owner alice (営業部), stamped at `at`, added through its store."""
    record.assign_owner(d.users["alice"], d.orgs["sales"])
    record.stamp_created(d.users["alice"], at)
    with d.container.uow()(d.tenant.id) as uow:
        store = {Account: uow.accounts, Person: uow.persons, Lead: uow.leads, Campaign: uow.campaigns,
                 Activity: uow.activities}[type(record)]
        store.add(record)  # type: ignore[attr-defined]
        uow.commit()


def _records(d: Directory) -> dict[str, SalesRecord]:
    """One of each kind with staff, a 非公開 allow-list, custom field values and (where the kind has
    them) relations, persons met and attendees."""
    new = d.container.ids().new_id
    staff = (StaffMember(d.users["carol"], is_main=True), StaffMember(d.users["dave"]))
    secret = Restriction(users=frozenset({d.users["carol"]}), organizations=frozenset({d.orgs["dev"]}))
    custom = {"rank": "A", "memo": "重要"}
    account = Account(id=new(), name="株式会社サンプル", kana="サンプル", code="A-1", corporate_number=CORP_A,
                      url="https://sample.example", phone="03-1111-2222", employees=120, industry_code="it",
                      notes="メモ", staff=staff, restriction=secret, custom_fields=custom)
    _add(d, account)
    person = Person(id=new(), account_id=account.id, last_name="山田", first_name="花子", last_name_kana="ヤマダ",
                    email="hanako@example.com", score=80, staff=staff, restriction=secret, custom_fields=custom)
    _add(d, person)
    lead = Lead(id=new(), company_name="見込商事", last_name="鈴木", source_code="web", next_action_on=DAY,
                score=10, staff=staff, restriction=secret, custom_fields=custom)
    campaign = Campaign(id=new(), name="秋のセミナー", starts_on=DAY, budget_amount=Decimal("1500000.5"),
                        target_amount=Decimal("3000000"), relations=(Relation(person.id),), staff=staff,
                        restriction=secret, custom_fields=custom)
    activity = Activity(id=new(), status=ActivityStatus.DONE, kind_code="visit", subject="初回訪問",
                        activity_date=DAY, starts_at=NOW, ends_at=NOW + timedelta(hours=1), content="会社紹介",
                        account_id=account.id, person_ids=(person.id,), attendee_ids=(d.users["carol"],),
                        staff=staff, restriction=secret, custom_fields=custom)
    for record in (lead, campaign, activity):
        _add(d, record)
    return {"account": account, "person": person, "lead": lead, "campaign": campaign, "activity": activity}


@pytest.fixture
def counted(d: Directory) -> Iterator[list[str]]:
    """The SQL statements the engine runs while the test reads them (cleared by the test as it goes)."""
    engine = d.container.engine()
    statements: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listen)
    yield statements
    sa.event.remove(engine, "before_cursor_execute", listen)


def test_a_page_is_one_statement_of_flat_items_agreeing_with_the_detail(d: Directory, counted: list[str]) -> None:
    made = _records(d)
    carol = d.principal("carol")
    with d.container.uow()(d.tenant.id) as uow:
        viewer = viewer_in(uow, carol, d.deps.clock)
        for kind, search in SEARCHES.items():
            counted.clear()
            page = search(uow, viewer, PageRequest(limit=10))
            assert len(counted) == 1, (kind, counted)
            [item] = [i for i in page.items if i.id == made[kind].id]
            assert type(item) is ITEMS[kind]
            record = {"account": uow.accounts, "person": uow.persons, "lead": uow.leads, "campaign": uow.campaigns,
                      "activity": uow.activities}[kind].get(item.id)
            assert record is not None
            for a in attrs.fields(type(item)):
                if a.name not in ("account_name", "opportunity_name"):  # names of other records, joined
                    assert getattr(item, a.name) == getattr(record, RENAMED.get(a.name, a.name)), (kind, a.name)
            assert item.is_restricted is True
            assert item.custom_fields == {"rank": "A", "memo": "重要"}
    campaign = next(i for i in _page(d, "carol", "campaign").items)
    assert (campaign.budget_amount, campaign.target_amount) == (Decimal("1500000.50"), Decimal("3000000.00"))
    person = next(i for i in _page(d, "carol", "person").items)
    assert (person.full_name, person.account_name) == ("山田 花子", "株式会社サンプル")


def _page(d: Directory, login: str, kind: str, request: PageRequest | None = None) -> Page[Any]:
    return _searched(d, login, kind, request)[0]


def _searched(d: Directory, login: str, kind: str, request: PageRequest | None = None
              ) -> tuple[Page[Any], list[str]]:
    """A page of the kind's search for `login`, and the statements the search alone ran."""
    engine = d.container.engine()
    statements: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    principal = d.principal(login)
    with d.container.uow()(d.tenant.id) as uow:
        viewer = viewer_in(uow, principal, d.deps.clock)
        sa.event.listen(engine, "before_cursor_execute", listen)
        try:
            page = SEARCHES[kind](uow, viewer, request or PageRequest())
        finally:
            sa.event.remove(engine, "before_cursor_execute", listen)
    return page, statements


def test_a_person_item_names_its_account_only_to_whom_may_see_it(d: Directory) -> None:
    new = d.container.ids().new_id
    hidden = Account(id=new(), name="極秘商事", restriction=Restriction(users=frozenset({d.users["carol"]})))
    _add(d, hidden)
    _add(d, Person(id=new(), account_id=hidden.id, last_name="公開"))
    names = {login: [(p.last_name, p.account_name) for p in _page(d, login, "person").items]
             for login in ("alice", "carol", "dave")}
    assert names == {"alice": [("公開", "極秘商事")], "carol": [("公開", "極秘商事")], "dave": [("公開", None)]}


def _three_alike(d: Directory, kind: str) -> list[UUID]:
    """Three records of the kind with the same value in the column the test sorts by."""
    new = d.container.ids().new_id
    records = [_alike(d, kind, new(), n) for n in range(3)]
    for record in records:
        _add(d, record)
    return [r.id for r in records]


def _alike(d: Directory, kind: str, record_id: UUID, n: int) -> SalesRecord:
    if kind == "account":
        return Account(id=record_id, name=f"同名{n}")
    if kind == "person":
        return Person(id=record_id, account_id=_account(d), last_name="同姓")
    if kind == "lead":
        return Lead(id=record_id, company_name=f"見込{n}", last_name="同姓", source_code="web")
    if kind == "campaign":
        return Campaign(id=record_id, name=f"催し{n}", starts_on=DAY)
    return Activity(id=record_id, status=ActivityStatus.PLANNED, kind_code="visit", subject=f"訪問{n}",
                    activity_date=DAY)


def _account(d: Directory) -> UUID:
    account = Account(id=d.container.ids().new_id(), name="勤務先")
    _add(d, account)
    return account.id


NOT_NULL_SORTS = {"account": "-updated_at", "person": "-created_at", "lead": "-updated_at", "campaign": "-starts_on",
                  "activity": "-activity_date"}


@pytest.mark.parametrize("kind", sorted(NOT_NULL_SORTS))
def test_a_not_null_column_pages_descending_by_id_among_ties_without_nulls_last(d: Directory, kind: str) -> None:
    ids = _three_alike(d, kind)
    seen: list[UUID] = []
    cursor: str | None = None
    while True:
        page, statements = _searched(d, "alice", kind, PageRequest(limit=2, cursor=cursor, sort=NOT_NULL_SORTS[kind]))
        assert len(statements) == 1 and "NULLS LAST" not in statements[0].upper()  # noqa: PT018
        seen += [i.id for i in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(ids, reverse=True)


def test_a_nullable_column_still_puts_the_rows_without_a_value_last(d: Directory) -> None:
    new = d.container.ids().new_id
    dated = [Lead(id=new(), company_name=f"日付{n}", last_name="x", source_code="web",
                  next_action_on=DAY + timedelta(days=n)) for n in range(2)]
    undated = [Lead(id=new(), company_name=f"未定{n}", last_name="x", source_code="web") for n in range(2)]
    for lead in (*dated, *undated):
        _add(d, lead)
    seen: list[UUID] = []
    cursor: str | None = None
    while True:
        page, statements = _searched(d, "alice", "lead", PageRequest(limit=1, cursor=cursor, sort="-next_action_on"))
        if cursor is None:
            assert "NULLS LAST" in statements[0].upper()
        seen += [i.id for i in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [dated[1].id, dated[0].id, *sorted((u.id for u in undated), reverse=True)]
