"""Use cases on the organisation tree (組織): open, rename, move and close from a date."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from attrs import frozen

from dps.application.directory.deps import DirectoryDeps
from dps.application.directory.ports import DirectoryUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_admin
from dps.application.shared.snapshots import snapshot
from dps.application.shared.time import today_in
from dps.domain.directory.organizations import Organization
from dps.domain.directory.tree import OrgTree
from dps.domain.shared.ids import CompanyId, OrganizationId
from dps.domain.shared.principal import Principal


@frozen
class CreateOrganizationCommand:
    company_id: CompanyId
    code: str
    name: str
    valid_from: date
    parent_id: OrganizationId | None = None
    kana: str = ""
    sort_key: int = 0


@frozen
class RenameOrganizationCommand:
    organization_id: OrganizationId
    name: str
    effective_from: date
    expected_version: int
    kana: str | None = None


@frozen
class MoveOrganizationCommand:
    organization_id: OrganizationId
    parent_id: OrganizationId | None
    effective_from: date
    expected_version: int


@frozen
class CloseOrganizationCommand:
    organization_id: OrganizationId
    effective_from: date
    expected_version: int


@frozen
class OrganizationView:
    """An organisation as it stands on `as_of`."""

    id: OrganizationId
    company_id: CompanyId
    code: str
    name: str
    kana: str
    parent_id: OrganizationId | None
    valid_from: date
    valid_to: date | None
    sort_key: int
    version: int


def _tree(uow: DirectoryUnitOfWork, company_id: CompanyId) -> OrgTree:
    company = uow.companies.get(company_id)
    if company is None:
        raise NotFound("company", company_id)
    return OrgTree.of(company, uow.organizations.list_for_company(company_id))


class CreateOrganization:
    """Open an organisation under a company, at the top level or under a parent.

    - Tenant administrators only.
    - The company must exist and have started by `valid_from`.
    - The parent must belong to the same company and exist for the whole life of the child.
    - The code is unique within the company.
    """

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreateOrganizationCommand) -> Organization:
        ensure_admin(principal, self._d.audit, "organization.create")
        with self._d.uow(principal.tenant_id) as uow:
            tree = _tree(uow, cmd.company_id)
            if uow.organizations.get_by_code(cmd.company_id, cmd.code.strip()) is not None:
                raise Conflict(f"organisation code '{cmd.code}' is already used in this company", field="code")
            with domain_rules():
                org = Organization.open(
                    OrganizationId(self._d.ids.new_id()), cmd.company_id, cmd.code, cmd.name,
                    parent_id=cmd.parent_id, valid_from=cmd.valid_from, kana=cmd.kana, sort_key=cmd.sort_key,
                )
                tree.put(org)
            uow.organizations.add(org)
            uow.commit()
        log_master_change(self._d.audit, principal, "organization", "create", org)
        return org


class _ChangeOrganization:
    """Shared flow of rename, move and close: load, check version, change, re-check the tree, save."""

    action = "change"

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def _apply(
        self,
        principal: Principal,
        organization_id: OrganizationId,
        expected_version: int,
        change: Callable[[Organization], None],
    ) -> Organization:
        ensure_admin(principal, self._d.audit, f"organization.{self.action}")
        with self._d.uow(principal.tenant_id) as uow:
            org = uow.organizations.get(organization_id)
            if org is None:
                raise NotFound("organisation", organization_id)
            if org.version != expected_version:
                raise Conflict("the organisation was changed by someone else", current_version=org.version)
            before = snapshot(org)
            tree = _tree(uow, org.company_id)
            with domain_rules():
                change(org)
                tree.put(org)
            uow.organizations.update(org)
            uow.commit()
        log_master_change(self._d.audit, principal, "organization", self.action, org, before=before)
        return org


class RenameOrganization(_ChangeOrganization):
    """Rename from a date on; earlier history keeps the old name."""

    action = "rename"

    def __call__(self, principal: Principal, cmd: RenameOrganizationCommand) -> Organization:
        return self._apply(
            principal, cmd.organization_id, cmd.expected_version,
            lambda o: o.rename(cmd.name, effective_from=cmd.effective_from, kana=cmd.kana),
        )


class MoveOrganization(_ChangeOrganization):
    """Hang under another parent from a date on; refused when it would make a cycle."""

    action = "move"

    def __call__(self, principal: Principal, cmd: MoveOrganizationCommand) -> Organization:
        return self._apply(
            principal, cmd.organization_id, cmd.expected_version,
            lambda o: o.move(cmd.parent_id, effective_from=cmd.effective_from),
        )


class CloseOrganization(_ChangeOrganization):
    """Close from a date on; refused while children would still hang under it."""

    action = "close"

    def __call__(self, principal: Principal, cmd: CloseOrganizationCommand) -> Organization:
        return self._apply(
            principal, cmd.organization_id, cmd.expected_version,
            lambda o: o.close(effective_from=cmd.effective_from),
        )


class ListOrganizations:
    """Every organisation valid on `as_of` (default: today in the user's zone), in tree order."""

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, as_of: date | None = None) -> Sequence[OrganizationView]:
        day = as_of or today_in(self._d.clock, principal.time_zone)
        with self._d.uow(principal.tenant_id) as uow:
            orgs = uow.organizations.list_all()
        views = [_view(o, day) for o in orgs if o.is_valid_at(day)]
        return _tree_order(views)


def _view(org: Organization, day: date) -> OrganizationView:
    v = org.version_at(day)
    assert v is not None
    return OrganizationView(
        id=org.id, company_id=org.company_id, code=org.code, name=v.name, kana=v.kana, parent_id=v.parent_id,
        valid_from=org.valid_from, valid_to=org.valid_to, sort_key=v.sort_key, version=org.version,
    )


def _tree_order(views: list[OrganizationView]) -> list[OrganizationView]:
    """Depth-first, siblings by (sort_key, code): the order admins read a tree in."""
    children: dict[OrganizationId | None, list[OrganizationView]] = {}
    ids = {v.id for v in views}
    for v in views:
        children.setdefault(v.parent_id if v.parent_id in ids else None, []).append(v)
    for kids in children.values():
        kids.sort(key=lambda v: (str(v.company_id), v.sort_key, v.code))
    out: list[OrganizationView] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        v = stack.pop()
        out.append(v)
        stack.extend(reversed(children.get(v.id, [])))
    return out
