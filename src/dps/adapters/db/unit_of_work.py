"""Units of work on one SQLAlchemy connection and transaction: explicit commit, rollback on exit."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.exc import InterfaceError, OperationalError

from dps.adapters.db.engine import READ_ONLY
from dps.adapters.db.repositories.affiliations import SqlAffiliationRepository, SqlOrgClosureRepository
from dps.adapters.db.repositories.auth import (
    TENANT_WITH_TOKEN,
    SqlApiTokenRepository,
    SqlSessionRepository,
    token_of,
)
from dps.adapters.db.repositories.cards.card_imports import SqlCardImportRepository
from dps.adapters.db.repositories.catalog import SqlCodeListRepository, SqlCustomFieldRepository
from dps.adapters.db.repositories.companies import SqlCompanyRepository, SqlPositionRepository
from dps.adapters.db.repositories.groups import SqlGroupMembershipRepository, SqlPublicGroupRepository
from dps.adapters.db.repositories.organizations import SqlOrganizationRepository
from dps.adapters.db.repositories.reports.accounts import SqlAccountReportReader
from dps.adapters.db.repositories.reports.campaigns import SqlCampaignReportReader
from dps.adapters.db.repositories.reports.definitions import SqlReportDefinitionRepository
from dps.adapters.db.repositories.reports.leads import SqlLeadReportReader
from dps.adapters.db.repositories.reports.opportunities import SqlOpportunityReportReader
from dps.adapters.db.repositories.reports.products import SqlProductReportReader
from dps.adapters.db.repositories.reports.reader import SqlReportReader
from dps.adapters.db.repositories.reports.templates import SqlReportTemplateRepository
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
from dps.adapters.db.repositories.sales.portal import SqlPortalReader
from dps.adapters.db.repositories.sales.products import SqlProductRepository
from dps.adapters.db.repositories.sales.record_access import SqlRecordAccessReader
from dps.adapters.db.repositories.sales.record_people import SqlRecordPeopleRepository
from dps.adapters.db.repositories.sales.sales_results import SqlSalesResultRepository
from dps.adapters.db.repositories.tenancy import DirectoryChanges, SqlTenantRepository, tenant_of, written_tables
from dps.adapters.db.repositories.users import SqlUserRepository
from dps.application.auth.ports import AuthUnitOfWork
from dps.application.directory.memo import DirectoryMemo
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import NotFound, ServiceUnavailable
from dps.application.shared.request_reads import current_reads
from dps.application.tenancy.ports import TenancyUnitOfWork
from dps.domain.auth.sessions import ApiToken
from dps.domain.shared.ids import ApiTokenId, TenantId
from dps.domain.tenancy.tenants import Tenant

R = TypeVar("R")


_GUARDED_ENGINES: weakref.WeakSet[sa.Engine] = weakref.WeakSet()


def _refuse_writes(conn: sa.Connection, _cursor: Any, statement: str, _params: Any, context: Any,
                   _many: bool) -> None:
    """A read-only unit of work that tries to write is a programming error: stop it before it runs."""
    if conn.get_execution_options().get(READ_ONLY) and written_tables(statement, context):
        raise ReadOnlyViolation(f"a read-only unit of work may not write: {statement[:80]}")


class ReadOnlyViolation(RuntimeError):
    """A write (or a commit) in a read-only unit of work."""


class _Transaction:
    """One connection; a transaction unless `read_only`.

    Read-only on PostgreSQL runs in autocommit: each SELECT is its own statement-level snapshot, as it
    is inside a READ COMMITTED transaction, without the BEGIN and ROLLBACK round trips (two of a list
    page's five). On SQLite it is a deferred BEGIN (one snapshot; never waits for a writer). Writes are
    refused before they reach the database."""

    def __init__(self, engine: sa.Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
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
            if self._read_only:
                if self._engine not in _GUARDED_ENGINES:
                    sa.event.listen(self._engine, "before_cursor_execute", _refuse_writes)
                    _GUARDED_ENGINES.add(self._engine)
                if self._engine.dialect.name == "postgresql":
                    self._conn.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})
                    return self._conn
                self._conn.execution_options(**{READ_ONLY: True})
            self._tx = self._conn.begin()
        except (OperationalError, InterfaceError) as e:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            raise ServiceUnavailable("the database cannot be reached; try again later") from e
        return self._conn

    def commit(self) -> None:
        if self._read_only:
            raise ReadOnlyViolation("a read-only unit of work has nothing to commit")
        assert self._tx is not None
        self._before_commit()
        self._tx.commit()
        self._tx = self.conn.begin()
        self._after_commit()

    def _before_commit(self) -> None:
        """Last writes of the transaction (a subclass hook)."""

    def _after_commit(self) -> None:
        """Forget what belonged to the transaction just committed (a subclass hook)."""

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
    """Bound to one tenant: every repository it hands out filters by that tenant.

    A commit after any write to a directory table also bumps the tenant's `directory_version`, in the
    same transaction (see `DirectoryChanges`); `memo` is the process's cache of principals and viewers
    keyed by that version.
    """

    def __init__(self, engine: sa.Engine, tenant_id: TenantId, memo: DirectoryMemo | None = None, *,
                 read_only: bool = False) -> None:
        super().__init__(engine, read_only=read_only)
        self.tenant_id = tenant_id
        self._memo = memo
        self._tenant: Tenant | None = None
        self._changes: DirectoryChanges | None = None
        self._repos: dict[Any, Any] = {}

    def __enter__(self) -> Self:
        conn = self._open()
        self._tenant = None
        self._changes = None if self._read_only else DirectoryChanges(conn, self.tenant_id)
        self._repos = {}
        return self

    def _repo(self, make: Callable[..., R], *extra: Any) -> R:
        """Each repository is built on first use: most units of work need two or three of them."""
        repo = self._repos.get(make)
        if repo is None:
            repo = self._repos[make] = make(self.conn, self.tenant_id, *extra)
        return cast(R, repo)

    def tenant(self) -> Tenant:
        """Read once per transaction: its `directory_version` must be read before the facts keyed by it.
        A read-only unit of work takes the row its request already read (`request_reads`)."""
        if self._tenant is None:
            reads = current_reads() if self._read_only else None
            tenant = None if reads is None else reads.tenants.get(self.tenant_id)
            if tenant is None:
                tenant = SqlTenantRepository(self.conn).get(self.tenant_id)
                if tenant is None:
                    raise NotFound("tenant", self.tenant_id)
                self._keep(tenant)
            self._tenant = tenant
        return self._tenant

    def tenant_with_api_token(self, token_id: ApiTokenId) -> tuple[Tenant, ApiToken | None]:
        r = self.conn.execute(TENANT_WITH_TOKEN, {"tenant_id": self.tenant_id, "token_id": token_id}).first()
        if r is None:
            raise NotFound("tenant", self.tenant_id)
        self._tenant = tenant_of(r)
        self._keep(self._tenant)
        return self._tenant, token_of(r)

    def _keep(self, tenant: Tenant) -> None:
        """A row read by a read-only unit of work serves the rest of the request."""
        if self._read_only and (reads := current_reads()) is not None:
            reads.tenants[self.tenant_id] = tenant

    def directory_memo(self) -> DirectoryMemo | None:
        if self._changes is not None and self._changes.changed:
            return None
        return self._memo

    def _before_commit(self) -> None:
        if self._changes is not None:
            self._changes.bump()

    def _after_commit(self) -> None:
        self._tenant = None
        if (reads := current_reads()) is not None:
            reads.forget()
        if self._changes is not None:
            self._changes.reset()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._changes is not None and self._conn is not None:
            self._changes.close()
        super().__exit__(exc_type, exc, tb)

    @property
    def companies(self) -> SqlCompanyRepository:
        return self._repo(SqlCompanyRepository)

    @property
    def organizations(self) -> SqlOrganizationRepository:
        return self._repo(SqlOrganizationRepository)

    @property
    def positions(self) -> SqlPositionRepository:
        return self._repo(SqlPositionRepository)

    @property
    def public_groups(self) -> SqlPublicGroupRepository:
        return self._repo(SqlPublicGroupRepository)

    @property
    def group_memberships(self) -> SqlGroupMembershipRepository:
        return self._repo(SqlGroupMembershipRepository)

    @property
    def users(self) -> SqlUserRepository:
        return self._repo(SqlUserRepository, self._changes)

    @property
    def affiliations(self) -> SqlAffiliationRepository:
        return self._repo(SqlAffiliationRepository)

    @property
    def org_closure(self) -> SqlOrgClosureRepository:
        return self._repo(SqlOrgClosureRepository)

    @property
    def sessions(self) -> SqlSessionRepository:
        return self._repo(SqlSessionRepository)

    @property
    def api_tokens(self) -> SqlApiTokenRepository:
        return self._repo(SqlApiTokenRepository)

    @property
    def code_lists(self) -> SqlCodeListRepository:
        return self._repo(SqlCodeListRepository)

    @property
    def custom_fields(self) -> SqlCustomFieldRepository:
        return self._repo(SqlCustomFieldRepository)

    @property
    def records(self) -> SqlRecordAccessReader:
        return self._repo(SqlRecordAccessReader)

    @property
    def accounts(self) -> SqlAccountRepository:
        return self._repo(SqlAccountRepository)

    @property
    def account_groups(self) -> SqlAccountGroupRepository:
        return self._repo(SqlAccountGroupRepository)

    @property
    def persons(self) -> SqlPersonRepository:
        return self._repo(SqlPersonRepository)

    @property
    def business_cards(self) -> SqlBusinessCardRepository:
        return self._repo(SqlBusinessCardRepository)

    @property
    def products(self) -> SqlProductRepository:
        return self._repo(SqlProductRepository)

    @property
    def opportunities(self) -> SqlOpportunityRepository:
        return self._repo(SqlOpportunityRepository)

    @property
    def activities(self) -> SqlActivityRepository:
        return self._repo(SqlActivityRepository)

    @property
    def leads(self) -> SqlLeadRepository:
        return self._repo(SqlLeadRepository)

    @property
    def campaigns(self) -> SqlCampaignRepository:
        return self._repo(SqlCampaignRepository)

    @property
    def budgets(self) -> SqlBudgetRepository:
        return self._repo(SqlBudgetRepository)

    @property
    def sales_results(self) -> SqlSalesResultRepository:
        return self._repo(SqlSalesResultRepository)

    @property
    def comments(self) -> SqlCommentRepository:
        return self._repo(SqlCommentRepository)

    @property
    def likes(self) -> SqlLikeRepository:
        return self._repo(SqlLikeRepository)

    @property
    def attachments(self) -> SqlAttachmentRepository:
        return self._repo(SqlAttachmentRepository)

    @property
    def notifications(self) -> SqlNotificationRepository:
        return self._repo(SqlNotificationRepository)

    @property
    def record_people(self) -> SqlRecordPeopleRepository:
        return self._repo(SqlRecordPeopleRepository)

    @property
    def portal(self) -> SqlPortalReader:
        return self._repo(SqlPortalReader)

    @property
    def reports(self) -> SqlReportReader:
        return self._repo(SqlReportReader)

    # [kinds-accounts]
    @property
    def account_reports(self) -> SqlAccountReportReader:
        return self._repo(SqlAccountReportReader)

    @property
    def opportunity_reports(self) -> SqlOpportunityReportReader:
        return self._repo(SqlOpportunityReportReader)

    # [kinds-products]
    @property
    def product_report(self) -> SqlProductReportReader:
        return self._repo(SqlProductReportReader)

    @property
    def campaign_report(self) -> SqlCampaignReportReader:
        return self._repo(SqlCampaignReportReader)

    @property
    def lead_report(self) -> SqlLeadReportReader:
        return self._repo(SqlLeadReportReader)

    # [definitions]
    @property
    def report_definitions(self) -> SqlReportDefinitionRepository:
        return self._repo(SqlReportDefinitionRepository)

    # [templates]
    @property
    def report_templates(self) -> SqlReportTemplateRepository:
        return self._repo(SqlReportTemplateRepository)

    # [card-imports]
    @property
    def card_imports(self) -> SqlCardImportRepository:
        return self._repo(SqlCardImportRepository)


class SqlTenancyUnitOfWork(_Transaction, TenancyUnitOfWork):
    """The tenant registry, the one store above tenants."""

    def __enter__(self) -> Self:
        self._tenants = SqlTenantRepository(self._open())
        return self

    @property
    def tenants(self) -> SqlTenantRepository:
        return self._tenants
