"""案件別 Opportunities (the pipeline list): one line per opportunity the user may see, owned at or
under the chosen organisation, open (or closed) and expected to be ordered in the period, with its
account, owner, stage, certainty, amounts (expected, weighted by the certainty's probability,
ordered), age, latest done activity with its next action and competitors; subtotals per stage,
certainty or owner. Two statements plus label reads; restricted opportunities are counted (R7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from attrs import frozen

from dps.application.reports.kinds.list_support import Line, limit_note, period, row_limit, with_subtotals
from dps.application.reports.kinds.opportunity_ports import (
    GROUP_BY,
    CertaintyTotal,
    OpportunityLine,
    OpportunityLines,
    OpportunityScope,
)
from dps.application.reports.params import ParamKind, Params, ParamSpec
from dps.application.reports.ports import OrgLabel
from dps.application.reports.queries import CERTAINTY_LIST, report_organization
from dps.application.reports.tables import Cell, CellKind, Drill, ReportTable, TableColumn, left_out_note, org_filters
from dps.application.sales.access import viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.application.shared.time import local, today_in
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.opportunities import STAGE_LIST
from dps.domain.shared.principal import Principal

DEFAULT_LIMIT, MAX_LIMIT = 2000, 20000
CENTS = Decimal("0.01")
GROUP_LABELS = {"none": "なし None", "stage": "フェーズ Stage", "certainty": "確度 Certainty",
                "owner": "担当者 Owner"}
COLUMNS = (
    TableColumn("案件名 Opportunity", key="name"), TableColumn("取引先 Account", key="account"),
    TableColumn("担当者 Owner", key="owner"), TableColumn("担当組織 Organisation", key="organization"),
    TableColumn("フェーズ Stage", key="stage"), TableColumn("確度 Certainty", key="certainty"),
    TableColumn("受注予定日 Expected order date", key="expected_order_date"),
    TableColumn("見込金額 Expected amount", CellKind.MONEY, "expected_amount"),
    TableColumn("加重金額 Weighted amount", CellKind.MONEY, "weighted_amount"),
    TableColumn("受注金額 Ordered amount", CellKind.MONEY, "order_amount"),
    TableColumn("登録後日数 Days since created", CellKind.COUNT, "days_since_created"),
    TableColumn("最終活動日 Last activity", key="last_activity"),
    TableColumn("次回アクション Next action", key="next_action"),
    TableColumn("競合 Competitors", key="competitors"),
)
"""The data model keeps no date of the last stage change: the age shown is the days since creation."""
KEYS = {c.key: i for i, c in enumerate(COLUMNS)}
AMOUNTS = (KEYS["expected_amount"], KEYS["weighted_amount"], KEYS["order_amount"])


@frozen
class OpportunityReport:
    organization: OrgLabel
    scope: OpportunityScope
    stages: Mapping[str, str]
    """Stage code -> label."""
    certainties: Mapping[str, tuple[str, int | None]]
    """Certainty code -> (label, probability)."""
    lines: OpportunityLines
    time_zone: str
    """The tenant's, for the age in days."""


def _weighted(amount: Decimal | None, probability: int | None) -> Decimal | None:
    if amount is None:
        return None
    return (amount * Decimal(probability or 0) / 100).quantize(CENTS, ROUND_HALF_UP)


def _next_action(line: OpportunityLine) -> str:
    if line.next_action_on is not None:
        return f"{line.next_action_on.isoformat()} {line.next_action}".strip()
    return line.next_action


