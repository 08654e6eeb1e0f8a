"""案件の登録・編集・コピー / opportunity forms: new, edit and copy, with product-line rows, custom fields and the
非公開 allow-list (422 keeps every typed row, 409 shows the conflict banner)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from attrs import frozen
from litestar import Request, get, post
from litestar.response import Redirect, Template

from dps.application.sales.accounts.record_parts import UNSET, RecordParts, Unset
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.commands import (
    CompetitorInput,
    CreateOpportunityCommand,
    LineInput,
    OpportunityChanges,
    UpdateOpportunityCommand,
)
from dps.application.sales.opportunities.manage import CreateOpportunity, UpdateOpportunity
from dps.application.sales.opportunities.queries import GetOpportunity, OpportunityDetail
from dps.application.sales.opportunities.rules import ENTITY
from dps.application.shared.errors import Conflict, Invalid
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST, Opportunity
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.code_choices import code_options
from dps.entrypoints.http.ui.forms import FormBody, submit
from dps.entrypoints.http.ui.opportunities_pages import account_name_of, campaign_name
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_forms import (
    FORM_DEPENDENCIES,
    CustomFieldView,
    FormDeps,
    custom_field_values,
    ensure_writer,
    form_errors,
    form_version,
    read_custom_fields,
    read_restriction,
    restriction_values,
)
from dps.entrypoints.http.ui.records import not_found_page, record_id

LINE_FIELDS = ("product_id", "product_name", "quantity", "unit_price", "discount", "notes")
LINE_KEY = re.compile(r"^lines-(\d+)-([a-z_]+)$")
LINE_ERROR = re.compile(r"^lines\[(\d+)\]\.(.+)$")
ERROR_FIELDS = {"restriction": "is_restricted", "lines": "form", "_": "form"}
"""The use case's error keys that the form shows elsewhere (beside the product lines' own)."""
FORM_TEMPLATE = "opportunities/form.html"
LIGHT_USER = "ライトユーザは登録・変更できません / a light user may only read, comment and like"


def _url(opportunity_id: UUID) -> str:
    return f"/opportunities/{opportunity_id}"


def _plain(value: Decimal | None) -> str:
    """An amount or quantity as an input value: no exponent, no trailing zeros ("1500000", "1.5")."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _values_of(detail: OpportunityDetail, campaign_name: str | None) -> dict[str, Any]:
    """The form's values for an existing opportunity (edit, or the copy's prefill)."""
    o = detail.opportunity
    values: dict[str, Any] = {
        "name": o.name, "account_id": str(o.account_id), "account_id_label": detail.account_name or "",
        "campaign_id": str(o.campaign_id) if o.campaign_id else "", "campaign_id_label": campaign_name or "",
        "stage_code": o.stage_code, "certainty_code": o.certainty_code or "",
        "expected_order_date": o.expected_order_date.isoformat() if o.expected_order_date else "",
        "expected_sales_date": o.expected_sales_date.isoformat() if o.expected_sales_date else "",
        "expected_amount": _plain(o.expected_amount), "order_amount": _plain(o.order_amount),
        "ordered_on": o.ordered_on.isoformat() if o.ordered_on else "",
        "lost_reason": o.lost_reason, "description": o.description, "next_action": o.next_action,
        "next_action_on": o.next_action_on.isoformat() if o.next_action_on else "",
        "version": str(o.version), **restriction_values(o), **custom_field_values(o),
    }
    for i, line in enumerate(o.lines):
        values.update({
            f"lines-{i}-product_id": str(line.product_id) if line.product_id else "",
            f"lines-{i}-product_name": line.product_name, f"lines-{i}-quantity": _plain(line.quantity),
            f"lines-{i}-unit_price": _plain(line.unit_price),
            f"lines-{i}-discount": _plain(line.discount) if line.discount else "", f"lines-{i}-notes": line.notes,
        })
    values["_rows"] = list(range(len(o.lines)))
    return values


