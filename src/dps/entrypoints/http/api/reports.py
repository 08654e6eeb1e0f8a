"""JSON API: reports (集計) - 活動別 (activities by organisation x month x status x kind) and 先行管理
(pipeline: budget, actual, forecast by certainty, landing, achievement rate, gap per row and month).
Both aggregate in the database through the caller's visibility; ``left_out`` says how many
restricted records the caller may not see were left out of the figures (R7).

Amounts are decimal strings; rates are ratios (0.85 = 85%), null without a budget.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec
from litestar import get
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.reports.queries import (
    ActivityReportQuery,
    PipelineReportQuery,
    RunActivityReport,
    RunPipelineReport,
)
from dps.application.reports.read_models import STATUSES, Column, PipelineCell, PipelineRow
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal


class ColumnOut(msgspec.Struct):
    code: str
    label_ja: str
    label_en: str
    probability: int | None = None


class ActivityCellOut(msgspec.Struct):
    month: str
    status: str
    """planned (予定), done (実施), cancelled (中止)."""
    kind_code: str
    count: int


class ActivityRowOut(msgspec.Struct):
    organization_id: UUID
    code: str
    name: str
    is_self: bool
    """True for the chosen organisation's own activities (not under a child)."""
    total: int
    cells: list[ActivityCellOut]
    """Non-zero cells only."""


class ActivityReportOut(msgspec.Struct):
    organization_id: UUID
    organization_code: str
    organization_name: str
    date_from: date
    date_to: date
    months: list[str]
    statuses: list[str]
    kinds: list[ColumnOut]
    rows: list[ActivityRowOut]
    total: int
    left_out: int
    """Activities in scope the caller may not see, not counted above."""


class PipelineCellOut(msgspec.Struct):
    budget: Decimal
    actual: Decimal
    forecast: dict[str, Decimal]
    """certainty code ('' = none) -> expected amount of open opportunities."""
    landing: Decimal
    achievement_rate: Decimal | None
    landing_rate: Decimal | None
    gap: Decimal


class PipelineRowOut(msgspec.Struct):
    kind: str
    """organization (a child, rolled up), user (the organisation's own records per owner) or total."""
    id: UUID | None
    code: str
    name: str
    months: list[PipelineCellOut]
    year: PipelineCellOut


class PipelineReportOut(msgspec.Struct):
    organization_id: UUID
    organization_code: str
    organization_name: str
    fiscal_year: int
    months: list[str]
    certainties: list[ColumnOut]
    rows: list[PipelineRowOut]
    total: PipelineRowOut
    left_out: int
    """Open opportunities in scope the caller may not see, left out of the forecast."""


def _column(c: Column) -> ColumnOut:
    return ColumnOut(c.code, c.label_ja, c.label_en, c.probability)


def _cell(c: PipelineCell) -> PipelineCellOut:
    return PipelineCellOut(budget=c.budget, actual=c.actual, forecast=dict(c.forecast), landing=c.landing,
                           achievement_rate=c.achievement_rate, landing_rate=c.landing_rate, gap=c.gap)


def _row(r: PipelineRow) -> PipelineRowOut:
    return PipelineRowOut(kind=r.kind, id=r.id, code=r.code, name=r.name, months=[_cell(c) for c in r.months],
                          year=_cell(r.year))


def _ym(day: date) -> str:
    return day.strftime("%Y-%m")


@get("/reports/activities", summary="活動別: activity counts by organisation x month x status x kind",
     sync_to_thread=True)
def activity_report_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    date_from: date | None = Parameter(query="date_from", default=None, description="first day (YYYY-MM-DD)"),
    date_to: date | None = Parameter(query="date_to", default=None, description="last day, inclusive"),
    organization_id: UUID | None = Parameter(
        query="organization_id", default=None,
        description="rows are its direct children (rolled up); default: your primary organisation"),
) -> ActivityReportOut:
    if date_from is None or date_to is None:
        raise Invalid({k: "required / 必須です" for k, v in (("date_from", date_from), ("date_to", date_to))
                       if v is None})
    report = RunActivityReport(sales_deps)(principal, ActivityReportQuery(date_from, date_to, organization_id))
    rows = [
        ActivityRowOut(
            organization_id=r.organization_id, code=r.code, name=r.name, is_self=r.is_self, total=r.count(),
            cells=[ActivityCellOut(_ym(m), s, k, n) for (m, s, k), n in sorted(r.counts.items()) if n],
        )
        for r in report.rows
    ]
    return ActivityReportOut(
        organization_id=report.organization_id, organization_code=report.organization_code,
        organization_name=report.organization_name, date_from=report.date_from, date_to=report.date_to,
        months=[_ym(m) for m in report.months], statuses=list(STATUSES), kinds=[_column(k) for k in report.kinds],
        rows=rows, total=report.total(), left_out=report.left_out,
    )


@get("/reports/pipeline", summary="先行管理: budget, actual, forecast, landing per row and month of a fiscal year",
     sync_to_thread=True)
def pipeline_report_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    organization_id: UUID | None = Parameter(
        query="organization_id", default=None, description="default: your primary organisation"),
    fiscal_year: int | None = Parameter(query="fiscal_year", default=None, description="default: the current one"),
) -> PipelineReportOut:
    report = RunPipelineReport(sales_deps)(principal, PipelineReportQuery(organization_id, fiscal_year))
    return PipelineReportOut(
        organization_id=report.organization_id, organization_code=report.organization_code,
        organization_name=report.organization_name, fiscal_year=report.fiscal_year,
        months=[_ym(m) for m in report.months], certainties=[_column(c) for c in report.certainties],
        rows=[_row(r) for r in report.rows], total=_row(report.total), left_out=report.left_out,
    )


ROUTES: list[ControllerRouterHandler] = [activity_report_handler, pipeline_report_handler]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
