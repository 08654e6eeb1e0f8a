"""SQL reads of the reports: GROUP BY aggregates, one statement each, through the same visibility
specification every list uses (`visible_to`; for activities R6 as `visible_activities` states it, the
opportunity joined once instead of probed per row), so no record is loaded into Python.

Roll-up through the closure (集計組織): `c1` joins each fact's owner organisation to the chosen
organisation (`c1.ancestor_id = :org`, at depth d); `c2`, LEFT JOINed on the same descendant at depth
d - 1, is then the fact's ancestor among the chosen organisation's direct children (absent, NULL, for
facts owned by the organisation itself). Rows hidden by visibility are counted, not dropped, in the
same pass (`count(*) - count(*) FILTER (WHERE visible)`: a visibility term on a NULL owner is NULL, which
`NOT visible` would not count either), which is how a report says what it left out (R7).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.directory import affiliations, org_closure, organization_versions, organizations, users
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_budgets import budget_lines, budgets
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.tables.sales_results import sales_results
from dps.adapters.db.visibility import InIds, visible_to
from dps.application.reports.ports import (
    ActivityCount,
    ActivityCounts,
    ForecastAmounts,
    MonthlyAmount,
    OrgLabel,
    ReportReader,
    UserLabel,
)
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer

CENTS = Decimal("0.01")


def money_of(value: Any) -> Decimal:
    """A SUM as Decimal (SQLite sums NUMERIC as REAL: back to the column's two decimals)."""
    return Decimal(0) if value is None else Decimal(str(value)).quantize(CENTS)


def maybe_money(value: Any) -> Decimal | None:
    """A stored amount or a SUM as Decimal, None kept (no amount is not a zero amount)."""
    return None if value is None else Decimal(str(value)).quantize(CENTS)


def _year_month(day: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """year * 100 + month as one grouping expression rather than two: a narrower sort key when
    PostgreSQL sorts to group (it cannot estimate the groups of an expression); the manager's
    tenant-wide activity report went from 9.5 s to 6.6 s (median, bench/reports_scale.py)."""
    return sa.extract("year", day) * 100 + sa.extract("month", day)


def _month(year_month: Any) -> date:
    year, month = divmod(int(year_month), 100)
    return date(year, month, 1)


class SqlReportReader(TenantScoped, ReportReader):
    # --- labels ----------------------------------------------------------------------------------

    def _labels(self, where: sa.ColumnElement[bool], day: date) -> list[OrgLabel]:
        """Organisations matching `where` with the name valid on `day` (else the latest), by code."""
        o, v = organizations, organization_versions
        rows = self._conn.execute(
            sa.select(o.c.id, o.c.code, v.c.name, v.c.valid_from).join(
                v, sa.and_(v.c.tenant_id == o.c.tenant_id, v.c.organization_id == o.c.id)
            ).where(o.c.tenant_id == self._tenant, where).order_by(o.c.code, o.c.id, v.c.valid_from)
        ).all()
        out: dict[UUID, OrgLabel] = {}
        for r in rows:  # versions ascending: keep the last one starting on or before the day
            if r.id not in out or r.valid_from <= day:
                out[r.id] = OrgLabel(r.id, r.code, r.name)
        return list(out.values())

    def organization(self, organization_id: UUID, day: date) -> OrgLabel | None:
        found = self._labels(organizations.c.id == organization_id, day)
        return found[0] if found else None

    def children(self, organization_id: UUID, day: date) -> Sequence[OrgLabel]:
        c = org_closure
        below = sa.select(c.c.descendant_id).where(
            c.c.tenant_id == self._tenant, c.c.ancestor_id == organization_id, c.c.depth == 1)
        return self._labels(organizations.c.id.in_(below), day)

    def roots(self, day: date) -> Sequence[OrgLabel]:
        c = org_closure
        under = sa.select(c.c.descendant_id).where(c.c.tenant_id == self._tenant, c.c.depth > 0)
        in_tree = sa.select(c.c.descendant_id).where(c.c.tenant_id == self._tenant)
        return self._labels(sa.and_(organizations.c.id.in_(in_tree), organizations.c.id.not_in(under)), day)

    def affiliated_users(self, organization_id: UUID, day: date) -> Sequence[UserLabel]:
        u, f = users, affiliations
        member = sa.select(f.c.user_id).where(
            f.c.tenant_id == self._tenant, f.c.organization_id == organization_id, f.c.valid_from <= day,
            sa.or_(f.c.valid_to.is_(None), f.c.valid_to > day))
        rows = self._conn.execute(sa.select(u.c.id, u.c.login_id, u.c.name).where(
            u.c.tenant_id == self._tenant, u.c.id.in_(member)).order_by(u.c.login_id))
        return [UserLabel(r.id, r.login_id, r.name) for r in rows]

    def users(self, ids: Collection[UUID]) -> Sequence[UserLabel]:
        if not ids:
            return []
        u = users
        rows = self._conn.execute(sa.select(u.c.id, u.c.login_id, u.c.name).where(
            u.c.tenant_id == self._tenant, InIds(u.c.id, ids)).order_by(u.c.login_id))
        return [UserLabel(r.id, r.login_id, r.name) for r in rows]

    # --- roll-up ---------------------------------------------------------------------------------

    def _rolled_up(self, fact: sa.Table, organization_id: UUID) -> tuple[sa.FromClause, sa.ColumnElement[Any]]:
        """`fact` joined to the closure under the organisation; and the direct child column (NULL for
        the organisation's own facts)."""
        c1, c2 = org_closure.alias("c1"), org_closure.alias("c2")
        joined = fact.join(c1, sa.and_(
            c1.c.tenant_id == self._tenant, c1.c.ancestor_id == organization_id,
            c1.c.descendant_id == fact.c.owner_organization_id,
        )).outerjoin(c2, sa.and_(
            c2.c.tenant_id == self._tenant, c2.c.descendant_id == c1.c.descendant_id, c2.c.depth == c1.c.depth - 1,
        ))
        return joined, c2.c.ancestor_id

    # --- activities ------------------------------------------------------------------------------

    def activity_counts(self, viewer: Viewer, organization_id: UUID, start: date, end: date) -> ActivityCounts:
        a, o = activities, opportunities
        joined, child = self._rolled_up(a, organization_id)
        month = _year_month(a.c.activity_date)
        counted: sa.ColumnElement[Any]
        hidden: sa.ColumnElement[Any]
        if viewer.sees_everything:
            counted, hidden = sa.func.count(), sa.literal(0)
        else:
            # R6 as `visible_activities` says it, with the opportunity LEFT JOINed rather than probed by
            # a correlated EXISTS per activity: PostgreSQL then hash-joins the opportunities once
            # (hand-written: 4.3 s instead of 16.3 s over 3,000,000 activities, bench/reports_scale.py).
            joined = joined.outerjoin(o, sa.and_(o.c.tenant_id == self._tenant, o.c.id == a.c.opportunity_id))
            visible = sa.and_(
                visible_to(a, RecordType.ACTIVITY.value, viewer),
                sa.or_(a.c.opportunity_id.is_(None),
                       sa.and_(o.c.id.is_not(None), visible_to(o, RecordType.OPPORTUNITY.value, viewer))),
            )
            counted = sa.func.count().filter(visible)
            hidden = sa.func.count() - counted  # not count(NOT visible): NOT NULL (no owner) is NULL
        query = sa.select(
            child.label("child"), month.label("ym"), a.c.status, a.c.kind_code,
            counted.label("n"), hidden.label("hidden"),
        ).select_from(joined).where(
            a.c.tenant_id == self._tenant, a.c.activity_date >= start, a.c.activity_date < end,
        ).group_by(child, month, a.c.status, a.c.kind_code)
        cells, left_out = [], 0
        for r in self._conn.execute(query):
            left_out += int(r.hidden or 0)
            if r.n:
                cells.append(ActivityCount(r.child, _month(r.ym), r.status, r.kind_code, int(r.n)))
        return ActivityCounts(cells, left_out)

    # --- pipeline --------------------------------------------------------------------------------

    def budgets(
        self, organization_id: UUID, child_ids: Collection[UUID], user_ids: Collection[UUID], fiscal_year: int,
        kind_code: str, start: date, end: date,
    ) -> Sequence[MonthlyAmount]:
        b, line = budgets, budget_lines
        targets = [sa.and_(b.c.user_id.is_(None), InIds(b.c.organization_id, {organization_id, *child_ids}))]
        if user_ids:
            targets.append(InIds(b.c.user_id, user_ids))
        query = sa.select(
            b.c.organization_id, b.c.user_id, line.c.month, sa.func.sum(line.c.amount).label("amount"),
        ).select_from(line.join(b, sa.and_(b.c.tenant_id == line.c.tenant_id, b.c.id == line.c.budget_id))).where(
            line.c.tenant_id == self._tenant, b.c.kind_code == kind_code, b.c.fiscal_year == fiscal_year,
            line.c.month >= start, line.c.month < end, sa.or_(*targets),
        ).group_by(b.c.organization_id, b.c.user_id, line.c.month)
        out = []
        for r in self._conn.execute(query):
            if r.user_id is not None:
                out.append(MonthlyAmount(None, r.user_id, r.month, money_of(r.amount)))
            else:
                child = None if r.organization_id == organization_id else r.organization_id
                out.append(MonthlyAmount(child, None, r.month, money_of(r.amount)))
        return out

    def actuals(self, organization_id: UUID, start: date, end: date) -> Sequence[MonthlyAmount]:
        s = sales_results
        joined, child = self._rolled_up(s, organization_id)
        owner = sa.case((child.is_(None), s.c.owner_id), else_=sa.null())
        month = _year_month(s.c.sales_date)
        query = sa.select(
            child.label("child"), owner.label("owner"), month.label("ym"), sa.func.sum(s.c.amount).label("amount"),
        ).select_from(joined).where(
            s.c.tenant_id == self._tenant, s.c.sales_date >= start, s.c.sales_date < end,
        ).group_by(child, owner, month)
        return [MonthlyAmount(r.child, r.owner, _month(r.ym), money_of(r.amount)) for r in self._conn.execute(query)]

    def forecast(self, viewer: Viewer, organization_id: UUID, start: date, end: date) -> ForecastAmounts:
        o = opportunities
        joined, child = self._rolled_up(o, organization_id)
        owner = sa.case((child.is_(None), o.c.owner_id), else_=sa.null())
        certainty = sa.func.coalesce(o.c.certainty_code, "")
        month = _year_month(o.c.expected_order_date)
        visible = visible_to(o, RecordType.OPPORTUNITY.value, viewer)
        amount: sa.ColumnElement[Any]
        counted: sa.ColumnElement[Any]
        hidden: sa.ColumnElement[Any]
        if viewer.sees_everything:
            amount, hidden = sa.func.sum(o.c.expected_amount), sa.literal(0)
            counted = sa.func.count()
        else:
            amount = sa.func.sum(o.c.expected_amount).filter(visible)
            counted = sa.func.count().filter(visible)
            hidden = sa.func.count() - counted
        query = sa.select(
            child.label("child"), owner.label("owner"), month.label("ym"), certainty.label("certainty"),
            amount.label("amount"), counted.label("n"), hidden.label("hidden"),
        ).select_from(joined).where(
            o.c.tenant_id == self._tenant, o.c.is_open.is_(True), o.c.expected_order_date >= start,
            o.c.expected_order_date < end,
        ).group_by(child, owner, month, certainty)
        cells, left_out = [], 0
        for r in self._conn.execute(query):
            left_out += int(r.hidden or 0)
            if r.n:
                cells.append(MonthlyAmount(r.child, r.owner, _month(r.ym), money_of(r.amount), r.certainty))
        return ForecastAmounts(cells, left_out)
