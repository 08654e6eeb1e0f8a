"""Read persons: search and view one, through the visibility rules (an invisible person is not found)."""

from __future__ import annotations

from uuid import UUID

from attrs import frozen

from dps.application.sales.access import ensure_visible, viewer_in, visible_chain
from dps.application.sales.deps import SalesDeps
from dps.application.sales.persons.ports import PersonQuery
from dps.application.sales.persons.read_models import PersonListItem
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.persons import Person
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


@frozen
class PersonDetail:
    """One person as its page shows it; `account_name` only when the account is visible to the reader."""

    person: Person
    account_name: str | None = None


class SearchPersons:
    """Persons the principal can see matching the query (names, kana, e-mail; account; owner, staff,
    自担当), one keyset page at a time."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: PersonQuery, page: PageRequest) -> Page[PersonListItem]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            return uow.persons.search(viewer, query, page)


class GetPerson:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, person_id: UUID) -> PersonDetail:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            person = uow.persons.get(person_id)
            if person is None:
                raise NotFound("person", person_id)
            ensure_visible(viewer, person.access, "person", person_id)  # a person's chain is its own access
            chain = uow.records.access_chain(RecordType.ACCOUNT, person.account_id)
            account_name = None
            if chain is not None and visible_chain(viewer, chain):
                account_name = uow.records.label_of(RecordType.ACCOUNT, person.account_id)
            return PersonDetail(person=person, account_name=account_name)
