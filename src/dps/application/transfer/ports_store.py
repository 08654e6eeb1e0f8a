"""Set-based stores the import/export use cases write and stream through. Each is bound to a unit of
work's connection (so directory writes are seen by its `directory_version` watch and every batch
commits with the unit of work); `TransferStores` hands them out per unit of work."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from attrs import frozen

from dps.application.sales.uow import SalesUnitOfWork
from dps.domain.directory.users import User
from dps.domain.sales.accounts import Account
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
        parent's corporate number or code, None when the viewer may not see the parent)."""
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


class TransferStores(Protocol):
    """Stores bound to `uow` (its connection and tenant)."""

    def directory(self, uow: SalesUnitOfWork) -> DirectoryLookup: ...
    def accounts(self, uow: SalesUnitOfWork) -> AccountBulkStore: ...
    def users(self, uow: SalesUnitOfWork) -> UserBulkStore: ...
    def products(self, uow: SalesUnitOfWork) -> ProductBulkStore: ...


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
