"""JSON API: パーソン persons - search, register, view, change (PATCH with ``expected_version``),
delete - and their 名刺 business cards (history newest first; adding a newer card with another
company, department or title moves the person: 異動).

A person the caller cannot see is 404. A person belongs to an account the caller can see (422
``account_id`` otherwise). Deleting a person that an opportunity (関係者), an activity (面談者) or a
converted lead still names is refused with 409.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import msgspec
from litestar import delete, get, patch, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from dps.application.sales.accounts.record_parts import UNSET
from dps.application.sales.deps import SalesDeps
from dps.application.sales.persons.cards import AddBusinessCard, AddBusinessCardCommand, ListBusinessCards
from dps.application.sales.persons.commands import (
    CreatePerson,
    CreatePersonCommand,
    DeletePerson,
    UpdatePerson,
    UpdatePersonCommand,
)
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.queries import GetPerson, PersonDetail, SearchPersons
from dps.application.sales.persons.read_models import PersonListItem
from dps.application.shared.paging import Page
from dps.domain.sales.business_cards import BusinessCard, CardEntry
from dps.domain.sales.persons import Move, Person, Position
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.entrypoints.http.api.persons_schemas import (
    BusinessCardIn,
    BusinessCardListOut,
    BusinessCardOut,
    CardAddedOut,
    MoveOut,
    PersonIn,
    PersonItemOut,
    PersonOut,
    PersonPageOut,
    PersonPatchIn,
    PositionOut,
)
from dps.entrypoints.http.api.record_input import record_parts, record_parts_patch
from dps.entrypoints.http.api.record_output import item_fields, record_fields
from dps.entrypoints.http.api.sales_common import (
    page_request,
    relations_out,
)

Unset = msgspec.UnsetType
SORT_DOC = "kana (default), name, updated_at or created_at; '-' in front for descending"


_COLUMNS = (
    "last_name", "first_name", "last_name_kana", "first_name_kana", "department", "title", "email", "phone",
    "mobile", "fax", "postal_code", "address", "score", "is_retired", "dm_opt_out", "notes",
)
_CARD_PRINTED = (
    "company_name", "last_name", "department", "title", "first_name", "last_name_kana", "first_name_kana", "email",
    "phone", "mobile", "fax", "postal_code", "address",
)


def person_url(person_id: UUID) -> str:
    return f"/persons/{person_id}"


def person_out(p: Person, *, account_name: str | None = None) -> PersonOut:
    return PersonOut(
        **record_fields(p), id=p.id, url=person_url(p.id), account_id=p.account_id, account_name=account_name,
        last_name=p.last_name, first_name=p.first_name, last_name_kana=p.last_name_kana,
        first_name_kana=p.first_name_kana, full_name=p.full_name, department=p.department, title=p.title, email=p.email,
        phone=p.phone, mobile=p.mobile, fax=p.fax, postal_code=p.postal_code, address=p.address, score=p.score,
        is_retired=p.is_retired, dm_opt_out=p.dm_opt_out, notes=p.notes, is_restricted=p.is_restricted,
        relations=relations_out(p.relations),
    )


def detail_out(d: PersonDetail) -> PersonOut:
    return person_out(d.person, account_name=d.account_name)


def person_item_out(i: PersonListItem) -> PersonItemOut:
    return PersonItemOut(
        **item_fields(i), id=i.id, url=person_url(i.id), account_id=i.account_id, account_name=i.account_name,
        last_name=i.last_name, first_name=i.first_name, last_name_kana=i.last_name_kana,
        first_name_kana=i.first_name_kana, full_name=i.full_name, department=i.department, title=i.title, email=i.email,
        phone=i.phone, mobile=i.mobile, fax=i.fax, postal_code=i.postal_code, address=i.address, score=i.score,
        is_retired=i.is_retired, dm_opt_out=i.dm_opt_out, notes=i.notes,
    )


def person_page_out(page: Page[PersonListItem]) -> PersonPageOut:
    return PersonPageOut(items=[person_item_out(i) for i in page.items], next_cursor=page.next_cursor)


def card_out(c: BusinessCard, *, is_current: bool, changed: tuple[str, ...] = ()) -> BusinessCardOut:
    return BusinessCardOut(
        id=c.id, person_id=c.person_id, account_id=c.account_id, received_on=c.received_on,
        received_by=c.received_by, company_name=c.company_name, department=c.department, title=c.title,
        last_name=c.last_name, first_name=c.first_name, last_name_kana=c.last_name_kana,
        first_name_kana=c.first_name_kana, email=c.email, phone=c.phone, mobile=c.mobile, fax=c.fax,
        postal_code=c.postal_code, address=c.address, website=c.url, image_key=c.image_key,
        image_content_type=c.image_content_type, source=c.source.value, created_at=c.created_at,
        is_current=is_current, is_move=bool(changed), changed=list(changed),
    )


def _entry_out(e: CardEntry) -> BusinessCardOut:
    return card_out(e.card, is_current=e.is_current, changed=e.changed)


def _position_out(p: Position) -> PositionOut:
    return PositionOut(account_id=p.account_id, department=p.department, title=p.title)


def _move_out(m: Move | None) -> MoveOut | None:
    if m is None:
        return None
    return MoveOut(before=_position_out(m.before), after=_position_out(m.after), changed=list(m.changed))


def _values(data: PersonIn | PersonPatchIn) -> dict[str, Any]:
    return {name: value for name in _COLUMNS if (value := getattr(data, name)) is not msgspec.UNSET}


@get("/persons", summary="Persons (パーソン) matching the filters, a page at a time", sync_to_thread=True)
def list_persons_handler(
    principal: Principal,
    sales_deps: SalesDeps,
    q: str | None = Parameter(query="q", default=None, description="words in the names, kana or e-mail"),
    account_id: UUID | None = Parameter(query="account_id", default=None),
    owner_id: UUID | None = Parameter(query="owner_id", default=None),
    staff_id: UUID | None = Parameter(query="staff_id", default=None),
    mine: bool = Parameter(query="mine", default=False, description="自担当: mine and my organisations'"),
    sort: str | None = Parameter(query="sort", default=None, description=SORT_DOC),
    limit: int = Parameter(query="limit", default=50, description="1-200"),
    cursor: str | None = Parameter(query="cursor", default=None, description="next_cursor of the previous page"),
) -> PersonPageOut:
    query = PersonQuery(q=q, account_id=account_id, owner_id=cast(UserId | None, owner_id),
                        staff_id=cast(UserId | None, staff_id), mine=mine)
    return person_page_out(SearchPersons(sales_deps)(principal, query, page_request(limit, cursor, sort)))


@post("/persons", summary="Register a person", status_code=201, sync_to_thread=True)
def create_person_handler(principal: Principal, data: PersonIn, sales_deps: SalesDeps) -> PersonOut:
    parts = record_parts(data)
    person = CreatePerson(sales_deps)(principal, CreatePersonCommand(account_id=data.account_id,
                                                                     values=_values(data), parts=parts))
    return detail_out(GetPerson(sales_deps)(principal, person.id))


@get("/persons/{person_id:uuid}", summary="One person", sync_to_thread=True)
def get_person_handler(principal: Principal, person_id: UUID, sales_deps: SalesDeps) -> PersonOut:
    return detail_out(GetPerson(sales_deps)(principal, person_id))


@patch("/persons/{person_id:uuid}", summary="Change a person (the fields sent)", sync_to_thread=True)
def update_person_handler(principal: Principal, person_id: UUID, data: PersonPatchIn, sales_deps: SalesDeps
                          ) -> PersonOut:
    parts = record_parts_patch(data)
    cmd = UpdatePersonCommand(
        person_id=person_id, expected_version=data.expected_version, values=_values(data),
        account_id=UNSET if data.account_id is msgspec.UNSET else data.account_id, parts=parts,
    )
    UpdatePerson(sales_deps)(principal, cmd)
    return detail_out(GetPerson(sales_deps)(principal, person_id))


@delete("/persons/{person_id:uuid}", summary="Delete a person (refused with 409 while sales history names it)",
        status_code=204, sync_to_thread=True)
def delete_person_handler(
    principal: Principal, person_id: UUID, sales_deps: SalesDeps,
    expected_version: int | None = Parameter(query="expected_version", default=None,
                                             description="refuse (409) if the person changed since"),
) -> None:
    DeletePerson(sales_deps)(principal, person_id, expected_version)


@get("/persons/{person_id:uuid}/business-cards", summary="The person's business cards (名刺履歴), newest first",
     sync_to_thread=True)
def list_cards_handler(principal: Principal, person_id: UUID, sales_deps: SalesDeps) -> BusinessCardListOut:
    return BusinessCardListOut(items=[_entry_out(e) for e in ListBusinessCards(sales_deps)(principal, person_id)])


@post("/persons/{person_id:uuid}/business-cards", summary="Add a business card (the newest updates the person)",
      status_code=201, sync_to_thread=True)
def add_card_handler(principal: Principal, person_id: UUID, data: BusinessCardIn, sales_deps: SalesDeps
                     ) -> CardAddedOut:
    printed = {name: getattr(data, name) for name in _CARD_PRINTED} | {"url": data.website}
    cmd = AddBusinessCardCommand(
        person_id=person_id, received_on=data.received_on, printed=printed, account_id=data.account_id,
        received_by=cast(UserId | None, data.received_by), source=data.source, raw_text=data.raw_text,
    )
    added = AddBusinessCard(sales_deps)(principal, cmd)
    before = ListBusinessCards(sales_deps)(principal, person_id)
    entry = next(e for e in before if e.card.id == added.card.id)
    return CardAddedOut(card=_entry_out(entry), move=_move_out(added.move), person=person_out(added.person))


ROUTES: list[ControllerRouterHandler] = [
    list_persons_handler, create_person_handler, get_person_handler, update_person_handler, delete_person_handler,
    list_cards_handler, add_card_handler,
]
"""The handlers of this module, mounted under /api/v1 by the app factory."""
