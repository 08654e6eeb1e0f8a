"""The portal's data set (no tests here), shared by the query test (SQLite and PostgreSQL) and the
page test: 営業部 > 営業一課 and 開発部; alice (営業部), carol (営業一課), dave (開発部), lucy (light,
営業部). Opportunities through the use case (owner organisation, stage rules), activities and
budgets as plain rows. `expected_for` says what each user's portal must show.

Restricted records nobody but alice may see: 大型更改 (open, stage 20), 極秘受注 (won), the
activity 非公開訪問 and the activities on 大型更改 (R6: hidden with the opportunity)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from attrs import frozen

from dps.adapters.db.repositories.sales.record_rows import save_restriction, save_staff
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_budgets import budget_lines, budgets
from dps.application.sales.accounts.commands import CreateAccount, CreateAccountCommand
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.commands import CreateOpportunityCommand, OpportunityChanges
from dps.application.sales.opportunities.manage import CreateOpportunity
from dps.domain.sales.budgets import target_key
from dps.domain.sales.fiscal_years import FiscalYear
from dps.domain.sales.records import RecordType, StaffMember
from dps.domain.shared.ids import OrganizationId, TenantId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import Restriction

TOKYO = ZoneInfo("Asia/Tokyo")
M = Decimal(1_000_000)
HOME = {"alice": "sales", "carol": "sales1", "dave": "dev", "lucy": "sales"}
"""Each user's organisation (code)."""


def tenant_today() -> date:
    return datetime.now(TOKYO).date()


@frozen
class Expected:
    pipeline: dict[str, tuple[int, Decimal]]
    """stage -> (count, amount) for the stages with open opportunities."""
    nearest: list[str]
    upcoming: list[str]
    team: list[str]
    ordered: dict[date, Decimal]
    budget: dict[date, Decimal]


@frozen
class PortalSeed:
    today: date
    year: FiscalYear
    ids: dict[str, UUID]

    def expected_for(self, login: str) -> Expected:
        first = self.year.start
        this = self.today.replace(day=1)
        budget = {m: Decimal(100_000 * (i + 1)) for i, m in enumerate(self.year.months())}
        if login == "alice":
            ordered: dict[date, Decimal] = {first: Decimal(1_000_000)}
            ordered[this] = ordered.get(this, Decimal(0)) + Decimal(5_700_000)
            return Expected(
                pipeline={"10": (1, 1 * M), "20": (3, 5 * M), "30": (1, 4 * M)},
                nearest=["課内案件", "大型更改", "基幹更改", "追加案件"],
                upcoming=["今日の商談", "明日の訪問", "同行予定", "更改の打合せ"],
                team=["昨日の訪問", "課の訪問", "非公開訪問", "更改の報告"],
                ordered=ordered, budget=budget,
            )
        if login == "lucy":
            ordered = {first: Decimal(1_000_000)}
            ordered[this] = ordered.get(this, Decimal(0)) + Decimal(5_000_000)
            return Expected(
                pipeline={"10": (1, 1 * M), "20": (2, 2 * M), "30": (1, 4 * M)},
                nearest=["課内案件", "基幹更改", "追加案件"],
                upcoming=[],
                team=["昨日の訪問", "課の訪問"],
                ordered=ordered, budget=budget,
            )
        raise ValueError(login)


