"""The report use cases: 活動別 (activities by organisation x month x status x kind) and 先行管理
(pipeline: budget, actual, forecast by certainty, landing, achievement and gap per row and month of a
fiscal year). Each runs a fixed number of GROUP BY statements in one transaction, through the acting
user's visibility (R7), and says how many restricted records were left out of the totals."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from attrs import frozen

from dps.application.reports.ports import MonthlyAmount, OrgLabel, ReportReader
from dps.application.reports.read_models import (
    ZERO,
    ActivityReport,
    ActivityRow,
    Column,
    PipelineCell,
    PipelineReport,
    PipelineRow,
)
from dps.application.sales.access import viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.application.shared.time import today_in
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.fiscal_years import MAX_YEAR, MIN_YEAR, FiscalYear, add_months, month_start
from dps.domain.shared.principal import Principal

KIND_LIST = "activity_kind"
CERTAINTY_LIST = "certainty"
ORDERS_BUDGET_KIND = "orders"
"""The `budget_kind` code of 受注予算 (seeded for every tenant)."""
MAX_MONTHS = 36
"""The longest period an activity report spans (a table of months x kinds must stay readable)."""


@frozen
class ActivityReportQuery:
    """`organization_id` None: the user's primary organisation, else the single top organisation.
    `date_to` is inclusive."""

    date_from: date
    date_to: date
    organization_id: UUID | None = None


@frozen
class PipelineReportQuery:
    """`fiscal_year` None: the current one in the tenant's calendar."""

    organization_id: UUID | None = None
    fiscal_year: int | None = None


def code_columns(code_list: CodeList | None, found: set[str]) -> tuple[Column, ...]:
    """The list's active values in order, then the codes found that it lacks or has deactivated."""
    out: list[Column] = []
    if code_list is not None:
        for v in code_list.active():
            out.append(Column(v.code, v.label_ja, v.label_en, v.probability))
    known = {c.code for c in out}
    for code in sorted(found - known):
        value = code_list.value(code) if code_list is not None and code else None
        if value is not None:
            out.append(Column(code, value.label_ja, value.label_en, value.probability))
        else:
            out.append(Column(code, code or "(なし)", code or "(none)", None))
    return tuple(out)


def report_organization(reader: ReportReader, principal: Principal, wanted: UUID | None, day: date) -> OrgLabel:
    """The chosen organisation, else the principal's primary one, else the only top organisation."""
    org_id = wanted if wanted is not None else principal.primary_organization_id
    if org_id is None:
        roots = reader.roots(day)
        if len(roots) != 1:
            raise Invalid.field("organization_id", "組織を指定してください / choose an organisation")
        return roots[0]
    found = reader.organization(org_id, day)
    if found is None:
        raise Invalid.field("organization_id", "no such organisation / 組織が見つかりません")
    return found


