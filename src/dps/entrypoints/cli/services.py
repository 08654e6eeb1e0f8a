"""What the `dps` commands need from the composition root, as a port.

Entrypoints may not import `dps.bootstrap` (the layer rule), so the commands see the wired
application through this protocol; `dps.bootstrap.cli_main` implements it on top of the
container and hands a `Boot` to the click group as its context object.
"""

from __future__ import annotations

from typing import Any, Protocol

from dps.application.auth.tokens import IssueApiTokenForUser
from dps.application.cards.import_deps import CardImportDeps
from dps.application.cards.reading import ReadBusinessCard
from dps.application.demo.seed import SeedDemo
from dps.application.directory.org_refresh import RefreshOrgClosure
from dps.application.directory.users import AddUser, DeactivateUser, ListUsers, SetUserPassword
from dps.application.registry.loading import OfflineRegistryPort
from dps.application.registry.ports import CorporateRegistry
from dps.application.reports.ports import ReportFileWriter
from dps.application.reports.templates.ports import ReportTemplateEngine
from dps.application.sales.deps import SalesDeps
from dps.application.tenancy.tenants import CreateTenant, FindTenant, ListTenants
from dps.application.transfer.imports import TransferDeps


class Services(Protocol):
    """The booted application of one `dps` run: settings facts, use cases, schema and server hooks."""

    # -- settings
    @property
    def database_label(self) -> str:
        """The database URL with its password hidden."""
        ...

    @property
    def is_sqlite(self) -> bool: ...

    @property
    def log_dir(self) -> str: ...

    @property
    def default_time_zone(self) -> str: ...

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...

    @property
    def workers(self) -> int: ...

    # -- use cases
    def create_tenant(self) -> CreateTenant: ...
    def list_tenants(self) -> ListTenants: ...
    def find_tenant(self) -> FindTenant: ...
    def add_user(self) -> AddUser: ...
    def list_users(self) -> ListUsers: ...
    def set_user_password(self) -> SetUserPassword: ...
    def deactivate_user(self) -> DeactivateUser: ...
    def issue_api_token_for_user(self) -> IssueApiTokenForUser: ...
    def refresh_org_closure(self) -> RefreshOrgClosure: ...
    def seed_demo(self) -> SeedDemo: ...
    def sales_deps(self) -> SalesDeps:
        """The bundle sales use cases are built from: `DeleteBudgets(services.sales_deps())`."""
        ...

    def transfer_deps(self) -> TransferDeps:
        """The bundle the Excel/CSV import and export use cases are built from."""
        ...

    def report_files(self) -> ReportFileWriter:
        """Writes report tables as CSV / xlsx files (`dps report run`)."""
        ...

    def read_business_card(self) -> ReadBusinessCard:
        """Reads business-card images with the configured OCR engine (`dps cards read`); no database."""
        ...

    def report_template_engine(self) -> ReportTemplateEngine:
        """Checks and fills users' Excel templates (`dps report template`)."""
        ...

    def corporate_registry(self) -> CorporateRegistry:
        """The 法人番号 registry: the sources of DPS_REGISTRY_ORDER asked in turn."""
        ...

    def card_import_deps(self) -> CardImportDeps:
        """The bundle of the bulk card import (`dps cards import`): OCR, images, PDF pages, registry."""
        ...

    def offline_registry(self) -> OfflineRegistryPort:
        """The local copy of the NTA data alone, to load, update and search (`dps registry`)."""
        ...

    # -- schema
    def ensure_schema(self) -> None:
        """Migrate the database to the newest revision."""
        ...

    def schema_revisions(self) -> tuple[str | None, str | None]:
        """(database revision or None, newest revision of the code)."""
        ...

    def database_problem(self, error: BaseException) -> str | None:
        """Why the database cannot serve when `error` comes from it (down, unmigrated); else None."""
        ...

    # -- web server
    def asgi_app(self) -> Any:
        """The ASGI web app of this process."""
        ...

    @property
    def asgi_factory(self) -> str:
        """Import string of a zero-argument app factory, for uvicorn worker processes."""
        ...

    def close(self) -> None:
        """Release the database connections."""
        ...


class Boot(Protocol):
    """Build the `Services` of this run; `database_url` overrides DPS_DATABASE_URL."""

    def __call__(self, *, database_url: str | None = None, log_stream: bool = False) -> Services: ...
