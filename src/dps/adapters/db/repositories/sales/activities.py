"""SQL store of activities (活動): the row, persons met (activity_persons), attendees
(activity_attendees), staff and 非公開 allow-list, and the visibility-filtered search (flat list
items read from the rows) - an activity on a restricted opportunity is listed only to those who see
the opportunity (R6)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import item_columns, item_of, visible_account_name
from dps.adapters.db.repositories.sales.record_rows import (
    delete_record_children,
    load_restrictions,
    load_staff,
    save_restriction,
    save_staff,
)
from dps.adapters.db.statement_memo import memo_key, memoised_statement
from dps.adapters.db.tables.directory import org_closure
from dps.adapters.db.tables.records import record_staff
from dps.adapters.db.tables.sales_activities import activities, activity_attendees, activity_persons
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.visibility import mine, visible_to
from dps.application.sales.activities.ports import ActivityRepository, ActivitySearch
from dps.application.sales.activities.read_models import ActivityListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.activities import Activity
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.text import normalize_for_search
from dps.domain.visibility.policy import Viewer

ACTIVITY = RecordType.ACTIVITY
_COLUMNS = (
    "owner_id", "owner_organization_id", "created_by", "created_at", "updated_by", "updated_at", "kind_code",
    "subject", "activity_date", "starts_at", "ends_at", "purpose_code", "result_code", "content", "next_action",
    "next_action_on", "account_id", "opportunity_id", "campaign_id", "lead_id",
)
"""Attributes stored as they are in columns of the same name."""

SORTS: dict[str, sa.ColumnElement[Any]] = {
    "activity_date": activities.c.activity_date,
    "updated_at": activities.c.updated_at,
}
DEFAULT_SORT = "-activity_date"


def _row(activity: Activity) -> dict[str, Any]:
    if activity.created_at is None or activity.updated_at is None:
        raise ValueError("stamp the activity before saving it")
    values = {name: getattr(activity, name) for name in _COLUMNS}
    return values | {
        "status": activity.status.value,
        "is_restricted": activity.restriction is not None,
        "custom_fields": dict(activity.custom_fields),
        "search_text": activity.search_text,
    }


_ITEM = item_of(ActivityListItem)


def visible_activities(viewer: Viewer) -> sa.ColumnElement[bool]:
    """R1/R2 on the activity itself and, R6, on its opportunity when it has one."""
    o = opportunities
    opportunity_visible = sa.exists().where(
        o.c.tenant_id == activities.c.tenant_id, o.c.id == activities.c.opportunity_id,
        visible_to(o, RecordType.OPPORTUNITY.value, viewer),
    )
    return sa.and_(
        visible_to(activities, ACTIVITY.value, viewer),
        sa.or_(activities.c.opportunity_id.is_(None), opportunity_visible),
    )


def owner_organization_filter(
    table: sa.Table, organization_id: UUID, include_sub_orgs: bool
) -> sa.ColumnElement[bool]:
    """Records whose owner's organisation (the stamped `owner_organization_id`) is `organization_id`
    or, with `include_sub_orgs`, one of its descendants in the closure (集計組織) - the same roll-up
    the reports aggregate with, so a report's figure and its drill-down list agree."""
    if not include_sub_orgs:
        return table.c.owner_organization_id == organization_id
    c = org_closure
    return sa.exists().where(c.c.tenant_id == table.c.tenant_id, c.c.ancestor_id == organization_id,
                             c.c.descendant_id == table.c.owner_organization_id)


def search_filters(viewer: Viewer, search: ActivitySearch) -> list[sa.ColumnElement[bool]]:
    """The WHERE terms of `search` (visibility not included)."""
    a = activities
    terms: list[sa.ColumnElement[bool]] = [
        a.c.search_text.contains(word, autoescape=True) for word in normalize_for_search(search.q).split()
    ]
    if search.statuses:
        terms.append(a.c.status.in_([s.value for s in search.statuses]))
    if search.kind_codes:
        terms.append(a.c.kind_code.in_(list(search.kind_codes)))
    if search.date_from is not None:
        terms.append(a.c.activity_date >= search.date_from)
    if search.date_to is not None:
        terms.append(a.c.activity_date <= search.date_to)
    if search.owner_id is not None:
        terms.append(a.c.owner_id == search.owner_id)
    if search.staff_id is not None:
        s = record_staff
        terms.append(sa.exists().where(
            s.c.tenant_id == a.c.tenant_id, s.c.record_type == ACTIVITY.value, s.c.record_id == a.c.id,
            s.c.user_id == search.staff_id,
        ))
    if search.mine:
        terms.append(mine(a, ACTIVITY.value, viewer))
    if search.organization_id is not None:
        terms.append(owner_organization_filter(a, search.organization_id, search.include_sub_orgs))
    for name in ("account_id", "opportunity_id", "campaign_id", "lead_id"):
        value = getattr(search, name)
        if value is not None:
            terms.append(a.c[name] == value)
    if search.person_id is not None:
        p = activity_persons
        terms.append(sa.exists().where(
            p.c.tenant_id == a.c.tenant_id, p.c.activity_id == a.c.id, p.c.person_id == search.person_id,
        ))
    terms.extend(a.c.custom_fields[key].as_string() == value for key, value in search.custom_fields)
    return terms


