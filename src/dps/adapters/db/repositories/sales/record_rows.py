"""Rows every sales record keeps beside its own table: staff (record_staff), the 非公開 allow-list
(record_acl) and relations (record_relations); and the clean-up when a record is deleted, so no
comment, like, attachment or notification is left pointing at nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.tables.collaboration import attachments, comments, likes, notifications
from dps.adapters.db.tables.records import record_acl, record_relations, record_staff
from dps.domain.sales.records import RecordType, Relation, StaffMember
from dps.domain.shared.ids import OrganizationId, PublicGroupId, TenantId, UserId
from dps.domain.visibility.records import Restriction


def _of(table: sa.Table, tenant: TenantId, record_type: RecordType, ids: Iterable[UUID]) -> sa.ColumnElement[bool]:
    return sa.and_(
        table.c.tenant_id == tenant, table.c.record_type == record_type.value, table.c.record_id.in_(list(ids))
    )


def save_staff(
    conn: sa.Connection, tenant: TenantId, record_type: RecordType, record_id: UUID, staff: Sequence[StaffMember]
) -> None:
    conn.execute(record_staff.delete().where(_of(record_staff, tenant, record_type, [record_id])))
    if staff:
        conn.execute(record_staff.insert(), [
            {"tenant_id": tenant, "record_type": record_type.value, "record_id": record_id, "user_id": m.user_id,
             "is_main": m.is_main}
            for m in staff
        ])


def save_restriction(
    conn: sa.Connection, tenant: TenantId, record_type: RecordType, record_id: UUID, restriction: Restriction | None
) -> None:
    """The allow-list rows; the record's own `is_restricted` column is written by its repository."""
    conn.execute(record_acl.delete().where(_of(record_acl, tenant, record_type, [record_id])))
    if restriction is None:
        return
    rows = [("user", s) for s in restriction.users] + [("org", s) for s in restriction.organizations] + [
        ("group", s) for s in restriction.groups
    ]
    if rows:
        conn.execute(record_acl.insert(), [
            {"tenant_id": tenant, "record_type": record_type.value, "record_id": record_id, "subject_type": kind,
             "subject_id": subject}
            for kind, subject in rows
        ])


def load_staff(
    conn: sa.Connection, tenant: TenantId, record_type: RecordType, ids: Iterable[UUID]
) -> dict[UUID, tuple[StaffMember, ...]]:
    found: dict[UUID, list[StaffMember]] = defaultdict(list)
    s = record_staff
    for r in conn.execute(sa.select(s).where(_of(s, tenant, record_type, ids)).order_by(s.c.is_main.desc())):
        found[r.record_id].append(StaffMember(user_id=cast(UserId, r.user_id), is_main=r.is_main))
    return {k: tuple(v) for k, v in found.items()}


def load_restrictions(
    conn: sa.Connection, tenant: TenantId, record_type: RecordType, restricted_ids: Iterable[UUID]
) -> dict[UUID, Restriction]:
    """The allow-list of each id given (pass only ids whose row says is_restricted: a restricted
    record with an empty list is still restricted)."""
    ids = list(restricted_ids)
    users: dict[UUID, set[UserId]] = defaultdict(set)
    orgs: dict[UUID, set[OrganizationId]] = defaultdict(set)
    groups: dict[UUID, set[PublicGroupId]] = defaultdict(set)
    if ids:
        for r in conn.execute(sa.select(record_acl).where(_of(record_acl, tenant, record_type, ids))):
            if r.subject_type == "user":
                users[r.record_id].add(cast(UserId, r.subject_id))
            elif r.subject_type == "org":
                orgs[r.record_id].add(cast(OrganizationId, r.subject_id))
            else:
                groups[r.record_id].add(cast(PublicGroupId, r.subject_id))
    return {
        i: Restriction(users=frozenset(users[i]), organizations=frozenset(orgs[i]), groups=frozenset(groups[i]))
        for i in ids
    }


def save_relations(
    conn: sa.Connection, tenant: TenantId, record_type: RecordType, record_id: UUID, relations: Sequence[Relation]
) -> None:
    conn.execute(record_relations.delete().where(_of(record_relations, tenant, record_type, [record_id])))
    if relations:
        conn.execute(record_relations.insert(), [
            {"tenant_id": tenant, "record_type": record_type.value, "record_id": record_id,
             "person_id": rel.person_id, "role_code": rel.role_code}
            for rel in relations
        ])


def load_relations(
    conn: sa.Connection, tenant: TenantId, record_type: RecordType, ids: Iterable[UUID]
) -> dict[UUID, tuple[Relation, ...]]:
    found: dict[UUID, list[Relation]] = defaultdict(list)
    rr = record_relations
    for r in conn.execute(sa.select(rr).where(_of(rr, tenant, record_type, ids)).order_by(rr.c.person_id)):
        found[r.record_id].append(Relation(person_id=r.person_id, role_code=r.role_code))
    return {k: tuple(v) for k, v in found.items()}


def delete_record_children(
    conn: sa.Connection, tenant: TenantId, record_type: RecordType, record_ids: Sequence[UUID]
) -> list[str]:
    """Delete staff, allow-list, relations, comments (and their likes), likes, attachment rows and
    notifications of the records; returns the attachments' storage keys for the caller to delete
    from the file store after commit."""
    if not record_ids:
        return []
    comment_ids = [
        r.id for r in conn.execute(sa.select(comments.c.id).where(_of(comments, tenant, record_type, record_ids)))
    ]
    keys_query = sa.select(attachments.c.storage_key).where(_of(attachments, tenant, record_type, record_ids))
    keys = [r.storage_key for r in conn.execute(keys_query)]
    for table in (record_staff, record_acl, record_relations, likes, attachments, notifications):
        conn.execute(table.delete().where(_of(table, tenant, record_type, record_ids)))
    if comment_ids:
        for table in (likes, notifications):
            conn.execute(table.delete().where(_of(table, tenant, RecordType.COMMENT, comment_ids)))
        conn.execute(comments.delete().where(comments.c.tenant_id == tenant, comments.c.id.in_(comment_ids)))
    return keys
