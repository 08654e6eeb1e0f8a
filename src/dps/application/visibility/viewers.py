"""Build the Viewer (principal + hierarchy facts) the visibility rules are evaluated with."""

from __future__ import annotations

from datetime import date

from dps.application.directory.ports import DirectoryUnitOfWork
from dps.domain.directory.affiliations import current_affiliations
from dps.domain.shared.ids import OrganizationId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer


def viewer_for(uow: DirectoryUnitOfWork, principal: Principal, today: date) -> Viewer:
    """The principal's Viewer on `today`, from this process's memo while the tenant's directory version
    is the one the memo entry was built under (the version is read before any fact)."""
    tenant = uow.tenant()
    memo = uow.directory_memo()
    if memo is None:
        return build_viewer(uow, principal, today)
    key = (tenant.id, principal.user_id, tenant.directory_version, today, principal)
    viewer = memo.viewers.get(key)
    if viewer is None:
        viewer = build_viewer(uow, principal, today)
        memo.viewers.put(key, viewer)
    return viewer


def build_viewer(uow: DirectoryUnitOfWork, principal: Principal, today: date) -> Viewer:
    """Organisation facts come from the refreshed closure (集計組織), as the spec's roll-up does;
    manager posts from today's affiliations; group ancestry from the group tree valid today.
    At most four queries: affiliations, their positions, the closure rows, the group ancestry."""
    my_orgs = principal.organization_ids
    posts = [
        (a.organization_id, a.position_id)
        for a in current_affiliations(uow.affiliations.for_user(principal.user_id), today)
        if a.position_id is not None
    ]
    manager_posts = {p.id for p in uow.positions.get_many({position for _, position in posts}) if p.is_manager}
    managed = {org for org, position in posts if position in manager_posts}
    ancestors: set[OrganizationId] = set(my_orgs)
    descendants: set[OrganizationId] = set(my_orgs)
    managed_descendants: set[OrganizationId] = set(managed)
    for row in uow.org_closure.touching(ancestors=my_orgs | managed, descendants=my_orgs):
        if row.descendant in my_orgs:
            ancestors.add(row.ancestor)
        if row.ancestor in my_orgs:
            descendants.add(row.descendant)
        if row.ancestor in managed:
            managed_descendants.add(row.descendant)
    return Viewer(
        principal=principal,
        org_ancestors=frozenset(ancestors),
        org_descendants=frozenset(descendants),
        managed_org_descendants=frozenset(managed_descendants),
        group_ancestors=frozenset(
            uow.public_groups.ancestors_or_self(principal.group_ids, today) | principal.group_ids
        ),
    )