class RunActivityReport:
    """活動別: counts of the activities the user may see, dated in the period and owned at or under the
    organisation, per direct child organisation (subtree rolled up through the closure) and the
    organisation's own, per month, status (予定/実施/中止) and kind. Two aggregate statements and a few
    label reads, whatever the amount of data."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: ActivityReportQuery) -> ActivityReport:
        if query.date_from > query.date_to:
            raise Invalid.field("date_from", "開始日が終了日より後です / date_from is after date_to")
        first, last = month_start(query.date_from), month_start(query.date_to)
        months = [first]
        while months[-1] < last:
            months.append(add_months(months[-1], 1))
        if len(months) > MAX_MONTHS:
            raise Invalid.field("date_to", f"期間は{MAX_MONTHS}か月以内 / at most {MAX_MONTHS} months")
        d = self._d
        with d.reading(principal.tenant_id) as uow:
            today = today_in(d.clock, uow.tenant().time_zone)
            viewer = viewer_in(uow, principal, d.clock)
            reader = uow.reports
            org = report_organization(reader, principal, query.organization_id, today)
            children = reader.children(org.id, today)
            found = reader.activity_counts(viewer, org.id, query.date_from, query.date_to + timedelta(days=1))
            kinds = uow.code_lists.get(KIND_LIST)
        cells: dict[UUID | None, dict[tuple[date, str, str], int]] = defaultdict(dict)
        for c in found.cells:
            cells[c.child_id][(c.month, c.status, c.kind_code)] = c.count
        rows = [ActivityRow(child.id, child.code, child.name, False, cells.pop(child.id, {})) for child in children]
        own = cells.pop(None, {})
        for child_id, rest in cells.items():  # a child the labels lack (no name version): still its own row
            rows.append(ActivityRow(child_id or org.id, "", str(child_id), False, rest))
        rows.insert(0, ActivityRow(org.id, org.code, org.name, True, own))
        return ActivityReport(
            organization_id=org.id, organization_code=org.code, organization_name=org.name,
            date_from=query.date_from, date_to=query.date_to, months=tuple(months),
            kinds=code_columns(kinds, {c.kind_code for c in found.cells}), rows=tuple(rows), left_out=found.left_out,
        )


class RunPipelineReport:
    """先行管理 for one organisation and fiscal year: rows = its direct child organisations (rolled up
    through the closure) and the users in it (its own records per owner, and its affiliated users),
    columns = the twelve months with budget (受注予算), actual (販売実績 by sales date), forecast per
    certainty (open opportunities by expected order date), landing, achievement rate and gap. Three
    aggregate statements and a few label reads."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: PipelineReportQuery) -> PipelineReport:
        d = self._d
        if query.fiscal_year is not None and not MIN_YEAR <= query.fiscal_year <= MAX_YEAR:
            raise Invalid.field("fiscal_year", f"{MIN_YEAR}..{MAX_YEAR}")
        with d.reading(principal.tenant_id) as uow:
            tenant = uow.tenant()
            today = today_in(d.clock, tenant.time_zone)
            year = (FiscalYear(query.fiscal_year, tenant.fiscal_year_start_month) if query.fiscal_year is not None
                    else FiscalYear.containing(today, tenant.fiscal_year_start_month))
            viewer = viewer_in(uow, principal, d.clock)
            reader = uow.reports
            org = report_organization(reader, principal, query.organization_id, today)
            children = reader.children(org.id, today)
            members = {u.id: u for u in reader.affiliated_users(org.id, today)}
            actuals = reader.actuals(org.id, year.start, year.end)
            forecast = reader.forecast(viewer, org.id, year.start, year.end)
            owners = {a.user_id for a in (*actuals, *forecast.cells) if a.child_id is None and a.user_id is not None}
            missing = owners - members.keys()
            users = dict(members)
            users.update({u.id: u for u in reader.users(missing)} if missing else {})
            budgets = reader.budgets(org.id, [c.id for c in children], list(users), year.year, ORDERS_BUDGET_KIND,
                                     year.start, year.end)
            certainties = uow.code_lists.get(CERTAINTY_LIST)
        months = year.months()
        columns = code_columns(certainties, {c.certainty_code for c in forecast.cells})
        probability = {c.code: c.probability for c in columns}

        def key(a: MonthlyAmount) -> tuple[UUID | None, UUID | None]:
            return (a.child_id, None) if a.child_id is not None else (None, a.user_id)

        budget: dict[tuple[UUID | None, UUID | None], dict[date, Decimal]] = defaultdict(dict)
        own_budget: dict[date, Decimal] = {}
        for b in budgets:
            if b.child_id is None and b.user_id is None:
                own_budget[b.month] = own_budget.get(b.month, ZERO) + b.amount
            else:
                slot = budget[key(b)]
                slot[b.month] = slot.get(b.month, ZERO) + b.amount
        actual: dict[tuple[UUID | None, UUID | None], dict[date, Decimal]] = defaultdict(dict)
        for a in actuals:
            slot = actual[key(a)]
            slot[a.month] = slot.get(a.month, ZERO) + a.amount
        ahead: dict[tuple[UUID | None, UUID | None], dict[date, dict[str, Decimal]]] = defaultdict(
            lambda: defaultdict(dict))
        for f in forecast.cells:
            by_code = ahead[key(f)][f.month]
            by_code[f.certainty_code] = by_code.get(f.certainty_code, ZERO) + f.amount

        def row(kind: str, row_id: UUID | None, code: str, name: str,
                k: tuple[UUID | None, UUID | None]) -> PipelineRow:
            return PipelineRow(kind, row_id, code, name, tuple(
                PipelineCell.of(budget[k].get(m, ZERO), actual[k].get(m, ZERO), ahead[k][m], probability)
                for m in months))

        rows = [row("organization", c.id, c.code, c.name, (c.id, None)) for c in children]
        user_keys = sorted((u for u in users), key=lambda u: users[u].login_id)
        rows.extend(row("user", u, users[u].login_id, users[u].name, (None, u)) for u in user_keys)
        known = {(c.id, None) for c in children} | {(None, u) for u in users}
        for k in sorted({*budget, *actual, *ahead} - known, key=str):  # no owner, or a child newer than the closure
            rows.append(row("user" if k[0] is None else "organization", k[0] or k[1], "", "", k))
        total_months = [PipelineCell.add([r.months[i] for r in rows]) for i in range(len(months))]
        if own_budget:
            total_months = [PipelineCell(own_budget.get(m, ZERO), c.actual, c.forecast, c.landing)
                            for m, c in zip(months, total_months, strict=True)]
        total = PipelineRow("total", org.id, org.code, org.name, tuple(total_months))
        return PipelineReport(
            organization_id=org.id, organization_code=org.code, organization_name=org.name, fiscal_year=year.year,
            months=months, certainties=columns, rows=tuple(rows), total=total, left_out=forecast.left_out,
        )
