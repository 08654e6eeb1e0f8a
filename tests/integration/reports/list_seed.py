"""The data set of 取引先別 and 案件別 (no tests here), on the directory of `build_sales`: 本社 (hq) >
営業部 (sales) > 営業一課 (sales1), 本社 > 開発部 (dev); alice (sales), carol (sales1), dave (dev).
Fiscal year 2025 (April start). Account names start with A1..A5 so they sort alike on every engine.

- A1 (alice, customer): open o1 (A 1,000), o2 (carol, B 2,000), o3 (none 100), `secret` (alice's
  restricted, A 3,000), next_year (A 7,000, expected 2026-04-01); won1 (ordered 2025-06-01, 500),
  won_old (ordered 2024), lost; nine activities (one restricted, one of dave's on `secret`, one
  planned, two outside the period); sales results 2025: 600 + 400, 2024: 300.
- A2 (carol, prospect, parent A1): open o4 (C 500); won2 (ordered 2025-12-01, 800); sales 2,000
  (2024: 100); one activity.
- A3 (dave, customer): open o5 (A 300); sales 50.
- A4 (alice, restricted account: only alice sees it): open o6 (B 1,000, itself not restricted); sales 10.
- A5 (alice, owned from hq): open o7 (A 999).
- Another tenant holds an account with A1's very id, with an open deal, an activity and a result,
  which must never show.
Amounts in thousands (`K`)."""

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
from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_competitors
from dps.adapters.db.tables.sales_results import sales_results
from dps.application.auth.principals import system_principal
from dps.application.directory.users import AddUserCommand
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import License
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_opportunities_support import Sales

K = Decimal(1000)
HOME = {"alice": "sales", "carol": "sales1", "dave": "dev"}
CREATED = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
"""Every opportunity's creation: 2025-06-01 in Tokyo."""


