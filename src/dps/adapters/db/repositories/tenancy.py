"""SQL repository for the tenant registry, and the watcher that bumps a tenant's `directory_version`."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.tables import directory
from dps.adapters.db.tables.auth import api_tokens
from dps.adapters.db.tables.tenancy import tenants
from dps.application.shared.errors import Conflict
from dps.application.tenancy.ports import TenantRepository
from dps.domain.shared.ids import TenantId
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import UpdateRule


def tenant_of(r: Any) -> Tenant:
    return Tenant(
        id=r.id, code=r.code, name=r.name, time_zone=r.time_zone, fiscal_year_start_month=r.fiscal_year_start_month,
        full_licenses=r.full_licenses, light_licenses=r.light_licenses, is_active=r.is_active,
        update_rule=UpdateRule(r.update_rule), created_at=r.created_at, version=r.version,
        directory_version=r.directory_version,
    )


_BY_ID = sa.select(tenants).where(tenants.c.id == sa.bindparam("tenant_id"))
"""Built once: every request reads its tenant row, and building the statement costs more than running it."""


class SqlTenantRepository(TenantRepository):
    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def get(self, tenant_id: TenantId) -> Tenant | None:
        r = self._conn.execute(_BY_ID, {"tenant_id": tenant_id}).first()
        return tenant_of(r) if r else None

    def get_by_code(self, code: str) -> Tenant | None:
        r = self._conn.execute(sa.select(tenants).where(tenants.c.code == code)).first()
        return tenant_of(r) if r else None

    def list(self) -> Sequence[Tenant]:
        return [tenant_of(r) for r in self._conn.execute(sa.select(tenants).order_by(tenants.c.code))]

    def add(self, tenant: Tenant) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(tenants.insert().values(
                    id=tenant.id, code=tenant.code, name=tenant.name, time_zone=tenant.time_zone,
                    fiscal_year_start_month=tenant.fiscal_year_start_month, full_licenses=tenant.full_licenses,
                    light_licenses=tenant.light_licenses, is_active=tenant.is_active, created_at=tenant.created_at,
                    update_rule=tenant.update_rule.value,
                    version=1, directory_version=tenant.directory_version,
                ))
        except IntegrityError as e:
            raise Conflict(f"tenant code '{tenant.code}' is already used", field="code") from e


DIRECTORY_TABLES: frozenset[str] = frozenset(
    {t.name for t in vars(directory).values() if isinstance(t, sa.Table)} | {api_tokens.name}
)
"""Every table of the directory (users, affiliations, groups and memberships, positions, organisations,
the closure, ...) and the API tokens: what a Principal, a Viewer or a token check is built from.
Web sessions are not in it: they are checked against the database on every request anyway."""


_DML_TARGET = re.compile(r'\b(?:insert\s+into|update|delete\s+from)\s+(?:"?\w+"?\.)?"?(\w+)', re.IGNORECASE)
"""The table an INSERT, UPDATE or DELETE written as SQL text writes to."""


_WATCHER = "dps_directory_changes"
_WATCHED_ENGINES: weakref.WeakSet[sa.Engine] = weakref.WeakSet()


def written_tables(statement: str, context: Any) -> set[str]:
    """The tables an executed statement writes to (none for a SELECT): from the compiled construct, or
    from the text of SQL written by hand."""
    clause = getattr(getattr(context, "compiled", None), "statement", None)
    if isinstance(clause, sa.Select):
        return set()  # the common case, decided without looking at the text
    if isinstance(clause, sa.Insert | sa.Update | sa.Delete) and isinstance(clause.table, sa.Table):
        return {clause.table.name}
    return {m.group(1).lower() for m in _DML_TARGET.finditer(statement)}  # SQL text, or multi-table


def _dispatch(conn: sa.Connection, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
    watcher = conn.info.get(_WATCHER)
    if watcher is not None:
        watcher._after_cursor_execute(conn, cursor, statement, params, context, many)


class DirectoryChanges:
    """Watches one unit of work's connection: any INSERT, UPDATE or DELETE on a directory table marks it
    changed, and `bump` (called by commit) then increments the tenant's `directory_version` in the same
    transaction. Watching the statements sent (Core or SQL text), not the repository methods, means no
    write path through a unit of work can forget. (A driver-level COPY bypasses SQLAlchemy: call
    `mark()` around it.)

    A write known to change no principal or viewer fact (a failed-login counter, a password hash) runs
    inside `neutral()` so that every login does not invalidate every cached principal of the tenant.
    """

    def __init__(self, conn: sa.Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id
        self._neutral = 0
        self.changed = False
        # One listener per engine, registered once, finds the watcher of the connection in its `info`
        # (a listener per unit of work cost ~0.1 ms a request to register).
        if conn.engine not in _WATCHED_ENGINES:
            sa.event.listen(conn.engine, "after_cursor_execute", _dispatch)
            _WATCHED_ENGINES.add(conn.engine)
        conn.info[_WATCHER] = self

    def close(self) -> None:
        """Stop watching the connection (it goes back to the pool)."""
        if self._conn.info.get(_WATCHER) is self:
            del self._conn.info[_WATCHER]

    def _after_cursor_execute(
        self, _conn: sa.Connection, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if self.changed or self._neutral:
            return
        if not written_tables(statement, context).isdisjoint(DIRECTORY_TABLES):
            self.changed = True

    def mark(self) -> None:
        """Record a directory write the statements do not show (e.g. a COPY through the driver)."""
        self.changed = True

    @contextmanager
    def neutral(self) -> Iterator[None]:
        """Statements run inside do not mark the unit of work changed."""
        self._neutral += 1
        try:
            yield
        finally:
            self._neutral -= 1

    def bump(self) -> None:
        """Increment the tenant's directory version if anything changed; call just before committing."""
        if self.changed:
            self._conn.execute(
                tenants.update().where(tenants.c.id == self._tenant)
                .values(directory_version=tenants.c.directory_version + 1)
            )

    def reset(self) -> None:
        """A new transaction starts clean."""
        self.changed = False
