"""キャンペーン別 Campaigns: per campaign whose period overlaps the report's, its invited and attended
members (参加率), the leads it brought and how many were converted to opportunities (商談化率), the
opportunities with the campaign, how many were won and for how much, its cost, cost per lead, ROI
and its targets (目標) against the results - through the acting user's visibility (R7).

Cost is the campaign's recorded actual cost (実績費用, `actual_cost`); its budget (予算,
`budget_amount`) is shown beside it but never stands in for it, so cost per lead and ROI are empty
until a cost is recorded. Members count whatever they are (leads or persons) once the campaign is
visible; leads and opportunities count only the visible ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from attrs import frozen

from dps.application.reports.kinds.campaign_ports import CampaignFigures
from dps.application.reports.params import ParamKind, Params, ParamSpec
from dps.application.reports.read_models import CENTS, RATE, ZERO
from dps.application.reports.tables import Cell, CellKind, Drill, ReportTable, TableColumn, left_out_note
from dps.application.sales.access import viewer_in
from dps.application.shared.errors import Invalid
from dps.application.shared.time import today_in
from dps.domain.sales.fiscal_years import FiscalYear
from dps.domain.sales.leads import CONVERTED
from dps.domain.sales.opportunities import WON_STAGE
from dps.domain.shared.principal import Principal

if TYPE_CHECKING:
    from dps.application.sales.deps import SalesDeps

KIND_LIST = "campaign_kind"


def rate(numerator: Decimal | int, denominator: Decimal | int | None) -> Decimal | None:
    """numerator / denominator to four places (None without a denominator)."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE, ROUND_HALF_UP)


@frozen
class CampaignLine:
    """One campaign row's figures (or the totals: `id` None), with the derived rates."""

    id: UUID | None
    name: str
    kind: str
    starts_on: date | None
    ends_on: date | None
    invited: int
    attended: int
    leads: int
    converted: int
    opportunities: int
    won: int
    won_amount: Decimal
    budget_amount: Decimal | None
    cost: Decimal | None
    target_leads: int | None
    target_opportunities: int | None
    target_amount: Decimal | None

    @property
    def attendance_rate(self) -> Decimal | None:
        """参加率 = attended / invited."""
        return rate(self.attended, self.invited)

    @property
    def conversion_rate(self) -> Decimal | None:
        """商談化率 = converted leads / leads."""
        return rate(self.converted, self.leads)

    @property
    def cost_per_lead(self) -> Decimal | None:
        if self.cost is None or not self.leads:
            return None
        return (self.cost / self.leads).quantize(CENTS, ROUND_HALF_UP)

    @property
    def roi(self) -> Decimal | None:
        """ROI = (won amount - cost) / cost (None without a cost)."""
        return None if self.cost is None else rate(self.won_amount - self.cost, self.cost)

    @staticmethod
    def of(f: CampaignFigures, kind: str) -> CampaignLine:
        return CampaignLine(f.id, f.name, kind, f.starts_on, f.ends_on, f.invited, f.attended, f.leads, f.converted,
                            f.opportunities, f.won, f.won_amount, f.budget_amount, f.actual_cost, f.target_leads,
                            f.target_opportunities, f.target_amount)

    @staticmethod
    def total(lines: Sequence[CampaignLine]) -> CampaignLine:
        """Sums; an amount or target none of the lines has stays None (a missing cost counts as none)."""

        def opt_sum(values: list[Decimal | None]) -> Decimal | None:
            present = [v for v in values if v is not None]
            return sum(present, ZERO) if present else None

        def opt_count(values: list[int | None]) -> int | None:
            present = [v for v in values if v is not None]
            return sum(present) if present else None

        return CampaignLine(
            None, "合計 Total", "", None, None, sum(x.invited for x in lines), sum(x.attended for x in lines),
            sum(x.leads for x in lines), sum(x.converted for x in lines), sum(x.opportunities for x in lines),
            sum(x.won for x in lines), sum((x.won_amount for x in lines), ZERO),
            opt_sum([x.budget_amount for x in lines]), opt_sum([x.cost for x in lines]),
            opt_count([x.target_leads for x in lines]), opt_count([x.target_opportunities for x in lines]),
            opt_sum([x.target_amount for x in lines]))