def seed_lists(s: Sales) -> dict[str, UUID]:
    tenant = s.tenant.id
    ids: dict[str, UUID] = {}

    def insert(conn: sa.Connection, table: sa.Table, *, tenant_id: UUID = tenant, **values: Any) -> UUID:
        row_id = values.pop("id", None) or uuid.uuid4()
        conn.execute(table.insert().values(tenant_id=tenant_id, id=row_id, **values))
        return row_id

    def owned(owner: str, org: str | None = None) -> dict[str, Any]:
        return {"owner_id": s.users[owner], "owner_organization_id": s.orgs[org or HOME[owner]],
                "created_by": s.users[owner], "created_at": CREATED, "updated_at": CREATED}

    with s.engine.begin() as conn:
        def account(key: str, name: str, owner: str, kind: str, *, org: str | None = None,
                    parent: str | None = None, restricted: bool = False) -> None:
            ids[key] = insert(conn, accounts, name=name, kana=f"{key}カナ", account_type_code=kind,
                              parent_account_id=ids[parent] if parent else None, is_restricted=restricted,
                              **owned(owner, org))
            if restricted:
                save_restriction(conn, tenant, RecordType.ACCOUNT, ids[key], Restriction())

        account("A1", "A1 東京商事", "alice", "customer")
        account("A2", "A2 大阪物産", "carol", "prospect", parent="A1")
        account("A3", "A3 名古屋工業", "dave", "customer")
        account("A4", "A4 秘密商会", "alice", "customer", restricted=True)
        account("A5", "A5 札幌", "alice", "customer", org="hq")

        def opportunity(key: str, on: str, owner: str, certainty: str | None, expected: date, amount: int, *,
                        stage: str = "20", org: str | None = None, ordered: tuple[date, int] | None = None,
                        restricted: bool = False) -> None:
            ids[key] = insert(conn, opportunities, name=key, account_id=ids[on], stage_code=stage,
                              certainty_code=certainty, is_open=stage not in ("90", "91", "92"),
                              expected_order_date=expected, expected_amount=Decimal(amount) * K,
                              ordered_on=ordered[0] if ordered else None,
                              order_amount=Decimal(ordered[1]) * K if ordered else None,
                              is_restricted=restricted, **owned(owner, org))
            if restricted:
                save_restriction(conn, tenant, RecordType.OPPORTUNITY, ids[key], Restriction())

        opportunity("o1", "A1", "alice", "A", date(2025, 6, 10), 1000)
        opportunity("o2", "A1", "carol", "B", date(2025, 6, 20), 2000)
        opportunity("o3", "A1", "alice", None, date(2025, 7, 1), 100)
        opportunity("secret", "A1", "alice", "A", date(2025, 6, 15), 3000, restricted=True)
        opportunity("won1", "A1", "alice", "WON", date(2025, 5, 31), 500, stage="90", ordered=(date(2025, 6, 1), 500))
        opportunity("won_old", "A1", "alice", "WON", date(2024, 6, 1), 700, stage="90",
                    ordered=(date(2024, 6, 1), 700))
        opportunity("lost", "A1", "alice", "LOST", date(2025, 7, 7), 50, stage="91")
        opportunity("o4", "A2", "carol", "C", date(2025, 9, 1), 500)
        opportunity("won2", "A2", "carol", "WON", date(2025, 11, 30), 900, stage="90",
                    ordered=(date(2025, 12, 1), 800))
        opportunity("o5", "A3", "dave", "A", date(2025, 10, 1), 300)
        opportunity("o6", "A4", "alice", "B", date(2025, 8, 1), 1000)
        opportunity("o7", "A5", "alice", "A", date(2025, 11, 1), 999, org="hq")
        opportunity("next_year", "A1", "alice", "A", date(2026, 4, 1), 7000)
        for line_no, rival in enumerate(("競合X", "競合Y"), start=1):
            insert(conn, opportunity_competitors, opportunity_id=ids["o1"], line_no=line_no, name=rival)

        def activity(key: str, on: str, owner: str, status: str, when: date, *, deal: str | None = None,
                     next_action: str = "", next_on: date | None = None, restricted: bool = False) -> None:
            ids[key] = insert(conn, activities, status=status, kind_code="visit", subject=key, activity_date=when,
                              account_id=ids[on], opportunity_id=ids[deal] if deal else None,
                              next_action=next_action, next_action_on=next_on, is_restricted=restricted,
                              **owned(owner))
            if restricted:
                save_restriction(conn, tenant, RecordType.ACTIVITY, ids[key], Restriction())

        activity("act1", "A1", "alice", "done", date(2025, 5, 1))
        activity("act2", "A1", "alice", "planned", date(2025, 9, 1), deal="o1", next_action="予定")
        activity("act3", "A1", "carol", "done", date(2026, 2, 1))
        activity("act4", "A1", "alice", "done", date(2025, 7, 15), deal="o1", next_action="秘密の次",
                 restricted=True)
        activity("act5", "A1", "dave", "done", date(2025, 8, 1), deal="secret")
        activity("act6", "A1", "alice", "done", date(2026, 5, 1))
        activity("act7", "A1", "alice", "done", date(2024, 12, 1))
        activity("act8", "A1", "alice", "done", date(2025, 7, 1), deal="o1", next_action="契約",
                 next_on=date(2025, 7, 20))
        activity("act9", "A1", "alice", "done", date(2025, 6, 1), deal="o1", next_action="見積提出")
        activity("act10", "A2", "carol", "done", date(2025, 6, 1))

        def result(on: str, owner: str, when: date, amount: int, slip: str) -> None:
            insert(conn, sales_results, sales_date=when, account_id=ids[on], amount=Decimal(amount) * K,
                   source_code="core", slip_no=slip, created_at=CREATED, updated_at=CREATED,
                   owner_id=s.users[owner], owner_organization_id=s.orgs[HOME[owner]])

        result("A1", "alice", date(2025, 4, 10), 600, "s1")
        result("A1", "alice", date(2025, 10, 10), 400, "s2")
        result("A1", "alice", date(2024, 5, 1), 300, "s3")
        result("A1", "alice", date(2023, 1, 1), 999, "s4")
        result("A2", "carol", date(2025, 5, 5), 2000, "s5")
        result("A2", "carol", date(2024, 6, 1), 100, "s6")
        result("A3", "dave", date(2025, 7, 7), 50, "s7")
        result("A4", "alice", date(2025, 4, 1), 10, "s8")

    other = s.container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=2,
                                                            light_licenses=0))
    stranger = s.container.add_user()(system_principal(other.id, actor="test-admin"),
                                      AddUserCommand(login_id="stranger", name="stranger", license=License.FULL))
    with s.engine.begin() as conn:
        same_id = ids["A1"]
        theirs = {"tenant_id": other.id, "created_at": CREATED, "updated_at": CREATED}
        insert(conn, accounts, id=same_id, name="other-tenant account", **theirs)
        deal = insert(conn, opportunities, name="other-tenant deal", account_id=same_id, stage_code="20",
                      certainty_code="A", is_open=True, expected_order_date=date(2025, 6, 10),
                      expected_amount=5000 * K, **theirs)
        insert(conn, opportunity_competitors, tenant_id=other.id, opportunity_id=deal, line_no=1, name="他社競合")
        insert(conn, activities, status="done", kind_code="visit", subject="x", activity_date=date(2025, 10, 10),
               account_id=same_id, opportunity_id=deal, **theirs)
        insert(conn, sales_results, tenant_id=other.id, sales_date=date(2025, 10, 10), account_id=same_id,
               amount=7777 * K, source_code="core", slip_no="s1", created_at=CREATED, updated_at=CREATED,
               owner_id=stranger.id)
    return ids
