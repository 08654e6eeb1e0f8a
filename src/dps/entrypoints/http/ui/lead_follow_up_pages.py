"""リードの変換とアクション / lead conversion (into account, person and optionally an opportunity) and its dated
follow-up actions: the posts a lead page makes besides editing the lead."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from dps.application.catalog.code_lists import ListCodeLists
from dps.application.directory.users import UserIndex
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.actions import AddLeadAction, UpdateLeadAction
from dps.application.sales.leads.commands import (
    AddLeadActionCommand,
    UpdateLeadActionCommand,
)
from dps.application.sales.leads.convert import ConvertLead, ConvertLeadCommand, LeadConverted
from dps.application.sales.leads.queries import ViewLead
from dps.application.shared.errors import Conflict
from dps.application.shared.guards import ensure_can_write
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.ui.forms import FormBody, submit

# --- leads ---------------------------------------------------------------------------------------
from dps.entrypoints.http.ui.leads_pages import ENTITY, PART_ERRORS, detail_context
from dps.entrypoints.http.ui.pages import page
from dps.entrypoints.http.ui.query_form import FieldReader
from dps.entrypoints.http.ui.record_forms import (
    form_errors,
)
from dps.entrypoints.http.ui.records import not_found_page, record_id


def _convert_command(form: FieldReader, lead_id: UUID) -> ConvertLeadCommand:
    return ConvertLeadCommand(
        lead_id=lead_id, expected_version=form.integer("version"), account_id=form.uuid("account_id"),
        create_opportunity=form.flag("create_opportunity"), opportunity_name=form.text("opportunity_name"),
        stage_code=form.text("stage_code"), expected_order_date=form.date("expected_order_date"),
        expected_amount=form.decimal("expected_amount"),
    )


@get("/leads/{raw_id:str}/convert", include_in_schema=False, sync_to_thread=True)
def lead_convert_form(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Template:
    with not_found_page():
        detail = ViewLead(sales_deps)(principal, record_id(ENTITY, raw_id))
    ensure_can_write(principal, sales_deps.audit, "lead.convert")
    context = detail_context(principal, sales_deps, detail, list_code_lists, user_index)
    values = {"version": detail.lead.version, "opportunity_name": detail.lead.company_name}
    return page(request, "leads/convert.html", context=context | {"values": values, "errors": {},
                                                                  "conflict": None})


@post("/leads/{raw_id:str}/convert", include_in_schema=False, sync_to_thread=True)
def lead_convert(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Response[Any]:
    with not_found_page():
        detail = ViewLead(sales_deps)(principal, record_id(ENTITY, raw_id))
    form = FieldReader(data)
    cmd = _convert_command(form, detail.lead.id)
    form.raw("account_id_label")

    def render(errors: dict[str, str], conflict: Conflict | None, status: int) -> Template:
        context = detail_context(principal, sales_deps, detail, list_code_lists, user_index)
        return page(request, "leads/convert.html", status_code=status, context=context | {
            "values": form.values, "errors": form_errors(errors, PART_ERRORS), "conflict": conflict})

    def convert() -> LeadConverted:
        return ConvertLead(sales_deps)(principal, cmd)

    return submit(
        convert,
        on_success=lambda done: Redirect(f"/accounts/{done.account_id}", status_code=303),
        render=render, reader=form,
    )


# -- follow-up actions and comments


def _back_to(lead_id: UUID, anchor: str) -> Redirect:
    return Redirect(f"/leads/{lead_id}#{anchor}", status_code=303)


@post("/leads/{raw_id:str}/actions", include_in_schema=False, sync_to_thread=True)
def lead_action_add(
    request: Request[Any, Any, Any], principal: Principal, raw_id: str, data: FormBody, sales_deps: SalesDeps,
    list_code_lists: ListCodeLists, user_index: UserIndex,
) -> Response[Any]:
    with not_found_page():
        detail = ViewLead(sales_deps)(principal, record_id(ENTITY, raw_id))
    form = FieldReader(data)
    action_on = form.date("action_on")
    if action_on is None and "action_on" not in form.errors:
        form.errors["action_on"] = "日付を入力してください / the date is required"
    kind, description = form.text("kind_code"), form.raw("description")

    def add() -> object:
        assert action_on is not None
        return AddLeadAction(sales_deps)(principal, AddLeadActionCommand(
            lead_id=detail.lead.id, action_on=action_on, kind_code=kind, description=description))

    def render(errors: dict[str, str], conflict: Conflict | None, status: int) -> Template:
        context = detail_context(principal, sales_deps, detail, list_code_lists, user_index)
        return page(request, "leads/detail.html", status_code=status,
                    context=context | {"values": form.values, "errors": errors})

    return submit(add, on_success=lambda _: _back_to(detail.lead.id, "actions"), render=render, reader=form)


@post("/leads/{raw_id:str}/actions/{raw_action:str}/done", include_in_schema=False, sync_to_thread=True)
def lead_action_done(
    principal: Principal, raw_id: str, raw_action: str, data: FormBody, sales_deps: SalesDeps,
) -> Redirect:
    form = FieldReader(data)
    with not_found_page():
        lead_id = record_id(ENTITY, raw_id)
        UpdateLeadAction(sales_deps)(principal, UpdateLeadActionCommand(
            lead_id=lead_id, action_id=record_id("lead_action", raw_action),
            changes={"is_done": form.flag("is_done")}))
    return _back_to(lead_id, "actions")


ROUTES = (lead_convert_form, lead_convert, lead_action_add, lead_action_done)
"""This module's pages, registered in the UI router."""
