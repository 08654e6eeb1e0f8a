"""The portal's reads (ポータル, S11) on SQLite and PostgreSQL: the same numbers and rows on both,
through the visibility rules (a restricted opportunity and its activities are absent for a user
outside its allow-list), 自担当 scope through the organisation tree, and a fixed number of
statements whatever the amount of data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from dps.application.sales.portal.queries import GetPortal
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.sales.portal_seed import M, PortalSeed, seed_portal
from tests.integration.sales.test_opportunities_support import Sales, build_sales


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    return build_sales(container, engine, tenant, admin)


@pytest.fixture
def seeded(s: Sales, engine: sa.Engine) -> PortalSeed:
    return seed_portal(engine, s.tenant.id, s.deps, s.principal, s.users, s.orgs)


@pytest.mark.parametrize("login", ["alice", "lucy"])
def test_the_portal_shows_what_the_user_may_see(s: Sales, seeded: PortalSeed, login: str) -> None:
    portal = GetPortal(s.deps)(s.principal(login))
    expected = seeded.expected_for(login)

    assert [p.stage_code for p in portal.pipeline] == ["10", "20", "30", "40", "50"]  # code-list order, open only
    assert {p.stage_code: (p.count, p.amount) for p in portal.pipeline if p.count} == expected.pipeline
    assert all(p.amount == 0 for p in portal.pipeline if not p.count)
    assert [o.name for o in portal.nearest] == expected.nearest
    assert [a.subject for a in portal.upcoming] == expected.upcoming
    assert [a.subject for a in portal.team_activities] == expected.team
    assert portal.orders is not None
    assert portal.orders.organization_id == s.orgs["sales"]
    assert portal.orders.fiscal_year == seeded.year.year
    assert [m.month for m in portal.orders.months] == list(seeded.year.months())
    assert {m.month: m.ordered for m in portal.orders.months if m.ordered} == expected.ordered
    assert {m.month: m.budget for m in portal.orders.months} == expected.budget
    assert portal.orders.budget_total == sum(expected.budget.values())


def test_rows_carry_the_names_to_link(s: Sales, seeded: PortalSeed) -> None:
    portal = GetPortal(s.deps)(s.principal("alice"))
    report = next(a for a in portal.team_activities if a.subject == "更改の報告")
    assert (report.account_id, report.account_name) == (seeded.ids["account"], "東京商事")
    assert (report.opportunity_id, report.opportunity_name) == (seeded.ids["大型更改"], "大型更改")
    assert (report.owner_id, report.owner_name) == (s.users["alice"], "alice 太郎")
    carol = next(a for a in portal.team_activities if a.subject == "課の訪問")
    assert carol.owner_name == "carol 太郎"
    nearest = portal.nearest[1]
    assert (nearest.name, nearest.is_restricted, nearest.account_name, nearest.expected_amount) == (
        "大型更改", True, "東京商事", 3 * M)
    assert next(a for a in portal.team_activities if a.subject == "非公開訪問").is_restricted


def test_carol_sees_her_own_section_of_the_tree(s: Sales, seeded: PortalSeed) -> None:
    """営業一課 is under 営業部: carol's 自担当 and orders cover only her section."""
    portal = GetPortal(s.deps)(s.principal("carol"))
    assert {p.stage_code: (p.count, p.amount) for p in portal.pipeline if p.count} == {"30": (1, 4 * M)}
    assert [a.subject for a in portal.upcoming] == ["同行予定", "課の予定"]
    assert [a.subject for a in portal.team_activities] == ["課の訪問"]
    assert portal.orders is not None
    assert {m.month: m.ordered for m in portal.orders.months if m.ordered} == {seeded.year.start: 1 * M}
    assert portal.orders.budget_total == Decimal(0)


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_a_fixed_number_of_statements_whatever_the_data(s: Sales, seeded: PortalSeed, engine: sa.Engine) -> None:
    alice = s.principal("alice")
    GetPortal(s.deps)(alice)  # the viewer is memoised after the first request
    with counting(engine) as before:
        GetPortal(s.deps)(alice)
    for n in range(12):
        s.opportunity("carol", f"追加{n}", seeded.ids["account"], stage=("10", "20", "40")[n % 3],
                      expected_amount=n * 1000)
    with counting(engine) as after:
        portal = GetPortal(s.deps)(alice)
    assert portal.pipeline_count == 5 + 12
    assert len(after) == len(before) <= 12
