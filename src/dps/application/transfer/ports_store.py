"""Set-based stores the import/export use cases write and stream through. Each is bound to a unit of
work's connection (so directory writes are seen by its `directory_version` watch and every batch
commits with the unit of work); `TransferStores` hands them out per unit of work."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from attrs import frozen

from dps.application.sales.sales_results.ports import SalesResultBulkStore
from dps.application.sales.uow import SalesUnitOfWork
from dps.domain.catalog.code_lists import CodeValue
from dps.domain.directory.users import User
from dps.domain.sales.account_groups import AccountGroup
from dps.domain.sales.accounts import Account
from dps.domain.sales.activities import Activity
from dps.domain.sales.business_cards import BusinessCard
from dps.domain.sales.opportunities import Opportunity
from dps.domain.sales.persons import Person
from dps.domain.sales.products import Product
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import License
from dps.domain.visibility.policy import Viewer


@frozen
class AccountKey:
    """An existing account's identifying values, and whether the viewer may see it."""

    id: UUID
    code: str | None
    corporate_number: str | None
    version: int
    visible: bool


@frozen
class UserRef:
    id: UserId
    login_id: str
    is_active: bool


@frozen
class PersonKey:
    """An existing person's identifying values (account, names, e-mail), and whether the viewer sees it."""

    id: UUID
    account_id: UUID
    last_name: str
    first_name: str
    email: str
    version: int
    visible: bool


@frozen
class PersonMove:
    """異動 written by a card import: the person's new position, at the version it was read."""

    person_id: UUID
    account_id: UUID
    department: str
    title: str
    updated_by: UserId | None
    updated_at: datetime
    expected_version: int


class DirectoryLookup(Protocol):
    def users_by_login(self, logins: Collection[str]) -> dict[str, UserRef]:
        """The users of these login ids (one query)."""
        ...

    def users_by_id(self, ids: Collection[UUID]) -> dict[UUID, UserRef]: ...

    def primary_organizations(self, user_ids: Collection[UUID], today: date) -> dict[UUID, OrganizationId]:
        """Each user's 主所属 on `today` (one query)."""
        ...


class AccountBulkStore(Protocol):
    def keys(self, viewer: Viewer, *, ids: Collection[UUID] = (), codes: Collection[str] = (),
             corporate_numbers: Collection[str] = ()) -> list[AccountKey]:
        """Accounts matching any of the ids, codes or corporate numbers (one query per kind of key,
        chunked), visible or not (an invisible one still holds its unique keys)."""
        ...

    def load(self, ids: Collection[UUID]) -> dict[UUID, Account]:
        """The accounts with their staff and 非公開 allow-list (for the edit check), chunked."""
        ...

    def insert(self, accounts: Sequence[Account]) -> None: ...

    def update(self, accounts: Sequence[tuple[Account, int]]) -> None:
        """(account, expected version): every changed row gets version + 1; Conflict when a version moved."""
        ...

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[tuple[Account, str | None, str | None]]:
        """Visible accounts in id order (keyset pages): (account without children, owner login,
        parent's corporate number or code, None when the viewer may not see the parent). Filters: `q`
        (words) and `closed` ("true" only the closed accounts, "false" only the open ones)."""
        ...


class UserBulkStore(Protocol):
    def by_logins(self, logins: Collection[str]) -> dict[str, User]: ...
    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, User]: ...
    def count_active(self) -> dict[License, int]: ...
    def insert(self, users: Sequence[User]) -> None: ...
    def update(self, users: Sequence[tuple[User, int]]) -> None: ...
    def stream(self, page_size: int = 1000) -> Iterator[User]: ...


class ProductBulkStore(Protocol):
    def by_codes(self, codes: Collection[str]) -> dict[str, Product]: ...
    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, Product]: ...
    def insert(self, products: Sequence[Product]) -> None: ...
    def update(self, products: Sequence[tuple[Product, int]]) -> None: ...
    def stream(self, filters: Mapping[str, str], page_size: int = 1000) -> Iterator[Product]: ...


@frozen
class RecordKey:
    """An existing sales record (opportunity, campaign, person) by id: whether the viewer may see it,
    its name and, for an opportunity, its account."""

    id: UUID
    visible: bool
    name: str = ""
    account_id: UUID | None = None


class OpportunityBulkStore(Protocol):
    def keys(self, viewer: Viewer, ids: Collection[UUID]) -> dict[UUID, RecordKey]:
        """Opportunities by id (chunked), visible or not, with their account."""
        ...

    def campaigns(self, viewer: Viewer, *, ids: Collection[UUID] = (), names: Collection[str] = ()
                  ) -> list[RecordKey]:
        """Campaigns matching any of the ids or names (one query per kind of key, chunked)."""
        ...

    def load(self, ids: Collection[UUID]) -> dict[UUID, Opportunity]:
        """The opportunities with staff, 非公開 allow-list and product lines (the amount rule needs them)."""
        ...

    def insert(self, items: Sequence[Opportunity]) -> None: ...

    def update(self, items: Sequence[tuple[Opportunity, int]]) -> None:
        """(opportunity, expected version): the row only (lines, competitors, staff are not in the sheet)."""
        ...

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[Mapping[str, Any]]:
        """Visible opportunities in id order (keyset pages), each the row's columns plus `owner_login` and
        `account_key` (the account's corporate number or code, else its id)."""
        ...


