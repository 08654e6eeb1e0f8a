"""Units of work on one SQLAlchemy connection and transaction: explicit commit, rollback on exit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.exc import InterfaceError, OperationalError

from dps.adapters.db.repositories.affiliations import SqlAffiliationRepository, SqlOrgClosureRepository
from dps.adapters.db.repositories.auth import SqlApiTokenRepository, SqlSessionRepository
from dps.adapters.db.repositories.catalog import SqlCodeListRepository, SqlCustomFieldRepository
from dps.adapters.db.repositories.companies import SqlCompanyRepository, SqlPositionRepository
from dps.adapters.db.repositories.groups import SqlGroupMembershipRepository, SqlPublicGroupRepository
from dps.adapters.db.repositories.organizations import SqlOrganizationRepository
from dps.adapters.db.repositories.sales.account_groups import SqlAccountGroupRepository
from dps.adapters.db.repositories.sales.accounts import SqlAccountRepository
from dps.adapters.db.repositories.sales.activities import SqlActivityRepository
from dps.adapters.db.repositories.sales.attachments import SqlAttachmentRepository
from dps.adapters.db.repositories.sales.budgets import SqlBudgetRepository
from dps.adapters.db.repositories.sales.business_cards import SqlBusinessCardRepository
from dps.adapters.db.repositories.sales.campaigns import SqlCampaignRepository
from dps.adapters.db.repositories.sales.comments import SqlCommentRepository
from dps.adapters.db.repositories.sales.leads import SqlLeadRepository
from dps.adapters.db.repositories.sales.likes import SqlLikeRepository
from dps.adapters.db.repositories.sales.notifications import SqlNotificationRepository
from dps.adapters.db.repositories.sales.opportunities import SqlOpportunityRepository
from dps.adapters.db.repositories.sales.persons import SqlPersonRepository
from dps.adapters.db.repositories.sales.products import SqlProductRepository
from dps.adapters.db.repositories.sales.record_access import SqlRecordAccessReader
from dps.adapters.db.repositories.sales.record_people import SqlRecordPeopleRepository
from dps.adapters.db.repositories.tenancy import SqlTenantRepository
from dps.adapters.db.repositories.users import SqlUserRepository
from dps.application.auth.ports import AuthUnitOfWork
from dps.application.sales.uow import SalesUnitOfWork
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


class SqlUnitOfWork(_Transaction, AuthUnitOfWork, SalesUnitOfWork):
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
        self._custom_fields = SqlCustomFieldRepository(conn, t)
        self._records = SqlRecordAccessReader(conn, t)
        self._accounts = SqlAccountRepository(conn, t)
        self._account_groups = SqlAccountGroupRepository(conn, t)
        self._persons = SqlPersonRepository(conn, t)
        self._business_cards = SqlBusinessCardRepository(conn, t)
        self._products = SqlProductRepository(conn, t)
        self._opportunities = SqlOpportunityRepository(conn, t)
        self._activities = SqlActivityRepository(conn, t)
        self._leads = SqlLeadRepository(conn, t)
        self._campaigns = SqlCampaignRepository(conn, t)
        self._budgets = SqlBudgetRepository(conn, t)
        self._comments = SqlCommentRepository(conn, t)
        self._likes = SqlLikeRepository(conn, t)
        self._attachments = SqlAttachmentRepository(conn, t)
        self._notifications = SqlNotificationRepository(conn, t)
        self._record_people = SqlRecordPeopleRepository(conn, t)
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

    @property
    def custom_fields(self) -> SqlCustomFieldRepository:
        return self._custom_fields

    @property
    def records(self) -> SqlRecordAccessReader:
        return self._records

    @property
    def accounts(self) -> SqlAccountRepository:
        return self._accounts

    @property
    def account_groups(self) -> SqlAccountGroupRepository:
        return self._account_groups

    @property
    def persons(self) -> SqlPersonRepository:
        return self._persons

    @property
    def business_cards(self) -> SqlBusinessCardRepository:
        return self._business_cards

    @property
    def products(self) -> SqlProductRepository:
        return self._products

    @property
    def opportunities(self) -> SqlOpportunityRepository:
        return self._opportunities

    @property
    def activities(self) -> SqlActivityRepository:
        return self._activities

    @property
    def leads(self) -> SqlLeadRepository:
        return self._leads

    @property
    def campaigns(self) -> SqlCampaignRepository:
        return self._campaigns

    @property
    def budgets(self) -> SqlBudgetRepository:
        return self._budgets

    @property
    def comments(self) -> SqlCommentRepository:
        return self._comments

    @property
    def likes(self) -> SqlLikeRepository:
        return self._likes

    @property
    def attachments(self) -> SqlAttachmentRepository:
        return self._attachments

    @property
    def notifications(self) -> SqlNotificationRepository:
        return self._notifications

    @property
    def record_people(self) -> SqlRecordPeopleRepository:
        return self._record_people


class SqlTenancyUnitOfWork(_Transaction, TenancyUnitOfWork):
    """The tenant registry, the one store above tenants."""

    def __enter__(self) -> Self:
        self._tenants = SqlTenantRepository(self._open())
        return self

    @property
    def tenants(self) -> SqlTenantRepository:
        return self._tenants