def opportunity_table(report: OpportunityReport) -> ReportTable:
    """Detail lines in the reader's order, a subtotal (level 1) after each group when grouped (amounts
    summed), the totals row over every visible opportunity in scope. Detail lines have no drill (the
    list has no filter by id); subtotal and total amounts drill to the opportunities behind them."""
    s = report.scope
    stage = report.stages
    certainty = report.certainties

    def cells(line: OpportunityLine) -> tuple[Cell, ...]:
        label, probability = certainty.get(line.certainty_code, (line.certainty_code, None))
        return (line.name, line.account_name if line.account_name is not None else "(非表示 hidden)",
                line.owner_name, line.organization, stage.get(line.stage_code, line.stage_code), label,
                line.expected_order_date, line.expected_amount, _weighted(line.expected_amount, probability),
                line.order_amount, (s.today - local(line.created_at, report.time_zone).date()).days,
                line.last_activity, _next_action(line), line.competitors)

    def group_of(line: OpportunityLine) -> tuple[object, str]:
        if s.group_by == "stage":
            return line.stage_code, stage.get(line.stage_code, line.stage_code)
        if s.group_by == "certainty":
            return line.certainty_code, certainty.get(line.certainty_code, (line.certainty_code, None))[0]
        return line.owner_id, line.owner_name or "(担当なし none)"

    grouped = s.group_by != "none"
    lines = [Line(cells(line), *group_of(line)) for line in report.lines.rows]
    rows, levels, subtotals = with_subtotals(lines, len(COLUMNS), label_column=0, summed=AMOUNTS, grouped=grouped)
    base = (*org_filters(report.organization.id, subtree=True), ("is_open", "true" if s.is_open else "false"),
            *((("stage_code", s.stage_code),) if s.stage_code else ()),
            *((("certainty_code", s.certainty_code),) if s.certainty_code else ()),
            ("expected_order_date_from", s.date_from.isoformat()), ("expected_order_date_to", s.date_to.isoformat()))
    drills: dict[tuple[int, int], Drill] = {}

    def drill(index: int, row: Sequence[Cell], extra: tuple[tuple[str, str], ...]) -> None:
        for c in AMOUNTS:
            if row[c]:
                drills[(index, c)] = Drill("opportunities", (*base, *extra))

    group_filter = {"stage": "stage_code", "certainty": "certainty_code", "owner": "owner_id"}.get(s.group_by)
    for index, first in subtotals:
        if group_filter and first.group:  # no list filter for "no certainty" or "no owner"
            already = any(name == group_filter for name, _ in base)  # grouped by the stage filtered on
            drill(index, rows[index], () if already else ((group_filter, str(first.group)),))
    totals = _totals(report.lines.totals, certainty)
    drill(len(rows), totals, ())
    org = report.organization
    notes = [f"{org.code} {org.name}: 受注予定日 expected order date {s.date_from} .. {s.date_to}, "
             f"{'進行中 open' if s.is_open else '終了 closed'}"]
    count = sum(t.count for t in report.lines.totals)
    if report.lines.cut:
        notes.append(limit_note(s.limit, count))
    notes.append(left_out_note(report.lines.left_out))
    params = (("organization", "組織 Organisation", f"{org.code} {org.name}"),
              ("period", "受注予定日 Expected order date", f"{s.date_from} .. {s.date_to}"),
              ("is_open", "進行中 Open", "true" if s.is_open else "false"),
              ("stage_code", "フェーズ Stage", stage.get(s.stage_code, s.stage_code) if s.stage_code else ""),
              ("certainty_code", "確度 Certainty",
               certainty.get(s.certainty_code, (s.certainty_code, None))[0] if s.certainty_code else ""),
              ("group_by", "小計 Group by", GROUP_LABELS[s.group_by]))
    return ReportTable("案件別 Opportunities", COLUMNS, tuple(rows), totals, tuple(notes), kind="opportunities",
                       levels=tuple(levels) if grouped else (), drills=drills, params=params,
                       left_out=report.lines.left_out)


def _totals(totals: Sequence[CertaintyTotal], certainty: Mapping[str, tuple[str, int | None]]) -> tuple[Cell, ...]:
    count = sum(t.count for t in totals)
    expected = sum((t.expected_amount for t in totals), Decimal(0))
    weighted = sum((_weighted(t.expected_amount, certainty.get(t.certainty_code, ("", None))[1]) or Decimal(0)
                    for t in totals), Decimal(0))
    ordered = sum((t.order_amount for t in totals), Decimal(0))
    out: list[Cell] = [None] * len(COLUMNS)
    out[0] = f"合計 Total ({count} 件)"
    out[KEYS["expected_amount"]], out[KEYS["weighted_amount"]], out[KEYS["order_amount"]] = expected, weighted, ordered
    return tuple(out)


