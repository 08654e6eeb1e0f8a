"""取引先別 Accounts: one line per account the user may see whose main owner belongs at or under the
chosen organisation - its open opportunities per certainty (確度) and in total, the weighted forecast,
won deals, sales results against the same period a year before, activities and the latest one - with
subtotals per main owner or parent account. Summed in SQL (two statements, plus label reads); the
restricted opportunities and activities the user may not see are left out and counted (R7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from attrs import frozen

from dps.application.reports.kinds.account_ports import GROUP_BY, AccountFigureRows, AccountFigures, AccountScope
from dps.application.reports.kinds.list_support import Line, limit_note, period, row_limit, with_subtotals, year_before
from dps.application.reports.params import ParamKind, Params, ParamSpec
from dps.application.reports.ports import OrgLabel
from dps.application.reports.queries import CERTAINTY_LIST, code_columns, report_organization
from dps.application.reports.read_models import Column
from dps.application.reports.tables import (
    Cell,
    CellKind,
    Drill,
    ReportTable,
    TableColumn,
    key_part,
    left_out_note,
)
from dps.application.sales.access import viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.shared.time import today_in
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.opportunities import WON_STAGE
from dps.domain.shared.principal import Principal

ACCOUNT_TYPE_LIST = "account_type"
DEFAULT_LIMIT, MAX_LIMIT = 1000, 10000
CENTS = Decimal("0.01")
GROUP_LABELS = {"none": "なし None", "owner": "主担当 Main owner", "parent_account": "親取引先 Parent account"}
FIRST_FIGURE = 4
"""Columns before it are labels (name, kana, owner, account type)."""


@frozen
class AccountReport:
    """The figures of 取引先別 with what they are shown with."""

    organization: OrgLabel
    date_from: date
    date_to: date
    previous_from: date
    previous_to: date
    certainties: tuple[Column, ...]
    """The certainty columns shown: the list's active values, then others with figures ('' = none)."""
    account_types: Mapping[str, str]
    group_by: str
    limit: int
    figures: AccountFigureRows


def _label(c: Column) -> str:
    return f"{c.label_ja} {c.label_en}".strip() if c.label_en and c.label_en != c.label_ja else c.label_ja


def account_columns(certainties: Sequence[Column]) -> tuple[TableColumn, ...]:
    columns = [TableColumn("取引先 Account", key="account_name"), TableColumn("フリガナ Kana", key="kana"),
               TableColumn("主担当 Main owner", key="owner"),
               TableColumn("取引先区分 Account type", key="account_type")]
    for c in certainties:
        columns += [TableColumn(f"見込件数 {_label(c)} Open", CellKind.COUNT, f"open.{key_part(c.code)}.count"),
                    TableColumn(f"見込金額 {_label(c)} Open", CellKind.MONEY, f"open.{key_part(c.code)}.amount")]
    columns += [TableColumn("見込件数 計 Open deals", CellKind.COUNT, "open.count"),
                TableColumn("見込金額 計 Open amount", CellKind.MONEY, "open.amount"),
                TableColumn("加重見込 Weighted forecast", CellKind.MONEY, "weighted"),
                TableColumn("受注件数 Won deals", CellKind.COUNT, "won.count"),
                TableColumn("受注金額 Won amount", CellKind.MONEY, "won.amount"),
                TableColumn("販売実績 Sales", CellKind.MONEY, "sales"),
                TableColumn("前年同期実績 Sales a year before", CellKind.MONEY, "sales.previous_year"),
                TableColumn("活動件数 Activities", CellKind.COUNT, "activities"),
                TableColumn("最終活動日 Last activity", CellKind.TEXT, "last_activity")]
    return tuple(columns)


def _weighted(f: AccountFigures, probability: Mapping[str, int | None]) -> Decimal:
    """Σ open expected amount x the certainty's probability (none: zero)."""
    total = sum((amount * Decimal(probability.get(code) or 0) / 100 for code, amount in f.open_amount.items()),
                Decimal(0))
    return total.quantize(CENTS, ROUND_HALF_UP)


