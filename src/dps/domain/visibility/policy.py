"""Who may see, edit, comment on and like a record (rules R1-R5 of the domain model, §3.3).

The same rules are compiled to SQL by the database adapter; a property test keeps the two
in agreement. `Viewer` is the principal plus the hierarchy facts the rules need, computed
once per request from the organisation and group closures.
"""

from __future__ import annotations

import enum

from attrs import field, frozen

from dps.domain.shared.ids import OrganizationId, PublicGroupId
from dps.domain.shared.principal import Principal, Role
from dps.domain.visibility.records import RecordAccess


class UpdateRule(enum.StrEnum):
    """Tenant parameter: who may update a record they can see."""

    ANY_FULL_USER = "any_full_user"
    """As the original product: every full user."""
    STRICT = "strict"
    """Owner, staff, creator, managers above the owner's organisation, administrators."""


@frozen
class Viewer:
    """The principal with its place in the hierarchies.

    - `org_ancestors`: ancestors-or-self of the viewer's current organisations (a restricted
      record listing any of them is visible: listing an organisation includes its children);
    - `org_descendants`: descendants-or-self of the viewer's organisations (自担当 scope);
    - `managed_org_descendants`: descendants-or-self of organisations where the viewer holds a
      manager post (strict update rule);
    - `group_ancestors`: ancestors-or-self of the viewer's public groups.
    """

    principal: Principal
    org_ancestors: frozenset[OrganizationId] = field(factory=frozenset)
    org_descendants: frozenset[OrganizationId] = field(factory=frozenset)
    managed_org_descendants: frozenset[OrganizationId] = field(factory=frozenset)
    group_ancestors: frozenset[PublicGroupId] = field(factory=frozenset)

    @property
    def sees_everything(self) -> bool:
        return Role.SEE_ALL in self.principal.roles


def can_view(viewer: Viewer, record: RecordAccess) -> bool:
    """R1/R2: every licensed user reads unrestricted records; a restricted one only its allow-list,
    its owner, creator and staff, and holders of the see-everything role."""
    restriction = record.restriction
    if restriction is None or viewer.sees_everything:
        return True
    me = viewer.principal.user_id
    return (
        _in_charge(viewer, record)
        or me in restriction.users
        or not restriction.organizations.isdisjoint(viewer.org_ancestors)
        or not restriction.groups.isdisjoint(viewer.group_ancestors)
    )


def can_edit(viewer: Viewer, record: RecordAccess, rule: UpdateRule) -> bool:
    """R1/R5: light users never edit; under the strict rule only the people in charge do."""
    if not viewer.principal.can_write_records or not can_view(viewer, record):
        return False
    if rule is UpdateRule.ANY_FULL_USER or viewer.principal.is_admin:
        return True
    return _in_charge(viewer, record) or (
        record.owner_organization_id is not None and record.owner_organization_id in viewer.managed_org_descendants
    )


def _in_charge(viewer: Viewer, record: RecordAccess) -> bool:
    """Owner, creator or staff of the record."""
    me = viewer.principal.user_id
    return record.owner_id == me or record.created_by == me or me in record.staff_ids


def can_comment_and_like(viewer: Viewer, record: RecordAccess) -> bool:
    """Everyone who can see a record may comment on it and like it, light users included."""
    return can_view(viewer, record)


def is_mine(viewer: Viewer, record: RecordAccess) -> bool:
    """R4 自担当: I own it or am staff, or its owner's organisation lies at or under one of mine.
    A filter, never a grant: combine with can_view."""
    me = viewer.principal.user_id
    return (
        record.owner_id == me
        or me in record.staff_ids
        or (record.owner_organization_id is not None and record.owner_organization_id in viewer.org_descendants)
    )
