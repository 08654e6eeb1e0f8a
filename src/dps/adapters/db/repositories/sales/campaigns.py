"""SQL store of campaigns (キャンペーン): the row, its staff, 非公開 allow-list, relations and members,
the visibility-filtered search and the effect counts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import attrs
import sqlalchemy as sa

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import item_columns
from dps.adapters.db.repositories.sales.record_rows import (
    delete_record_children,
    load_relations,
    load_restrictions,
    load_staff,
    save_relations,
    save_restriction,
    save_staff,
)
from dps.adapters.db.tables.records import record_staff
from dps.adapters.db.tables.sales_accounts import persons
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_campaigns import campaign_members, campaigns, leads
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.visibility import mine, visible_to
from dps.application.sales.campaigns.ports import CampaignQuery, CampaignRepository, MemberEntry
from dps.application.sales.campaigns.read_models import CampaignListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.campaigns import Campaign, CampaignMember, CampaignSummary
from dps.domain.sales.records import RecordType, SalesRecord
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.text import normalize_for_search
from dps.domain.visibility.policy import Viewer

R = TypeVar("R", bound=SalesRecord)

_NOT_COLUMNS = frozenset({"staff", "restriction", "relations"})
SORTS = {"starts_on": campaigns.c.starts_on, "name": campaigns.c.name, "updated_at": campaigns.c.updated_at,
         "created_at": campaigns.c.created_at}
MEMBER_SORTS = {"created_at": campaign_members.c.created_at, "invited_on": campaign_members.c.invited_on}


def record_row(record: SalesRecord, table: sa.Table) -> dict[str, Any]:
    """The row of a sales record whose attribute names are its column names, plus the derived
    is_restricted and search_text columns."""
    if record.created_at is None or record.updated_at is None:
        raise ValueError("stamp the record before saving it")
    values = {a.name: getattr(record, a.name) for a in attrs.fields(type(record))
              if a.name not in _NOT_COLUMNS and a.name in table.c}
    values["is_restricted"] = record.is_restricted
    values["search_text"] = getattr(record, "search_text", "")
    return values


def records_of(
    conn: sa.Connection, tenant: TenantId, record_type: RecordType, rows: Sequence[sa.Row[Any]], cls: type[R],
    *, relations: bool = False,
) -> list[R]:
    """Domain records of their rows, staff, allow-lists (and relations) loaded in one query each."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    staff = load_staff(conn, tenant, record_type, ids)
    restrictions = load_restrictions(conn, tenant, record_type, [r.id for r in rows if r.is_restricted])
    related = load_relations(conn, tenant, record_type, ids) if relations else {}
    names = [a.name for a in attrs.fields(cls) if a.name not in _NOT_COLUMNS]
    out = []
    for r in rows:
        kwargs: dict[str, Any] = {n: r._mapping[n] for n in names if n in r._mapping}
        kwargs["staff"] = staff.get(r.id, ())
        kwargs["restriction"] = restrictions.get(r.id)
        if relations:
            kwargs["relations"] = related.get(r.id, ())
        out.append(cls(**kwargs))
    return out


def staff_has(table: sa.Table, record_type: RecordType, user_id: UserId) -> sa.ColumnElement[bool]:
    s = record_staff
    return sa.exists().where(s.c.tenant_id == table.c.tenant_id, s.c.record_type == record_type.value,
                             s.c.record_id == table.c.id, s.c.user_id == user_id)


_MONEY = frozenset({"budget_amount", "actual_cost", "target_amount"})
_CENTS = Decimal("0.01")


def _campaign_item(row: sa.Row[Any]) -> CampaignListItem:
    """A list item of its row; amounts to the cent (SQLite may hand back more digits)."""
    values = row._asdict()
    for name in _MONEY:
        if values[name] is not None:
            values[name] = Decimal(str(values[name])).quantize(_CENTS)
    return CampaignListItem(**values)


def member_of(row: sa.Row[Any]) -> CampaignMember:
    names = [a.name for a in attrs.fields(CampaignMember)]
    return CampaignMember(**{n: row._mapping[n] for n in names})


