"""Request and response shapes of the accounts API (msgspec structs), kept apart from the handlers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from dps.entrypoints.http.api.sales_common import (
    RelationIn,
    RelationOut,
    RestrictionIn,
    RestrictionOut,
    StaffIn,
    StaffOut,
)

Unset = msgspec.UnsetType


class _AccountFieldsIn(msgspec.Struct, kw_only=True):
    """The account's own columns as a create and a PATCH send them: each may be left out (a create requires
    ``name``); null clears an optional one."""

    name: str | Unset = msgspec.UNSET
    kana: str | Unset = msgspec.UNSET
    code: str | Unset | None = msgspec.UNSET
    short_name: str | Unset = msgspec.UNSET
    corporate_number: str | Unset | None = msgspec.UNSET
    postal_code: str | Unset = msgspec.UNSET
    prefecture: str | Unset = msgspec.UNSET
    address: str | Unset = msgspec.UNSET
    phone: str | Unset = msgspec.UNSET
    fax: str | Unset = msgspec.UNSET
    website: str | Unset = msgspec.UNSET
    industry_code: str | Unset | None = msgspec.UNSET
    size_code: str | Unset | None = msgspec.UNSET
    account_type_code: str | Unset | None = msgspec.UNSET
    transaction_status_code: str | Unset | None = msgspec.UNSET
    employees: int | Unset | None = msgspec.UNSET
    notes: str | Unset = msgspec.UNSET
    en_name: str | Unset = msgspec.UNSET
    closed_on: date | Unset | None = msgspec.UNSET
    close_cause: str | Unset | None = msgspec.UNSET
    successor_corporate_number: str | Unset | None = msgspec.UNSET

class AccountIn(_AccountFieldsIn, kw_only=True):
    """A new account. Codes are values of the tenant's code lists (account_type, transaction_status,
    industry, company_size). ``owner_id`` defaults to the caller; ``restriction`` makes it 非公開.
    ``closed_on``, ``close_cause`` (the NTA's code 01/11/21/31; its Japanese text is turned into the code)
    and ``successor_corporate_number`` (13 digits with a valid check digit, not the account's own) are the
    registry's status of the company; ``en_name`` its English name."""

    name: str
    parent_account_id: UUID | None = None
    owner_id: UUID | Unset | None = msgspec.UNSET
    staff: list[StaffIn] = msgspec.field(default_factory=list)
    restriction: RestrictionIn | None = None
    relations: list[RelationIn] = msgspec.field(default_factory=list)
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)

class AccountPatchIn(_AccountFieldsIn, kw_only=True):
    """A change: only the fields sent change (null clears an optional one); ``expected_version`` is the
    version read (stale: 409 with ``current_version``). ``staff``, ``restriction`` and ``relations`` are
    replaced when sent; ``custom_fields`` changes the keys sent (null or "" clears one)."""

    expected_version: int
    parent_account_id: UUID | Unset | None = msgspec.UNSET
    owner_id: UUID | Unset | None = msgspec.UNSET
    staff: list[StaffIn] | Unset = msgspec.UNSET
    restriction: RestrictionIn | Unset | None = msgspec.UNSET
    relations: list[RelationIn] | Unset = msgspec.UNSET
    custom_fields: dict[str, Any] | Unset = msgspec.UNSET

class GroupRefOut(msgspec.Struct):
    id: UUID
    code: str
    name: str

class _AccountFieldsOut(msgspec.Struct, kw_only=True):
    """The leading fields of an account's response and of its row in a list."""

    id: UUID
    version: int
    url: str
    name: str
    kana: str
    code: str | None
    short_name: str
    corporate_number: str | None
    postal_code: str
    prefecture: str
    address: str
    phone: str
    fax: str
    website: str
    industry_code: str | None
    size_code: str | None
    account_type_code: str | None
    transaction_status_code: str | None
    employees: int | None
    notes: str
    en_name: str
    closed_on: date | None
    close_cause: str | None
    close_cause_label: str | None
    successor_corporate_number: str | None
    parent_account_id: UUID | None

class AccountOut(_AccountFieldsOut, kw_only=True):
    """An account; ``url`` is its stable page link (URL取得), ``website`` the company's web site.
    ``close_cause_label`` is the cause in words; ``successor_account_id`` the account of the tenant whose
    corporate number is ``successor_corporate_number``, when the caller can see it (detail only)."""

    parent_name: str | None = None
    successor_account_id: UUID | None = None
    owner_id: UUID | None
    owner_organization_id: UUID | None
    created_by: UUID | None
    created_at: datetime | None
    updated_by: UUID | None
    updated_at: datetime | None
    staff: list[StaffOut]
    is_restricted: bool
    restriction: RestrictionOut | None
    relations: list[RelationOut]
    custom_fields: dict[str, Any]
    groups: list[GroupRefOut] | None = None

class AccountItemOut(_AccountFieldsOut, kw_only=True):
    """An account in a list: its own fields. Staff, the 非公開 allow-list, relations, groups and the
    parent's name are on the account itself (GET /accounts/{id}); ``is_restricted`` says it is 非公開."""

    owner_id: UUID | None
    owner_organization_id: UUID | None
    created_by: UUID | None
    created_at: datetime
    updated_by: UUID | None
    updated_at: datetime
    is_restricted: bool
    custom_fields: dict[str, Any]

class AccountPageOut(msgspec.Struct):
    items: list[AccountItemOut]
    next_cursor: str | None

class AccountGroupIn(msgspec.Struct, kw_only=True):
    code: str
    name: str
    description: str = ""

class AccountGroupPatchIn(msgspec.Struct, kw_only=True):
    expected_version: int
    name: str
    description: str | None = None

class AccountGroupOut(msgspec.Struct, kw_only=True):
    id: UUID
    code: str
    name: str
    description: str
    version: int
    member_count: int | None = None

class GroupMemberIn(msgspec.Struct):
    account_id: UUID

class MembershipOut(msgspec.Struct):
    changed: bool