@frozen
class ReadLines:
    lines: tuple[LineInput, ...]
    rows: list[int]
    """The posted row indices, in order (blank rows too), as the form shows them again."""
    used: list[int]
    """The index of each row that became a line (position k of `lines` is row `used[k]`)."""


def _read_lines(form: FieldReader, data: Mapping[str, Any]) -> ReadLines:
    rows = sorted({int(m.group(1)) for k in data if (m := LINE_KEY.match(k)) and m.group(2) in LINE_FIELDS})
    lines: list[LineInput] = []
    used: list[int] = []
    for i in rows:
        raw = {f: form.raw(f"lines-{i}-{f}") for f in LINE_FIELDS}
        if not any(raw.values()):
            continue
        product_id = form.uuid(f"lines-{i}-product_id")
        used.append(i)
        lines.append(LineInput(
            quantity=raw["quantity"] or None, unit_price=raw["unit_price"] or None,
            discount=raw["discount"] or None, product_id=product_id,
            product_name=raw["product_name"] or None, notes=raw["notes"],
        ))
    return ReadLines(lines=tuple(lines), rows=rows, used=used)


def _changes(form: FieldReader, lines: ReadLines, fields: Sequence[CustomFieldView], *, creating: bool,
             carried: Opportunity | None = None) -> OpportunityChanges:
    """Every field of the form; on create the empty custom fields are left out, on update they clear.
    `carried`: the original of a copy, whose competitors, staff and relations come along."""
    parts = RecordParts(
        restriction=read_restriction(form), custom_fields=read_custom_fields(form, fields, drop_empty=creating),
        staff=tuple(carried.staff) if carried is not None else UNSET,
        relations=tuple(carried.relations) if carried is not None else UNSET,
    )
    competitors: tuple[CompetitorInput, ...] | Unset = UNSET
    if carried is not None:
        competitors = tuple(CompetitorInput(
            name=c.name, competitor_account_id=c.competitor_account_id, product=c.product, price=c.price,
            strengths=c.strengths, weaknesses=c.weaknesses, result=c.result.value) for c in carried.competitors)
    return OpportunityChanges(
        name=form.raw("name"), account_id=_account_id(form),
        stage_code=form.raw("stage_code"), certainty_code=form.text("certainty_code"),
        campaign_id=form.uuid("campaign_id"),
        expected_order_date=form.date("expected_order_date"), expected_sales_date=form.date("expected_sales_date"),
        expected_amount=form.decimal("expected_amount"), order_amount=form.decimal("order_amount"),
        ordered_on=form.date("ordered_on"), lost_reason=form.raw("lost_reason"),
        description=form.raw("description"), next_action=form.raw("next_action"),
        next_action_on=form.date("next_action_on"), lines=lines.lines, competitors=competitors, parts=parts,
    )


def _account_id(form: FieldReader) -> UUID | Unset:
    """The required account: missing is the reader's error (the command cannot be built without it)."""
    value = form.uuid("account_id")
    if value is None:
        form.errors.setdefault("account_id", "取引先を選択してください / choose the account")
        return UNSET
    return value


def _form_errors(errors: Mapping[str, str], lines: ReadLines) -> dict[str, str]:
    """The use case's field names as the form's: ``lines[1].quantity`` -> ``lines-<row>-quantity``,
    ``custom_fields.x`` -> ``cf.x``, ``restriction`` -> ``is_restricted``."""
    out: dict[str, str] = {}
    rest: dict[str, str] = {}
    for key, message in errors.items():
        if (m := LINE_ERROR.match(key)) is not None:
            position, field = int(m.group(1)), m.group(2)
            row = lines.used[position] if position < len(lines.used) else position
            shown = lines.rows.index(row) + 1 if row in lines.rows else position + 1
            out[f"lines-{row}-{field if field in LINE_FIELDS else 'quantity'}"] = (
                f"商品明細 {shown}行目 / product line {shown}: {message}")
        else:
            rest[key] = message
    return out | form_errors(rest, ERROR_FIELDS)


