"""Use cases on companies (会社)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import frozen

from dps.application.directory.deps import DirectoryDeps
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, domain_rules
from dps.application.shared.guards import ensure_admin
from dps.domain.directory.companies import Company
from dps.domain.shared.ids import CompanyId
from dps.domain.shared.principal import Principal


@frozen
class CreateCompanyCommand:
    code: str
    name: str
    valid_from: date
    kana: str = ""


class CreateCompany:
    """Register a company.

    - Tenant administrators only.
    - The code is unique within the tenant.
    """

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreateCompanyCommand) -> Company:
        ensure_admin(principal, self._d.audit, "company.create")
        with self._d.uow(principal.tenant_id) as uow:
            if uow.companies.get_by_code(cmd.code.strip()) is not None:
                raise Conflict(f"company code '{cmd.code}' is already used", field="code")
            with domain_rules():
                company = Company(
                    id=CompanyId(self._d.ids.new_id()), code=cmd.code, name=cmd.name,
                    valid_from=cmd.valid_from, kana=cmd.kana,
                )
            uow.companies.add(company)
            uow.commit()
        log_master_change(self._d.audit, principal, "company", "create", company)
        return company


class ListCompanies:
    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> Sequence[Company]:
        with self._d.uow(principal.tenant_id) as uow:
            return uow.companies.list()