class ActivityBulkStore(Protocol):
    def persons(self, viewer: Viewer, ids: Collection[UUID]) -> dict[UUID, RecordKey]:
        """Persons by id (chunked), visible or not."""
        ...

    def load(self, ids: Collection[UUID]) -> dict[UUID, Activity]:
        """The activities with staff, 非公開 allow-list and persons met."""
        ...

    def insert(self, items: Sequence[Activity]) -> None: ...

    def update(self, items: Sequence[tuple[Activity, int]]) -> None:
        """(activity, expected version): the row and its persons met (attendees, staff are not in the sheet)."""
        ...

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[Mapping[str, Any]]:
        """Visible actual (done) activities in id order (keyset pages; R6: not those of an opportunity
        the viewer may not see), each the row's columns plus `owner_login`, `account_key` and
        `person_ids` (a tuple)."""
        ...


class PersonBulkStore(Protocol):
    def keys(self, viewer: Viewer, *, ids: Collection[UUID] = (), account_ids: Collection[UUID] = ()
             ) -> list[PersonKey]:
        """Persons with any of the ids or of any of the accounts (chunked), visible or not."""
        ...

    def load(self, ids: Collection[UUID]) -> dict[UUID, Person]: ...
    def insert(self, persons: Sequence[Person]) -> None: ...
    def update(self, persons: Sequence[tuple[Person, int]]) -> None: ...

    def move(self, moves: Sequence[PersonMove]) -> None:
        """Write the position (account, department, title) a newer business card gave each person."""
        ...

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[tuple[Person, str | None, AccountKey | None]]:
        """Visible persons in id order: (person without children, owner login, account if visible)."""
        ...


class BusinessCardBulkStore(Protocol):
    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, BusinessCard]: ...

    def for_persons(self, person_ids: Collection[UUID]) -> dict[UUID, list[BusinessCard]]:
        """Every card of these persons (the history the newest card is found in)."""
        ...

    def insert(self, cards: Sequence[BusinessCard]) -> None: ...
    def update(self, cards: Sequence[tuple[BusinessCard, int]]) -> None: ...

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[tuple[BusinessCard, AccountKey | None, str | None]]:
        """Cards of visible persons: (card, its account if visible, receiver's login)."""
        ...


class AccountGroupBulkStore(Protocol):
    def by_codes(self, codes: Collection[str]) -> dict[str, AccountGroup]: ...
    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, AccountGroup]: ...
    def members(self, group_ids: Collection[UUID]) -> dict[UUID, set[UUID]]: ...
    def insert(self, groups: Sequence[AccountGroup]) -> None: ...
    def update(self, groups: Sequence[tuple[AccountGroup, int]]) -> None: ...

    def change_members(self, added: Sequence[tuple[UUID, UUID]], removed: Sequence[tuple[UUID, UUID]]) -> None:
        """(group id, account id) memberships to insert and to delete."""
        ...

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[tuple[AccountGroup, list[AccountKey]]]:
        """Groups by code with their members the viewer may see."""
        ...


class CodeValueBulkStore(Protocol):
    """The values of one code list (product categories, ...)."""

    def values(self, list_key: str) -> dict[str, CodeValue]: ...
    def insert(self, list_key: str, values: Sequence[CodeValue]) -> None: ...
    def update(self, list_key: str, values: Sequence[CodeValue]) -> None: ...
    def stream(self, list_key: str) -> Iterator[CodeValue]: ...


class TransferStores(Protocol):
    """Stores bound to `uow` (its connection and tenant)."""

    def directory(self, uow: SalesUnitOfWork) -> DirectoryLookup: ...
    def accounts(self, uow: SalesUnitOfWork) -> AccountBulkStore: ...
    def users(self, uow: SalesUnitOfWork) -> UserBulkStore: ...
    def products(self, uow: SalesUnitOfWork) -> ProductBulkStore: ...
    def persons(self, uow: SalesUnitOfWork) -> PersonBulkStore: ...
    def business_cards(self, uow: SalesUnitOfWork) -> BusinessCardBulkStore: ...
    def account_groups(self, uow: SalesUnitOfWork) -> AccountGroupBulkStore: ...
    def code_values(self, uow: SalesUnitOfWork) -> CodeValueBulkStore: ...
    def opportunities(self, uow: SalesUnitOfWork) -> OpportunityBulkStore: ...
    def activities(self, uow: SalesUnitOfWork) -> ActivityBulkStore: ...
    def sales_results(self, uow: SalesUnitOfWork) -> SalesResultBulkStore: ...


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class CellParser(Protocol):
    """Parse one raw cell into the column's value; raises an exception with a `message` (values.CellError)
    for a bad cell. Built per import for the tenant's code lists."""

    def __call__(self, column: Any, raw: Any) -> Any: ...


class CellParsers(Protocol):
    def __call__(self, uow: SalesUnitOfWork, schema: Any) -> CellParser: ...


class CellFormatter(Protocol):
    """A record's value as it goes into an export cell (codes as codes, ids as text, ...)."""

    def __call__(self, column: Any, value: Any) -> Any: ...
