"""The data of the 商品別 and キャンペーン別 report tests (no tests here), on the directory of
`build_sales`: 本社 (hq) > 営業部 (sales, alice, lucy) > 営業一課 (sales1, carol), 本社 > 開発部 (dev,
dave). Fiscal year 2025 (April start). Rows are inserted plainly; the restricted records are alice's
(nobody else is on their allow-list). The figures the tests expect are worked out in the tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.sales.record_rows import save_restriction
from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.tables.sales_budgets import budget_lines, budgets
from dps.adapters.db.tables.sales_campaigns import campaign_members, campaigns, leads
from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_lines, products
from dps.adapters.db.tables.sales_results import sales_results
from dps.domain.sales.budgets import target_key
from dps.domain.sales.records import RecordType
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_opportunities_support import Sales

HOME = {"alice": "sales", "carol": "sales1", "dave": "dev", "lucy": "sales"}


class _Rows:
    """Plain inserts into one tenant within one transaction."""

    def __init__(self, s: Sales, conn: sa.Connection) -> None:
        self.s, self.conn, self.now = s, conn, datetime.now(UTC)
        self.ids: dict[str, UUID] = {}

    def insert(self, table: sa.Table, **values: Any) -> UUID:
        row_id = uuid.uuid4()
        self.conn.execute(table.insert().values(tenant_id=self.s.tenant.id, id=row_id, **values))
        return row_id

    def owned(self, owner: str, restricted: bool = False) -> dict[str, Any]:
        s = self.s
        return {"owner_id": s.users[owner], "owner_organization_id": s.orgs[HOME[owner]],
                "created_by": s.users[owner], "created_at": self.now, "updated_at": self.now,
                "is_restricted": restricted}

    def restrict(self, record_type: RecordType, record_id: UUID) -> None:
        save_restriction(self.conn, self.s.tenant.id, record_type, record_id, Restriction())


def seed_products(s: Sales) -> dict[str, UUID]:
    """Products HW1, HW2 (hardware), SW1 (software), PX (no category); opportunities with lines, sales
    results and 受注予算 per category (see the tests for the figures)."""
    with s.engine.begin() as conn:
        r = _Rows(s, conn)
        account = r.insert(accounts, name="東京商事", **r.owned("alice"))
        for code, category in (("HW1", "hardware"), ("HW2", "hardware"), ("SW1", "software"), ("PX", None)):
            r.ids[code] = r.insert(products, code=code, name=f"商品{code}", category_code=category,
                                   created_at=r.now, updated_at=r.now)

        def opportunity(name: str, owner: str, lines: dict[str | None, int], *, certainty: str | None = "A",
                        expected: date | None = None, stage: str = "20", ordered_on: date | None = None,
                        restricted: bool = False) -> None:
            is_open = stage not in ("90", "91", "92")
            row_id = r.insert(opportunities, name=name, account_id=account, stage_code=stage,
                              certainty_code=certainty, is_open=is_open, expected_order_date=expected,
                              ordered_on=ordered_on, **r.owned(owner, restricted))
            r.ids[name] = row_id
            if restricted:
                r.restrict(RecordType.OPPORTUNITY, row_id)
            for no, (product, amount) in enumerate(lines.items(), start=1):
                r.insert(opportunity_lines, opportunity_id=row_id, line_no=no,
                         product_id=r.ids[product] if product else None, product_name=product or "保守作業",
                         quantity=Decimal(1), unit_price=Decimal(amount), amount=Decimal(amount))

        opportunity("o1", "alice", {"HW1": 100, "SW1": 50}, expected=date(2025, 6, 10))
        opportunity("o2", "carol", {"HW2": 200}, certainty="B", expected=date(2025, 7, 1))
        opportunity("o3", "dave", {"HW1": 30}, expected=date(2025, 8, 1))
        opportunity("secret", "alice", {"HW1": 1000}, expected=date(2025, 6, 15), restricted=True)
        opportunity("won", "alice", {"HW1": 300, None: 20}, stage="90", ordered_on=date(2025, 9, 1),
                    expected=date(2025, 8, 1))
        opportunity("won_last_year", "alice", {"HW1": 999}, stage="90", ordered_on=date(2025, 3, 31))
        opportunity("next_year", "alice", {"HW1": 888}, expected=date(2026, 4, 1))
        opportunity("lost", "carol", {"HW2": 77}, stage="91", expected=date(2025, 7, 1))
        opportunity("no_category", "carol", {"PX": 40}, certainty="C", expected=date(2025, 10, 1))

        def result(owner: str, when: date, amount: int, slip: str, *, product: str | None = None,
                   category: str | None = None) -> None:
            r.insert(sales_results, sales_date=when, account_id=account, amount=Decimal(amount), source_code="core",
                     slip_no=slip, created_at=r.now, updated_at=r.now, owner_id=s.users[owner],
                     owner_organization_id=s.orgs[HOME[owner]], category_code=category,
                     product_id=r.ids[product] if product else None)

        result("alice", date(2025, 5, 10), 120, "s1", product="HW1", category="hardware")
        result("carol", date(2025, 6, 10), 80, "s2", product="SW1")
        result("dave", date(2025, 7, 10), 60, "s3", product="HW2")
        result("alice", date(2025, 8, 10), 25, "s4", category="service")
        result("alice", date(2025, 3, 31), 999, "s5", product="HW1")

        def budget(kind: str, lines: dict[tuple[date, str], int], *, org: str | None = None,
                   user: str | None = None) -> None:
            org_id = s.orgs[org] if org else None
            user_id = s.users[user] if user else None
            budget_id = r.insert(budgets, fiscal_year=2025, fiscal_year_start_month=4, organization_id=org_id,
                                 user_id=user_id, kind_code=kind, by_category=True,
                                 target_key=target_key(org_id, user_id, True), created_at=r.now, updated_at=r.now)
            for (month, category), amount in lines.items():
                conn.execute(budget_lines.insert().values(tenant_id=s.tenant.id, budget_id=budget_id, month=month,
                                                          category_code=category, amount=Decimal(amount)))

        apr, may = date(2025, 4, 1), date(2025, 5, 1)
        budget("orders", {(apr, "hardware"): 1000, (may, "hardware"): 500, (apr, "software"): 400, (apr, ""): 2000},
               org="hq")
        budget("orders", {(apr, "hardware"): 700, (apr, "service"): 100}, org="sales")
        budget("orders", {(apr, "software"): 50}, org="dev")
        budget("orders", {(apr, "maintenance"): 30}, user="alice")
        budget("sales", {(apr, "hardware"): 9999}, org="sales")
        return r.ids


def seed_campaigns(s: Sales) -> dict[str, UUID]:
    """Campaigns c1 (seminar, May 2025, with cost and targets), c2 (exhibition from September 2025, no
    end, no cost), secret (alice's, restricted), c5 (mailing, cost, no leads), old (FY2024); their
    members, leads (L1-L6, of sources seminar, web and exhibition, created May to September 2025) and
    opportunities (see the tests for the figures)."""
    with s.engine.begin() as conn:
        r = _Rows(s, conn)
        account = r.insert(accounts, name="大阪物産", **r.owned("alice"))

        def campaign(name: str, owner: str, kind: str, starts: date, ends: date | None, *,
                     restricted: bool = False, **values: Any) -> UUID:
            row_id = r.insert(campaigns, name=name, kind_code=kind, starts_on=starts, ends_on=ends,
                              **r.owned(owner, restricted), **values)
            if restricted:
                r.restrict(RecordType.CAMPAIGN, row_id)
            r.ids[name] = row_id
            return row_id

        c1 = campaign("c1 春セミナー", "alice", "seminar", date(2025, 5, 1), date(2025, 5, 31),
                      budget_amount=Decimal(500), actual_cost=Decimal(400), target_leads=4, target_opportunities=2,
                      target_amount=Decimal(1000))
        c2 = campaign("c2 展示会", "carol", "exhibition", date(2025, 9, 1), None)
        secret = campaign("c3 秘密", "alice", "seminar", date(2025, 6, 1), date(2025, 6, 30), restricted=True)
        campaign("c5 メール", "dave", "mailing", date(2025, 7, 1), date(2025, 7, 2), actual_cost=Decimal(100))
        campaign("c4 前年", "alice", "seminar", date(2024, 4, 1), date(2024, 5, 1))

        def lead(name: str, owner: str, campaign_id: UUID, status: str = "new", *, source: str = "seminar",
                 created: datetime, restricted: bool = False) -> UUID:
            converted = {"converted_at": r.now} if status == "converted" else {}
            values = {**r.owned(owner, restricted), "created_at": created}
            row_id = r.insert(leads, company_name=f"{name}商事", last_name=name, source_code=source,
                              status_code=status, campaign_id=campaign_id, **converted, **values)
            if restricted:
                r.restrict(RecordType.LEAD, row_id)
            return row_id

        may10, jun1 = datetime(2025, 5, 10, 1, tzinfo=UTC), datetime(2025, 6, 1, 1, tzinfo=UTC)
        members = [lead("L1", "alice", c1, "converted", created=may10),
                   lead("L2", "alice", c1, source="web", created=datetime(2025, 4, 30, 15, 30, tzinfo=UTC)),
                   lead("L3", "carol", c1, "working", created=jun1)]  # L2: 1 May 00:30 in Tokyo
        lead("L4", "alice", c1, created=may10, restricted=True)
        lead("L5", "carol", c2, "converted", source="exhibition", created=datetime(2025, 9, 5, tzinfo=UTC))
        lead("L6", "alice", secret, created=datetime(2025, 6, 10, tzinfo=UTC))
        person_a = r.insert(persons, account_id=account, last_name="佐藤", created_at=r.now, updated_at=r.now)
        person_b = r.insert(persons, account_id=account, last_name="鈴木", created_at=r.now, updated_at=r.now)
        for i, (lead_id, person_id) in enumerate([*((m, None) for m in members), (None, person_a),
                                                  (None, person_b)]):
            r.insert(campaign_members, campaign_id=c1, lead_id=lead_id, person_id=person_id, attended=i in (0, 2, 3),
                     created_at=r.now)
        r.insert(campaign_members, campaign_id=c2, person_id=person_a, attended=False, created_at=r.now)

        def opportunity(name: str, owner: str, campaign_id: UUID, *, won: int | None = None,
                        restricted: bool = False) -> None:
            row_id = r.insert(opportunities, name=name, account_id=account, campaign_id=campaign_id,
                              stage_code="90" if won is not None else "20", is_open=won is None,
                              order_amount=Decimal(won) if won is not None else None,
                              ordered_on=date(2025, 6, 1) if won is not None else None, **r.owned(owner, restricted))
            if restricted:
                r.restrict(RecordType.OPPORTUNITY, row_id)

        opportunity("c1-open", "alice", c1)
        opportunity("c1-won", "alice", c1, won=800)
        opportunity("c1-secret", "alice", c1, won=500, restricted=True)
        opportunity("c2-won", "carol", c2, won=300)
        return r.ids