class SqlActivityRepository(TenantScoped, ActivityRepository):
    def get(self, activity_id: UUID) -> Activity | None:
        rows = self._conn.execute(self._select(activities, activities.c.id == activity_id)).all()
        found = self._hydrate(rows)
        return found[0] if found else None

    def add(self, activity: Activity) -> None:
        self._insert(activities, _row(activity) | {"id": activity.id, "version": activity.version}, what="activity")
        self._save_children(activity)

    def update(self, activity: Activity, expected_version: int) -> int:
        version = self._update_versioned(activities, activity.id, expected_version, _row(activity), what="activity")
        self._save_children(activity)
        return version

    def delete(self, activity_id: UUID) -> list[str]:
        keys = delete_record_children(self._conn, self._tenant, ACTIVITY, [activity_id])
        for table in (activity_persons, activity_attendees):
            self._conn.execute(table.delete().where(table.c.tenant_id == self._tenant,
                                                    table.c.activity_id == activity_id))
        self._conn.execute(activities.delete().where(activities.c.tenant_id == self._tenant,
                                                     activities.c.id == activity_id))
        return keys

    def search(self, viewer: Viewer, search: ActivitySearch, page: PageRequest) -> Page[ActivityListItem]:
        sort = resolve_sort(page, SORTS, DEFAULT_SORT)
        query = memoised_statement(viewer, memo_key("activities", self._tenant, search),
                                   lambda: self._search_statement(viewer, search))
        return keyset_page(self._conn, query, sort=sort, id_column=activities.c.id, request=page, to_item=_ITEM,
                         sort_value=lambda r: getattr(r, sort.key))

    def _search_statement(self, viewer: Viewer, search: ActivitySearch) -> sa.Select[Any]:
        o = opportunities
        account_name = visible_account_name(activities, viewer)
        opportunity_name = sa.select(o.c.name).where(
            o.c.tenant_id == activities.c.tenant_id, o.c.id == activities.c.opportunity_id).scalar_subquery()
        return sa.select(*item_columns(activities, ActivityListItem, account_name=account_name,
                                       opportunity_name=opportunity_name)).where(
            activities.c.tenant_id == self._tenant, visible_activities(viewer), *search_filters(viewer, search))

    def opportunity_account_id(self, opportunity_id: UUID) -> UUID | None:
        return cast(UUID | None, self._conn.execute(
            sa.select(opportunities.c.account_id).where(
                opportunities.c.tenant_id == self._tenant, opportunities.c.id == opportunity_id)
        ).scalar())

    # --- rows beside the activity ----------------------------------------------------------------

    def _save_children(self, activity: Activity) -> None:
        save_staff(self._conn, self._tenant, ACTIVITY, activity.id, activity.staff)
        save_restriction(self._conn, self._tenant, ACTIVITY, activity.id, activity.restriction)
        t, key = self._tenant, activity.id
        for table, column, values in (
            (activity_persons, "person_id", activity.person_ids),
            (activity_attendees, "user_id", activity.attendee_ids),
        ):
            self._conn.execute(table.delete().where(table.c.tenant_id == t, table.c.activity_id == key))
            if values:
                self._conn.execute(table.insert(), [{"tenant_id": t, "activity_id": key, column: v} for v in values])

    def _members(self, table: sa.Table, column: str, ids: Iterable[UUID]) -> dict[UUID, list[UUID]]:
        found: dict[UUID, list[UUID]] = defaultdict(list)
        query = sa.select(table.c.activity_id, table.c[column]).where(
            table.c.tenant_id == self._tenant, table.c.activity_id.in_(list(ids))
        ).order_by(table.c.activity_id, table.c[column])
        for activity_id, member in self._conn.execute(query):
            found[activity_id].append(member)
        return found

    def _hydrate(self, rows: Sequence[sa.Row[Any]]) -> list[Activity]:
        """Activities of the rows, their staff, allow-lists, persons and attendees loaded in four queries."""
        ids = [r.id for r in rows]
        if not ids:
            return []
        staff = load_staff(self._conn, self._tenant, ACTIVITY, ids)
        restrictions = load_restrictions(self._conn, self._tenant, ACTIVITY, [r.id for r in rows if r.is_restricted])
        persons = self._members(activity_persons, "person_id", ids)
        attendees = self._members(activity_attendees, "user_id", ids)
        out = []
        for r in rows:
            m = r._mapping
            values = {name: m[name] for name in _COLUMNS}
            values["owner_id"] = cast(UserId | None, values["owner_id"])
            values["owner_organization_id"] = cast(OrganizationId | None, values["owner_organization_id"])
            out.append(Activity(
                id=r.id, version=r.version, status=r.status, staff=staff.get(r.id, ()),
                restriction=restrictions.get(r.id), custom_fields=dict(r.custom_fields or {}),
                person_ids=tuple(persons.get(r.id, ())),
                attendee_ids=tuple(cast(UserId, u) for u in attendees.get(r.id, ())),
                **values,
            ))
        return out