def _code(p: Params, name: str, code_list: CodeList | None) -> str | None:
    """A code of the list (active or not: a report may look back), else Invalid naming the parameter."""
    value = p.text(name)
    if value is None:
        return None
    if code_list is None or code_list.value(value) is None:
        known = ", ".join(v.code for v in code_list.active()) if code_list is not None else ""
        raise Invalid.field(name, f"コードがありません / not a code of the list ({known})")
    return value


class OpportunitiesKind:
    """案件別 as a `ReportKind` of the catalogue."""

    name = "opportunities"
    title = "案件別 Opportunities"
    description = ("案件一覧: 取引先・担当・フェーズ・確度・見込/加重/受注金額・最終活動と次回アクション・競合 / "
                   "the pipeline list: account, owner, stage, certainty, amounts, latest activity, next action, "
                   "competitors")

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps
        self.params: tuple[ParamSpec, ...] = (
            ParamSpec("organization_id", "組織 Organisation", ParamKind.ORGANIZATION,
                      help="担当者の所属がこの組織以下の案件 / opportunities owned at or under it"),
            ParamSpec("is_open", "進行中 Open", ParamKind.BOOL, help="既定 default: true"),
            ParamSpec("expected_order_date_from", "受注予定日 From", ParamKind.DATE,
                      help="既定: 今年度 / default: the current year"),
            ParamSpec("expected_order_date_to", "受注予定日 To", ParamKind.DATE,
                      help="既定: 今年度 / default: the current year"),
            ParamSpec("stage_code", "フェーズ Stage", ParamKind.CODE, code_list=STAGE_LIST),
            ParamSpec("certainty_code", "確度 Certainty", ParamKind.CODE, code_list=CERTAINTY_LIST),
            ParamSpec("group_by", "小計 Group by", ParamKind.CHOICE, choices=tuple(GROUP_LABELS.items())),
            ParamSpec("limit", "最大行数 Row limit", ParamKind.CHOICE,
                      choices=tuple((str(n), str(n)) for n in (500, DEFAULT_LIMIT, 5000, 10000, MAX_LIMIT)),
                      help=f"1〜{MAX_LIMIT} (既定 default {DEFAULT_LIMIT})"),
        )

    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        return COLUMNS

    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable:
        return opportunity_table(self.report(principal, params))

    def report(self, principal: Principal, params: Mapping[str, str]) -> OpportunityReport:
        p = Params(params)
        group_by = p.choice("group_by", GROUP_BY, "none")
        limit = row_limit(p, DEFAULT_LIMIT, MAX_LIMIT)
        is_open = p.flag("is_open", default=True)
        wanted = p.uuid("organization_id")
        d = self._d
        with d.reading(principal.tenant_id) as uow:
            tenant = uow.tenant()
            today = today_in(d.clock, tenant.time_zone)
            start, end = period(p, today, tenant.fiscal_year_start_month, "expected_order_date_from",
                                "expected_order_date_to")
            stages, certainties = uow.code_lists.get(STAGE_LIST), uow.code_lists.get(CERTAINTY_LIST)
            stage_code, certainty_code = _code(p, "stage_code", stages), _code(p, "certainty_code", certainties)
            viewer = viewer_in(uow, principal, d.clock)
            org = report_organization(uow.reports, principal, wanted, today)
            scope = OpportunityScope(org.id, is_open, start, end, today, stage_code, certainty_code, group_by, limit)
            lines = uow.opportunity_reports.opportunity_lines(viewer, scope)
        labels = {v.code: v.label_ja for v in stages.values} if stages is not None else {}
        odds = {v.code: (v.label_ja, v.probability) for v in certainties.values} if certainties is not None else {}
        return OpportunityReport(org, scope, labels, {"": ("(なし none)", None), **odds}, lines, tenant.time_zone)
