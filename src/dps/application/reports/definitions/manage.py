"""Save, change, copy and delete report definitions. Any full user saves definitions of their own
and copies those they may use; only the owner and administrators change, re-share or delete one.
Every change goes to the master-data log, and a change of who may use a definition to the security
log as well."""

from __future__ import annotations

from uuid import UUID

from attrs import evolve, frozen

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.definitions.rules import (
    WHAT,
    DefinitionInput,
    KindShape,
    catalog_of,
    changeable_definition,
    check_against_kind,
    check_name_free,
    check_references,
    definition_user,
    usable_definition,
)
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import acting_user
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.ports import AuditLog
from dps.application.shared.snapshots import snapshot
from dps.domain.reports.definitions import ReportDefinition, Sharing, copy_name
from dps.domain.shared.principal import Principal

STALE = "レポート定義は他の人が先に更新しました / the report definition was changed by someone else"


@frozen
class UpdateDefinitionCommand:
    definition_id: UUID
    expected_version: int
    content: DefinitionInput


@frozen
class CopyDefinitionCommand:
    definition_id: UUID
    name: str | None = None
    """Default 「<name> のコピー」 (numbered when taken)."""


@frozen
class DeleteDefinitionCommand:
    definition_id: UUID
    expected_version: int | None = None


def _log_sharing(audit: AuditLog, principal: Principal, definition: ReportDefinition,
                 before: Sharing | None) -> None:
    """Who may use a definition is security-relevant: log every change of it."""
    after = definition.sharing
    if (before or Sharing()) == after:
        return
    audit.security("report_definition.shared", user=principal.login_id, record_id=str(definition.id),
                   everyone=after.everyone, organizations=sorted(str(o) for o in after.organization_ids),
                   groups=sorted(str(g) for g in after.group_ids))


class CreateReportDefinition:
    """Save a new definition owned by the principal (full licence); the kind, its columns and
    parameters, the shared organisations and groups are checked (Invalid naming the field)."""

    def __init__(self, deps: SalesDeps, catalog: ReportCatalog | None = None) -> None:
        self._d = deps
        self._catalog = catalog_of(deps, catalog)

    def __call__(self, principal: Principal, data: DefinitionInput) -> ReportDefinition:
        d = self._d
        ensure_can_write(principal, d.audit, "report_definition.create")
        shape = KindShape.of(self._catalog, data.kind, principal)
        with d.uow(principal.tenant_id) as uow:
            with domain_rules():
                definition = ReportDefinition.create(d.ids.new_id(), data.draft(),
                                                     owner_id=acting_user(uow, principal), at=d.clock.now())
            check_against_kind(shape, definition)
            check_references(uow, definition)
            check_name_free(uow, definition, other_than=None)
            uow.report_definitions.add(definition)
            uow.commit()
        log_master_change(d.audit, principal, WHAT, "create", definition)
        _log_sharing(d.audit, principal, definition, None)
        return definition


class UpdateReportDefinition:
    """Replace a definition's content and sharing if it is still at `expected_version` (Conflict
    carrying the current version otherwise). Owner and administrators only."""

    def __init__(self, deps: SalesDeps, catalog: ReportCatalog | None = None) -> None:
        self._d = deps
        self._catalog = catalog_of(deps, catalog)

    def __call__(self, principal: Principal, cmd: UpdateDefinitionCommand) -> ReportDefinition:
        d = self._d
        ensure_can_write(principal, d.audit, "report_definition.update")
        shape = KindShape.of(self._catalog, cmd.content.kind, principal)
        with d.uow(principal.tenant_id) as uow:
            user = definition_user(uow, principal, d)
            old = changeable_definition(uow, user, cmd.definition_id, principal, d.audit, "report_definition.update")
            if old.version != cmd.expected_version:
                raise Conflict(STALE, current_version=old.version)
            with domain_rules():
                new = old.revise(cmd.content.draft(), by=acting_user(uow, principal), at=d.clock.now())
            check_against_kind(shape, new)
            check_references(uow, new)
            check_name_free(uow, new, other_than=new.id)
            new = evolve(new, version=uow.report_definitions.update(new))
            uow.commit()
        log_master_change(d.audit, principal, WHAT, "update", new, before=snapshot(old))
        _log_sharing(d.audit, principal, new, old.sharing)
        return new


class CopyReportDefinition:
    """A private copy of a definition the principal may use, owned by the principal."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CopyDefinitionCommand) -> ReportDefinition:
        d = self._d
        ensure_can_write(principal, d.audit, "report_definition.copy")
        with d.uow(principal.tenant_id) as uow:
            user = definition_user(uow, principal, d)
            source = usable_definition(uow, user, cmd.definition_id)
            name = cmd.name
            if name is None:
                attempt = 1
                while uow.report_definitions.name_taken(copy_name(source.name, attempt)) and attempt < 100:
                    attempt += 1
                name = copy_name(source.name, attempt)
            with domain_rules():
                copy = source.copy(d.ids.new_id(), owner_id=acting_user(uow, principal), at=d.clock.now(),
                                   name=name)
            check_name_free(uow, copy, other_than=None)
            uow.report_definitions.add(copy)
            uow.commit()
        log_master_change(d.audit, principal, WHAT, "copy", copy)
        return copy


class DeleteReportDefinition:
    """Delete a definition (owner and administrators); with `expected_version`, a changed one is kept
    (Conflict)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: DeleteDefinitionCommand) -> None:
        d = self._d
        ensure_can_write(principal, d.audit, "report_definition.delete")
        with d.uow(principal.tenant_id) as uow:
            user = definition_user(uow, principal, d)
            old = changeable_definition(uow, user, cmd.definition_id, principal, d.audit, "report_definition.delete")
            if cmd.expected_version is not None and old.version != cmd.expected_version:
                raise Conflict(STALE, current_version=old.version)
            uow.report_definitions.delete(old.id)
            uow.commit()
        d.audit.master_change(entity=WHAT, record_id=old.id, action="delete", actor=principal.login_id,
                              before=snapshot(old), after=None)