def seed_portal(
    engine: sa.Engine, tenant_id: TenantId, deps: SalesDeps, principal: Callable[[str], Principal],
    users: Mapping[str, UserId], orgs: Mapping[str, OrganizationId],
) -> PortalSeed:
    """`orgs` by code (sales, sales1, dev), `users` by login (alice, carol, dave, lucy) as in HOME."""
    today = tenant_today()
    year = FiscalYear.containing(today, 4)
    ids: dict[str, UUID] = {}
    account = CreateAccount(deps)(principal("alice"), CreateAccountCommand(values={"name": "東京商事"}))
    ids["account"] = account.id
    secret = RecordParts(restriction=Restriction())

    def opportunity(actor: str, name: str, stage: str, **details: Any) -> None:
        created = CreateOpportunity(deps)(principal(actor), CreateOpportunityCommand(
            name=name, account_id=account.id, stage_code=stage, details=OpportunityChanges(**details)))
        ids[name] = created.id

    day = timedelta(days=1)
    opportunity("alice", "基幹更改", "10", expected_amount=1 * M, expected_order_date=today + 10 * day)
    opportunity("alice", "追加案件", "20", expected_amount=2 * M, expected_order_date=today + 20 * day)
    opportunity("alice", "大型更改", "20", expected_amount=3 * M, expected_order_date=today + 5 * day, parts=secret)
    opportunity("alice", "過去案件", "20", expected_amount=None, expected_order_date=today - 30 * day)
    opportunity("alice", "受注案件", "90", order_amount=5 * M, ordered_on=today)
    opportunity("alice", "極秘受注", "90", order_amount=Decimal(700_000), ordered_on=today, parts=secret)
    opportunity("alice", "失注案件", "91", expected_amount=8 * M, lost_reason="価格")
    opportunity("alice", "昨年度受注", "90", order_amount=9 * M, ordered_on=year.start - day)
    opportunity("carol", "課内案件", "30", expected_amount=4 * M, expected_order_date=today + 3 * day)
    opportunity("carol", "課の受注", "90", order_amount=1 * M, ordered_on=year.start)
    opportunity("dave", "開発案件", "10", expected_amount=9 * M, expected_order_date=today + day)
    opportunity("dave", "開発受注", "90", order_amount=2 * M, ordered_on=today)
    # 過去案件: open without an amount and expected in the past - counted in its stage, never "nearest"

    now = datetime.now(UTC)
    stamp = now - timedelta(days=1)

    def activity(name: str, owner: str, status: str, when: date, *, starts_at: datetime | None = None,
                 opportunity: str | None = None, staff: tuple[str, ...] = (), restricted: bool = False) -> None:
        activity_id = uuid.uuid4()
        with engine.begin() as conn:
            conn.execute(activities.insert().values(
                tenant_id=tenant_id, id=activity_id, owner_id=users[owner], owner_organization_id=orgs[HOME[owner]],
                created_by=users[owner], created_at=stamp, updated_at=stamp, is_restricted=restricted,
                status=status, kind_code="visit", subject=name, activity_date=when, starts_at=starts_at,
                account_id=account.id, opportunity_id=ids[opportunity] if opportunity else None,
            ))
            save_staff(conn, tenant_id, RecordType.ACTIVITY, activity_id,
                       [StaffMember(user_id=users[s]) for s in staff])
            if restricted:
                save_restriction(conn, tenant_id, RecordType.ACTIVITY, activity_id, Restriction())
        ids[name] = activity_id

    soon = now + timedelta(hours=1)
    past = now - timedelta(hours=1)
    activity("今日の商談", "alice", "planned", soon.astimezone(TOKYO).date(), starts_at=soon)
    activity("過ぎた予定", "alice", "planned", past.astimezone(TOKYO).date(), starts_at=past)
    activity("昨日の予定", "alice", "planned", today - day)
    activity("明日の訪問", "alice", "planned", today + day)
    activity("同行予定", "carol", "planned", today + 2 * day, staff=("alice",))
    activity("更改の打合せ", "alice", "planned", today + 3 * day, opportunity="大型更改", staff=("lucy",))
    activity("課の予定", "carol", "planned", today + 4 * day)
    activity("中止の予定", "alice", "cancelled", today + day)
    activity("昨日の訪問", "alice", "done", today - day)
    activity("課の訪問", "carol", "done", today - 2 * day)
    activity("非公開訪問", "alice", "done", today - 3 * day, restricted=True)
    activity("更改の報告", "alice", "done", today - 4 * day, opportunity="大型更改")
    activity("開発の訪問", "dave", "done", today - day)

    def budget(org: str, kind: str, user: str | None = None, amount: Callable[[int], int] = lambda i: 0) -> None:
        budget_id = uuid.uuid4()
        org_id, user_id = orgs[org], users[user] if user else None
        with engine.begin() as conn:
            conn.execute(budgets.insert().values(
                tenant_id=tenant_id, id=budget_id, fiscal_year=year.year, fiscal_year_start_month=4,
                organization_id=org_id, user_id=user_id, kind_code=kind, by_category=False,
                target_key=target_key(org_id, user_id, False), created_at=stamp, updated_at=stamp, version=1,
            ))
            conn.execute(budget_lines.insert(), [
                {"tenant_id": tenant_id, "budget_id": budget_id, "month": m, "category_code": "",
                 "amount": Decimal(amount(i))} for i, m in enumerate(year.months())])

    budget("sales", "orders", amount=lambda i: 100_000 * (i + 1))
    budget("sales", "orders", user="alice", amount=lambda i: 77_000)  # a user's budget: not the organisation's
    budget("sales", "sales", amount=lambda i: 55_000)  # another kind
    budget("dev", "orders", amount=lambda i: 33_000)  # another organisation
    return PortalSeed(today=today, year=year, ids=ids)
