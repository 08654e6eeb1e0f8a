"""SQL reads of the portal (ポータル): short lists and GROUP BY aggregates, one statement each, all
through the same visibility specification every list uses (`visible_to`, `mine`, and for
activities `visible_activities`, which adds R6: an activity of a restricted opportunity the viewer
may not see is hidden)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import staff_filter
from dps.adapters.db.repositories.sales.activities import visible_activities
from dps.adapters.db.tables.directory import org_closure, users
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_budgets import budget_lines, budgets
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.visibility import mine, visible_to
from dps.application.sales.portal.ports import PortalReader
from dps.application.sales.portal.read_models import PortalActivity, PortalOpportunity, StageTotal
from dps.domain.sales.activities import ActivityStatus
from dps.domain.sales.opportunities import WON_STAGE
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer

CENTS = Decimal("0.01")


def _money(value: Any) -> Decimal:
    """A SUM as Decimal (SQLite sums NUMERIC as REAL: back to the column's two decimals)."""
    return Decimal(0) if value is None else Decimal(str(value)).quantize(CENTS)


def _month(year: Any, month: Any) -> date:
    return date(int(year), int(month), 1)


class SqlPortalReader(TenantScoped, PortalReader):
    # --- activities ----------------------------------------------------------------------------

    def _account_name(self, viewer: Viewer, account_id: sa.ColumnElement[Any]) -> sa.ScalarSelect[Any]:
        a = accounts
        return sa.select(a.c.name).where(
            a.c.tenant_id == self._tenant, a.c.id == account_id, visible_to(a, RecordType.ACCOUNT.value, viewer)
        ).scalar_subquery()

    def _activity_rows(self, viewer: Viewer, *where: sa.ColumnElement[bool]) -> sa.Select[Any]:
        act, o, u = activities, opportunities, users
        opportunity_name = sa.select(o.c.name).where(
            o.c.tenant_id == self._tenant, o.c.id == act.c.opportunity_id,
            visible_to(o, RecordType.OPPORTUNITY.value, viewer),
        ).scalar_subquery()
        owner_name = sa.select(u.c.name).where(u.c.tenant_id == self._tenant, u.c.id == act.c.owner_id)
        return sa.select(
            act.c.id, act.c.status, act.c.kind_code, act.c.subject, act.c.activity_date, act.c.starts_at,
            act.c.account_id, self._account_name(viewer, act.c.account_id).label("account_name"),
            act.c.opportunity_id, opportunity_name.label("opportunity_name"), act.c.owner_id,
            owner_name.scalar_subquery().label("owner_name"), act.c.is_restricted,
        ).where(act.c.tenant_id == self._tenant, visible_activities(viewer), *where)

    @staticmethod
    def _activity(row: sa.Row[Any]) -> PortalActivity:
        values = row._asdict()
        values["owner_id"] = cast(UserId | None, values["owner_id"])
        return PortalActivity(**values)

    def upcoming_activities(self, viewer: Viewer, now: datetime, today: date, limit: int) -> Sequence[PortalActivity]:
        act = activities
        me = viewer.principal.user_id
        untimed_first = sa.case((act.c.starts_at.is_(None), 0), else_=1)
        query = self._activity_rows(
            viewer,
            act.c.status == ActivityStatus.PLANNED.value,
            sa.or_(act.c.owner_id == me, staff_filter(act, RecordType.ACTIVITY, me)),
            sa.or_(act.c.starts_at >= now, sa.and_(act.c.starts_at.is_(None), act.c.activity_date >= today)),
        ).order_by(act.c.activity_date, untimed_first, act.c.starts_at, act.c.id).limit(limit)
        return [self._activity(r) for r in self._conn.execute(query)]

    def team_activities(self, viewer: Viewer, limit: int) -> Sequence[PortalActivity]:
        act = activities
        timed_first = sa.case((act.c.starts_at.is_(None), 1), else_=0)
        query = self._activity_rows(
            viewer, act.c.status == ActivityStatus.DONE.value, mine(act, RecordType.ACTIVITY.value, viewer),
        ).order_by(act.c.activity_date.desc(), timed_first, act.c.starts_at.desc(), act.c.updated_at.desc(),
                   act.c.id.desc()).limit(limit)
        return [self._activity(r) for r in self._conn.execute(query)]

    # --- opportunities -------------------------------------------------------------------------

    def _my_open(self, viewer: Viewer) -> list[sa.ColumnElement[bool]]:
        o = opportunities
        return [
            o.c.tenant_id == self._tenant, o.c.is_open.is_(True),
            visible_to(o, RecordType.OPPORTUNITY.value, viewer), mine(o, RecordType.OPPORTUNITY.value, viewer),
        ]

    def open_pipeline(self, viewer: Viewer) -> Sequence[StageTotal]:
        o = opportunities
        query = sa.select(
            o.c.stage_code, sa.func.count().label("n"), sa.func.sum(o.c.expected_amount).label("amount"),
        ).where(*self._my_open(viewer)).group_by(o.c.stage_code)
        return [StageTotal(r.stage_code, int(r.n), _money(r.amount)) for r in self._conn.execute(query)]

    def nearest_opportunities(self, viewer: Viewer, today: date, limit: int) -> Sequence[PortalOpportunity]:
        o = opportunities
        query = sa.select(
            o.c.id, o.c.name, o.c.account_id, self._account_name(viewer, o.c.account_id).label("account_name"),
            o.c.stage_code, o.c.expected_order_date, o.c.expected_amount, o.c.is_restricted,
        ).where(*self._my_open(viewer), o.c.expected_order_date >= today).order_by(
            o.c.expected_order_date, o.c.id).limit(limit)
        return [PortalOpportunity(**r._asdict()) for r in self._conn.execute(query)]

    # --- orders and budget ---------------------------------------------------------------------

    def monthly_orders(
        self, viewer: Viewer, organization_id: UUID, start: date, end: date
    ) -> Mapping[date, Decimal]:
        o, c = opportunities, org_closure
        below = sa.select(c.c.descendant_id).where(c.c.tenant_id == self._tenant, c.c.ancestor_id == organization_id)
        year, month = sa.extract("year", o.c.ordered_on), sa.extract("month", o.c.ordered_on)
        query = sa.select(year.label("y"), month.label("m"), sa.func.sum(o.c.order_amount).label("amount")).where(
            o.c.tenant_id == self._tenant, o.c.stage_code == WON_STAGE, o.c.ordered_on >= start,
            o.c.ordered_on < end, o.c.order_amount.is_not(None),
            sa.or_(o.c.owner_organization_id == organization_id, o.c.owner_organization_id.in_(below)),
            visible_to(o, RecordType.OPPORTUNITY.value, viewer),
        ).group_by(year, month)
        return {_month(r.y, r.m): _money(r.amount) for r in self._conn.execute(query)}

    def monthly_budget(
        self, organization_id: UUID, fiscal_year: int, kind_code: str, start: date, end: date
    ) -> Mapping[date, Decimal]:
        b, line = budgets, budget_lines
        query = sa.select(line.c.month, sa.func.sum(line.c.amount).label("amount")).select_from(
            line.join(b, sa.and_(b.c.tenant_id == line.c.tenant_id, b.c.id == line.c.budget_id))
        ).where(
            line.c.tenant_id == self._tenant, b.c.organization_id == organization_id, b.c.user_id.is_(None),
            b.c.kind_code == kind_code, b.c.fiscal_year == fiscal_year, line.c.month >= start, line.c.month < end,
        ).group_by(line.c.month)
        return {r.month: _money(r.amount) for r in self._conn.execute(query)}
