"""予算 screens (budgets, S1): list with 一括削除, detail (12 months from the fiscal start month, quarters,
total), forms new / edit with the month x amount grid, delete."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from attrs import frozen
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.organizations import ListOrganizations
from dps.application.directory.users import UserIndex
from dps.application.sales.budgets.bulk_delete import DeleteBudgets, DeleteBudgetsCommand
from dps.application.sales.budgets.manage import (
    DeleteBudget,
    DeleteBudgetCommand,
    EditBudget,
    EditBudgetCommand,
    RegisterBudget,
)
from dps.application.sales.budgets.queries import GetBudget, ListBudgets
from dps.application.sales.budgets.rules import BudgetInput, BudgetLineInput, BudgetQuery
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Conflict
from dps.application.shared.guards import ensure_can_write
from dps.application.tenancy.tenants import GetTenant
from dps.domain.sales.budgets import Budget
from dps.domain.sales.fiscal_years import FiscalYear, fiscal_year_of
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import code_labels_of, code_lists_by_key, code_options, is_english
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.listing import Pager, query_values, searched
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_forms import UserNames, form_version, user_names
from dps.entrypoints.http.ui.records import not_found_page, record_id

WHAT = "budget"
SORTS = ("fiscal_year", "kind_code", "updated_at", "created_at")
NOTICE = "deleted"
"""Query key of the 一括削除 result shown above the list (not a filter)."""
LINE_KEY = re.compile(r"^lines-(\d+)-(month|amount|category_code)$")
ERROR_LINE = re.compile(r"^lines\[(\d+)\]\.?(\w*)$")
MAX_LINES = 12 * 50
DEFAULT_START_MONTH = 4


def _start_month(principal: Principal, get_tenant: GetTenant) -> int:
    tenant = get_tenant(principal.tenant_id)
    return tenant.fiscal_year_start_month if tenant is not None else DEFAULT_START_MONTH


# -- list and 一括削除


@get("/budgets", include_in_schema=False, sync_to_thread=True)
def budgets_list(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex, list_organizations: ListOrganizations,
) -> Template:
    params = {k: v for k, v in request.query_params.items() if k != NOTICE}
    form = FieldReader(params)
    query = BudgetQuery(
        fiscal_year=form.integer("fiscal_year"), organization_id=cast(OrganizationId | None,
                                                                       form.uuid("organization_id")),
        include_sub_orgs=form.flag("include_sub_orgs"), user_id=cast(UserId | None, form.uuid("user_id")),
        kind_code=form.text("kind_code"),
    )
    pager = Pager.of(params, sorts=SORTS, default_sort="-fiscal_year")
    pager, errors = searched(pager, form.errors, lambda request: ListBudgets(sales_deps)(principal, query, request))
    lists = code_lists_by_key(principal, list_code_lists)
    english = is_english(principal)
    deleted = FieldReader(request.query_params).integer(NOTICE)
    values = dict(query_values(params))
    if query.user_id is not None and not values.get("user_id_label"):
        values["user_id_label"] = user_names(principal, user_index).name(query.user_id)
    return page(request, "budgets/list.html", context={
        "pager": pager, "errors": errors, "values": values, "deleted": deleted,
        "back": "/budgets" + (f"?{urlencode(params)}" if params else ""),
        "labels": code_labels_of(lists, english),
        "kind_options": code_options(lists, "budget_kind", english=english),
        "organization_options": [(str(o.id), f"{o.code} {o.name}") for o in list_organizations(principal)],
    })


@post("/budgets/bulk-delete", include_in_schema=False, sync_to_thread=True)
def budgets_bulk_delete(principal: Principal, data: FormBody, sales_deps: SalesDeps) -> Redirect:
    """一括削除 of the checked rows (`ids`); all or nothing (the use case refuses the batch otherwise)."""
    form = FieldReader(data)
    ids = form.uuids("ids")
    back = form.raw("back") or "/budgets"
    target = back if back.startswith("/budgets") and not back.startswith("//") else "/budgets"
    joiner = "&" if "?" in target else "?"
    if not ids or form.errors:
        ensure_can_write(principal, sales_deps.audit, "budget.bulk_delete")
        return Redirect(f"{target}{joiner}{NOTICE}=0", status_code=303)
    with not_found_page():
        result = DeleteBudgets(sales_deps)(principal, DeleteBudgetsCommand(ids=ids))
    return Redirect(f"{target}{joiner}{NOTICE}={result.deleted}", status_code=303)


# -- detail


@get("/budgets/{raw_id:str}", include_in_schema=False, sync_to_thread=True)
def budget_page(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists,
) -> Template:
    with not_found_page():
        view = GetBudget(sales_deps)(principal, record_id(WHAT, raw_id))
    budget = view.budget
    lists = code_lists_by_key(principal, list_code_lists)
    return page(request, "budgets/detail.html", context={
        "record": budget, "target": view.target, "labels": code_labels_of(lists, is_english(principal)),
        "months": budget.month_totals(), "quarters": budget.quarter_totals(), "halves": budget.half_totals(),
        "categories": budget.category_totals() if budget.by_category else {},
    })


@post("/budgets/{raw_id:str}/delete", include_in_schema=False, sync_to_thread=True)
def budget_delete(principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps) -> Redirect:
    form = FieldReader(data)
    with not_found_page():
        DeleteBudget(sales_deps)(principal, DeleteBudgetCommand(
            budget_id=record_id(WHAT, raw_id), expected_version=form.integer("version")))
    return Redirect(f"/budgets?{NOTICE}=1", status_code=303)


# -- forms


@frozen
class Row:
    """One row of the month x amount grid as the form shows it."""

    index: int
    month: str
    """'YYYY-MM'."""
    amount: str
    category_code: str = ""


def _amount_text(amount: Decimal) -> str:
    """An amount as the input shows it: 1200000.00 -> '1200000', 10.50 -> '10.50'."""
    return str(int(amount)) if amount == amount.to_integral_value() else str(amount)


def _grid(year: FiscalYear, budget: Budget | None) -> list[Row]:
    """The twelve months of the year from the fiscal start month (a per-category budget: its lines)."""
    if budget is not None and budget.by_category:
        return [Row(i, f"{line.month:%Y-%m}", _amount_text(line.amount), line.category_code)
                for i, line in enumerate(budget.lines)]
    amounts = {line.month: line.amount for line in budget.lines} if budget is not None else {}
    return [Row(i, f"{month:%Y-%m}", _amount_text(amounts[month]) if month in amounts else "")
            for i, month in enumerate(year.months())]


def _posted_rows(form: FieldReader, data: Mapping[str, Any]) -> list[Row]:
    indices = sorted({int(m.group(1)) for k in data if (m := LINE_KEY.match(k))})[:MAX_LINES]
    return [Row(i, form.raw(f"lines-{i}-month"), form.raw(f"lines-{i}-amount"),
                form.raw(f"lines-{i}-category_code")) for i in indices]


def _in_year(month_text: str, year: FiscalYear) -> str:
    """The month of that calendar month within `year` (so changing the year keeps the grid's months)."""
    match = re.match(r"^(\d{4})-(\d{1,2})", month_text)
    if match is None:
        return month_text
    found = next((m for m in year.months() if m.month == int(match.group(2))), None)
    return f"{found:%Y-%m}" if found is not None else month_text


@frozen
class Parsed:
    content: BudgetInput | None
    line_rows: tuple[int, ...]
    """The form row index of each line given to the use case (for placing line errors)."""


def _parse(form: FieldReader, rows: Sequence[Row], start_month: int) -> Parsed:
    year_number = form.integer("fiscal_year")
    kind = form.raw("kind_code")
    org = cast(OrganizationId | None, form.uuid("organization_id"))
    user = cast(UserId | None, form.uuid("user_id"))
    by_category = form.flag("by_category")
    notes = form.raw("notes")
    if year_number is None:
        form.errors.setdefault("fiscal_year", "年度を入力してください / the fiscal year is required")
        return Parsed(None, ())
    try:
        year = FiscalYear(year_number, start_month)
    except DomainError:
        form.errors["fiscal_year"] = "年度が正しくありません / not a valid fiscal year"
        return Parsed(None, ())
    lines: list[BudgetLineInput] = []
    used: list[int] = []
    for row in rows:
        amount = row.amount.replace(",", "").replace("¥", "").replace("￥", "").strip()
        if not amount:
            continue
        lines.append(BudgetLineInput(month=_in_year(row.month, year), amount=amount,
                                     category_code=row.category_code if by_category else ""))
        used.append(row.index)
    content = BudgetInput(fiscal_year=year_number, kind_code=kind, organization_id=org, user_id=user,
                          by_category=by_category, notes=notes, lines=tuple(lines))
    return Parsed(content, tuple(used))


def _errors(errors: Mapping[str, str], line_rows: Sequence[int]) -> dict[str, str]:
    """`lines[k].amount` of the k-th line sent -> the grid's `lines-<row>-amount`."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        match = ERROR_LINE.match(key)
        if match is not None:
            k = int(match.group(1))
            row = line_rows[k] if k < len(line_rows) else k
            key = f"lines-{row}-{match.group(2) or 'amount'}"
        out[key] = message
    return out


@frozen
class BudgetForm:
    request: Request[Any, Any, Any]
    principal: Principal
    labels: Mapping[str, Mapping[str, str]]
    kind_options: list[tuple[str, str]]
    category_options: list[tuple[str, str]]
    organization_options: list[tuple[str, str]]
    user_names: UserNames
    start_month: int
    this_year: int

    def render(
        self, values: Mapping[str, Any], rows: Sequence[Row], errors: Mapping[str, str], *, status: int = 200,
        conflict: Conflict | None = None, budget: Budget | None = None, action: str = "/budgets/new",
    ) -> Template:
        year_number = FieldReader(values).integer("fiscal_year")
        try:
            year = FiscalYear(year_number or self.this_year, self.start_month)
        except DomainError:
            year = FiscalYear(self.this_year, self.start_month)
        if values.get("user_id") and not values.get("user_id_label"):
            values = {**values, "user_id_label": self.user_names.name(values["user_id"])}
        return page(self.request, "budgets/form.html", status_code=status, context={
            "values": values, "rows": rows, "errors": errors, "conflict": conflict, "budget": budget,
            "action": action, "cancel_href": f"/budgets/{budget.id}" if budget else "/budgets",
            "labels": self.labels, "kind_options": self.kind_options, "category_options": self.category_options,
            "organization_options": self.organization_options,
            "month_options": [(f"{m:%Y-%m}", f"{m:%Y/%m}") for m in year.months()],
            "per_category": values.get("by_category") in (True, "true", "on", "1"),
        })


def _budget_form(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex, list_organizations: ListOrganizations, start_month: int,
) -> BudgetForm:
    lists = code_lists_by_key(principal, list_code_lists)
    english = is_english(principal)
    return BudgetForm(
        request=request, principal=principal, labels=code_labels_of(lists, english),
        kind_options=code_options(lists, "budget_kind", english=english),
        category_options=code_options(lists, "product_category", english=english),
        organization_options=[(str(o.id), f"{o.code} {o.name}") for o in list_organizations(principal)],
        user_names=user_names(principal, user_index),
        start_month=start_month, this_year=fiscal_year_of(sales_deps.clock.now().date(), start_month),
    )


def _values_of(budget: Budget) -> dict[str, Any]:
    return {
        "fiscal_year": str(budget.fiscal_year), "kind_code": budget.kind_code,
        "organization_id": str(budget.organization_id) if budget.organization_id else "",
        "user_id": str(budget.user_id) if budget.user_id else "", "by_category": budget.by_category,
        "notes": budget.notes, "version": budget.version,
    }


@get("/budgets/new", include_in_schema=False, sync_to_thread=True)
def budget_new(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, list_code_lists: ListCodeLists,
    user_index: UserIndex, list_organizations: ListOrganizations, get_tenant: GetTenant,
) -> Template:
    ensure_can_write(principal, sales_deps.audit, "budget.create")
    start = _start_month(principal, get_tenant)
    year = FiscalYear(fiscal_year_of(sales_deps.clock.now().date(), start), start)
    ui = _budget_form(request, principal, sales_deps, list_code_lists, user_index, list_organizations, start)
    return ui.render({"fiscal_year": str(year.year)}, _grid(year, None), {})


@post("/budgets/new", include_in_schema=False, sync_to_thread=True)
def budget_create(
    request: Request[Any, Any, Any], principal: Principal, data: FormBody, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex, list_organizations: ListOrganizations,
    get_tenant: GetTenant,
) -> Response[Any]:
    start = _start_month(principal, get_tenant)
    form = FieldReader(data)
    rows = _posted_rows(form, data)
    parsed = _parse(form, rows, start)
    ui = _budget_form(request, principal, sales_deps, list_code_lists, user_index, list_organizations, start)

    def register() -> Budget:
        assert parsed.content is not None
        return RegisterBudget(sales_deps)(principal, parsed.content)

    return submit(
        register,
        on_success=lambda saved: Redirect(f"/budgets/{saved.id}", status_code=303),
        render=lambda errors, conflict, status: ui.render(
            form.values, rows, _errors(errors, parsed.line_rows), status=status, conflict=conflict),
        reader=form,
    )


@get("/budgets/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True)
def budget_edit(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex, list_organizations: ListOrganizations,
) -> Template:
    with not_found_page():
        budget = GetBudget(sales_deps)(principal, record_id(WHAT, raw_id)).budget
    ensure_can_write(principal, sales_deps.audit, "budget.update")
    ui = _budget_form(request, principal, sales_deps, list_code_lists, user_index, list_organizations,
                      budget.fiscal_year_start_month)
    return ui.render(_values_of(budget), _grid(budget.period, budget), {}, budget=budget,
                     action=f"/budgets/{budget.id}/edit")


@post("/budgets/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True)
def budget_update(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex, list_organizations: ListOrganizations,
    get_tenant: GetTenant,
) -> Response[Any]:
    with not_found_page():
        budget = GetBudget(sales_deps)(principal, record_id(WHAT, raw_id)).budget
    form = FieldReader(data)
    rows = _posted_rows(form, data)
    same_year = FieldReader(data).integer("fiscal_year") == budget.fiscal_year
    start = budget.fiscal_year_start_month if same_year else _start_month(principal, get_tenant)
    parsed = _parse(form, rows, start)
    version = form_version(form)
    ui = _budget_form(request, principal, sales_deps, list_code_lists, user_index, list_organizations, start)

    def edit() -> Budget:
        assert parsed.content is not None
        return EditBudget(sales_deps)(principal, EditBudgetCommand(
            budget_id=budget.id, expected_version=version,
            content=parsed.content))

    return submit(
        edit,
        on_success=lambda saved: Redirect(f"/budgets/{saved.id}", status_code=303),
        render=lambda errors, conflict, status: ui.render(
            form.values, rows, _errors(errors, parsed.line_rows), status=status, conflict=conflict, budget=budget,
            action=f"/budgets/{budget.id}/edit"),
        reader=form,
    )


ROUTES = (
    budgets_list, budgets_bulk_delete, budget_new, budget_create, budget_edit, budget_update, budget_delete,
    budget_page,
)
"""This module's pages, registered in the UI router (static paths before parameter ones)."""
