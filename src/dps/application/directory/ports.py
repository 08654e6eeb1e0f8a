"""Repositories of the directory context. Each is bound to the tenant of its unit of work."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from dps.application.directory.memo import DirectoryMemo
from dps.application.shared.ports import UnitOfWork
from dps.domain.directory.affiliations import Affiliation
from dps.domain.directory.closure import ClosureRow
from dps.domain.directory.companies import Company
from dps.domain.directory.groups import GroupMembership, PublicGroup
from dps.domain.directory.organizations import Organization
from dps.domain.directory.positions import Position
from dps.domain.directory.users import User
from dps.domain.shared.ids import CompanyId, GroupMembershipId, OrganizationId, PositionId, PublicGroupId, UserId
from dps.domain.shared.principal import License
from dps.domain.tenancy.tenants import Tenant


class CompanyRepository(Protocol):
    @abstractmethod
    def get(self, company_id: CompanyId) -> Company | None: ...
    @abstractmethod
    def get_by_code(self, code: str) -> Company | None: ...
    @abstractmethod
    def list(self) -> Sequence[Company]: ...
    @abstractmethod
    def add(self, company: Company) -> None:
        """Raises Conflict when the code is taken."""
    @abstractmethod
    def update(self, company: Company) -> None:
        """Saves and bumps `version`; raises Conflict when the stored version differs."""


class OrganizationRepository(Protocol):
    @abstractmethod
    def get(self, organization_id: OrganizationId) -> Organization | None: ...
    @abstractmethod
    def get_by_code(self, company_id: CompanyId, code: str) -> Organization | None: ...
    @abstractmethod
    def list_for_company(self, company_id: CompanyId) -> Sequence[Organization]: ...
    @abstractmethod
    def list_all(self) -> Sequence[Organization]: ...
    @abstractmethod
    def add(self, organization: Organization) -> None: ...
    @abstractmethod
    def update(self, organization: Organization) -> None:
        """Replaces the versions; raises Conflict on a stale `version`."""


class PositionRepository(Protocol):
    @abstractmethod
    def get(self, position_id: PositionId) -> Position | None: ...
    @abstractmethod
    def get_by_code(self, company_id: CompanyId, code: str) -> Position | None: ...
    @abstractmethod
    def get_many(self, position_ids: Iterable[PositionId]) -> Sequence[Position]:
        """The positions among `position_ids` that exist, in one query."""
    @abstractmethod
    def list(self) -> Sequence[Position]: ...
    @abstractmethod
    def add(self, position: Position) -> None: ...


class PublicGroupRepository(Protocol):
    @abstractmethod
    def get(self, group_id: PublicGroupId) -> PublicGroup | None: ...
    @abstractmethod
    def get_by_code(self, code: str) -> PublicGroup | None: ...
    @abstractmethod
    def list(self) -> Sequence[PublicGroup]: ...
    @abstractmethod
    def ancestors_or_self(self, group_ids: Iterable[PublicGroupId], day: date) -> set[PublicGroupId]:
        """The groups among `group_ids` valid on `day` and their ancestors up the tree valid on `day`
        (a parent not valid that day ends the chain), in one query."""
    @abstractmethod
    def add(self, group: PublicGroup) -> None: ...
    @abstractmethod
    def update(self, group: PublicGroup) -> None: ...


class GroupMembershipRepository(Protocol):
    @abstractmethod
    def for_user(self, user_id: UserId) -> Sequence[GroupMembership]: ...
    @abstractmethod
    def for_group(self, group_id: PublicGroupId) -> Sequence[GroupMembership]: ...
    @abstractmethod
    def get(self, membership_id: GroupMembershipId) -> GroupMembership | None: ...
    @abstractmethod
    def add(self, membership: GroupMembership) -> None: ...
    @abstractmethod
    def remove(self, membership_id: GroupMembershipId) -> None: ...


class UserRepository(Protocol):
    @abstractmethod
    def get(self, user_id: UserId) -> User | None: ...
    @abstractmethod
    def get_by_login(self, login_id: str) -> User | None: ...
    @abstractmethod
    def list(self, *, include_inactive: bool = False) -> Sequence[User]: ...
    @abstractmethod
    def count_active(self, license: License) -> int: ...
    @abstractmethod
    def add(self, user: User) -> None:
        """Raises Conflict when the login id is taken."""
    @abstractmethod
    def update(self, user: User) -> None:
        """Raises Conflict on a stale `version`."""


class AffiliationRepository(Protocol):
    @abstractmethod
    def for_user(self, user_id: UserId) -> Sequence[Affiliation]: ...
    @abstractmethod
    def valid_on(self, day: date) -> Sequence[Affiliation]: ...
    @abstractmethod
    def add(self, affiliation: Affiliation) -> None: ...


class OrgClosureRepository(Protocol):
    """The 集計組織 roll-up: a derived table rebuilt by the refresh use case."""

    @abstractmethod
    def replace(self, rows: Iterable[ClosureRow[OrganizationId]], *, as_of: date, refreshed_at: datetime) -> int:
        """Swap the whole closure for `rows`; returns how many rows were written."""
    @abstractmethod
    def rows(self) -> Sequence[ClosureRow[OrganizationId]]: ...
    @abstractmethod
    def descendants_or_self(self, organization_ids: Iterable[OrganizationId]) -> set[OrganizationId]: ...
    @abstractmethod
    def ancestors_or_self(self, organization_ids: Iterable[OrganizationId]) -> set[OrganizationId]: ...
    @abstractmethod
    def touching(
        self, *, ancestors: Iterable[OrganizationId], descendants: Iterable[OrganizationId]
    ) -> Sequence[ClosureRow[OrganizationId]]:
        """In one query, the rows whose ancestor is in `ancestors` or whose descendant is in `descendants`."""
    @abstractmethod
    def as_of(self) -> date | None:
        """The base date of the last refresh, None when never refreshed."""


class DirectoryUnitOfWork(UnitOfWork, Protocol):
    @abstractmethod
    def tenant(self) -> Tenant:
        """The tenant this unit of work is bound to (read once per transaction)."""
    @abstractmethod
    def directory_memo(self) -> DirectoryMemo | None:
        """This process's memo of principals and viewers; None when there is none, or while this unit of
        work holds uncommitted directory writes (what it reads then is nobody else's truth yet).
        Writes to the directory bump the tenant's `directory_version` when the unit of work commits."""
    @property
    def companies(self) -> CompanyRepository: ...
    @property
    def organizations(self) -> OrganizationRepository: ...
    @property
    def positions(self) -> PositionRepository: ...
    @property
    def public_groups(self) -> PublicGroupRepository: ...
    @property
    def group_memberships(self) -> GroupMembershipRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def affiliations(self) -> AffiliationRepository: ...
    @property
    def org_closure(self) -> OrgClosureRepository: ...
