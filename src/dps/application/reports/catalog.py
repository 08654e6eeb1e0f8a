"""The report kinds DPS offers (活動別, 先行管理, 取引先別, ...) behind one shape, so the API, the CLI,
the grid screen, saved report definitions and templates treat them alike: each kind names its
parameters (as strings, the way a query string, a CLI option or a saved definition carries them),
its columns (stable keys) and runs to a `ReportTable` through the acting user's visibility (R7)."""

from __future__ import annotations

import enum
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Protocol
from uuid import UUID

from attrs import frozen

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


class ParamKind(enum.StrEnum):
    ORGANIZATION = "organization"
    """An organisation id (the CLI also takes its code)."""
    DATE = "date"
    """YYYY-MM-DD."""
    YEAR = "year"
    """A fiscal year, e.g. 2026."""
    CHOICE = "choice"
    """One of `ParamSpec.choices`."""
    CODE = "code"
    """A value of the code list `ParamSpec.code_list`."""
    RECORD = "record"
    """A record id of `ParamSpec.record` (account, campaign, product_category, user)."""
    BOOL = "bool"
    """true / false."""


@frozen
class ParamSpec:
    name: str
    label: str
    """Japanese / English."""
    kind: ParamKind
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    """(value, label) for CHOICE."""
    code_list: str = ""
    record: str = ""
    help: str = ""


class ReportKind(Protocol):
    """One kind of report. `run` reads `params` (strings; unknown names are ignored, a bad value is
    `Invalid` naming the parameter) and aggregates in the database through the principal's visibility."""

    name: str
    title: str
    """Japanese / English."""
    description: str
    params: tuple[ParamSpec, ...]

    @abstractmethod
    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        """The columns a run can have today (code-list columns from the tenant's lists), for choosing
        and ordering them in a definition."""

    @abstractmethod
    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable: ...


class Params:
    """Typed reads of a kind's string parameters; each failure is `Invalid` on that parameter."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._v = {k: v.strip() for k, v in values.items() if v is not None and v.strip()}

    def require(self, *names: str) -> None:
        """Invalid naming every one of `names` that is missing."""
        missing = {n: "必須です / required" for n in names if n not in self._v}
        if missing:
            raise Invalid(missing)

    def text(self, name: str) -> str | None:
        return self._v.get(name)

    def date(self, name: str, *, required: bool = False) -> date | None:
        raw = self._need(name, required)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise Invalid.field(name, "日付は YYYY-MM-DD で / a date as YYYY-MM-DD") from None

    def int(self, name: str, *, required: bool = False) -> int | None:
        raw = self._need(name, required)
        if raw is None:
            return None
        try:
            return int(raw)
        except ValueError:
            raise Invalid.field(name, "整数を入力してください / a whole number") from None

    def uuid(self, name: str, *, required: bool = False) -> UUID | None:
        raw = self._need(name, required)
        if raw is None:
            return None
        try:
            return UUID(raw)
        except ValueError:
            raise Invalid.field(name, "IDの形式が不正です / not an id") from None

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self._v.get(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "1", "yes", "on"):
            return True
        if raw.lower() in ("false", "0", "no", "off"):
            return False
        raise Invalid.field(name, "true または false / true or false")

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        raw = self._v.get(name, default)
        if raw not in allowed:
            raise Invalid.field(name, f"{' / '.join(allowed)} のいずれか / one of {', '.join(allowed)}")
        return raw

    def _need(self, name: str, required: bool) -> str | None:
        raw = self._v.get(name)
        if raw is None and required:
            raise Invalid.field(name, "必須です / required")
        return raw


ORGANIZATION = ParamSpec("organization_id", "組織 Organisation", ParamKind.ORGANIZATION,
                         help="行はその直下の組織 (配下を集計) / rows are its direct children (rolled up)")


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
            # [kinds-products]
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