class SqlCampaignRepository(TenantScoped, CampaignRepository):
    def add(self, campaign: Campaign) -> None:
        self._insert(campaigns, record_row(campaign, campaigns), what="campaign")
        self._save_children(campaign)

    def get(self, campaign_id: UUID) -> Campaign | None:
        row = self._conn.execute(self._select(campaigns, campaigns.c.id == campaign_id)).first()
        if row is None:
            return None
        return records_of(self._conn, self._tenant, RecordType.CAMPAIGN, [row], Campaign, relations=True)[0]

    def update(self, campaign: Campaign, expected_version: int) -> int:
        values = record_row(campaign, campaigns)
        for key in ("id", "version", "created_by", "created_at"):
            values.pop(key)
        campaign.version = self._update_versioned(campaigns, campaign.id, expected_version, values,
                                                  what="campaign")
        self._save_children(campaign)
        return campaign.version

    def _save_children(self, campaign: Campaign) -> None:
        save_staff(self._conn, self._tenant, RecordType.CAMPAIGN, campaign.id, campaign.staff)
        save_restriction(self._conn, self._tenant, RecordType.CAMPAIGN, campaign.id, campaign.restriction)
        save_relations(self._conn, self._tenant, RecordType.CAMPAIGN, campaign.id, campaign.relations)

    def delete(self, campaign_id: UUID) -> list[str]:
        m = campaign_members
        self._conn.execute(m.delete().where(m.c.tenant_id == self._tenant, m.c.campaign_id == campaign_id))
        keys = delete_record_children(self._conn, self._tenant, RecordType.CAMPAIGN, [campaign_id])
        self._conn.execute(campaigns.delete().where(campaigns.c.tenant_id == self._tenant,
                                                    campaigns.c.id == campaign_id))
        return keys

    def ancestors(self, campaign_id: UUID) -> list[UUID]:
        found: list[UUID] = []
        current: UUID | None = campaign_id
        while current is not None and len(found) < 1000:
            current = self._conn.execute(
                sa.select(campaigns.c.parent_campaign_id).where(campaigns.c.tenant_id == self._tenant,
                                                                campaigns.c.id == current)
            ).scalar()
            if current is None or current in found or current == campaign_id:
                break
            found.append(current)
        return found

    def references(self, campaign_id: UUID) -> dict[str, int]:
        t = self._tenant
        counts = {
            "opportunities": sa.select(sa.func.count()).where(
                opportunities.c.tenant_id == t, opportunities.c.campaign_id == campaign_id),
            "activities": sa.select(sa.func.count()).where(
                activities.c.tenant_id == t, activities.c.campaign_id == campaign_id),
            "leads": sa.select(sa.func.count()).where(leads.c.tenant_id == t, leads.c.campaign_id == campaign_id),
            "child_campaigns": sa.select(sa.func.count()).where(
                campaigns.c.tenant_id == t, campaigns.c.parent_campaign_id == campaign_id),
        }
        found = {kind: int(self._conn.execute(q).scalar() or 0) for kind, q in counts.items()}
        return {kind: n for kind, n in found.items() if n}

    def search(self, viewer: Viewer, query: CampaignQuery, page: PageRequest) -> Page[CampaignListItem]:
        t = campaigns
        where: list[sa.ColumnElement[bool]] = [visible_to(t, RecordType.CAMPAIGN.value, viewer)]
        if query.q and (needle := normalize_for_search(query.q)):
            where.append(t.c.search_text.contains(needle, autoescape=True))
        if query.status_code:
            where.append(t.c.status_code == query.status_code)
        if query.kind_code:
            where.append(t.c.kind_code == query.kind_code)
        if query.period_to is not None:
            where.append(t.c.starts_on <= query.period_to)
        if query.period_from is not None:
            where.append(sa.or_(t.c.ends_on.is_(None), t.c.ends_on >= query.period_from))
        if query.owner_id is not None:
            where.append(t.c.owner_id == query.owner_id)
        if query.staff_id is not None:
            where.append(staff_has(t, RecordType.CAMPAIGN, query.staff_id))
        if query.mine:
            where.append(mine(t, RecordType.CAMPAIGN.value, viewer))
        if query.parent_campaign_id is not None:
            where.append(t.c.parent_campaign_id == query.parent_campaign_id)
        for key, value in query.custom_fields.items():
            where.append(t.c.custom_fields[key].as_string() == value)
        sort = resolve_sort(page, SORTS, "-starts_on")
        stmt = sa.select(*item_columns(t, CampaignListItem)).where(t.c.tenant_id == self._tenant, *where)
        return keyset_page(self._conn, stmt, sort=sort, id_column=t.c.id, request=page, to_item=_campaign_item,
                         sort_value=lambda r: r._mapping[sort.key])

    def _visible_members(self, viewer: Viewer, campaign_id: UUID) -> tuple[Any, sa.ColumnElement[bool]]:
        """campaign_members outer-joined to leads and persons, and the condition that the member's
        lead or person is visible."""
        m = campaign_members
        joined = m.outerjoin(leads, sa.and_(leads.c.tenant_id == m.c.tenant_id, leads.c.id == m.c.lead_id)).outerjoin(
            persons, sa.and_(persons.c.tenant_id == m.c.tenant_id, persons.c.id == m.c.person_id))
        visible = sa.and_(
            m.c.tenant_id == self._tenant, m.c.campaign_id == campaign_id,
            sa.or_(
                sa.and_(m.c.lead_id.is_not(None), visible_to(leads, RecordType.LEAD.value, viewer)),
                sa.and_(m.c.person_id.is_not(None), visible_to(persons, RecordType.PERSON.value, viewer)),
            ),
        )
        return joined, visible

    def summary(self, viewer: Viewer, campaign_id: UUID) -> CampaignSummary:
        m = campaign_members
        joined, visible = self._visible_members(viewer, campaign_id)
        members, attended = self._conn.execute(
            sa.select(sa.func.count(), sa.func.count(sa.case((m.c.attended.is_(True), 1)))).select_from(joined)
            .where(visible)
        ).one()
        lead_count, converted = self._conn.execute(
            sa.select(sa.func.count(), sa.func.count(leads.c.converted_at)).where(
                leads.c.tenant_id == self._tenant, leads.c.campaign_id == campaign_id,
                visible_to(leads, RecordType.LEAD.value, viewer))
        ).one()
        return CampaignSummary(members=members, attended=attended, leads=lead_count, converted_leads=converted)

    def add_member(self, member: CampaignMember) -> None:
        self._insert(campaign_members, attrs.asdict(member, recurse=False), what="campaign member")

    def get_member(self, campaign_id: UUID, member_id: UUID) -> CampaignMember | None:
        m = campaign_members
        row = self._conn.execute(self._select(m, m.c.campaign_id == campaign_id, m.c.id == member_id)).first()
        return None if row is None else member_of(row)

    def update_member(self, member: CampaignMember) -> None:
        m = campaign_members
        self._conn.execute(m.update().where(m.c.tenant_id == self._tenant, m.c.id == member.id).values(
            follow_status_code=member.follow_status_code, invited_on=member.invited_on, attended=member.attended,
            notes=member.notes,
        ))

    def remove_member(self, campaign_id: UUID, member_id: UUID) -> None:
        m = campaign_members
        self._conn.execute(m.delete().where(m.c.tenant_id == self._tenant, m.c.campaign_id == campaign_id,
                                            m.c.id == member_id))

    def members(self, viewer: Viewer, campaign_id: UUID, page: PageRequest) -> Page[MemberEntry]:
        m = campaign_members
        joined, visible = self._visible_members(viewer, campaign_id)
        label = sa.case(
            (m.c.lead_id.is_not(None), leads.c.company_name + " " + leads.c.last_name + " " + leads.c.first_name),
            else_=persons.c.last_name + " " + persons.c.first_name,
        ).label("label")
        sort = resolve_sort(page, MEMBER_SORTS, "created_at")
        result = keyset_page(
            self._conn, sa.select(m, label).select_from(joined).where(visible), sort=sort, id_column=m.c.id,
            request=page, to_item=lambda r: MemberEntry(member=member_of(r), label=r.label.strip()),
            sort_value=lambda r: r._mapping[sort.key],
        )
        return result