def _typed(form: FieldReader, lines: ReadLines, data: Mapping[str, Any]) -> dict[str, Any]:
    """What the user typed, to show again: the reader's values plus the lookups' shown texts."""
    values: dict[str, Any] = dict(form.values)
    for key in ("account_id_label", "campaign_id_label", "copy_of", "version"):
        value = data.get(key)
        if isinstance(value, list):
            value = value[-1] if value else ""
        if isinstance(value, str):
            values[key] = value
    values["_rows"] = lines.rows
    return values


def _renumbered(values: dict[str, Any], errors: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Rows shown again as 0..n-1 (the page's "add row" numbers new rows after them), values and errors
    following their row."""
    order = {old: new for new, old in enumerate(values.get("_rows") or [])}
    if all(old == new for old, new in order.items()):
        return values, errors

    def moved(key: str) -> str:
        m = LINE_KEY.match(key)
        if m is None or int(m.group(1)) not in order:
            return key
        return f"lines-{order[int(m.group(1))]}-{m.group(2)}"

    fresh = {moved(k): v for k, v in values.items()}
    fresh["_rows"] = list(range(len(order)))
    return fresh, {moved(k): v for k, v in errors.items()}


def _form_page(
    deps: FormDeps, *, mode: str, action: str,
    cancel_href: str, values: Mapping[str, Any], errors: Mapping[str, str] | None = None,
    conflict: Conflict | None = None, status_code: int = 200, record: Opportunity | None = None,
) -> Template:
    lists = deps.lists()
    rows = list(values.get("_rows") or [])
    return page(deps.request, FORM_TEMPLATE, status_code=status_code, context={
        "mode": mode, "action": action, "cancel_href": cancel_href, "values": values, "errors": errors or {},
        "conflict": conflict, "record": record, "rows": rows,
        "stage_options": code_options(lists, STAGE_LIST, keep=str(values.get("stage_code") or "")),
        "certainty_options": code_options(lists, CERTAINTY_LIST, keep=str(values.get("certainty_code") or "")),
        "custom_fields": deps.custom_fields(ENTITY, lists), **deps.people().context(values),
    })


def _blank_values(account_id: UUID | None, account_name: str) -> dict[str, Any]:
    return {"account_id": str(account_id) if account_id else "", "account_id_label": account_name,
            "stage_code": "", "_rows": [0]}


def _submit_form(
    deps: FormDeps, data: Mapping[str, Any], *,
    mode: str, action: str, cancel_href: str,
    run: Callable[[FieldReader, ReadLines, list[CustomFieldView]], Opportunity],
    record: Opportunity | None = None,
) -> Template | Redirect:
    form = FieldReader(data)
    lines = _read_lines(form, data)
    fields = deps.custom_fields(ENTITY)

    def render(errors: dict[str, str], conflict: Conflict | None, status: int) -> Template | Redirect:
        values, shown_errors = _renumbered(_typed(form, lines, data), _form_errors(errors, lines))
        return _form_page(deps, mode=mode, action=action, cancel_href=cancel_href,
                          values=values, errors=shown_errors, conflict=conflict, status_code=status, record=record)

    return submit(lambda: run(form, lines, fields),
                  on_success=lambda saved: Redirect(_url(saved.id), status_code=303), render=render)


def _raise_reader_errors(form: FieldReader) -> None:
    """The reader's own findings (bad dates, amounts, ids, no account) stop the save before the use case."""
    if form.errors:
        raise Invalid(dict(form.errors))


# -- new / copy -----------------------------------------------------------------------------------------


@get("/opportunities/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def opportunity_new(
    request: Request[Any, Any, Any], principal: Principal, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Template:
    ensure_writer(principal, LIGHT_USER)
    reader = FieldReader(request.query_params)
    account_id = reader.uuid("account_id")
    values = _blank_values(account_id, account_name_of(principal, sales_deps, account_id))
    return _form_page(form_deps, mode="new", action="/opportunities/new", cancel_href="/opportunities",
                      values=values)


@post("/opportunities/new", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def opportunity_create(
    principal: Principal, data: FormBody, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Template | Redirect:
    ensure_writer(principal, LIGHT_USER)
    copy_reader = FieldReader(data)
    copy_of = copy_reader.uuid("copy_of")
    carried: Opportunity | None = None
    if copy_of is not None:
        with not_found_page():
            carried = GetOpportunity(sales_deps)(principal, copy_of).opportunity

    def run(form: FieldReader, lines: ReadLines, fields: list[CustomFieldView]) -> Opportunity:
        changes = _changes(form, lines, fields, creating=True, carried=carried)
        _raise_reader_errors(form)
        return CreateOpportunity(sales_deps)(principal, CreateOpportunityCommand(
            name=cast(str, changes.name), account_id=cast(UUID, changes.account_id),
            stage_code=cast(str, changes.stage_code), details=changes))

    mode = "copy" if carried is not None else "new"
    return _submit_form(form_deps, data, mode=mode, action="/opportunities/new",
                        cancel_href=_url(carried.id) if carried is not None else "/opportunities", run=run)


def _record_form(deps: FormDeps, raw_id: str, mode: str) -> Template:
    """The form filled from an opportunity: its edit form, or the new form of its copy (no version, a
    hidden `copy_of`). Invisible, unknown and malformed ids are 404 before the licence is looked at."""
    principal = deps.principal
    with not_found_page():
        detail = GetOpportunity(deps.sales)(principal, record_id("opportunity", raw_id))
    ensure_writer(principal, LIGHT_USER)
    o = detail.opportunity
    values = _values_of(detail, campaign_name(principal, deps.sales, o.campaign_id))
    values["_rows"] = values["_rows"] or [0]
    action = f"{_url(o.id)}/edit"
    if mode == "copy":
        values.pop("version", None)
        values["copy_of"] = str(o.id)
        action = "/opportunities/new"
    return _form_page(deps, mode=mode, action=action, cancel_href=_url(o.id), values=values, record=o)


@get("/opportunities/{raw_id:str}/copy", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def opportunity_copy(raw_id: str, form_deps: FormDeps) -> Template:
    return _record_form(form_deps, raw_id, "copy")


# -- edit -------------------------------------------------------------------------------------------------


@get("/opportunities/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def opportunity_edit(raw_id: str, form_deps: FormDeps) -> Template:
    return _record_form(form_deps, raw_id, "edit")


@post("/opportunities/{raw_id:str}/edit", include_in_schema=False, sync_to_thread=True, dependencies=FORM_DEPENDENCIES)
def opportunity_update(
    principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps, form_deps: FormDeps,
) -> Template | Redirect:
    ensure_writer(principal, LIGHT_USER)
    with not_found_page():
        opportunity_id = record_id("opportunity", raw_id)

    def run(form: FieldReader, lines: ReadLines, fields: list[CustomFieldView]) -> Opportunity:
        version = form_version(form)
        changes = _changes(form, lines, fields, creating=False)
        _raise_reader_errors(form)
        return UpdateOpportunity(sales_deps)(principal, UpdateOpportunityCommand(
            opportunity_id=opportunity_id, expected_version=version, changes=changes))

    with not_found_page():
        return _submit_form(form_deps, data, mode="edit", action=f"{_url(opportunity_id)}/edit",
                            cancel_href=_url(opportunity_id), run=run)


ROUTES = (opportunity_new, opportunity_create, opportunity_copy, opportunity_edit, opportunity_update)
"""This module's pages, registered in the UI router (before the detail page's parameter path)."""