def account_table(report: AccountReport) -> ReportTable:
    """Detail lines in the reader's order, a subtotal (level 1) after each group when grouped, the
    totals row over every account in scope (also those past the limit). Per-account figures drill
    down to the open opportunities (per certainty), the activities and the sales results behind them."""
    columns = account_columns(report.certainties)
    keys = {c.key: i for i, c in enumerate(columns)}
    probability = {c.code: c.probability for c in report.certainties}
    figures = report.figures

    def cells(f: AccountFigures, head: tuple[Cell, ...]) -> tuple[Cell, ...]:
        out: list[Cell] = list(head)
        for c in report.certainties:
            out += [f.open_count.get(c.code, 0), f.open_amount.get(c.code, Decimal(0))]
        out += [f.open_total_count, f.open_total_amount, _weighted(f, probability), f.won_count, f.won_amount,
                f.sales, f.sales_previous, f.activity_count, f.last_activity]
        return tuple(out)

    grouped = report.group_by != "none"
    nameless = "(担当なし none)" if report.group_by == "owner" else "(非表示 hidden)"  # no owner / a hidden parent
    lines = [Line(cells(f, (f.name, f.kana, f.owner_name, report.account_types.get(f.account_type_code,
                                                                                     f.account_type_code))),
                  f.group_id, f.group_name if f.group_name is not None else nameless) for f in figures.rows]
    summed = [i for i, c in enumerate(columns) if c.kind in (CellKind.COUNT, CellKind.MONEY)]
    rows, levels, _ = with_subtotals(lines, len(columns), label_column=0, summed=summed,
                                     latest=[keys["last_activity"]], grouped=grouped)
    drills: dict[tuple[int, int], Drill] = {}
    dates = (("date_from", report.date_from.isoformat()), ("date_to", report.date_to.isoformat()))
    previous = (("date_from", report.previous_from.isoformat()), ("date_to", report.previous_to.isoformat()))
    detail = (i for i, level in enumerate(levels) if level == 0)
    for index, f in zip(detail, figures.rows, strict=True):
        row, account = rows[index], (("account_id", str(f.account_id)),)
        wanted: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
        for c in report.certainties:
            if c.code:  # the list has no filter for "no certainty"
                scope = (*account, ("is_open", "true"), ("certainty_code", c.code))
                wanted += [("opportunities", f"open.{key_part(c.code)}.count", scope),
                           ("opportunities", f"open.{key_part(c.code)}.amount", scope)]
        wanted += [("opportunities", "open.count", (*account, ("is_open", "true"))),
                   ("opportunities", "open.amount", (*account, ("is_open", "true"))),
                   ("activities", "activities", (*account, *dates)),
                   ("sales-results", "sales", (*account, *dates)),
                   ("sales-results", "sales.previous_year", (*account, *previous))]
        for resource, key, filters in wanted:
            if row[keys[key]]:
                drills[(index, keys[key])] = Drill(resource, filters)
    totals = cells(figures.totals, ("合計 Total", None, None, None))
    org = report.organization
    notes = [f"{org.code} {org.name}: {report.date_from} .. {report.date_to} "
             f"(前年同期 a year before: {report.previous_from} .. {report.previous_to})"]
    if figures.cut:
        notes.append(limit_note(report.limit, figures.totals.accounts))
    notes.append(left_out_note(figures.left_out))
    params = (("organization", "組織 Organisation", f"{org.code} {org.name}"),
              ("period", "期間 Period", f"{report.date_from} .. {report.date_to}"),
              ("group_by", "小計 Group by", GROUP_LABELS[report.group_by]))
    return ReportTable("取引先別 Accounts", columns, tuple(rows), totals, tuple(notes), kind="accounts",
                       levels=tuple(levels) if grouped else (), drills=drills, params=params,
                       left_out=figures.left_out)


def _certainties(code_list: CodeList | None, totals: AccountFigures) -> tuple[Column, ...]:
    """The active values, then the inactive ones and none ('') when some open deal has them."""
    return code_columns(code_list, {code for code, n in totals.open_count.items() if n})


class AccountsKind:
    """取引先別 as a `ReportKind` of the catalogue."""

    name = "accounts"
    title = "取引先別 Accounts"
    description = ("取引先ごとの確度別見込・加重見込・受注・販売実績 (前年同期比)・活動 / per account: open deals by "
                   "certainty, weighted forecast, won deals, sales against a year before, activities")

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps
        self.params: tuple[ParamSpec, ...] = (
            ParamSpec("organization_id", "組織 Organisation", ParamKind.ORGANIZATION,
                      help="主担当の所属がこの組織以下の取引先 / accounts whose main owner belongs at or under it"),
            ParamSpec("date_from", "開始日 From", ParamKind.DATE, help="既定: 今年度 / default: the current year"),
            ParamSpec("date_to", "終了日 To", ParamKind.DATE, help="既定: 今年度 / default: the current year"),
            ParamSpec("group_by", "小計 Group by", ParamKind.CHOICE, choices=tuple(GROUP_LABELS.items())),
            ParamSpec("limit", "最大行数 Row limit", ParamKind.CHOICE,
                      choices=tuple((str(n), str(n)) for n in (100, 500, DEFAULT_LIMIT, 5000, MAX_LIMIT)),
                      help=f"1〜{MAX_LIMIT} (既定 default {DEFAULT_LIMIT})"),
        )

    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        with self._d.reading(principal.tenant_id) as uow:
            certainties = uow.code_lists.get(CERTAINTY_LIST)
        return account_columns(code_columns(certainties, {""}))

    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable:
        return account_table(self.report(principal, params))

    def report(self, principal: Principal, params: Mapping[str, str]) -> AccountReport:
        p = Params(params)
        group_by = p.choice("group_by", GROUP_BY, "none")
        limit = row_limit(p, DEFAULT_LIMIT, MAX_LIMIT)
        wanted = p.uuid("organization_id")
        d = self._d
        with d.reading(principal.tenant_id) as uow:
            tenant = uow.tenant()
            today = today_in(d.clock, tenant.time_zone)
            start, end = period(p, today, tenant.fiscal_year_start_month, "date_from", "date_to")
            viewer = viewer_in(uow, principal, d.clock)
            org = report_organization(uow.reports, principal, wanted, today)
            certainty_list = uow.code_lists.get(CERTAINTY_LIST)
            types = uow.code_lists.get(ACCOUNT_TYPE_LIST)
            codes = tuple(v.code for v in certainty_list.values) if certainty_list is not None else ()
            scope = AccountScope(org.id, start, end, year_before(start), year_before(end), (*codes, ""), WON_STAGE,
                                 group_by, limit)
            figures = uow.account_reports.account_figures(viewer, scope)
        return AccountReport(
            organization=org, date_from=start, date_to=end, previous_from=scope.previous_from,
            previous_to=scope.previous_to, certainties=_certainties(certainty_list, figures.totals),
            account_types={v.code: v.label_ja for v in types.values} if types is not None else {},
            group_by=group_by, limit=limit, figures=figures,
        )
