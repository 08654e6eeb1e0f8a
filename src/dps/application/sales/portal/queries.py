"""The portal (ポータル, S11): the home page's lists and charts for one user, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from dps.application.sales.access import viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.portal.read_models import MonthlyAmount, OrdersVsBudget, Portal, StageTotal
from dps.application.shared.paging import PageRequest
from dps.application.shared.time import today_in
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.fiscal_years import FiscalYear
from dps.domain.sales.opportunities import CLOSING_STAGES, STAGE_LIST
from dps.domain.shared.principal import Principal

UPCOMING_ROWS = 10
TEAM_ROWS = 10
NEAREST_ROWS = 5
NOTIFICATION_ROWS = 5
ORDERS_BUDGET_KIND = "orders"
"""The `budget_kind` code of 受注予算 (seeded for every tenant)."""
ZERO = Decimal(0)
KIND_LIST = "activity_kind"
LABELLED_LISTS = (STAGE_LIST, KIND_LIST)


def stage_totals(found: Sequence[StageTotal], stages: CodeList | None) -> tuple[StageTotal, ...]:
    """Every open stage of the code list in list order (zero where nothing is found), then stages
    found that the list no longer has or has deactivated, by code."""
    by_code = {s.stage_code: s for s in found}
    ordered: list[StageTotal] = []
    if stages is not None:
        for value in stages.active():
            if value.code in CLOSING_STAGES:
                continue
            ordered.append(by_code.pop(value.code, StageTotal(value.code, 0, ZERO)))
    ordered.extend(by_code[code] for code in sorted(by_code))
    return tuple(ordered)


class GetPortal:
    """The portal of `principal`: upcoming planned activities, 自担当 pipeline by stage and the
    nearest expected orders, the team's recent actual activities, and orders vs budget of the
    principal's primary organisation over the current fiscal year, the newest notifications (as
    the inbox lists them) and the code lists to label it all. Visibility applies to every row and
    every sum; light users read it too. One transaction, a fixed number of statements."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> Portal:
        d = self._d
        with d.uow(principal.tenant_id) as uow:
            tenant = uow.tenant()
            viewer = viewer_in(uow, principal, d.clock)
            now = d.clock.now()
            today = today_in(d.clock, tenant.time_zone)
            reader = uow.portal
            lists = {cl.key: cl for cl in uow.code_lists.list() if cl.key in LABELLED_LISTS}
            pipeline = stage_totals(reader.open_pipeline(viewer), lists.get(STAGE_LIST))
            orders = None
            org = principal.primary_organization_id
            if org is not None:
                year = FiscalYear.containing(today, tenant.fiscal_year_start_month)
                ordered = reader.monthly_orders(viewer, org, year.start, year.end)
                budget = reader.monthly_budget(org, year.year, ORDERS_BUDGET_KIND, year.start, year.end)
                orders = OrdersVsBudget(org, year.year, tuple(
                    MonthlyAmount(m, budget.get(m, ZERO), ordered.get(m, ZERO)) for m in year.months()
                ))
            return Portal(
                today=today,
                upcoming=tuple(reader.upcoming_activities(viewer, now, today, UPCOMING_ROWS)),
                pipeline=pipeline,
                nearest=tuple(reader.nearest_opportunities(viewer, today, NEAREST_ROWS)),
                team_activities=tuple(reader.team_activities(viewer, TEAM_ROWS)),
                orders=orders,
                notifications=tuple(uow.notifications.page_for(
                    viewer, unread_only=False, request=PageRequest(limit=NOTIFICATION_ROWS)).items),
                code_lists=lists,
            )
