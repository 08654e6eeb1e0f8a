"""Use cases on positions (役職)."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from dps.application.directory.deps import DirectoryDeps
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_admin
from dps.domain.directory.positions import Position
from dps.domain.shared.ids import CompanyId, PositionId
from dps.domain.shared.principal import Principal


@frozen
class CreatePositionCommand:
    company_id: CompanyId
    code: str
    name: str
    rank: int = 0
    is_manager: bool = False


class CreatePosition:
    """Register a position of a company.

    - Tenant administrators only; the company must exist; the code is unique per company.
    """

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreatePositionCommand) -> Position:
        ensure_admin(principal, self._d.audit, "position.create")
        with self._d.uow(principal.tenant_id) as uow:
            if uow.companies.get(cmd.company_id) is None:
                raise NotFound("company", cmd.company_id)
            if uow.positions.get_by_code(cmd.company_id, cmd.code.strip()) is not None:
                raise Conflict(f"position code '{cmd.code}' is already used in this company", field="code")
            with domain_rules():
                position = Position(
                    id=PositionId(self._d.ids.new_id()), company_id=cmd.company_id, code=cmd.code,
                    name=cmd.name, rank=cmd.rank, is_manager=cmd.is_manager,
                )
            uow.positions.add(position)
            uow.commit()
        log_master_change(self._d.audit, principal, "position", "create", position)
        return position


class ListPositions:
    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> Sequence[Position]:
        with self._d.uow(principal.tenant_id) as uow:
            return uow.positions.list()
