"""Use cases on public groups (パブリックグループ), their roles and members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import frozen

from dps.application.directory.deps import DirectoryDeps
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_admin
from dps.domain.directory.groups import GroupMembership, GroupRole, PublicGroup, check_new_membership
from dps.domain.shared.ids import GroupMembershipId, GroupRoleId, PublicGroupId, UserId
from dps.domain.shared.periods import Period
from dps.domain.shared.principal import Principal


@frozen
class CreatePublicGroupCommand:
    code: str
    name: str
    valid_from: date
    valid_to: date | None = None
    parent_id: PublicGroupId | None = None
    role_codes: tuple[tuple[str, str], ...] = ()


@frozen
class AddGroupMemberCommand:
    group_id: PublicGroupId
    user_id: UserId
    valid_from: date
    valid_to: date | None = None
    role_code: str | None = None


class CreatePublicGroup:
    """Register a public group with its roles (役割).

    - Tenant administrators only; the code is unique; a parent group must exist.
    """

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreatePublicGroupCommand) -> PublicGroup:
        ensure_admin(principal, self._d.audit, "public_group.create")
        with self._d.uow(principal.tenant_id) as uow:
            if uow.public_groups.get_by_code(cmd.code.strip()) is not None:
                raise Conflict(f"public group code '{cmd.code}' is already used", field="code")
            if cmd.parent_id is not None and uow.public_groups.get(cmd.parent_id) is None:
                raise NotFound("public group", cmd.parent_id)
            with domain_rules():
                group = PublicGroup(
                    id=PublicGroupId(self._d.ids.new_id()), code=cmd.code, name=cmd.name,
                    period=Period(cmd.valid_from, cmd.valid_to), parent_id=cmd.parent_id,
                )
                for code, name in cmd.role_codes:
                    group.add_role(GroupRole(GroupRoleId(self._d.ids.new_id()), code, name))
            uow.public_groups.add(group)
            uow.commit()
        log_master_change(self._d.audit, principal, "public_group", "create", group)
        return group


class AddGroupMember:
    """Make a user a member of a public group, optionally in one of its roles."""

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: AddGroupMemberCommand) -> GroupMembership:
        ensure_admin(principal, self._d.audit, "public_group.add_member")
        with self._d.uow(principal.tenant_id) as uow:
            group = uow.public_groups.get(cmd.group_id)
            if group is None:
                raise NotFound("public group", cmd.group_id)
            if uow.users.get(cmd.user_id) is None:
                raise NotFound("user", cmd.user_id)
            role_id = None
            if cmd.role_code is not None:
                matching = [r for r in group.roles if r.code == cmd.role_code]
                if not matching:
                    raise NotFound("role", cmd.role_code)
                role_id = matching[0].id
            with domain_rules():
                membership = GroupMembership(
                    id=GroupMembershipId(self._d.ids.new_id()), group_id=group.id, user_id=cmd.user_id,
                    period=Period(cmd.valid_from, cmd.valid_to), role_id=role_id,
                )
                check_new_membership(group, uow.group_memberships.for_user(cmd.user_id), membership)
            uow.group_memberships.add(membership)
            uow.commit()
        log_master_change(self._d.audit, principal, "group_membership", "create", membership)
        return membership


class RemoveGroupMember:
    """End a user's membership of a public group by deleting it (tenant administrators only)."""

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, membership_id: GroupMembershipId) -> GroupMembership:
        ensure_admin(principal, self._d.audit, "public_group.remove_member")
        with self._d.uow(principal.tenant_id) as uow:
            membership = uow.group_memberships.get(membership_id)
            if membership is None:
                raise NotFound("group membership", membership_id)
            uow.group_memberships.remove(membership_id)
            uow.commit()
        log_master_change(self._d.audit, principal, "group_membership", "delete", membership)
        return membership


class ListPublicGroups:
    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal) -> Sequence[PublicGroup]:
        with self._d.uow(principal.tenant_id) as uow:
            return uow.public_groups.list()
