"""Request and response shapes of the leads API (msgspec structs), kept apart from the handlers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from dps.entrypoints.http.api.sales_common import (
    RestrictionIn,
    RestrictionOut,
    StaffIn,
    StaffOut,
)

UNSET: Any = msgspec.UNSET


class LeadIn(msgspec.Struct, kw_only=True):
    """A new lead. ``source_code`` (lead_source) is required; ``status_code`` (lead_status) defaults
    to 'new'; without ``owner_id`` the caller owns it; ``restriction`` makes it 非公開."""

    company_name: str
    last_name: str
    source_code: str
    status_code: str = "new"
    company_kana: str = ""
    corporate_number: str | None = None
    department: str = ""
    title: str = ""
    first_name: str = ""
    last_name_kana: str = ""
    first_name_kana: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    postal_code: str = ""
    address: str = ""
    industry_code: str | None = None
    size_code: str | None = None
    source_detail: str = ""
    status_reason: str = ""
    campaign_id: UUID | None = None
    campaign_follow_status_code: str | None = None
    next_action_on: date | None = None
    score: int | None = None
    notes: str = ""
    owner_id: UUID | None = None
    staff: list[StaffIn] = msgspec.field(default_factory=list)
    restriction: RestrictionIn | None = None
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)

class LeadPatchIn(msgspec.Struct, kw_only=True):
    """A change: only the fields sent change (null clears an optional one); ``expected_version`` is
    the version read."""

    expected_version: int
    company_name: str | msgspec.UnsetType = UNSET
    last_name: str | msgspec.UnsetType = UNSET
    source_code: str | msgspec.UnsetType = UNSET
    status_code: str | msgspec.UnsetType = UNSET
    company_kana: str | msgspec.UnsetType = UNSET
    corporate_number: str | msgspec.UnsetType | None = UNSET
    department: str | msgspec.UnsetType = UNSET
    title: str | msgspec.UnsetType = UNSET
    first_name: str | msgspec.UnsetType = UNSET
    last_name_kana: str | msgspec.UnsetType = UNSET
    first_name_kana: str | msgspec.UnsetType = UNSET
    email: str | msgspec.UnsetType = UNSET
    phone: str | msgspec.UnsetType = UNSET
    mobile: str | msgspec.UnsetType = UNSET
    postal_code: str | msgspec.UnsetType = UNSET
    address: str | msgspec.UnsetType = UNSET
    industry_code: str | msgspec.UnsetType | None = UNSET
    size_code: str | msgspec.UnsetType | None = UNSET
    source_detail: str | msgspec.UnsetType = UNSET
    status_reason: str | msgspec.UnsetType = UNSET
    campaign_id: UUID | msgspec.UnsetType | None = UNSET
    campaign_follow_status_code: str | msgspec.UnsetType | None = UNSET
    next_action_on: date | msgspec.UnsetType | None = UNSET
    score: int | msgspec.UnsetType | None = UNSET
    notes: str | msgspec.UnsetType = UNSET
    owner_id: UUID | msgspec.UnsetType = UNSET
    staff: list[StaffIn] | msgspec.UnsetType = UNSET
    restriction: RestrictionIn | msgspec.UnsetType | None = UNSET
    custom_fields: dict[str, Any] | msgspec.UnsetType = UNSET

class _LeadFieldsOut(msgspec.Struct):
    """The leading fields of a lead's response and of its row in a list."""

    id: UUID
    url: str
    company_name: str
    company_kana: str
    corporate_number: str | None
    department: str
    title: str
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    email: str
    phone: str
    mobile: str
    postal_code: str
    address: str
    industry_code: str | None
    size_code: str | None
    source_code: str
    source_detail: str
    status_code: str
    status_reason: str
    campaign_id: UUID | None
    campaign_follow_status_code: str | None
    next_action_on: date | None
    score: int | None
    converted_account_id: UUID | None
    converted_person_id: UUID | None
    converted_at: datetime | None
    notes: str
    owner_id: UUID | None
    owner_organization_id: UUID | None

class LeadOut(_LeadFieldsOut):
    staff: list[StaffOut]
    is_restricted: bool
    restriction: RestrictionOut | None
    custom_fields: dict[str, Any]
    created_by: UUID | None
    created_at: datetime | None
    updated_by: UUID | None
    updated_at: datetime | None
    version: int
    possible_duplicates: list[UUID] = msgspec.field(default_factory=list)
    """On registration: visible leads with the same e-mail (a hint; the lead is registered anyway)."""
    opportunity_ids: list[UUID] = msgspec.field(default_factory=list)
    """On view of a converted lead: the visible opportunities made from it."""

class LeadItemOut(_LeadFieldsOut):
    """A lead in a list: its own fields. Staff and the 非公開 allow-list are on the lead itself
    (GET /leads/{id}); ``is_restricted`` says it is 非公開."""

    is_restricted: bool
    custom_fields: dict[str, Any]
    created_by: UUID | None
    created_at: datetime
    updated_by: UUID | None
    updated_at: datetime
    version: int

class LeadPageOut(msgspec.Struct):
    items: list[LeadItemOut]
    next_cursor: str | None

class ActionIn(msgspec.Struct, kw_only=True):
    """A follow-up step on a date; ``kind_code`` from activity_kind; without ``user_id`` the caller
    is the one to do it."""

    action_on: date
    kind_code: str | None = None
    description: str = ""
    is_done: bool = False
    user_id: UUID | None = None

class ActionPatchIn(msgspec.Struct, kw_only=True):
    action_on: date | msgspec.UnsetType = UNSET
    kind_code: str | msgspec.UnsetType | None = UNSET
    description: str | msgspec.UnsetType = UNSET
    is_done: bool | msgspec.UnsetType = UNSET
    user_id: UUID | msgspec.UnsetType | None = UNSET

class ActionOut(msgspec.Struct):
    id: UUID
    lead_id: UUID
    action_on: date
    kind_code: str | None
    description: str
    is_done: bool
    user_id: UUID | None
    created_at: datetime

class ActionListOut(msgspec.Struct):
    items: list[ActionOut]

class ConvertIn(msgspec.Struct, kw_only=True):
    """商談化 options: an existing ``account_id`` (else a new account from the lead's company), and
    whether to make an opportunity (name defaults to the company, stage to the first stage)."""

    expected_version: int | None = None
    account_id: UUID | None = None
    create_opportunity: bool = False
    opportunity_name: str | None = None
    stage_code: str | None = None
    expected_order_date: date | None = None
    expected_amount: Decimal | None = None
    account_custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)
    person_custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)
    opportunity_custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)

class ConversionOut(msgspec.Struct):
    lead: LeadOut
    account_id: UUID
    person_id: UUID
    opportunity_id: UUID | None
    account_created: bool
