"""パブリックグループ Public group: a cross-organisation group with roles (役割) for its members."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from attrs import define, field, frozen

from dps.domain.directory.codes import validate_code, validate_name
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import GroupMembershipId, GroupRoleId, PublicGroupId, UserId
from dps.domain.shared.periods import Period


@frozen
class GroupRole:
    id: GroupRoleId
    code: str = field(converter=validate_code)
    name: str = field(converter=validate_name)


@define(eq=False)
class PublicGroup:
    id: PublicGroupId
    code: str = field(converter=validate_code)
    name: str = field(converter=validate_name)
    period: Period
    parent_id: PublicGroupId | None = None
    roles: list[GroupRole] = field(factory=list)
    version: int = 1

    def add_role(self, role: GroupRole) -> None:
        if any(r.code == role.code for r in self.roles):
            raise DomainError(f"group '{self.code}' already has a role '{role.code}'", field="code")
        self.roles.append(role)

    def role(self, role_id: GroupRoleId) -> GroupRole:
        for r in self.roles:
            if r.id == role_id:
                return r
        raise DomainError(f"role does not belong to group '{self.code}'", field="role_id")


@frozen
class GroupMembership:
    id: GroupMembershipId
    group_id: PublicGroupId
    user_id: UserId
    period: Period
    role_id: GroupRoleId | None = None


def check_new_membership(
    group: PublicGroup, existing: Iterable[GroupMembership], new: GroupMembership
) -> None:
    """A membership lies inside the group's period, names a role of that group, and does not
    overlap the same user's other membership of the same group."""
    if not group.period.covers(new.period):
        raise DomainError(f"membership lies outside the period of group '{group.code}'", field="valid_from")
    if new.role_id is not None:
        group.role(new.role_id)
    for m in existing:
        same = m.id != new.id and m.group_id == new.group_id and m.user_id == new.user_id
        if same and m.period.overlaps(new.period):
            raise DomainError("the user is already a member of this group in that period", field="valid_from")


def groups_at(memberships: Iterable[GroupMembership], day: date) -> frozenset[PublicGroupId]:
    return frozenset(m.group_id for m in memberships if m.period.contains(day))
