"""SQL store of notifications. Every read ANDs the visibility of the notified record for the
reader (R7), compiled from the same rules as record lists: a notification about a record the
reader can no longer see is not listed, counted or found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.record_access import RECORD_TABLES
from dps.adapters.db.tables.collaboration import notifications
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import business_cards, persons
from dps.adapters.db.tables.sales_budgets import budgets
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.visibility import visible_to
from dps.application.sales.collaboration.ports import NotificationRepository
from dps.application.sales.collaboration.views import NotificationView
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.events import EventKind
from dps.domain.sales.notifications import Notification
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer

n = notifications


def _exists_visible(table: sa.Table, record_type: RecordType, viewer: Viewer,
                    *more: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        table.c.tenant_id == n.c.tenant_id, table.c.id == n.c.record_id,
        visible_to(table, record_type.value, viewer), *more,
    )


def record_visible(viewer: Viewer) -> sa.ColumnElement[bool]:
    """The notified record exists and the viewer sees it, with the parents it inherits from (R6):
    an activity on a restricted opportunity, a business card through its person. Record kinds the
    rule does not know are never shown."""
    activities = RECORD_TABLES[RecordType.ACTIVITY]
    opportunity_visible = sa.or_(
        activities.c.opportunity_id.is_(None),
        sa.exists().where(
            opportunities.c.tenant_id == activities.c.tenant_id, opportunities.c.id == activities.c.opportunity_id,
            visible_to(opportunities, RecordType.OPPORTUNITY.value, viewer),
        ),
    )
    by_kind = [
        sa.and_(
            n.c.record_type == record_type.value,
            _exists_visible(table, record_type, viewer,
                            *([opportunity_visible] if record_type is RecordType.ACTIVITY else [])),
        )
        for record_type, table in RECORD_TABLES.items()
    ]
    by_kind.append(sa.and_(
        n.c.record_type == RecordType.BUDGET.value,
        sa.exists().where(budgets.c.tenant_id == n.c.tenant_id, budgets.c.id == n.c.record_id),
    ))
    by_kind.append(sa.and_(
        n.c.record_type == RecordType.BUSINESS_CARD.value,
        sa.exists().where(
            business_cards.c.tenant_id == n.c.tenant_id, business_cards.c.id == n.c.record_id,
            sa.exists().where(
                persons.c.tenant_id == business_cards.c.tenant_id, persons.c.id == business_cards.c.person_id,
                visible_to(persons, RecordType.PERSON.value, viewer),
            ),
        ),
    ))
    return sa.or_(*by_kind)


def _to_view(row: sa.Row[Any]) -> NotificationView:
    return NotificationView(
        id=row.id, kind=EventKind(row.kind), record_type=RecordType(row.record_type), record_id=row.record_id,
        summary=row.summary, actor_id=cast(UserId | None, row.actor_id), actor_name=row.actor_name,
        created_at=row.created_at, read_at=row.read_at,
    )


class SqlNotificationRepository(TenantScoped, NotificationRepository):
    def add_many(self, notes: Sequence[Notification]) -> None:
        if not notes:
            return
        self._conn.execute(n.insert(), [
            {"tenant_id": self._tenant, "id": note.id, "user_id": note.user_id, "kind": note.kind.value,
             "record_type": note.record_type.value, "record_id": note.record_id, "actor_id": note.actor_id,
             "summary": note.summary, "created_at": note.created_at, "read_at": note.read_at}
            for note in notes
        ])

    def _mine(self, viewer: Viewer) -> sa.Select[Any]:
        actor = sa.and_(users.c.tenant_id == n.c.tenant_id, users.c.id == n.c.actor_id)
        return (
            sa.select(n, users.c.name.label("actor_name"))
            .select_from(n.outerjoin(users, actor))
            .where(n.c.tenant_id == self._tenant, n.c.user_id == viewer.principal.user_id, record_visible(viewer))
        )

    def view(self, viewer: Viewer, notification_id: UUID) -> NotificationView | None:
        row = self._conn.execute(self._mine(viewer).where(n.c.id == notification_id)).first()
        return None if row is None else _to_view(row)

    def page_for(self, viewer: Viewer, *, unread_only: bool, request: PageRequest) -> Page[NotificationView]:
        sort = resolve_sort(request, {"created_at": n.c.created_at}, "-created_at")
        query = self._mine(viewer)
        if unread_only:
            query = query.where(n.c.read_at.is_(None))
        return keyset_page(self._conn, query, sort=sort, id_column=n.c.id, request=request, to_item=_to_view,
                           sort_value=lambda row: row.created_at)

    def count_unread(self, viewer: Viewer) -> int:
        query = sa.select(sa.func.count()).select_from(n).where(
            n.c.tenant_id == self._tenant, n.c.user_id == viewer.principal.user_id, n.c.read_at.is_(None),
            record_visible(viewer),
        )
        return int(self._conn.execute(query).scalar_one())

    def mark_read(self, user_id: UserId, notification_id: UUID, at: datetime) -> bool:
        result = self._conn.execute(n.update().where(
            n.c.tenant_id == self._tenant, n.c.user_id == user_id, n.c.id == notification_id, n.c.read_at.is_(None),
        ).values(read_at=at))
        return result.rowcount > 0

    def mark_all_read(self, viewer: Viewer, at: datetime) -> int:
        result = self._conn.execute(n.update().where(
            n.c.tenant_id == self._tenant, n.c.user_id == viewer.principal.user_id, n.c.read_at.is_(None),
        ).values(read_at=at))
        return int(result.rowcount)
