"""リード別 / ファネル Leads: the visible leads counted per lead source (or per campaign) and status, with
the total and the conversion rate (商談化率 = leads in status `converted` / all), through the acting
user's visibility (R7). Optionally only the leads created in a period (the tenant's days) or owned at
or under an organisation (closure); by default every lead of the tenant.

Drill-downs go to the lead list by source or campaign and status; that list has no creation-date or
organisation filter, so a report narrowed by either has no drills (a link would list more leads
than the figure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from uuid import UUID
from zoneinfo import ZoneInfo

from attrs import frozen

from dps.application.reports.kinds.campaigns import rate
from dps.application.reports.kinds.lead_ports import GROUPS
from dps.application.reports.params import ParamKind, Params, ParamSpec
from dps.application.reports.queries import code_columns
from dps.application.reports.read_models import Column
from dps.application.reports.tables import Cell, CellKind, Drill, ReportTable, TableColumn, key_part, left_out_note
from dps.application.sales.access import viewer_in
from dps.application.shared.errors import Invalid
from dps.domain.sales.leads import CONVERTED
from dps.domain.shared.principal import Principal

if TYPE_CHECKING:
    from dps.application.sales.deps import SalesDeps

STATUS_LIST = "lead_status"
SOURCE_LIST = "lead_source"
RESTRICTED_CAMPAIGN = "(非公開キャンペーン) (restricted campaign)"
NO_CAMPAIGN = "(キャンペーンなし) (no campaign)"


@frozen
class FunnelRow:
    group: str
    """The source code or the campaign id ('' for none)."""
    code: str
    """Shown: the source code ('' for a campaign)."""
    name: str
    counts: Mapping[str, int]
    """status code -> leads."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@frozen
class FunnelReport:
    group: str
    statuses: tuple[Column, ...]
    rows: tuple[FunnelRow, ...]
    date_from: date | None
    date_to: date | None
    organization: str
    """'' when not narrowed by an organisation."""
    left_out: int

    @property
    def exact_drills(self) -> bool:
        return self.date_from is None and not self.organization


@frozen
class LeadReportQuery:
    group: str = "source"
    date_from: date | None = None
    date_to: date | None = None
    organization_id: UUID | None = None


def _label(c: Column) -> str:
    return f"{c.label_ja} {c.label_en}".strip() if c.label_en and c.label_en != c.label_ja else c.label_ja


