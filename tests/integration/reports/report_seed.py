"""The reports' data set (no tests here): 本社 (hq) > 営業部 (sales) > 営業一課 (sales1), 本社 > 開発部
(dev); alice (sales), carol (sales1), dave (dev). Fiscal year 2025 (April start). Rows are inserted
plainly; restricted records are alice's (nobody else is on their allow-list): an activity, an
opportunity and dave's activity on that opportunity (hidden with it, R6)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.sales.record_rows import save_restriction
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_budgets import budget_lines, budgets
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.tables.sales_results import sales_results
from dps.domain.sales.budgets import target_key
from dps.domain.sales.records import RecordType
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_opportunities_support import Sales

K = Decimal(1000)
HOME = {"alice": "sales", "carol": "sales1", "dave": "dev"}


def seed_reports(s: Sales) -> dict[str, UUID]:
    now = datetime.now(UTC)
    tenant = s.tenant.id
    ids: dict[str, UUID] = {}

    def insert(conn: sa.Connection, table: sa.Table, **values: Any) -> UUID:
        row_id = uuid.uuid4()
        conn.execute(table.insert().values(tenant_id=tenant, id=row_id, **values))
        return row_id

    def owned(owner: str, org: str | None = None) -> dict[str, Any]:
        return {"owner_id": s.users[owner], "owner_organization_id": s.orgs[org or HOME[owner]],
                "created_by": s.users[owner], "created_at": now, "updated_at": now}

    with s.engine.begin() as conn:
        account = insert(conn, accounts, name="東京商事", **owned("alice"))

        def opportunity(name: str, owner: str, certainty: str | None, when: date, amount: int, *,
                        org: str | None = None, is_open: bool = True, restricted: bool = False) -> None:
            ids[name] = insert(conn, opportunities, name=name, account_id=account, stage_code="20" if is_open else "90",
                               certainty_code=certainty, is_open=is_open, expected_order_date=when,
                               expected_amount=Decimal(amount) * K, is_restricted=restricted, **owned(owner, org))
            if restricted:
                save_restriction(conn, tenant, RecordType.OPPORTUNITY, ids[name], Restriction())

        opportunity("o1", "alice", "A", date(2025, 6, 10), 1000)
        opportunity("o2", "carol", "B", date(2025, 6, 20), 2000)
        opportunity("o3", "dave", "C", date(2025, 7, 1), 500)
        opportunity("secret", "alice", "A", date(2025, 6, 15), 3000, restricted=True)
        opportunity("o5", "alice", "B", date(2025, 8, 1), 400, org="hq")
        opportunity("closed", "alice", "A", date(2025, 6, 1), 9000, is_open=False)
        opportunity("o7", "alice", None, date(2025, 6, 1), 100)
        opportunity("next_year", "alice", "A", date(2026, 4, 1), 7000)

        def activity(owner: str, kind: str, status: str, when: date, *, org: str | None = None,
                     opportunity: str | None = None, restricted: bool = False) -> None:
            row_id = insert(conn, activities, status=status, kind_code=kind, subject=f"{owner}-{kind}-{when}",
                            activity_date=when, account_id=account, is_restricted=restricted,
                            opportunity_id=ids[opportunity] if opportunity else None, **owned(owner, org))
            if restricted:
                save_restriction(conn, tenant, RecordType.ACTIVITY, row_id, Restriction())

        activity("alice", "visit", "done", date(2025, 4, 10))
        activity("alice", "call", "planned", date(2025, 4, 20))
        activity("carol", "visit", "done", date(2025, 5, 1))
        activity("dave", "visit", "done", date(2025, 4, 15))
        activity("alice", "visit", "done", date(2025, 5, 2), restricted=True)
        activity("dave", "call", "done", date(2025, 5, 3), opportunity="secret")
        activity("alice", "mail", "cancelled", date(2025, 4, 5), org="hq")
        activity("alice", "visit", "done", date(2025, 7, 1))
        unowned = insert(conn, activities, status="done", kind_code="visit", subject="operator", is_restricted=True,
                         activity_date=date(2025, 4, 25), account_id=account, owner_organization_id=s.orgs["sales"],
                         created_at=now, updated_at=now)  # restricted, no owner nor creator: only admins see it
        save_restriction(conn, tenant, RecordType.ACTIVITY, unowned, Restriction())

        def result(owner: str, when: date, amount: int, slip: str, *, org: str | None = None) -> None:
            insert(conn, sales_results, sales_date=when, account_id=account, amount=Decimal(amount) * K,
                   source_code="core", slip_no=slip, created_at=now, updated_at=now, owner_id=s.users[owner],
                   owner_organization_id=s.orgs[org or HOME[owner]])

        result("alice", date(2025, 4, 10), 600, "s1")
        result("carol", date(2025, 4, 20), 400, "s2")
        result("dave", date(2025, 5, 5), 300, "s3")
        result("alice", date(2025, 4, 30), 50, "s4", org="hq")
        result("alice", date(2025, 3, 31), 999, "s5")

        def budget(kind: str, lines: dict[date, int], *, org: str | None = None, user: str | None = None) -> None:
            org_id = s.orgs[org] if org else None
            user_id = s.users[user] if user else None
            budget_id = insert(conn, budgets, fiscal_year=2025, fiscal_year_start_month=4, organization_id=org_id,
                               user_id=user_id, kind_code=kind, target_key=target_key(org_id, user_id, False),
                               created_at=now, updated_at=now)
            for month, amount in lines.items():
                conn.execute(budget_lines.insert().values(tenant_id=tenant, budget_id=budget_id, month=month,
                                                          amount=Decimal(amount) * K))

        budget("orders", {date(2025, 4, 1): 5000}, org="hq")
        budget("orders", {date(2025, 4, 1): 1500, date(2025, 6, 1): 2000}, org="sales")
        budget("orders", {date(2025, 5, 1): 1000}, org="dev")
        budget("orders", {date(2025, 4, 1): 200}, user="alice")
        budget("sales", {date(2025, 4, 1): 8000}, org="sales")
    return ids
