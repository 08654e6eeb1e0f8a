"""What the visibility rules need to know about a record: owner, creator, staff, 非公開 allow-list."""

from __future__ import annotations

from attrs import field, frozen

from dps.domain.shared.ids import OrganizationId, PublicGroupId, UserId


@frozen
class Restriction:
    """非公開: the allow-list (公開先). Organisations include their sub-organisations and groups
    their child groups, as the original product's 'selecting a department includes its children'."""

    users: frozenset[UserId] = field(factory=frozenset)
    organizations: frozenset[OrganizationId] = field(factory=frozenset)
    groups: frozenset[PublicGroupId] = field(factory=frozenset)


@frozen
class RecordAccess:
    """The access-relevant facts of one record. A child (product line, comment, attachment,
    activity of a restricted opportunity) is judged on its parent's RecordAccess (R6)."""

    owner_id: UserId | None = None
    owner_organization_id: OrganizationId | None = None
    created_by: UserId | None = None
    staff_ids: frozenset[UserId] = field(factory=frozenset)
    restriction: Restriction | None = None

    @property
    def is_restricted(self) -> bool:
        return self.restriction is not None