class RunLeadReport:
    """One GROUP BY statement (and, per campaign, one read of the visible campaigns' names)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: LeadReportQuery) -> FunnelReport:
        if query.group not in GROUPS:
            raise Invalid.field("group_by", f"{' / '.join(GROUPS)} のいずれか / one of {', '.join(GROUPS)}")
        if (query.date_from is None) != (query.date_to is None):
            missing = "date_from" if query.date_from is None else "date_to"
            raise Invalid.field(missing, "期間は開始日と終了日の両方 / a date range needs both ends")
        if query.date_from is not None and query.date_to is not None and query.date_from > query.date_to:
            raise Invalid.field("date_from", "開始日が終了日より後です / date_from is after date_to")
        d = self._d
        with d.reading(principal.tenant_id) as uow:
            zone = ZoneInfo(uow.tenant().time_zone)

            def instant(day: date | None) -> datetime | None:
                return None if day is None else datetime.combine(day, time(), zone).astimezone(UTC)

            organization = ""
            if query.organization_id is not None:
                org = uow.reports.organization(query.organization_id, d.clock.now().astimezone(zone).date())
                if org is None:
                    raise Invalid.field("organization_id", "no such organisation / 組織が見つかりません")
                organization = f"{org.code} {org.name}"
            viewer = viewer_in(uow, principal, d.clock)
            reader = uow.lead_report
            found = reader.lead_counts(viewer, query.group, instant(query.date_from),
                                       instant(query.date_to + timedelta(days=1) if query.date_to else None),
                                       query.organization_id)
            groups = {c.group for c in found.cells}
            names: Mapping[UUID, str] = {}
            if query.group == "campaign":
                names = reader.campaign_names(viewer, {UUID(g) for g in groups if g})
            statuses = uow.code_lists.get(STATUS_LIST)
            sources = uow.code_lists.get(SOURCE_LIST)
        counts: dict[str, dict[str, int]] = {}
        for c in found.cells:
            counts.setdefault(c.group, {})[c.status_code] = c.count
        if query.group == "source":
            rows = [FunnelRow(s.code, s.code, _label(s) if s.code else "(なし) (none)", counts.get(s.code, {}))
                    for s in code_columns(sources, groups)]
        else:
            named = sorted((g for g in groups if g), key=lambda g: (UUID(g) not in names, names.get(UUID(g), ""), g))
            rows = [FunnelRow(g, "", names.get(UUID(g), RESTRICTED_CAMPAIGN), counts[g]) for g in named]
            if "" in counts:
                rows.append(FunnelRow("", "", NO_CAMPAIGN, counts[""]))
        return FunnelReport(query.group, code_columns(statuses, {c.status_code for c in found.cells}), tuple(rows),
                            query.date_from, query.date_to, organization, found.left_out)


def lead_columns(statuses: tuple[Column, ...]) -> tuple[TableColumn, ...]:
    return (TableColumn("コード Code", key="group_code"), TableColumn("区分 Group", key="group_name"),
            *(TableColumn(_label(s), CellKind.COUNT, f"status.{key_part(s.code)}") for s in statuses),
            TableColumn("合計 Total", CellKind.COUNT, "total"),
            TableColumn("商談化率 Conversion rate", CellKind.RATE, "conversion_rate"))


def lead_table(report: FunnelReport) -> ReportTable:
    """One line per source (the code list's order, every source shown) or campaign (by name; restricted
    ones, then no campaign, last) and the totals."""
    columns = lead_columns(report.statuses)
    field = "source_code" if report.group == "source" else "campaign_id"
    rows: list[tuple[Cell, ...]] = []
    drills: dict[tuple[int, int], Drill] = {}

    def line(code: str, name: str, counts: Mapping[str, int]) -> tuple[Cell, ...]:
        total = sum(counts.values())
        return (code, name, *(counts.get(s.code, 0) for s in report.statuses), total,
                rate(counts.get(CONVERTED, 0), total))

    def drill_line(index: int, cells: tuple[Cell, ...], scope: tuple[tuple[str, str], ...]) -> None:
        if not report.exact_drills:
            return
        for offset, s in enumerate(report.statuses, start=2):
            if s.code and cells[offset]:
                drills[(index, offset)] = Drill("leads", (*scope, ("status_code", s.code)))
        if cells[len(columns) - 2]:
            drills[(index, len(columns) - 2)] = Drill("leads", scope)

    totals: dict[str, int] = {}
    for r in report.rows:
        cells = line(r.code, r.name, r.counts)
        if r.group:
            drill_line(len(rows), cells, ((field, r.group),))
        rows.append(cells)
        for code, n in r.counts.items():
            totals[code] = totals.get(code, 0) + n
    total_line = line("合計 Total", "", totals)
    drill_line(len(rows), total_line, ())
    period = f"{report.date_from} .. {report.date_to}" if report.date_from else "全期間 / all time"
    notes = (f"{report.organization or '全組織 / every organisation'}: {period}", left_out_note(report.left_out))
    params = (("group_by", "行 Rows", "リードソース Source" if report.group == "source" else "キャンペーン Campaign"),
              ("period", "期間 Period", period),
              ("organization", "組織 Organisation", report.organization or "全て All"))
    return ReportTable("リード別 Leads", columns, tuple(rows), total_line, notes, kind="leads", drills=drills,
                       params=params, left_out=report.left_out)


class LeadsKind:
    """The `ReportKind` リード別 (the catalogue's parameter types are read when it is built and run:
    the catalogue imports the kinds)."""

    name = "leads"
    title = "リード別 Leads"
    description = ("リードソース/キャンペーン x 状態の件数と商談化率 / lead counts per source or campaign and status, "
                   "with the conversion rate")
    params: tuple[ParamSpec, ...]

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps
        self.params = (
            ParamSpec("group_by", "行 Rows", ParamKind.CHOICE,
                      choices=(("source", "リードソース Source"), ("campaign", "キャンペーン Campaign"))),
            ParamSpec("date_from", "作成日から Created from", ParamKind.DATE, help="既定: 全期間 / default: all time"),
            ParamSpec("date_to", "作成日まで Created to", ParamKind.DATE),
            ParamSpec("organization_id", "組織 Organisation", ParamKind.ORGANIZATION,
                      help="担当組織がその配下 (既定: 全て) / owners at or under it (default: all)"))

    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        with self._d.reading(principal.tenant_id) as uow:
            statuses = uow.code_lists.get(STATUS_LIST)
        return lead_columns(code_columns(statuses, set()))

    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable:
        p = Params(params)
        query = LeadReportQuery(p.choice("group_by", GROUPS, "source"), p.date("date_from"), p.date("date_to"),
                                p.uuid("organization_id"))
        return lead_table(RunLeadReport(self._d)(principal, query))
