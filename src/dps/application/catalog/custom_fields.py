"""Use cases on 拡張項目 custom field definitions: define, change, list.

They take what they use (the catalog unit-of-work factory, and the clock, ids and audit log where
needed) as keyword arguments rather than a deps bundle, so any bundle that has them — e.g.
`SalesDeps`, whose unit of work includes the catalog — can build them per call.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from dps.application.catalog.code_lists import CatalogUowFactory
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, Invalid, NotFound, domain_rules
from dps.application.shared.guards import ensure_admin
from dps.application.shared.ports import AuditLog, Clock, IdFactory
from dps.application.shared.snapshots import snapshot
from dps.domain.catalog.custom_fields import CustomFieldDef, CustomFieldId, check_entity
from dps.domain.shared.principal import Principal

AUDIT_ENTITY = "custom_field"


@frozen
class DefineCustomFieldCommand:
    entity: str
    key: str
    label_ja: str
    kind: str
    label_en: str = ""
    required: bool = False
    code_list_key: str | None = None
    max_length: int | None = None
    sort_order: int = 0


@frozen
class UpdateCustomFieldCommand:
    """A None attribute is left as it is."""

    field_id: CustomFieldId
    expected_version: int
    label_ja: str | None = None
    label_en: str | None = None
    required: bool | None = None
    is_active: bool | None = None
    sort_order: int | None = None


class DefineCustomField:
    """Add a custom field to a record kind.

    - Tenant administrators only.
    - The key is unique within the entity (409 on `key` otherwise).
    - A choice field names an existing code list; its active values are the choices.
    """

    def __init__(self, *, uow: CatalogUowFactory, clock: Clock, ids: IdFactory, audit: AuditLog) -> None:
        self._uow, self._clock, self._ids, self._audit = uow, clock, ids, audit

    def __call__(self, principal: Principal, cmd: DefineCustomFieldCommand) -> CustomFieldDef:
        ensure_admin(principal, self._audit, "custom_field.create")
        with domain_rules():
            definition = CustomFieldDef(
                id=CustomFieldId(self._ids.new_id()), entity=cmd.entity, key=cmd.key, label_ja=cmd.label_ja,
                label_en=cmd.label_en, kind=cmd.kind, required=cmd.required, code_list_key=cmd.code_list_key,
                max_length=cmd.max_length, sort_order=cmd.sort_order, created_at=self._clock.now(),
            )
        with self._uow(principal.tenant_id) as uow:
            if uow.custom_fields.get_by_key(definition.entity, definition.key) is not None:
                raise Conflict(
                    f"拡張項目 '{definition.key}' は既に存在します / custom field '{definition.key}' already exists"
                    f" on {definition.entity}",
                    field="key",
                )
            if definition.code_list_key is not None and uow.code_lists.get(definition.code_list_key) is None:
                raise Invalid.field("code_list_key", f"code list '{definition.code_list_key}' does not exist")
            uow.custom_fields.add(definition)
            uow.commit()
        log_master_change(self._audit, principal, AUDIT_ENTITY, "create", definition)
        return definition


class UpdateCustomField:
    """Change a definition's labels, required flag, order or whether it is offered (active).

    Entity, key, kind and code list stay fixed: records already store values that depend on them.
    The command carries the version the client read; a stale one is a Conflict with the current one.
    """

    def __init__(self, *, uow: CatalogUowFactory, audit: AuditLog) -> None:
        self._uow, self._audit = uow, audit

    def __call__(self, principal: Principal, cmd: UpdateCustomFieldCommand) -> CustomFieldDef:
        ensure_admin(principal, self._audit, "custom_field.update")
        with self._uow(principal.tenant_id) as uow:
            definition = uow.custom_fields.get(cmd.field_id)
            if definition is None:
                raise NotFound("custom field", cmd.field_id)
            if definition.version != cmd.expected_version:
                raise Conflict("the custom field was changed by someone else", current_version=definition.version)
            before = snapshot(definition)
            with domain_rules():
                definition.relabel(cmd.label_ja, cmd.label_en)
                if cmd.required is not None:
                    definition.set_required(cmd.required)
                if cmd.sort_order is not None:
                    definition.reorder(cmd.sort_order)
                if cmd.is_active is True:
                    definition.activate()
                elif cmd.is_active is False:
                    definition.deactivate()
            uow.custom_fields.update(definition)
            uow.commit()
        log_master_change(self._audit, principal, AUDIT_ENTITY, "update", definition, before=before)
        return definition


class ListCustomFields:
    """The definitions of one record kind (or all), in display order; any logged-in user may read them."""

    def __init__(self, *, uow: CatalogUowFactory) -> None:
        self._uow = uow

    def __call__(
        self, principal: Principal, entity: str | None = None, *, include_inactive: bool = False
    ) -> Sequence[CustomFieldDef]:
        if entity is not None:
            with domain_rules():
                check_entity(entity)
        with self._uow(principal.tenant_id) as uow:
            found = uow.custom_fields.list(entity)
        return [d for d in found if include_inactive or d.is_active]
