"""JSON API of the catalog: code lists (コード区分, read) and custom field definitions (拡張項目).

Any logged-in user reads them (forms need the picklists and the extra fields); only tenant
administrators define or change custom fields. A change carries the ``expected_version`` it read;
a stale one answers 409 with the ``current_version``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import get, patch, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.catalog.code_lists import GetCodeList, ListCodeLists
from dps.application.catalog.custom_fields import (
    DefineCustomField,
    DefineCustomFieldCommand,
    ListCustomFields,
    UpdateCustomField,
    UpdateCustomFieldCommand,
)
from dps.application.sales.deps import SalesDeps
from dps.domain.catalog.code_lists import CodeList
from dps.domain.catalog.custom_fields import CustomFieldDef, CustomFieldId
from dps.domain.shared.principal import Principal


class CodeValueOut(msgspec.Struct):
    code: str
    label_ja: str
    label_en: str
    sort_order: int
    is_active: bool
    probability: int | None


class CodeListOut(msgspec.Struct):
    """A code list and its values in display order (active ones only unless asked otherwise)."""

    key: str
    values: list[CodeValueOut]


class CustomFieldOut(msgspec.Struct):
    id: UUID
    entity: str
    key: str
    label_ja: str
    label_en: str
    kind: str
    required: bool
    code_list_key: str | None
    max_length: int | None
    sort_order: int
    is_active: bool
    version: int
    created_at: datetime | None


class NewCustomFieldIn(msgspec.Struct):
    """entity: account, person, opportunity, activity, lead, campaign. kind: text, number, date,
    choice, multi_choice. A choice kind names the code list of its choices (code_list_key)."""

    entity: str
    key: str
    label_ja: str
    kind: str
    label_en: str = ""
    required: bool = False
    code_list_key: str | None = None
    max_length: int | None = None
    sort_order: int = 0


class CustomFieldChangeIn(msgspec.Struct):
    """Only the attributes given change; entity, key, kind and code list are fixed."""

    expected_version: int
    label_ja: str | None = None
    label_en: str | None = None
    required: bool | None = None
    is_active: bool | None = None
    sort_order: int | None = None


def code_list_out(code_list: CodeList, *, include_inactive: bool) -> CodeListOut:
    values = sorted(code_list.values, key=lambda v: (v.sort_order, v.code))
    return CodeListOut(key=code_list.key, values=[
        CodeValueOut(code=v.code, label_ja=v.label_ja, label_en=v.label_en, sort_order=v.sort_order,
                     is_active=v.is_active, probability=v.probability)
        for v in values if include_inactive or v.is_active
    ])


def custom_field_out(d: CustomFieldDef) -> CustomFieldOut:
    return CustomFieldOut(
        id=d.id, entity=d.entity, key=d.key, label_ja=d.label_ja, label_en=d.label_en, kind=d.kind.value,
        required=d.required, code_list_key=d.code_list_key, max_length=d.max_length, sort_order=d.sort_order,
        is_active=d.is_active, version=d.version, created_at=d.created_at,
    )


INCLUDE_INACTIVE = Parameter(query="include_inactive", description="also the deactivated ones", default=False)


@get("/code-lists", summary="Every code list (コード区分) of the tenant", sync_to_thread=True)
def list_code_lists_handler(
    principal: Principal, list_code_lists: ListCodeLists, include_inactive: bool = INCLUDE_INACTIVE
) -> list[CodeListOut]:
    return [code_list_out(cl, include_inactive=include_inactive) for cl in list_code_lists(principal)]


@get("/code-lists/{key:str}", summary="One code list and its values", sync_to_thread=True)
def get_code_list_handler(
    principal: Principal, key: str, get_code_list: GetCodeList, include_inactive: bool = INCLUDE_INACTIVE
) -> CodeListOut:
    return code_list_out(get_code_list(principal, key), include_inactive=include_inactive)


@get("/custom-fields", summary="Custom field definitions (拡張項目), of one record kind or all", sync_to_thread=True)
def list_custom_fields_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    entity: str | None = Parameter(query="entity", default=None,
                                   description="account, person, opportunity, activity, lead or campaign"),
    include_inactive: bool = INCLUDE_INACTIVE,
) -> list[CustomFieldOut]:
    found = ListCustomFields(uow=sales_deps.uow)(principal, entity, include_inactive=include_inactive)
    return [custom_field_out(d) for d in found]


@post("/custom-fields", summary="Define a custom field (tenant administrators)", status_code=201, sync_to_thread=True)
def define_custom_field_handler(principal: Principal, data: NewCustomFieldIn, sales_deps: SalesDeps) -> CustomFieldOut:
    use_case = DefineCustomField(uow=sales_deps.uow, clock=sales_deps.clock, ids=sales_deps.ids,
                                 audit=sales_deps.audit)
    cmd = DefineCustomFieldCommand(
        entity=data.entity, key=data.key, label_ja=data.label_ja, kind=data.kind, label_en=data.label_en,
        required=data.required, code_list_key=data.code_list_key, max_length=data.max_length,
        sort_order=data.sort_order,
    )
    return custom_field_out(use_case(principal, cmd))


@patch("/custom-fields/{field_id:uuid}", summary="Change a custom field's labels, required flag, order or activity",
       sync_to_thread=True)
def update_custom_field_handler(
    principal: Principal, field_id: UUID, data: CustomFieldChangeIn, sales_deps: SalesDeps
) -> CustomFieldOut:
    cmd = UpdateCustomFieldCommand(
        field_id=CustomFieldId(field_id), expected_version=data.expected_version, label_ja=data.label_ja,
        label_en=data.label_en, required=data.required, is_active=data.is_active, sort_order=data.sort_order,
    )
    return custom_field_out(UpdateCustomField(uow=sales_deps.uow, audit=sales_deps.audit)(principal, cmd))


ROUTES: list[ControllerRouterHandler] = [
    list_code_lists_handler, get_code_list_handler, list_custom_fields_handler, define_custom_field_handler,
    update_custom_field_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
