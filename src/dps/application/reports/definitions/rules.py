"""What saving a definition checks beyond the domain's own rules (the kind exists, its columns and
parameters are the kind's, shared organisations and groups exist in the tenant), and the use and
change checks every definition use case applies: a definition the user may not use is NotFound (never
revealing that it exists); one the user may use but not change is Forbidden, logged."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from attrs import field, frozen

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.params import ParamKind, Params, ReportKind
from dps.application.sales.access import viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Forbidden, Invalid, NotFound
from dps.application.shared.ports import AuditLog
from dps.domain.reports.definitions import DefinitionDraft, DefinitionUser, ReportDefinition, Sharing
from dps.domain.shared.ids import OrganizationId, PublicGroupId
from dps.domain.shared.principal import Principal

WHAT = "report_definition"


@frozen
class DefinitionInput:
    """A definition as entered (API body, form, CLI)."""

    name: str
    kind: str
    description: str = ""
    columns: tuple[str, ...] = ()
    params: Mapping[str, str] = field(factory=dict)
    sort_key: str | None = None
    sort_desc: bool = False
    template_id: UUID | None = None
    shared_all: bool = False
    organization_ids: tuple[UUID, ...] = ()
    group_ids: tuple[UUID, ...] = ()

    def draft(self) -> DefinitionDraft:
        sharing = Sharing(self.shared_all, frozenset(OrganizationId(o) for o in self.organization_ids),
                          frozenset(PublicGroupId(g) for g in self.group_ids))
        return DefinitionDraft(self.name, self.kind, self.description, self.columns, self.params, self.sort_key,
                               self.sort_desc, self.template_id, sharing)


def catalog_of(deps: SalesDeps, catalog: ReportCatalog | None) -> ReportCatalog:
    return catalog if catalog is not None else ReportCatalog(deps)


def definition_user(uow: SalesUnitOfWork, principal: Principal, deps: SalesDeps) -> DefinitionUser:
    return DefinitionUser.of(viewer_in(uow, principal, deps.clock))


def usable_definition(uow: SalesUnitOfWork, user: DefinitionUser, definition_id: UUID) -> ReportDefinition:
    """The definition if `user` may use it; NotFound otherwise, as if it did not exist."""
    definition = uow.report_definitions.get(definition_id)
    if definition is None or not definition.may_use(user):
        raise NotFound(WHAT, definition_id)
    return definition


def changeable_definition(uow: SalesUnitOfWork, user: DefinitionUser, definition_id: UUID, principal: Principal,
                          audit: AuditLog, action: str) -> ReportDefinition:
    """NotFound if the user may not use it; Forbidden (security log) if not the owner nor an administrator."""
    definition = usable_definition(uow, user, definition_id)
    if not definition.may_change(user):
        audit.security("permission.denied", user=principal.login_id, action=action, record_type=WHAT,
                       record_id=str(definition_id), reason="only the owner or an administrator may change it")
        raise Forbidden("only the owner or an administrator may change this report definition / "
                        "このレポート定義を変更できるのは所有者と管理者だけです")
    return definition


@frozen
class KindShape:
    """A kind with the column keys it has today, read before the unit of work opens (a kind reads
    its code lists in a transaction of its own)."""

    kind: ReportKind
    keys: tuple[str, ...]

    @classmethod
    def of(cls, catalog: ReportCatalog, name: str, principal: Principal) -> KindShape:
        kind = catalog.get(name.strip())
        return cls(kind, tuple(c.key for c in kind.columns(principal)))


def check_against_kind(shape: KindShape, definition: ReportDefinition) -> None:
    """Columns and the sort column are the kind's (today's column keys), parameters are the kind's
    and read as its types say; Invalid naming the first key that is not."""
    kind, keys = shape.kind, shape.keys
    for i, key in enumerate(definition.columns):
        if key not in keys:
            raise Invalid.field(f"columns[{i}]", f"{kind.name} に列 {key} はありません / unknown column {key!r} "
                                                 f"for {kind.name}")
    if definition.sort_key is not None and definition.sort_key not in keys:
        raise Invalid.field("sort_key", f"{kind.name} に列 {definition.sort_key} はありません / unknown column "
                                        f"{definition.sort_key!r}")
    specs = {s.name: s for s in kind.params}
    for name in definition.params:
        if name not in specs:
            raise Invalid.field(f"params.{name}", f"{kind.name} にパラメータ {name} はありません / unknown "
                                                  f"parameter {name!r} for {kind.name}")
    values = Params(definition.params)
    for name, spec in specs.items():
        try:
            _read(values, name, spec.kind, tuple(v for v, _ in spec.choices))
        except Invalid as e:
            raise Invalid({f"params.{k}": v for k, v in e.errors.items()}) from e


def _read(values: Params, name: str, kind: ParamKind, choices: tuple[str, ...]) -> None:
    if values.text(name) is None:
        return
    if kind is ParamKind.DATE:
        values.date(name)
    elif kind is ParamKind.YEAR:
        values.int(name)
    elif kind in (ParamKind.ORGANIZATION, ParamKind.RECORD):
        values.uuid(name)
    elif kind is ParamKind.BOOL:
        values.flag(name)
    elif kind is ParamKind.CHOICE and choices:
        values.choice(name, choices, choices[0])


def check_references(uow: SalesUnitOfWork, definition: ReportDefinition) -> None:
    """Shared organisations and public groups, and the template, exist in this tenant."""
    sharing = definition.sharing
    for org in sorted(sharing.organization_ids):
        if uow.organizations.get(org) is None:
            raise Invalid.field("organization_ids", f"組織 {org} がありません / no organisation {org}")
    for group in sorted(sharing.group_ids):
        if uow.public_groups.get(group) is None:
            raise Invalid.field("group_ids", f"公開グループ {group} がありません / no public group {group}")
    if definition.template_id is not None and not uow.report_definitions.template_exists(definition.template_id):
        raise Invalid.field("template_id", f"テンプレート {definition.template_id} がありません / no such template")


def check_name_free(uow: SalesUnitOfWork, definition: ReportDefinition, *, other_than: UUID | None) -> None:
    if uow.report_definitions.name_taken(definition.name, other_than=other_than):
        raise Invalid.field("name", f"「{definition.name}」は既に使われています / the name is taken")
