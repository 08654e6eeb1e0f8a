"""Build the Viewer (principal + hierarchy facts) the visibility rules are evaluated with."""

from __future__ import annotations

from datetime import date

from dps.application.directory.ports import DirectoryUnitOfWork
from dps.domain.directory.affiliations import current_affiliations
from dps.domain.directory.closure import build_closure
from dps.domain.shared.ids import PositionId, PublicGroupId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer


def viewer_for(uow: DirectoryUnitOfWork, principal: Principal, today: date) -> Viewer:
    """Organisation facts come from the refreshed closure (集計組織), as the spec's roll-up does;
    manager posts from today's affiliations; group ancestry from the group tree valid today."""
    my_orgs = principal.organization_ids
    managed = {
        a.organization_id
        for a in current_affiliations(uow.affiliations.for_user(principal.user_id), today)
        if a.position_id is not None and _is_manager_post(uow, a.position_id)
    }
    groups = {g.id: g.parent_id for g in uow.public_groups.list() if g.period.contains(today)}
    group_ancestors: set[PublicGroupId] = {
        row.ancestor for row in build_closure(groups) if row.descendant in principal.group_ids
    }
    return Viewer(
        principal=principal,
        org_ancestors=frozenset(uow.org_closure.ancestors_or_self(my_orgs) | my_orgs),
        org_descendants=frozenset(uow.org_closure.descendants_or_self(my_orgs) | my_orgs),
        managed_org_descendants=frozenset(uow.org_closure.descendants_or_self(managed) | managed),
        group_ancestors=frozenset(group_ancestors | principal.group_ids),
    )


def _is_manager_post(uow: DirectoryUnitOfWork, position_id: PositionId) -> bool:
    position = uow.positions.get(position_id)
    return position is not None and position.is_manager
