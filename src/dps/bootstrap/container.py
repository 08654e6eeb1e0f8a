"""The composition root: one dependency-injector container that builds every adapter and use case."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from dependency_injector import containers, providers

from dps.adapters.db.directory_watch import directory_watch
from dps.adapters.db.engine import create_engine
from dps.adapters.db.health import database_status
from dps.adapters.db.repositories.transfer.stores import SqlTransferStores
from dps.adapters.db.unit_of_work import SqlTenancyUnitOfWork, SqlUnitOfWork
from dps.adapters.excel.files import TransferFiles
from dps.adapters.excel.report_writer import ReportFiles
from dps.adapters.excel.template_filler import XlsxTemplateEngine
from dps.adapters.files.clamd import ClamdScanner
from dps.adapters.files.local import LocalFileStore
from dps.adapters.logs.audit import StructlogAuditLog
from dps.adapters.security.passwords import Argon2PasswordHasher
from dps.adapters.system import SystemClock, Uuid7Factory
from dps.application.auth.deps import AuthDeps
from dps.application.auth.login import ChangePassword, LogIn, LogOut, ResolveSession
from dps.application.auth.tokens import IssueApiToken, IssueApiTokenForUser, ResolveApiToken, RevokeApiToken
from dps.application.catalog.code_lists import GetCodeList, ListCodeLists, SeedDefaultCodeLists
from dps.application.directory.affiliations import AssignAffiliation, ListAffiliations
from dps.application.directory.companies import CreateCompany, ListCompanies
from dps.application.directory.deps import DirectoryDeps
from dps.application.directory.groups import AddGroupMember, CreatePublicGroup, ListPublicGroups, RemoveGroupMember
from dps.application.directory.memo import DirectoryMemo
from dps.application.directory.org_refresh import RefreshOrgClosure
from dps.application.directory.organizations import (
    CloseOrganization,
    CreateOrganization,
    ListOrganizations,
    MoveOrganization,
    RenameOrganization,
)
from dps.application.directory.positions import CreatePosition, ListPositions
from dps.application.directory.users import (
    AddUser,
    ChangeMyPreferences,
    DeactivateUser,
    ListUsers,
    SetUserPassword,
    UserIndex,
)
from dps.application.reports.exports import WriteReport
from dps.application.sales.collaboration.notifications import NotifyInterestedUsers
from dps.application.sales.deps import SalesDeps
from dps.application.shared.cache import LruCache
from dps.application.tenancy.tenants import CreateTenant, FindTenant, GetTenant, ListTenants
from dps.application.transfer.exports import ExportRecords, ExportTemplate
from dps.application.transfer.imports import ImportRecords, TransferDeps
from dps.bootstrap.card_imports import build_card_import_deps
from dps.bootstrap.registry import build_corporate_registry
from dps.bootstrap.settings import Settings

CHECKED_TOKENS = 10_000
"""API tokens a process remembers as checked (ADR 23)."""


class Container(containers.DeclarativeContainer):
    """Singletons throughout: adapters and use cases are stateless once built."""

    settings = providers.Dependency(instance_of=Settings)

    # adapters
    engine = providers.Singleton(create_engine, url=settings.provided.database_url)
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(Uuid7Factory)
    hasher = providers.Singleton(Argon2PasswordHasher, memory_cost_kib=settings.provided.password_hash_memory_kib)
    audit = providers.Singleton(StructlogAuditLog)
    directory_memo = providers.Singleton(DirectoryMemo)
    """This process's memo of principals and viewers, keyed by each tenant's directory version."""
    uow = providers.Singleton(partial, SqlUnitOfWork, engine, memo=directory_memo)
    read_uow = providers.Singleton(partial, SqlUnitOfWork, engine, memo=directory_memo, read_only=True)
    """Units of work of use cases that only read: no transaction on PostgreSQL, a deferred one on SQLite."""
    tenancy_uow = providers.Singleton(partial, SqlTenancyUnitOfWork, engine)
    readiness = providers.Factory(partial, database_status, engine)
    """A zero-argument callable: (ready, reason) for /readyz."""

    directory_deps = providers.Singleton(
        DirectoryDeps, uow=uow, clock=clock, ids=ids, audit=audit, hasher=hasher, reads=read_uow
    )
    directory_freshness = providers.Singleton(directory_watch, engine)
    """PostgreSQL's notifications of directory changes (None on SQLite): API tokens checked once are
    trusted until their tenant's directory changes (ADR 23)."""
    auth_deps = providers.Singleton(
        AuthDeps, uow=uow, tenancy=tenancy_uow, clock=clock, ids=ids, audit=audit, hasher=hasher, reads=read_uow,
        freshness=directory_freshness, checked_tokens=providers.Singleton(LruCache, CHECKED_TOKENS),
    )

    # sales
    files = providers.Singleton(LocalFileStore, root=settings.provided.attachments_dir)
    scanner = providers.Singleton(lambda address: ClamdScanner(address) if address else None,
                                  settings.provided.clamd_address)
    notifier = providers.Singleton(NotifyInterestedUsers, clock=clock, ids=ids)
    sales_deps = providers.Singleton(
        SalesDeps, uow=uow, clock=clock, ids=ids, audit=audit, notifier=notifier, files=files, scanner=scanner,
        max_upload_bytes=settings.provided.max_upload_bytes, reads=read_uow,
    )
    """Every sales use case is built from this bundle: `CreateAccount(container.sales_deps())`."""
    corporate_registry = providers.Singleton(build_corporate_registry, settings=settings, engine=engine)
    """The 法人番号 registry (CorporateRegistry): the sources of DPS_REGISTRY_ORDER asked in turn."""
    card_import_deps = providers.Singleton(build_card_import_deps, settings=settings, sales=sales_deps,
                                           registry=corporate_registry)
    """Bulk card registration (名刺一括登録): `StageCards(container.card_import_deps())` and friends."""

    # transfer (Excel / CSV import and export)
    transfer_files = providers.Singleton(TransferFiles)
    transfer_stores = providers.Singleton(SqlTransferStores)
    transfer_deps = providers.Singleton(
        TransferDeps, sales=sales_deps, stores=transfer_stores, sources=transfer_files, sinks=transfer_files,
        hasher=hasher,
    )
    import_records = providers.Singleton(ImportRecords, deps=transfer_deps)
    export_records = providers.Singleton(ExportRecords, deps=transfer_deps)
    export_template = providers.Singleton(ExportTemplate, deps=transfer_deps)
    transfer_work_dir = providers.Singleton(Path, settings.provided.attachments_dir, "transfer")
    """Where the web screens keep uploads and error workbooks, one directory per tenant and user."""
    report_files = providers.Singleton(ReportFiles)
    write_report = providers.Singleton(WriteReport, files=report_files)
    """A report run written as an xlsx or CSV file (the grid screen's downloads; the CLI's is its own)."""
    report_template_engine = providers.Singleton(XlsxTemplateEngine)
    """Checks and fills users' Excel templates (帳票テンプレート) at the OOXML level."""

    # catalog
    seed_default_code_lists = providers.Singleton(SeedDefaultCodeLists, uow=uow)
    list_code_lists = providers.Singleton(ListCodeLists, uow=uow)
    get_code_list = providers.Singleton(GetCodeList, uow=uow)

    # tenancy
    create_tenant = providers.Singleton(
        CreateTenant, uow=tenancy_uow, clock=clock, ids=ids, audit=audit,
        provision=providers.List(seed_default_code_lists),
    )
    list_tenants = providers.Singleton(ListTenants, uow=tenancy_uow)
    find_tenant = providers.Singleton(FindTenant, uow=tenancy_uow)
    get_tenant = providers.Singleton(GetTenant, uow=tenancy_uow)

    # directory
    create_company = providers.Singleton(CreateCompany, deps=directory_deps)
    list_companies = providers.Singleton(ListCompanies, deps=directory_deps)
    create_organization = providers.Singleton(CreateOrganization, deps=directory_deps)
    rename_organization = providers.Singleton(RenameOrganization, deps=directory_deps)
    move_organization = providers.Singleton(MoveOrganization, deps=directory_deps)
    close_organization = providers.Singleton(CloseOrganization, deps=directory_deps)
    list_organizations = providers.Singleton(ListOrganizations, deps=directory_deps)
    create_position = providers.Singleton(CreatePosition, deps=directory_deps)
    list_positions = providers.Singleton(ListPositions, deps=directory_deps)
    create_public_group = providers.Singleton(CreatePublicGroup, deps=directory_deps)
    add_group_member = providers.Singleton(AddGroupMember, deps=directory_deps)
    remove_group_member = providers.Singleton(RemoveGroupMember, deps=directory_deps)
    list_public_groups = providers.Singleton(ListPublicGroups, deps=directory_deps)
    add_user = providers.Singleton(AddUser, deps=directory_deps)
    set_user_password = providers.Singleton(SetUserPassword, deps=directory_deps)
    change_my_preferences = providers.Singleton(ChangeMyPreferences, deps=directory_deps)
    user_index = providers.Singleton(UserIndex, deps=directory_deps)
    deactivate_user = providers.Singleton(DeactivateUser, deps=directory_deps)
    list_users = providers.Singleton(ListUsers, deps=directory_deps)
    assign_affiliation = providers.Singleton(AssignAffiliation, deps=directory_deps)
    list_affiliations = providers.Singleton(ListAffiliations, deps=directory_deps)
    refresh_org_closure = providers.Singleton(RefreshOrgClosure, deps=directory_deps)

    # auth
    log_in = providers.Singleton(LogIn, deps=auth_deps)
    log_out = providers.Singleton(LogOut, deps=auth_deps)
    resolve_session = providers.Singleton(ResolveSession, deps=auth_deps)
    change_password = providers.Singleton(ChangePassword, deps=auth_deps)
    issue_api_token = providers.Singleton(IssueApiToken, deps=auth_deps)
    issue_api_token_for_user = providers.Singleton(IssueApiTokenForUser, deps=auth_deps)
    resolve_api_token = providers.Singleton(ResolveApiToken, deps=auth_deps)
    revoke_api_token = providers.Singleton(RevokeApiToken, deps=auth_deps)


def build_container(settings: Settings) -> Container:
    """A container for `settings`; tests override providers on the result."""
    container = Container(settings=settings)
    return container
