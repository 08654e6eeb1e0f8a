"""Units of work on one SQLAlchemy connection and transaction: explicit commit, rollback on exit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.exc import InterfaceError, OperationalError

from dps.adapters.db.repositories.affiliations import SqlAffiliationRepository, SqlOrgClosureRepository
from dps.adapters.db.repositories.auth import SqlApiTokenRepository, SqlSessionRepository
from dps.adapters.db.repositories.catalog import SqlCodeListRepository
from dps.adapters.db.repositories.companies import SqlCompanyRepository, SqlPositionRepository
from dps.adapters.db.repositories.groups import SqlGroupMembershipRepository, SqlPublicGroupRepository
from dps.adapters.db.repositories.organizations import SqlOrganizationRepository
from dps.adapters.db.repositories.tenancy import SqlTenantRepository
from dps.adapters.db.repositories.users import SqlUserRepository
from dps.application.auth.ports import AuthUnitOfWork
from dps.application.catalog.ports import CatalogUnitOfWork
from dps.application.shared.errors import NotFound, ServiceUnavailable
from dps.application.tenancy.ports import TenancyUnitOfWork
from dps.domain.shared.ids import TenantId
from dps.domain.tenancy.tenants import Tenant


class _Transaction:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._conn: sa.Connection | None = None
        self._tx: sa.RootTransaction | None = None

    @property
    def conn(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._conn

    def _open(self) -> sa.Connection:
        try:
            self._conn = self._engine.connect()
            self._tx = self._conn.begin()
        except (OperationalError, InterfaceError) as e:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            raise ServiceUnavailable("the database cannot be reached; try again later") from e
        return self._conn

    def commit(self) -> None:
        assert self._tx is not None
        self._tx.commit()
        self._tx = self.conn.begin()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
            self._conn = self._tx = None


class SqlUnitOfWork(_Transaction, AuthUnitOfWork, CatalogUnitOfWork):
    """Bound to one tenant: every repository it hands out filters by that tenant."""

    def __init__(self, engine: sa.Engine, tenant_id: TenantId) -> None:
        super().__init__(engine)
        self.tenant_id = tenant_id

    def __enter__(self) -> Self:
        conn = self._open()
        t = self.tenant_id
        self._companies = SqlCompanyRepository(conn, t)
        self._organizations = SqlOrganizationRepository(conn, t)
        self._positions = SqlPositionRepository(conn, t)
        self._public_groups = SqlPublicGroupRepository(conn, t)
        self._group_memberships = SqlGroupMembershipRepository(conn, t)
        self._users = SqlUserRepository(conn, t)
        self._affiliations = SqlAffiliationRepository(conn, t)
        self._org_closure = SqlOrgClosureRepository(conn, t)
        self._sessions = SqlSessionRepository(conn, t)
        self._api_tokens = SqlApiTokenRepository(conn, t)
        self._code_lists = SqlCodeListRepository(conn, t)
        return self

    def tenant(self) -> Tenant:
        tenant = SqlTenantRepository(self.conn).get(self.tenant_id)
        if tenant is None:
            raise NotFound("tenant", self.tenant_id)
        return tenant

    @property
    def companies(self) -> SqlCompanyRepository:
        return self._companies

    @property
    def organizations(self) -> SqlOrganizationRepository:
        return self._organizations

    @property
    def positions(self) -> SqlPositionRepository:
        return self._positions

    @property
    def public_groups(self) -> SqlPublicGroupRepository:
        return self._public_groups

    @property
    def group_memberships(self) -> SqlGroupMembershipRepository:
        return self._group_memberships

    @property
    def users(self) -> SqlUserRepository:
        return self._users

    @property
    def affiliations(self) -> SqlAffiliationRepository:
        return self._affiliations

    @property
    def org_closure(self) -> SqlOrgClosureRepository:
        return self._org_closure

    @property
    def sessions(self) -> SqlSessionRepository:
        return self._sessions

    @property
    def api_tokens(self) -> SqlApiTokenRepository:
        return self._api_tokens

    @property
    def code_lists(self) -> SqlCodeListRepository:
        return self._code_lists


class SqlTenancyUnitOfWork(_Transaction, TenancyUnitOfWork):
    """The tenant registry, the one store above tenants."""

    def __enter__(self) -> Self:
        self._tenants = SqlTenantRepository(self._open())
        return self

    @property
    def tenants(self) -> SqlTenantRepository:
        return self._tenants
