"""SQL of 取引先別: the accounts in scope (visible, main owner's organisation at or under the chosen one
through the closure) LEFT JOINed to three pre-grouped subqueries - opportunities (open per certainty,
won in the period), activities (R6, count in the period, latest done) and sales results (period and
the same period a year before) - so each fact table is grouped once, never probed per account.

As in `reader.py`, visibility is not a WHERE term on the facts but a FILTER on each aggregate, so
the facts the viewer may not see are counted (`count(*) - count(*) FILTER (WHERE visible)`) in the
same pass. The rows statement orders and cuts (LIMIT n + 1 tells whether rows were cut); the totals
statement sums the same per-account select over every account in scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.reports.reader import money_of
from dps.adapters.db.tables.directory import org_closure, users
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.tables.sales_results import sales_results
from dps.adapters.db.visibility import visible_to
from dps.application.reports.kinds.account_ports import (
    AccountFigureRows,
    AccountFigures,
    AccountReportReader,
    AccountScope,
)
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer

ACCOUNT, OPPORTUNITY, ACTIVITY = RecordType.ACCOUNT.value, RecordType.OPPORTUNITY.value, RecordType.ACTIVITY.value



def _count(value: Any) -> int:
    return int(value or 0)


def _day(value: Any) -> date | None:
    """A MAX of a date column (SQLite may hand back its text when the type is lost in a subquery)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class SqlAccountReportReader(TenantScoped, AccountReportReader):
    def account_figures(self, viewer: Viewer, scope: AccountScope) -> AccountFigureRows:
        per, order = self._per_account(viewer, scope)
        codes = scope.certainty_codes
        rows = self._conn.execute(per.order_by(*order).limit(scope.limit + 1)).all()
        sub = per.subquery("per")
        sums = [sa.func.sum(sub.c[name]).label(name) for name in self._figure_names(codes)]
        totals_row = self._conn.execute(sa.select(
            sa.func.count().label("accounts"), *sums, sa.func.max(sub.c.last_activity).label("last_activity"),
            sa.func.sum(sub.c.hidden).label("hidden"),
        ).select_from(sub)).one()
        figures = [self._figures(r, codes) for r in rows[: scope.limit]]
        totals = self._figures(totals_row, codes, accounts=_count(totals_row.accounts))
        return AccountFigureRows(figures, len(rows) > scope.limit, totals, _count(totals_row.hidden))

    # --- the per-account select ----------------------------------------------------------------

    @staticmethod
    def _figure_names(codes: Sequence[str]) -> list[str]:
        pivot = [f"{part}_{i}" for i in range(len(codes)) for part in ("n", "amt")]
        return [*pivot, "open_n", "open_amt", "won_n", "won_amt", "sales", "sales_prev", "act_n"]

    def _scope_ids(self, viewer: Viewer, scope: AccountScope) -> sa.Select[Any]:
        """The ids of the accounts in scope (not correlated with any enclosing select)."""
        a, c = accounts, org_closure
        return sa.select(a.c.id).join(c, sa.and_(
            c.c.tenant_id == self._tenant, c.c.ancestor_id == scope.organization_id,
            c.c.descendant_id == a.c.owner_organization_id,
        )).where(a.c.tenant_id == self._tenant, visible_to(a, ACCOUNT, viewer)).correlate(None)

    def _opportunity_figures(self, viewer: Viewer, scope: AccountScope, ids: sa.Select[Any]) -> sa.Subquery:
        """Open deals per certainty and won deals per account. Visibility is worked out once per deal
        in the inner select, then every aggregate filters on that column."""
        o = opportunities
        won = sa.and_(o.c.stage_code == scope.won_stage, o.c.ordered_on >= scope.date_from,
                      o.c.ordered_on <= scope.date_to)
        deals = sa.select(
            o.c.account_id, o.c.is_open, won.label("won"), sa.func.coalesce(o.c.certainty_code, "").label("certainty"),
            o.c.expected_amount, o.c.order_amount, visible_to(o, OPPORTUNITY, viewer).label("visible"),
        ).where(
            o.c.tenant_id == self._tenant, sa.or_(o.c.is_open.is_(True), won), o.c.account_id.in_(ids),
        ).subquery("deals")
        visible, is_open, won_term = deals.c.visible, deals.c.is_open.is_(True), deals.c.won.is_(True)
        pivot: list[sa.ColumnElement[Any]] = []
        for i, code in enumerate(scope.certainty_codes):
            term = sa.and_(is_open, deals.c.certainty == code, visible)
            pivot += [sa.func.count().filter(term).label(f"n_{i}"),
                      sa.func.sum(deals.c.expected_amount).filter(term).label(f"amt_{i}")]
        counted = sa.func.count().filter(visible)
        return sa.select(
            deals.c.account_id, *pivot,
            sa.func.count().filter(sa.and_(is_open, visible)).label("open_n"),
            sa.func.sum(deals.c.expected_amount).filter(sa.and_(is_open, visible)).label("open_amt"),
            sa.func.count().filter(sa.and_(won_term, visible)).label("won_n"),
            sa.func.sum(deals.c.order_amount).filter(sa.and_(won_term, visible)).label("won_amt"),
            (sa.func.count() - counted).label("hidden"),  # not count(NOT visible): NOT NULL is NULL
        ).group_by(deals.c.account_id).subquery("opp")

    def _activity_figures(self, viewer: Viewer, scope: AccountScope, ids: sa.Select[Any]) -> sa.Subquery:
        """R6 as `reader.py` states it: the activity visible and, when it has one, its opportunity too
        (LEFT JOINed once), worked out once per activity. Hidden ones are counted within the period."""
        a, o = activities, opportunities
        joined: sa.FromClause = a
        visible: sa.ColumnElement[bool] = visible_to(a, ACTIVITY, viewer)
        if not viewer.sees_everything:
            joined = a.outerjoin(o, sa.and_(o.c.tenant_id == self._tenant, o.c.id == a.c.opportunity_id))
            visible = sa.and_(visible, sa.or_(
                a.c.opportunity_id.is_(None),
                sa.and_(o.c.id.is_not(None), visible_to(o, OPPORTUNITY, viewer))))
        facts = sa.select(
            a.c.account_id, a.c.activity_date, a.c.status, visible.label("visible"),
        ).select_from(joined).where(
            a.c.tenant_id == self._tenant, a.c.activity_date <= scope.date_to, a.c.account_id.in_(ids),
        ).subquery("facts")
        in_period = facts.c.activity_date >= scope.date_from
        counted = sa.func.count().filter(sa.and_(in_period, facts.c.visible))
        return sa.select(
            facts.c.account_id, counted.label("act_n"),
            sa.func.max(facts.c.activity_date).filter(sa.and_(facts.c.status == "done", facts.c.visible))
            .label("last_activity"),
            (sa.func.count().filter(in_period) - counted).label("hidden"),
        ).group_by(facts.c.account_id).subquery("act")

    def _sales_figures(self, scope: AccountScope, ids: sa.Select[Any]) -> sa.Subquery:
        """Sales results are never 非公開: nothing to leave out."""
        s = sales_results
        current = sa.and_(s.c.sales_date >= scope.date_from, s.c.sales_date <= scope.date_to)
        previous = sa.and_(s.c.sales_date >= scope.previous_from, s.c.sales_date <= scope.previous_to)
        return sa.select(
            s.c.account_id, sa.func.sum(s.c.amount).filter(current).label("sales"),
            sa.func.sum(s.c.amount).filter(previous).label("sales_prev"),
        ).where(
            s.c.tenant_id == self._tenant, sa.or_(current, previous), s.c.account_id.in_(ids),
        ).group_by(s.c.account_id).subquery("sr")

    def _per_account(self, viewer: Viewer, scope: AccountScope) -> tuple[sa.Select[Any], list[Any]]:
        """One line per account in scope with its figures; and the row order."""
        a, c, u = accounts, org_closure, users
        ids = self._scope_ids(viewer, scope)
        opp = self._opportunity_figures(viewer, scope, ids)
        act = self._activity_figures(viewer, scope, ids)
        sr = self._sales_figures(scope, ids)
        joined = a.join(c, sa.and_(
            c.c.tenant_id == self._tenant, c.c.ancestor_id == scope.organization_id,
            c.c.descendant_id == a.c.owner_organization_id,
        )).outerjoin(u, sa.and_(u.c.tenant_id == self._tenant, u.c.id == a.c.owner_id)) \
            .outerjoin(opp, opp.c.account_id == a.c.id).outerjoin(act, act.c.account_id == a.c.id) \
            .outerjoin(sr, sr.c.account_id == a.c.id)
        group_id: sa.ColumnElement[Any] = sa.null()
        group_name: sa.ColumnElement[Any] = sa.null()
        if scope.group_by == "owner":
            group_id, group_name = a.c.owner_id, u.c.name
        elif scope.group_by == "parent_account":
            head = accounts.alias("head")
            group_id = sa.func.coalesce(a.c.parent_account_id, a.c.id)
            joined = joined.outerjoin(head, sa.and_(head.c.tenant_id == self._tenant, head.c.id == group_id))
            group_name = sa.case((visible_to(cast(sa.Table, head), ACCOUNT, viewer), head.c.name), else_=sa.null())
        figures = [opp.c[n] for n in self._figure_names(scope.certainty_codes)[:-3]]
        sales = sa.func.coalesce(sr.c.sales, 0)
        per = sa.select(
            a.c.id, a.c.name, a.c.kana, a.c.owner_id, u.c.name.label("owner_name"), a.c.account_type_code,
            group_id.label("group_id"), group_name.label("group_name"), *figures, sr.c.sales, sr.c.sales_prev,
            act.c.act_n, act.c.last_activity,
            (sa.func.coalesce(opp.c.hidden, 0) + sa.func.coalesce(act.c.hidden, 0)).label("hidden"),
        ).select_from(joined).where(a.c.tenant_id == self._tenant, visible_to(a, ACCOUNT, viewer))
        order: list[Any] = []
        if scope.group_by != "none":
            order += [sa.case((group_name.is_(None), 1), else_=0), group_name, group_id]
        order += [sales.desc(), sa.func.coalesce(opp.c.won_amt, 0).desc(), a.c.name, a.c.id]
        return per, order

    # --- rows ----------------------------------------------------------------------------------

    @staticmethod
    def _figures(r: Any, codes: Sequence[str], *, accounts: int = 1) -> AccountFigures:
        m = r._mapping
        labelled = "id" in m
        return AccountFigures(
            account_id=m["id"] if labelled else None, name=m["name"] if labelled else "",
            kana=m["kana"] if labelled else "", owner_id=m["owner_id"] if labelled else None,
            owner_name=(m["owner_name"] or "") if labelled else "",
            account_type_code=(m["account_type_code"] or "") if labelled else "",
            group_id=m["group_id"] if labelled else None,
            group_name=m["group_name"] if labelled else None,
            open_count={code: _count(m[f"n_{i}"]) for i, code in enumerate(codes)},
            open_amount={code: money_of(m[f"amt_{i}"]) for i, code in enumerate(codes)},
            open_total_count=_count(m["open_n"]), open_total_amount=money_of(m["open_amt"]),
            won_count=_count(m["won_n"]), won_amount=money_of(m["won_amt"]), sales=money_of(m["sales"]),
            sales_previous=money_of(m["sales_prev"]), activity_count=_count(m["act_n"]),
            last_activity=_day(m["last_activity"]), accounts=accounts,
        )
