"""SQL store of report definitions (`report_definitions`) and their shares
(`report_definition_shares`, target organization | group). The use rule of
`dps.domain.reports.definitions.may_use` is compiled to one WHERE clause here, so a user's list is
filtered in the database: owner, shared with all, a share on one of the user's organisations or
their ancestors, a share on one of the user's groups or their ancestors, or an administrator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.reports import report_definition_shares, report_definitions, report_templates
from dps.adapters.db.visibility import InIds
from dps.application.reports.definitions.ports import DefinitionView, ReportDefinitionRepository
from dps.application.shared.errors import Conflict
from dps.domain.reports.definitions import DefinitionUser, ReportDefinition, Sharing
from dps.domain.shared.ids import OrganizationId, PublicGroupId, UserId

d = report_definitions
s = report_definition_shares
ORGANIZATION, GROUP = "organization", "group"


def _values(x: ReportDefinition) -> dict[str, Any]:
    return {
        "name": x.name, "kind": x.kind, "description": x.description, "columns": list(x.columns),
        "params": dict(x.params), "sort_key": x.sort_key, "sort_desc": x.sort_desc, "template_id": x.template_id,
        "shared_all": x.sharing.everyone, "owner_id": x.owner_id, "created_by": x.created_by,
        "created_at": x.created_at, "updated_by": x.updated_by, "updated_at": x.updated_at,
    }


def _definition(r: Any, shares: Iterable[tuple[str, UUID]]) -> ReportDefinition:
    pairs = list(shares)
    return ReportDefinition(
        id=r.id, name=r.name, kind=r.kind, description=r.description, columns=tuple(r.columns or ()),
        params={str(k): str(v) for k, v in (r.params or {}).items()}, sort_key=r.sort_key,
        sort_desc=bool(r.sort_desc), template_id=r.template_id,
        sharing=Sharing(bool(r.shared_all), frozenset(OrganizationId(t) for k, t in pairs if k == ORGANIZATION),
                        frozenset(PublicGroupId(t) for k, t in pairs if k == GROUP)),
        owner_id=cast(UserId | None, r.owner_id), created_by=cast(UserId | None, r.created_by),
        created_at=r.created_at, updated_by=cast(UserId | None, r.updated_by), updated_at=r.updated_at,
        version=r.version,
    )


class SqlReportDefinitionRepository(TenantScoped, ReportDefinitionRepository):
    def get(self, definition_id: UUID) -> ReportDefinition | None:
        found = self._load(self._select(d, d.c.id == definition_id))
        return found[0].definition if found else None

    def view(self, definition_id: UUID) -> DefinitionView | None:
        found = self._load(self._select(d, d.c.id == definition_id))
        return found[0] if found else None

    def usable(self, user: DefinitionUser, *, kind: str | None = None, name: str | None = None
               ) -> Sequence[DefinitionView]:
        q = self._select(d, self._usable_by(user))
        if kind is not None:
            q = q.where(d.c.kind == kind)
        if name is not None:
            q = q.where(d.c.name == name)
        return self._load(q.order_by(d.c.name, d.c.id))

    def name_taken(self, name: str, *, other_than: UUID | None = None) -> bool:
        q = sa.select(d.c.id).where(d.c.tenant_id == self._tenant, d.c.name == name)
        if other_than is not None:
            q = q.where(d.c.id != other_than)
        return self._conn.execute(q.limit(1)).first() is not None

    def template_exists(self, template_id: UUID) -> bool:
        t = report_templates
        q = sa.select(t.c.id).where(t.c.tenant_id == self._tenant, t.c.id == template_id)
        return self._conn.execute(q).first() is not None

    def add(self, definition: ReportDefinition) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(d.insert().values(
                    tenant_id=self._tenant, id=definition.id, version=1, **_values(definition)))
                self._insert_shares(definition)
        except IntegrityError as e:
            raise Conflict(f"「{definition.name}」は既に使われています / the name is taken", field="name") from e

    def update(self, definition: ReportDefinition) -> int:
        try:
            with self._conn.begin_nested():
                version = self._update_versioned(d, definition.id, definition.version, _values(definition),
                                                 what="report definition")
                self._conn.execute(s.delete().where(s.c.tenant_id == self._tenant,
                                                    s.c.definition_id == definition.id))
                self._insert_shares(definition)
        except IntegrityError as e:
            raise Conflict(f"「{definition.name}」は既に使われています / the name is taken", field="name") from e
        return version

    def delete(self, definition_id: UUID) -> None:
        self._conn.execute(s.delete().where(s.c.tenant_id == self._tenant, s.c.definition_id == definition_id))
        self._conn.execute(d.delete().where(d.c.tenant_id == self._tenant, d.c.id == definition_id))

    # -- helpers

    def _usable_by(self, user: DefinitionUser) -> sa.ColumnElement[bool]:
        """`may_use` in SQL."""
        if user.is_admin:
            return sa.true()
        targets: list[sa.ColumnElement[bool]] = []
        if user.organization_ids:
            targets.append(sa.and_(s.c.target_type == ORGANIZATION, InIds(s.c.target_id, user.organization_ids)))
        if user.group_ids:
            targets.append(sa.and_(s.c.target_type == GROUP, InIds(s.c.target_id, user.group_ids)))
        rules: list[sa.ColumnElement[bool]] = [d.c.owner_id == user.user_id, d.c.shared_all.is_(True)]
        if targets:
            rules.append(sa.exists().where(s.c.tenant_id == self._tenant, s.c.definition_id == d.c.id,
                                           sa.or_(*targets)))
        return sa.or_(*rules)

    def _load(self, q: sa.Select[Any]) -> list[DefinitionView]:
        """The definitions `q` selects with their owners (one join) and shares (one more statement)."""
        q = q.add_columns(users.c.login_id.label("owner_login"), users.c.name.label("owner_name")).outerjoin(
            users, sa.and_(users.c.tenant_id == d.c.tenant_id, users.c.id == d.c.owner_id))
        rows = list(self._conn.execute(q))
        shares: dict[UUID, list[tuple[str, UUID]]] = defaultdict(list)
        if rows:
            found = self._conn.execute(sa.select(s.c.definition_id, s.c.target_type, s.c.target_id).where(
                s.c.tenant_id == self._tenant, InIds(s.c.definition_id, [r.id for r in rows])))
            for definition_id, target_type, target_id in found:
                shares[definition_id].append((target_type, target_id))
        return [DefinitionView(_definition(r, shares[r.id]), r.owner_login or "", r.owner_name or "") for r in rows]

    def _insert_shares(self, definition: ReportDefinition) -> None:
        sharing = definition.sharing
        rows = [{"tenant_id": self._tenant, "definition_id": definition.id, "target_type": kind, "target_id": target}
                for kind, targets in ((ORGANIZATION, sharing.organization_ids), (GROUP, sharing.group_ids))
                for target in sorted(targets)]
        if rows:
            self._conn.execute(s.insert(), rows)