@frozen
class CampaignReport:
    date_from: date
    date_to: date
    kind_code: str | None
    lines: tuple[CampaignLine, ...]
    total: CampaignLine
    left_out: int


@frozen
class CampaignReportQuery:
    """No dates: the current fiscal year."""

    date_from: date | None = None
    date_to: date | None = None
    kind_code: str | None = None


class RunCampaignReport:
    """キャンペーン別: one aggregate statement (campaigns with their pre-grouped figures) and the
    code list for the kind labels, whatever the amount of data."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: CampaignReportQuery) -> CampaignReport:
        if (query.date_from is None) != (query.date_to is None):
            missing = "date_from" if query.date_from is None else "date_to"
            raise Invalid.field(missing, "期間は開始日と終了日の両方 / a date range needs both ends")
        if query.date_from is not None and query.date_to is not None and query.date_from > query.date_to:
            raise Invalid.field("date_from", "開始日が終了日より後です / date_from is after date_to")
        d = self._d
        with d.reading(principal.tenant_id) as uow:
            tenant = uow.tenant()
            kinds = uow.code_lists.get(KIND_LIST)
            if query.kind_code is not None and (kinds is None or kinds.value(query.kind_code) is None):
                raise Invalid.field("campaign_kind", "キャンペーン区分にない値 / not a campaign_kind value")
            if query.date_from is not None and query.date_to is not None:
                first, last = query.date_from, query.date_to
            else:
                year = FiscalYear.containing(today_in(d.clock, tenant.time_zone), tenant.fiscal_year_start_month)
                first, last = year.start, year.end - timedelta(days=1)
            viewer = viewer_in(uow, principal, d.clock)
            found = uow.campaign_report.campaign_rows(viewer, first, last, query.kind_code)

        def label(code: str) -> str:
            value = kinds.value(code) if kinds is not None and code else None
            if value is None:
                return code
            return value.label_ja if not value.label_en or value.label_en == value.label_ja else (
                f"{value.label_ja} {value.label_en}")

        lines = tuple(CampaignLine.of(f, label(f.kind_code)) for f in found.rows)
        return CampaignReport(first, last, query.kind_code, lines, CampaignLine.total(lines), found.left_out)


COLUMNS = (
    TableColumn("キャンペーン Campaign", key="name"),
    TableColumn("区分 Kind", key="kind"),
    TableColumn("開始日 Starts", key="starts_on"),
    TableColumn("終了日 Ends", key="ends_on"),
    TableColumn("招待 Invited", CellKind.COUNT, "invited"),
    TableColumn("参加 Attended", CellKind.COUNT, "attended"),
    TableColumn("参加率 Attendance rate", CellKind.RATE, "attendance_rate"),
    TableColumn("リード Leads", CellKind.COUNT, "leads"),
    TableColumn("商談化 Converted", CellKind.COUNT, "converted"),
    TableColumn("商談化率 Conversion rate", CellKind.RATE, "conversion_rate"),
    TableColumn("案件 Opportunities", CellKind.COUNT, "opportunities"),
    TableColumn("受注件数 Won", CellKind.COUNT, "won"),
    TableColumn("受注金額 Won amount", CellKind.MONEY, "won_amount"),
    TableColumn("予算 Budget", CellKind.MONEY, "budget"),
    TableColumn("実績費用 Cost", CellKind.MONEY, "cost"),
    TableColumn("リード単価 Cost per lead", CellKind.MONEY, "cost_per_lead"),
    TableColumn("ROI", CellKind.RATE, "roi"),
    TableColumn("目標リード Target leads", CellKind.COUNT, "target_leads"),
    TableColumn("リード達成率 Leads vs target", CellKind.RATE, "leads_rate"),
    TableColumn("目標案件 Target opportunities", CellKind.COUNT, "target_opportunities"),
    TableColumn("案件達成率 Opportunities vs target", CellKind.RATE, "opportunities_rate"),
    TableColumn("目標金額 Target amount", CellKind.MONEY, "target_amount"),
    TableColumn("金額達成率 Amount vs target", CellKind.RATE, "amount_rate"),
)


def _cells(x: CampaignLine) -> tuple[Cell, ...]:
    return (x.name, x.kind, x.starts_on, x.ends_on, x.invited, x.attended, x.attendance_rate, x.leads, x.converted,
            x.conversion_rate, x.opportunities, x.won, x.won_amount, x.budget_amount, x.cost, x.cost_per_lead, x.roi,
            x.target_leads, rate(x.leads, x.target_leads), x.target_opportunities,
            rate(x.opportunities, x.target_opportunities), x.target_amount, rate(x.won_amount, x.target_amount))


def campaign_table(report: CampaignReport) -> ReportTable:
    """One line per campaign and the totals. Lead counts drill down to the campaign's leads (converted:
    with status `converted`), opportunity counts and the won amount to its opportunities (won: the
    won stage); the totals row has no drill (the lists take one campaign)."""
    index = {c.key: i for i, c in enumerate(COLUMNS)}
    rows: list[tuple[Cell, ...]] = []
    drills: dict[tuple[int, int], Drill] = {}
    for x in report.lines:
        line = _cells(x)
        r, campaign = len(rows), (("campaign_id", str(x.id)),)
        targets = {"leads": Drill("leads", campaign),
                   "converted": Drill("leads", (*campaign, ("status_code", CONVERTED))),
                   "opportunities": Drill("opportunities", campaign),
                   "won": Drill("opportunities", (*campaign, ("stage_code", WON_STAGE))),
                   "won_amount": Drill("opportunities", (*campaign, ("stage_code", WON_STAGE)))}
        for key, drill in targets.items():
            if line[index[key]]:
                drills[(r, index[key])] = drill
        rows.append(line)
    kind = f" / {report.kind_code}" if report.kind_code else ""
    notes = (f"{report.date_from} .. {report.date_to}{kind}",
             "費用は実績費用 (予算では代えない) / cost: the recorded actual cost (never the budget)",
             left_out_note(report.left_out))
    params = (("period", "期間 Period", f"{report.date_from} .. {report.date_to}"),
              ("campaign_kind", "区分 Kind", report.kind_code or "全て All"))
    return ReportTable("キャンペーン別 Campaigns", COLUMNS, tuple(rows), _cells(report.total), notes,
                       kind="campaigns", drills=drills, params=params, left_out=report.left_out)


class CampaignsKind:
    """The `ReportKind` キャンペーン別 (the catalogue's parameter types are read when it is built and
    run: the catalogue imports the kinds)."""

    name = "campaigns"
    title = "キャンペーン別 Campaigns"
    description = ("招待・参加・リード・商談化・案件・受注・費用・ROI・目標対比をキャンペーンごとに / "
                   "invited, attended, leads, conversions, opportunities, won, cost, ROI and targets per campaign")
    params: tuple[ParamSpec, ...]

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps
        self.params = (
            ParamSpec("date_from", "開始日 From", ParamKind.DATE,
                      help="期間が重なるキャンペーン (既定: 今年度) / campaigns overlapping it (default: this year)"),
            ParamSpec("date_to", "終了日 To", ParamKind.DATE),
            ParamSpec("campaign_kind", "区分 Kind", ParamKind.CODE, code_list=KIND_LIST))

    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        return COLUMNS

    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable:
        p = Params(params)
        query = CampaignReportQuery(p.date("date_from"), p.date("date_to"), p.text("campaign_kind"))
        return campaign_table(RunCampaignReport(self._d)(principal, query))
