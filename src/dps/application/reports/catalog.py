"""The report kinds DPS offers (活動別, 先行管理, 取引先別, ...) behind one shape, so the API, the CLI,
the grid screen, saved report definitions and templates treat them alike: each kind names its
parameters (as strings, the way a query string, a CLI option or a saved definition carries them),
its columns (stable keys) and runs to a `ReportTable` through the acting user's visibility (R7)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from dps.application.reports.kinds.accounts import AccountsKind
from dps.application.reports.kinds.campaigns import CampaignsKind
from dps.application.reports.kinds.leads import LeadsKind
from dps.application.reports.kinds.opportunities import OpportunitiesKind
from dps.application.reports.kinds.products import ProductsKind
from dps.application.reports.params import ORGANIZATION, ParamKind, Params, ParamSpec, ReportKind
from dps.application.reports.queries import (
    CERTAINTY_LIST,
    KIND_LIST,
    ActivityReportQuery,
    PipelineReportQuery,
    RunActivityReport,
    RunPipelineReport,
    code_columns,
)
from dps.application.reports.tables import (
    ReportTable,
    TableColumn,
    activity_columns,
    activity_table,
    pipeline_columns,
    pipeline_table,
)
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal

__all__ = ["ORGANIZATION", "ParamKind", "ParamSpec", "Params", "ReportCatalog", "ReportKind"]
"""The kind contract (`params`) is re-exported: callers may take it from here."""


class ActivitiesKind(ReportKind):
    name = "activities"
    title = "活動別 Activities"
    description = "活動件数を組織 x 月 x 状態 x 区分で集計 / activity counts by organisation x month x status x kind"
    params = (ORGANIZATION,
              ParamSpec("date_from", "開始日 From", ParamKind.DATE, required=True),
              ParamSpec("date_to", "終了日 To", ParamKind.DATE, required=True))

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        with self._d.uow(principal.tenant_id) as uow:
            kinds = uow.code_lists.get(KIND_LIST)
        return activity_columns(code_columns(kinds, set()))

    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable:
        p = Params(params)
        p.require("date_from", "date_to")
        start, end = p.date("date_from"), p.date("date_to")
        assert start is not None
        assert end is not None
        query = ActivityReportQuery(start, end, p.uuid("organization_id"))
        return activity_table(RunActivityReport(self._d)(principal, query))


class PipelineKind(ReportKind):
    name = "pipeline"
    title = "先行管理 Pipeline"
    description = ("予算・実績・確度別見込・着地・達成率を組織/担当者 x 月で / budget, actual, forecast by "
                   "certainty, landing and achievement per organisation or user and month")
    params = (ORGANIZATION, ParamSpec("fiscal_year", "年度 Fiscal year", ParamKind.YEAR,
                                      help="既定: 今年度 / default: the current one"))

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        with self._d.uow(principal.tenant_id) as uow:
            certainties = uow.code_lists.get(CERTAINTY_LIST)
        return pipeline_columns(code_columns(certainties, set()))

    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable:
        p = Params(params)
        query = PipelineReportQuery(p.uuid("organization_id"), p.int("fiscal_year"))
        return pipeline_table(RunPipelineReport(self._d)(principal, query))


class ReportCatalog:
    """The kinds by name, in menu order."""

    def __init__(self, deps: SalesDeps, extra: tuple[ReportKind, ...] = ()) -> None:
        kinds: tuple[ReportKind, ...] = (
            ActivitiesKind(deps), PipelineKind(deps),
            # [kinds-accounts]
            AccountsKind(deps), OpportunitiesKind(deps),
            # [kinds-products]
            ProductsKind(deps), CampaignsKind(deps), LeadsKind(deps),
            *extra,
        )
        self._kinds = {k.name: k for k in kinds}

    def __iter__(self) -> Iterator[ReportKind]:
        return iter(self._kinds.values())

    def names(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def get(self, name: str) -> ReportKind:
        kind = self._kinds.get(name)
        if kind is None:
            raise Invalid.field("kind", f"{', '.join(self._kinds)} のいずれか / one of {', '.join(self._kinds)}")
        return kind
