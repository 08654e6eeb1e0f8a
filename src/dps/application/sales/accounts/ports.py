"""Stores of accounts and account groups."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import Protocol
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.accounts.read_models import AccountListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.account_groups import AccountGroup
from dps.domain.sales.accounts import Account
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer


@frozen
class AccountQuery:
    """Search filters of the account list; every one is optional and they combine with AND.
    `custom_fields` matches custom field values as text (`cf.<key>=<value>`). `closed`: True only the
    accounts the registry closed (閉鎖日 set), False only the open ones, None both."""

    q: str | None = None
    owner_id: UserId | None = None
    staff_id: UserId | None = None
    mine: bool = False
    account_type_code: str | None = None
    transaction_status_code: str | None = None
    industry_code: str | None = None
    parent_account_id: UUID | None = None
    group_id: UUID | None = None
    corporate_number: str | None = None
    closed: bool | None = None
    custom_fields: Mapping[str, str] = field(factory=dict)


class AccountRepository(Protocol):
    """Accounts with their staff, 非公開 allow-list and relations."""

    @abstractmethod
    def add(self, account: Account) -> None:
        """Insert (stamps must be set). Raises Conflict (field 'code' / 'corporate_number') when a
        unique key is taken."""

    @abstractmethod
    def get(self, account_id: UUID) -> Account | None: ...

    @abstractmethod
    def update(self, account: Account, expected_version: int) -> int:
        """Save all of it when the stored version is `expected_version`; returns the new version
        (also set on `account`), raises Conflict with the current version otherwise."""

    @abstractmethod
    def delete(self, account_id: UUID) -> list[str]:
        """Delete the account and its own children (staff, ACL, relations, comments, likes,
        attachment rows, notifications, group memberships); returns attachment storage keys."""

    @abstractmethod
    def search(self, viewer: Viewer, query: AccountQuery, page: PageRequest) -> Page[AccountListItem]:
        """Visible accounts (R1/R2 in SQL) matching the query, as list items read in one statement (no
        staff, allow-list or relations: the detail has them); sort keys name, kana, updated_at, created_at."""

    @abstractmethod
    def id_by_corporate_number(self, corporate_number: str) -> UUID | None: ...

    @abstractmethod
    def ancestors(self, account_id: UUID) -> list[UUID]:
        """The ids above `account_id` in the parent hierarchy, nearest first."""

    @abstractmethod
    def existing(self, account_ids: Sequence[UUID]) -> set[UUID]:
        """Those of the ids that are accounts of the tenant."""

    @abstractmethod
    def references(self, account_id: UUID) -> dict[str, int]:
        """How many other records point at the account, by kind (child accounts, persons,
        opportunities, activities, leads, business cards); kinds with none are left out."""


class AccountGroupRepository(Protocol):
    """Account groups and their members."""

    @abstractmethod
    def add(self, group: AccountGroup) -> None:
        """Raises Conflict (field 'code') when the code is taken."""

    @abstractmethod
    def get(self, group_id: UUID) -> AccountGroup | None: ...

    @abstractmethod
    def list(self) -> Sequence[AccountGroup]:
        """All groups of the tenant by name."""

    @abstractmethod
    def update(self, group: AccountGroup, expected_version: int) -> int: ...

    @abstractmethod
    def delete(self, group_id: UUID) -> None:
        """The group and its memberships (never the accounts)."""

    @abstractmethod
    def add_member(self, group_id: UUID, account_id: UUID) -> bool:
        """False when the account was already a member."""

    @abstractmethod
    def remove_member(self, group_id: UUID, account_id: UUID) -> bool:
        """False when the account was not a member."""

    @abstractmethod
    def groups_of(self, account_id: UUID) -> Sequence[AccountGroup]: ...

    @abstractmethod
    def member_counts(self) -> dict[UUID, int]:
        """Members per group id (all members, visible or not: a count reveals no content)."""
