"""The visibility policy compiled to SQL, so lists, searches, counts, reports and exports filter
in the database. Must agree with `dps.domain.visibility.policy` (a property test checks it).

A record table follows the conventions: `tenant_id`, `id`, `owner_id`, `owner_organization_id`,
`created_by`, `is_restricted`; its staff and allow-list rows live in `record_staff` / `record_acl`
under its `record_type`. The subqueries name the viewer's tenant as a constant (not correlated on
the row's tenant_id), so PostgreSQL probes the (tenant_id, record_type, record_id) keys directly.
"""

from __future__ import annotations

import sqlalchemy as sa

from dps.adapters.db.tables.records import record_acl, record_staff
from dps.domain.visibility.policy import Viewer


def _staff_has(table: sa.Table, record_type: str, viewer: Viewer) -> sa.ColumnElement[bool]:
    s = record_staff
    return sa.exists().where(
        s.c.tenant_id == viewer.principal.tenant_id, s.c.record_type == record_type, s.c.record_id == table.c.id,
        s.c.user_id == viewer.principal.user_id,
    )


def visible_to(table: sa.Table, record_type: str, viewer: Viewer) -> sa.ColumnElement[bool]:
    """R1/R2: unrestricted rows, or restricted rows whose owner, creator, staff or allow-list
    includes the viewer (organisations and groups through their ancestors)."""
    if viewer.sees_everything:
        return sa.true()
    me = viewer.principal.user_id
    a = record_acl
    acl_subjects = [sa.and_(a.c.subject_type == "user", a.c.subject_id == me)]
    if viewer.org_ancestors:
        acl_subjects.append(sa.and_(a.c.subject_type == "org", a.c.subject_id.in_(sorted(viewer.org_ancestors))))
    if viewer.group_ancestors:
        acl_subjects.append(
            sa.and_(a.c.subject_type == "group", a.c.subject_id.in_(sorted(viewer.group_ancestors)))
        )
    listed = sa.exists().where(
        a.c.tenant_id == viewer.principal.tenant_id, a.c.record_type == record_type, a.c.record_id == table.c.id,
        sa.or_(*acl_subjects),
    )
    return sa.or_(
        table.c.is_restricted.is_(False),
        table.c.owner_id == me,
        table.c.created_by == me,
        _staff_has(table, record_type, viewer),
        listed,
    )


def mine(table: sa.Table, record_type: str, viewer: Viewer) -> sa.ColumnElement[bool]:
    """R4 自担当: owner or staff is me, or the owner's organisation lies at or under one of mine.
    A filter: always AND it with `visible_to`.

    The organisations come as constants: `viewer.org_descendants` was read from the refreshed
    closure (集計組織) when the Viewer was built. A correlated closure subquery would be the same rule
    but PostgreSQL re-runs it for every scanned row (seconds at a million records)."""
    me = viewer.principal.user_id
    conditions: list[sa.ColumnElement[bool]] = [table.c.owner_id == me, _staff_has(table, record_type, viewer)]
    scope = sorted(viewer.org_descendants | viewer.principal.organization_ids)
    if scope:
        conditions.append(table.c.owner_organization_id.in_(scope))
    return sa.or_(*conditions)
