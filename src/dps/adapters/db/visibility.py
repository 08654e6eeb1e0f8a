"""The visibility policy compiled to SQL, so lists, searches, counts, reports and exports filter
in the database. Must agree with `dps.domain.visibility.policy` (a property test checks it).

A record table follows the conventions: `tenant_id`, `id`, `owner_id`, `owner_organization_id`,
`created_by`, `is_restricted`; its staff and allow-list rows live in `record_staff` / `record_acl`
under its `record_type`. The subqueries name the viewer's tenant as a constant (not correlated on
the row's tenant_id), so PostgreSQL probes the (tenant_id, record_type, record_id) keys directly.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Collection
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from dps.adapters.db.tables.records import record_acl, record_staff
from dps.domain.visibility.policy import Viewer


class InIds(sa.ColumnElement[bool]):
    """`column IN (ids)`, sent to PostgreSQL as `column = ANY(:ids)` with ONE uuid[] parameter.

    A manager's scope is hundreds of organisation ids; as an expanding IN they make every statement
    kilobytes long and different per list length, which costs a millisecond of Python per query
    (SQLAlchemy's post-compile expansion and psycopg's query parsing, uncached above 4 KiB) and
    defeats psycopg's prepared statements. Other dialects get the plain IN."""

    inherit_cache = True
    type = sa.Boolean()
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own class-level declaration
        ("column", InternalTraversal.dp_clauseelement),
        ("array", InternalTraversal.dp_clauseelement),
        ("ids", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: sa.ColumnElement[Any], ids: Collection[UUID]) -> None:
        values = sorted(ids)
        self.column = column
        self.array = sa.bindparam(None, values, type_=postgresql.ARRAY(sa.Uuid()))
        self.ids = sa.bindparam(None, values, type_=sa.Uuid(), expanding=True)


@compiles(InIds, "postgresql")
def _in_ids_postgresql(element: InIds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.array, **kw)})"


@compiles(InIds)
def _in_ids_default(element: InIds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} IN {compiler.process(element.ids, **kw)}"


def _staff_has(table: sa.Table, record_type: str, viewer: Viewer) -> sa.ColumnElement[bool]:
    s = record_staff
    return sa.exists().where(
        s.c.tenant_id == viewer.principal.tenant_id, s.c.record_type == record_type, s.c.record_id == table.c.id,
        s.c.user_id == viewer.principal.user_id,
    )


_Builder = Callable[[sa.Table, str, Viewer], sa.ColumnElement[bool]]
_PREDICATES: weakref.WeakKeyDictionary[Viewer, dict[tuple[_Builder, sa.Table, str], sa.ColumnElement[bool]]] = (
    weakref.WeakKeyDictionary())
_PREDICATES_LOCK = threading.Lock()


def _memoised(build: _Builder) -> _Builder:
    """The predicate built once per (viewer, table, record type) and reused by every statement.

    Viewers come from the directory memo, one object per user and directory version, so a list
    page reuses the expression instead of rebuilding a few hundred SQLAlchemy nodes (about 0.5 ms a
    page for a manager). Expressions are immutable and carry their organisation ids as bound values.
    Only plain tables are kept (an alias made per call would only grow the memo); an entry goes with
    its viewer."""

    def predicate(table: sa.Table, record_type: str, viewer: Viewer) -> sa.ColumnElement[bool]:
        if not isinstance(table, sa.Table):
            return build(table, record_type, viewer)
        key = (build, table, record_type)
        with _PREDICATES_LOCK:
            found = _PREDICATES.get(viewer, {}).get(key)
        if found is None:
            found = build(table, record_type, viewer)
            with _PREDICATES_LOCK:
                _PREDICATES.setdefault(viewer, {})[key] = found
        return found

    predicate.__doc__ = build.__doc__
    return predicate


@_memoised
def visible_to(table: sa.Table, record_type: str, viewer: Viewer) -> sa.ColumnElement[bool]:
    """R1/R2: unrestricted rows, or restricted rows whose owner, creator, staff or allow-list
    includes the viewer (organisations and groups through their ancestors)."""
    if viewer.sees_everything:
        return sa.true()
    me = viewer.principal.user_id
    a = record_acl
    acl_subjects = [sa.and_(a.c.subject_type == "user", a.c.subject_id == me)]
    if viewer.org_ancestors:
        acl_subjects.append(sa.and_(a.c.subject_type == "org", InIds(a.c.subject_id, viewer.org_ancestors)))
    if viewer.group_ancestors:
        acl_subjects.append(
            sa.and_(a.c.subject_type == "group", InIds(a.c.subject_id, viewer.group_ancestors))
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


@_memoised
def mine(table: sa.Table, record_type: str, viewer: Viewer) -> sa.ColumnElement[bool]:
    """R4 自担当: owner or staff is me, or the owner's organisation lies at or under one of mine.
    A filter: always AND it with `visible_to`.

    The organisations come as constants: `viewer.org_descendants` was read from the refreshed
    closure (集計組織) when the Viewer was built. A correlated closure subquery would be the same rule
    but PostgreSQL re-runs it for every scanned row (seconds at a million records)."""
    me = viewer.principal.user_id
    conditions: list[sa.ColumnElement[bool]] = [table.c.owner_id == me, _staff_has(table, record_type, viewer)]
    scope = viewer.org_descendants | viewer.principal.organization_ids
    if scope:
        conditions.append(InIds(table.c.owner_organization_id, scope))
    return sa.or_(*conditions)
