"""ホーム / home: the portal (ポータル, S11) - who is logged in, my upcoming plans, my open
opportunities by stage, the nearest expected orders, the team's recent activities, my newest
notifications, and two server-drawn charts (pipeline by stage, orders vs budget by month).

Thin: the portal use case reads everything in one transaction (its notifications are the inbox's);
the charts' geometry comes from `ui.charts`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Request, get
from litestar.response import Template

from dps.application.directory.organizations import ListOrganizations
from dps.application.sales.deps import SalesDeps
from dps.application.sales.portal.queries import KIND_LIST, GetPortal
from dps.application.sales.portal.read_models import OrdersVsBudget, StageTotal
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.opportunities import STAGE_LIST
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.collaboration import record_url
from dps.entrypoints.http.ui.charts import Chart, bar_chart, bars_and_line
from dps.entrypoints.http.ui.formats import Formats
from dps.entrypoints.http.ui.messages import Labels
from dps.entrypoints.http.ui.pages import formats_for, labels_for, page

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def code_names(code_list: CodeList | None, english: bool) -> dict[str, str]:
    """code -> label in the user's language (the Japanese one when no English is set)."""
    if code_list is None:
        return {}
    return {v.code: (v.label_en or v.label_ja) if english else v.label_ja for v in code_list.values}


def achievement(ordered: Decimal, budget: Decimal) -> str:
    """受注実績 / 受注予算 as a whole percentage; blank without a budget."""
    if budget <= 0:
        return ""
    return f"{(ordered * 100 / budget).quantize(Decimal(1))}%"


def pipeline_chart(stages: Sequence[StageTotal], names: Mapping[str, str], t: Labels, fmt: Formats) -> Chart:
    count = t.text("portal.count")
    return bar_chart(
        t.text("portal.pipeline_chart"), f"{t.text('portal.expected_amount')} ({t.text('portal.thousand_yen')})",
        [names.get(s.stage_code, s.stage_code) for s in stages], [s.amount for s in stages],
        titles=[f"{names.get(s.stage_code, s.stage_code)}: {fmt.yen(s.amount)} ({count} {s.count})" for s in stages],
        tick_text=fmt.thousand_yen,
    )


def orders_chart(orders: OrdersVsBudget, today: date, t: Labels, fmt: Formats) -> Chart:
    """Budget bars for the twelve months; the ordered line up to this month (no fall to zero in months
    still to come)."""
    months = [MONTHS_EN[m.month.month - 1] if fmt.english else f"{m.month.month}月" for m in orders.months]
    elapsed = [m for m in orders.months if m.month <= today]
    budget, ordered = t.text("portal.budget"), t.text("portal.ordered")
    return bars_and_line(
        f"{t.text('portal.orders_chart')} {fmt.fiscal_year(orders.fiscal_year)}",
        f"{t.text('portal.budget')} / {t.text('portal.ordered')} ({t.text('portal.thousand_yen')})",
        months, [m.budget for m in orders.months], [m.ordered for m in elapsed],
        bar_titles=[f"{label} {budget}: {fmt.yen(m.budget)}" for label, m in zip(months, orders.months, strict=True)],
        line_titles=[f"{label} {ordered}: {fmt.yen(m.ordered)}" for label, m in zip(months, elapsed, strict=False)],
        tick_text=fmt.thousand_yen, bar_css="bar budget",
    )


@get("/", include_in_schema=False, sync_to_thread=True)
def home(
    request: Request[Any, Any, Any], principal: Principal, list_organizations: ListOrganizations,
    sales_deps: SalesDeps,
) -> Template:
    organization = None
    if principal.primary_organization_id is not None:
        organization = next(
            (o for o in list_organizations(principal) if o.id == principal.primary_organization_id), None
        )
    portal = GetPortal(sales_deps)(principal)
    t, fmt = labels_for(principal), formats_for(principal)
    stage_names = code_names(portal.code_lists.get(STAGE_LIST), fmt.english)
    return page(request, "home.html", context={
        "organization": organization,
        "portal": portal,
        "notifications": portal.notifications,
        "record_url": record_url,
        "stage_names": stage_names,
        "kind_names": code_names(portal.code_lists.get(KIND_LIST), fmt.english),
        "achievement": achievement,
        "pipeline_chart": pipeline_chart(portal.pipeline, stage_names, t, fmt),
        "orders_chart": orders_chart(portal.orders, portal.today, t, fmt) if portal.orders is not None else None,
    })
