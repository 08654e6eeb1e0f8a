"""SQL of 案件別 (the pipeline list): one statement for the lines - the visible opportunities in scope
with their account (when visible), owner, owner organisation (code and the name valid today), the
latest done activity the viewer may see (ROW_NUMBER over a pre-filtered subquery: the same SQL on
PostgreSQL and SQLite) and the competitors (aggregated per opportunity) - and one for the totals per
certainty with the opportunities the viewer may not see counted in the same pass, as `reader.py` does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.reports.reader import maybe_money, money_of
from dps.adapters.db.tables.directory import org_closure, organization_versions, organizations, users
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_competitors
from dps.adapters.db.visibility import visible_to
from dps.application.reports.kinds.opportunity_ports import (
    CertaintyTotal,
    OpportunityLine,
    OpportunityLines,
    OpportunityReportReader,
    OpportunityScope,
)
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer

ACCOUNT, OPPORTUNITY, ACTIVITY = RecordType.ACCOUNT.value, RecordType.OPPORTUNITY.value, RecordType.ACTIVITY.value




class SqlOpportunityReportReader(TenantScoped, OpportunityReportReader):
    def opportunity_lines(self, viewer: Viewer, scope: OpportunityScope) -> OpportunityLines:
        rows = self._conn.execute(self._lines(viewer, scope)).all()
        totals, left_out = self._totals(viewer, scope)
        return OpportunityLines([self._line(r) for r in rows[: scope.limit]], len(rows) > scope.limit, totals,
                                left_out)

    def _in_scope(self, o: Any, scope: OpportunityScope) -> list[sa.ColumnElement[bool]]:
        """The report's filters on `o` (visibility aside), the organisation through the closure."""
        c = org_closure
        terms: list[sa.ColumnElement[bool]] = [
            o.c.tenant_id == self._tenant, o.c.is_open.is_(scope.is_open),
            o.c.expected_order_date >= scope.date_from, o.c.expected_order_date <= scope.date_to,
            sa.exists().where(c.c.tenant_id == self._tenant, c.c.ancestor_id == scope.organization_id,
                              c.c.descendant_id == o.c.owner_organization_id),
        ]
        if scope.stage_code is not None:
            terms.append(o.c.stage_code == scope.stage_code)
        if scope.certainty_code is not None:
            terms.append(o.c.certainty_code == scope.certainty_code)
        return terms

    def _lines(self, viewer: Viewer, scope: OpportunityScope) -> sa.Select[Any]:
        o, a, u, act, oc = opportunities, accounts, users, activities, opportunity_competitors
        ids = sa.select(o.c.id).where(*self._in_scope(o, scope), visible_to(o, OPPORTUNITY, viewer)).correlate(None)
        ranked = sa.select(
            act.c.opportunity_id, act.c.activity_date, act.c.next_action, act.c.next_action_on,
            sa.func.row_number().over(partition_by=act.c.opportunity_id,
                                      order_by=(act.c.activity_date.desc(), act.c.created_at.desc(),
                                                act.c.id.desc())).label("rn"),
        ).where(act.c.tenant_id == self._tenant, act.c.status == "done", act.c.opportunity_id.in_(ids),
                visible_to(act, ACTIVITY, viewer)).subquery("latest")
        rivals = sa.select(oc.c.opportunity_id, sa.func.aggregate_strings(oc.c.name, "、").label("names")).where(
            oc.c.tenant_id == self._tenant, oc.c.opportunity_id.in_(ids)).group_by(oc.c.opportunity_id) \
            .subquery("rivals")
        org, v = organizations, organization_versions
        org_name = sa.select(v.c.name).where(
            v.c.tenant_id == self._tenant, v.c.organization_id == o.c.owner_organization_id,
        ).order_by(sa.case((v.c.valid_from <= scope.today, 0), else_=1), v.c.valid_from.desc()) \
            .limit(1).scalar_subquery()
        joined = o.outerjoin(a, sa.and_(a.c.tenant_id == self._tenant, a.c.id == o.c.account_id)) \
            .outerjoin(u, sa.and_(u.c.tenant_id == self._tenant, u.c.id == o.c.owner_id)) \
            .outerjoin(org, sa.and_(org.c.tenant_id == self._tenant, org.c.id == o.c.owner_organization_id)) \
            .outerjoin(ranked, sa.and_(ranked.c.opportunity_id == o.c.id, ranked.c.rn == 1)) \
            .outerjoin(rivals, rivals.c.opportunity_id == o.c.id)
        certainty = sa.func.coalesce(o.c.certainty_code, "")
        order: list[Any] = []
        if scope.group_by == "stage":
            order.append(o.c.stage_code)
        elif scope.group_by == "certainty":
            order.append(certainty)
        elif scope.group_by == "owner":
            order += [sa.case((u.c.name.is_(None), 1), else_=0), u.c.name, o.c.owner_id]
        order += [o.c.expected_order_date, sa.func.coalesce(o.c.expected_amount, 0).desc(), o.c.name, o.c.id]
        return sa.select(
            o.c.id, o.c.name, o.c.account_id,
            sa.case((visible_to(a, ACCOUNT, viewer), a.c.name), else_=sa.null()).label("account_name"),
            o.c.owner_id, u.c.name.label("owner_name"), o.c.owner_organization_id, org.c.code.label("org_code"),
            org_name.label("org_name"), o.c.stage_code, certainty.label("certainty_code"),
            o.c.expected_order_date, o.c.expected_amount, o.c.order_amount, o.c.created_at,
            ranked.c.activity_date.label("last_activity"), ranked.c.next_action, ranked.c.next_action_on,
            rivals.c.names.label("competitors"),
        ).select_from(joined).where(*self._in_scope(o, scope), visible_to(o, OPPORTUNITY, viewer)) \
            .order_by(*order).limit(scope.limit + 1)

    def _totals(self, viewer: Viewer, scope: OpportunityScope) -> tuple[list[CertaintyTotal], int]:
        o = opportunities
        certainty = sa.func.coalesce(o.c.certainty_code, "")
        visible = visible_to(o, OPPORTUNITY, viewer)
        counted = sa.func.count().filter(visible)
        query = sa.select(
            certainty.label("certainty"), counted.label("n"),
            sa.func.sum(o.c.expected_amount).filter(visible).label("expected"),
            sa.func.sum(o.c.order_amount).filter(visible).label("ordered"),
            (sa.func.count() - counted).label("hidden"),  # not count(NOT visible): NOT NULL is NULL
        ).where(*self._in_scope(o, scope)).group_by(certainty)
        totals, left_out = [], 0
        for r in self._conn.execute(query):
            left_out += int(r.hidden or 0)
            if r.n:
                totals.append(CertaintyTotal(r.certainty, int(r.n), money_of(r.expected), money_of(r.ordered)))
        return totals, left_out

    @staticmethod
    def _line(r: Any) -> OpportunityLine:
        organization = " ".join(part for part in (r.org_code, r.org_name) if part)
        last = r.last_activity
        if last is not None and not isinstance(last, date):
            last = date.fromisoformat(str(last)[:10])
        return OpportunityLine(
            id=r.id, name=r.name, account_id=r.account_id, account_name=r.account_name, owner_id=r.owner_id,
            owner_name=r.owner_name or "", owner_organization_id=r.owner_organization_id, organization=organization,
            stage_code=r.stage_code, certainty_code=r.certainty_code, expected_order_date=r.expected_order_date,
            expected_amount=maybe_money(r.expected_amount), order_amount=maybe_money(r.order_amount),
            created_at=r.created_at, last_activity=last, next_action=r.next_action or "",
            next_action_on=r.next_action_on, competitors=r.competitors or "",
        )
