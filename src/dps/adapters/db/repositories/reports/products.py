"""SQL reads of 商品別: GROUP BY over opportunity product lines, sales results and budget lines, the
owner organisation at or under the chosen one through the closure (`c.ancestor_id = :org`), and the
lists' own visibility specification (`visible_to`) on the opportunities. The opportunities left out
are counted in a statement of their own: a deal's lines fall into several product groups, so a
per-group count would count it once per product."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.reports.reader import money_of
from dps.adapters.db.tables.directory import org_closure
from dps.adapters.db.tables.sales_budgets import budget_lines, budgets
from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_lines, products
from dps.adapters.db.tables.sales_results import sales_results
from dps.adapters.db.visibility import InIds, visible_to
from dps.application.reports.kinds.product_ports import (
    CategoryBudget,
    ProductAmount,
    ProductLineAmounts,
    ProductReportReader,
)
from dps.domain.sales.opportunities import WON_STAGE
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer


class SqlProductReportReader(TenantScoped, ProductReportReader):
    def _under(self, fact: sa.Table, organization_id: UUID) -> sa.Join:
        """`fact` whose owner organisation is at or under the organisation (closure, depth >= 0)."""
        c = org_closure
        return fact.join(c, sa.and_(c.c.tenant_id == self._tenant, c.c.ancestor_id == organization_id,
                                    c.c.descendant_id == fact.c.owner_organization_id))

    def _in_scope(self, start: date, end: date) -> sa.ColumnElement[bool]:
        """Open and expected to be ordered in [start, end), or won and ordered in it."""
        o = opportunities
        return sa.or_(
            sa.and_(o.c.is_open.is_(True), o.c.expected_order_date >= start, o.c.expected_order_date < end),
            sa.and_(o.c.stage_code == WON_STAGE, o.c.ordered_on >= start, o.c.ordered_on < end),
        )

    def line_amounts(self, viewer: Viewer, organization_id: UUID, start: date, end: date) -> ProductLineAmounts:
        o, line, p = opportunities, opportunity_lines, products
        won = (o.c.stage_code == WON_STAGE).label("won")
        certainty = sa.case((o.c.stage_code == WON_STAGE, ""), else_=sa.func.coalesce(o.c.certainty_code, ""))
        category = sa.func.coalesce(p.c.category_code, "")
        joined = self._under(o, organization_id).join(line, sa.and_(
            line.c.tenant_id == self._tenant, line.c.opportunity_id == o.c.id,
        )).outerjoin(p, sa.and_(p.c.tenant_id == self._tenant, p.c.id == line.c.product_id))
        query = sa.select(
            line.c.product_id, p.c.code, p.c.name, category.label("category"), certainty.label("certainty"), won,
            sa.func.sum(line.c.amount).label("amount"),
        ).select_from(joined).where(
            o.c.tenant_id == self._tenant, self._in_scope(start, end),
            visible_to(o, RecordType.OPPORTUNITY.value, viewer),
        ).group_by(line.c.product_id, p.c.code, p.c.name, category, certainty, won)
        cells = [ProductAmount(r.product_id, r.code or "", r.name or "", r.category, money_of(r.amount),
                               r.certainty, bool(r.won)) for r in self._conn.execute(query)]
        return ProductLineAmounts(cells, self._left_out(viewer, organization_id, start, end))

    def _left_out(self, viewer: Viewer, organization_id: UUID, start: date, end: date) -> int:
        """Opportunities with product lines in scope that the viewer may not see (`count(*) - count(*)
        FILTER (WHERE visible)`: a term on a NULL owner is NULL, which NOT visible would not count)."""
        if viewer.sees_everything:
            return 0
        o, line = opportunities, opportunity_lines
        has_lines = sa.exists().where(line.c.tenant_id == self._tenant, line.c.opportunity_id == o.c.id)
        visible = visible_to(o, RecordType.OPPORTUNITY.value, viewer)
        query = sa.select(sa.func.count() - sa.func.count().filter(visible)).select_from(
            self._under(o, organization_id)).where(o.c.tenant_id == self._tenant, self._in_scope(start, end),
                                                   has_lines)
        return int(self._conn.execute(query).scalar_one() or 0)

    def result_amounts(self, organization_id: UUID, start: date, end: date) -> Sequence[ProductAmount]:
        s, p = sales_results, products
        category = sa.func.coalesce(p.c.category_code, s.c.category_code, "")
        joined = self._under(s, organization_id).outerjoin(
            p, sa.and_(p.c.tenant_id == self._tenant, p.c.id == s.c.product_id))
        query = sa.select(
            s.c.product_id, p.c.code, p.c.name, category.label("category"), sa.func.sum(s.c.amount).label("amount"),
        ).select_from(joined).where(
            s.c.tenant_id == self._tenant, s.c.sales_date >= start, s.c.sales_date < end,
        ).group_by(s.c.product_id, p.c.code, p.c.name, category)
        return [ProductAmount(r.product_id, r.code or "", r.name or "", r.category, money_of(r.amount))
                for r in self._conn.execute(query)]

    def category_budgets(
        self, organization_ids: Collection[UUID], user_ids: Collection[UUID], kind_code: str, start: date, end: date,
    ) -> Sequence[CategoryBudget]:
        b, line = budgets, budget_lines
        targets: list[sa.ColumnElement[Any]] = [sa.and_(b.c.user_id.is_(None), InIds(b.c.organization_id,
                                                                                       organization_ids))]
        if user_ids:
            targets.append(InIds(b.c.user_id, user_ids))
        query = sa.select(
            b.c.organization_id, b.c.user_id, line.c.category_code, sa.func.sum(line.c.amount).label("amount"),
        ).select_from(line.join(b, sa.and_(b.c.tenant_id == line.c.tenant_id, b.c.id == line.c.budget_id))).where(
            line.c.tenant_id == self._tenant, b.c.kind_code == kind_code, line.c.month >= start, line.c.month < end,
            sa.or_(*targets),
        ).group_by(b.c.organization_id, b.c.user_id, line.c.category_code)
        return [CategoryBudget(r.organization_id, r.user_id, r.category_code or "", money_of(r.amount))
                for r in self._conn.execute(query)]
