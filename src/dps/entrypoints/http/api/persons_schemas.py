"""Request and response shapes of the persons API (msgspec structs), kept apart from the handlers."""

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


class _PersonFieldsIn(msgspec.Struct, kw_only=True):
    """The person's own columns as a create and a PATCH send them: each may be left out (a create requires
    ``account_id`` and ``last_name``)."""

    account_id: UUID | Unset = msgspec.UNSET
    last_name: str | Unset = msgspec.UNSET
    first_name: str | Unset = msgspec.UNSET
    last_name_kana: str | Unset = msgspec.UNSET
    first_name_kana: str | Unset = msgspec.UNSET
    department: str | Unset = msgspec.UNSET
    title: str | Unset = msgspec.UNSET
    email: str | Unset = msgspec.UNSET
    phone: str | Unset = msgspec.UNSET
    mobile: str | Unset = msgspec.UNSET
    fax: str | Unset = msgspec.UNSET
    postal_code: str | Unset = msgspec.UNSET
    address: str | Unset = msgspec.UNSET
    score: int | Unset | None = msgspec.UNSET
    is_retired: bool | Unset = msgspec.UNSET
    dm_opt_out: bool | Unset = msgspec.UNSET
    notes: str | Unset = msgspec.UNSET
    owner_id: UUID | Unset | None = msgspec.UNSET

class PersonIn(_PersonFieldsIn, kw_only=True):
    """A new person of an account. ``owner_id`` defaults to the caller."""

    account_id: UUID
    last_name: str
    staff: list[StaffIn] = msgspec.field(default_factory=list)
    restriction: RestrictionIn | None = None
    relations: list[RelationIn] = msgspec.field(default_factory=list)
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)

class PersonPatchIn(_PersonFieldsIn, kw_only=True):
    """A change: only the fields sent change; ``expected_version`` is the version read (stale: 409).
    ``staff``, ``restriction`` and ``relations`` are replaced when sent; ``custom_fields`` changes the
    keys sent (null or "" clears one)."""

    expected_version: int
    staff: list[StaffIn] | Unset = msgspec.UNSET
    restriction: RestrictionIn | Unset | None = msgspec.UNSET
    relations: list[RelationIn] | Unset = msgspec.UNSET
    custom_fields: dict[str, Any] | Unset = msgspec.UNSET

class _PersonFieldsOut(msgspec.Struct, kw_only=True):
    """The leading fields of a person's response and of its row in a list (``account_name`` is required in
    the row)."""

    id: UUID
    version: int
    url: str
    account_id: UUID
    account_name: str | None
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    full_name: str
    department: str
    title: str
    email: str
    phone: str
    mobile: str
    fax: str
    postal_code: str
    address: str
    score: int | None
    is_retired: bool
    dm_opt_out: bool
    notes: str
    owner_id: UUID | None
    owner_organization_id: UUID | None
    created_by: UUID | None

class PersonOut(_PersonFieldsOut, kw_only=True):
    """A person; ``url`` is its stable page link (URL取得)."""

    account_name: str | None = None
    created_at: datetime | None
    updated_by: UUID | None
    updated_at: datetime | None
    staff: list[StaffOut]
    is_restricted: bool
    restriction: RestrictionOut | None
    relations: list[RelationOut]
    custom_fields: dict[str, Any]

class PersonItemOut(_PersonFieldsOut, kw_only=True):
    """A person in a list: its own fields and its account's name (null when the caller cannot see the
    account). Staff, the 非公開 allow-list and relations are on the person itself (GET /persons/{id});
    ``is_restricted`` says it is 非公開."""

    created_at: datetime
    updated_by: UUID | None
    updated_at: datetime
    is_restricted: bool
    custom_fields: dict[str, Any]

class PersonPageOut(msgspec.Struct):
    items: list[PersonItemOut]
    next_cursor: str | None

class BusinessCardIn(msgspec.Struct, kw_only=True):
    """A card as printed. ``account_id``: the 取引先 its company was matched to (optional; when the card is
    the newest, the person moves to it). ``received_by`` defaults to the caller."""

    received_on: date
    company_name: str
    last_name: str
    account_id: UUID | None = None
    received_by: UUID | None = None
    department: str = ""
    title: str = ""
    first_name: str = ""
    last_name_kana: str = ""
    first_name_kana: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    fax: str = ""
    postal_code: str = ""
    address: str = ""
    website: str = ""
    source: str = "manual"
    raw_text: str = ""

class BusinessCardOut(msgspec.Struct, kw_only=True):
    """A card of the history; ``changed`` lists what differs from the card before it (company,
    department, title) - a move (異動) when not empty."""

    id: UUID
    person_id: UUID
    account_id: UUID | None
    received_on: date
    received_by: UUID | None
    company_name: str
    department: str
    title: str
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    email: str
    phone: str
    mobile: str
    fax: str
    postal_code: str
    address: str
    website: str
    image_key: str | None
    image_content_type: str | None
    source: str
    created_at: datetime | None
    is_current: bool
    is_move: bool
    changed: list[str]

class BusinessCardListOut(msgspec.Struct):
    items: list[BusinessCardOut]

class PositionOut(msgspec.Struct):
    account_id: UUID
    department: str
    title: str

class MoveOut(msgspec.Struct):
    """異動: the person's account, department and title before and after the card."""

    before: PositionOut
    after: PositionOut
    changed: list[str]

class CardAddedOut(msgspec.Struct):
    card: BusinessCardOut
    move: MoveOut | None
    person: PersonOut
