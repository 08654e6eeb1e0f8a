"""Opportunities in bulk: key lookups with the visibility flag (opportunities, campaigns), chunked loads
with staff, allow-lists and product lines, executemany insert/update of the row, and the keyset-paged
export stream (visibility filter in SQL). Lines, competitors, staff, allow-lists and relations are not
in the sheet: an update writes the opportunity's own row only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import hydrate, text_filter
from dps.adapters.db.repositories.sales.opportunities import _dec
from dps.adapters.db.repositories.transfer.common import chunked, versioned_update
from dps.adapters.db.tables.directory import users
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_campaigns import campaigns
from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_lines
from dps.adapters.db.visibility import visible_to
from dps.application.transfer.ports_store import OpportunityBulkStore, RecordKey
from dps.domain.sales.opportunities import Opportunity
from dps.domain.sales.opportunity_lines import ProductLine
from dps.domain.sales.records import RecordType
from dps.domain.visibility.policy import Viewer

OPP = RecordType.OPPORTUNITY
DATA_COLUMNS: tuple[str, ...] = (
    "name", "account_id", "campaign_id", "stage_code", "certainty_code", "expected_order_date",
    "expected_sales_date", "expected_amount", "order_amount", "ordered_on", "lost_reason", "description",
    "next_action", "next_action_on", "owner_id", "owner_organization_id", "updated_by", "updated_at",
)
"""What an import writes besides is_open, custom_fields and search_text."""


def _row(o: Opportunity) -> dict[str, Any]:
    values = {c: getattr(o, c) for c in DATA_COLUMNS}
    return values | {"is_open": o.is_open, "custom_fields": dict(o.custom_fields), "search_text": o.search_text}


def account_key(row: Any) -> str:
    """The account as the sheet names it: corporate number or code of a visible account, else its id."""
    key = row.account_key
    return str(key) if key else str(row.account_id)


class SqlOpportunityBulkStore(TenantScoped, OpportunityBulkStore):
    def _keys(self, table: sa.Table, record_type: RecordType, viewer: Viewer, column: sa.ColumnElement[Any],
              values: Collection[Any], *extra: sa.ColumnElement[Any]) -> list[RecordKey]:
        visible = visible_to(table, record_type.value, viewer).label("visible")
        out: list[RecordKey] = []
        for part in chunked(values):
            rows = self._conn.execute(sa.select(table.c.id, table.c.name, visible, *extra)
                                      .where(table.c.tenant_id == self._tenant, column.in_(part)))
            out.extend(RecordKey(id=r.id, visible=bool(r.visible), name=r.name,
                                 account_id=r.account_id if extra else None) for r in rows)
        return out

    def keys(self, viewer: Viewer, ids: Collection[UUID]) -> dict[UUID, RecordKey]:
        t = opportunities
        return {k.id: k for k in self._keys(t, OPP, viewer, t.c.id, ids, t.c.account_id)}

    def campaigns(self, viewer: Viewer, *, ids: Collection[UUID] = (), names: Collection[str] = ()
                  ) -> list[RecordKey]:
        t = campaigns
        found = {k.id: k for k in self._keys(t, RecordType.CAMPAIGN, viewer, t.c.id, ids)}
        found |= {k.id: k for k in self._keys(t, RecordType.CAMPAIGN, viewer, t.c.name, names)}
        return list(found.values())

    def load(self, ids: Collection[UUID]) -> dict[UUID, Opportunity]:
        out: dict[UUID, Opportunity] = {}
        lt = opportunity_lines
        for part in chunked(ids, 500):
            rows = list(self._conn.execute(self._select(opportunities, opportunities.c.id.in_(part))))
            lines: dict[UUID, list[ProductLine]] = defaultdict(list)
            for r in self._conn.execute(self._select(lt, lt.c.opportunity_id.in_(part))
                                        .order_by(lt.c.opportunity_id, lt.c.line_no)):
                lines[r.opportunity_id].append(ProductLine(
                    product_name=r.product_name, quantity=_dec(r.quantity, "0.001"), unit_price=_dec(r.unit_price),
                    discount=_dec(r.discount), product_id=r.product_id, notes=r.notes, line_no=r.line_no))
            for o in hydrate(self._conn, self._tenant, OPP, rows, Opportunity, with_relations=False):
                o.lines = tuple(lines.get(o.id, ()))
                out[o.id] = o
        return out

    def insert(self, items: Sequence[Opportunity]) -> None:
        rows = [_row(o) | {"tenant_id": self._tenant, "id": o.id, "version": o.version, "is_restricted": False,
                           "created_by": o.created_by, "created_at": o.created_at} for o in items]
        with self._conn.begin_nested():
            self._conn.execute(opportunities.insert(), rows)

    def update(self, items: Sequence[tuple[Opportunity, int]]) -> None:
        rows = [_row(o) | {"b_id": o.id, "b_version": v} for o, v in items]
        with self._conn.begin_nested():
            versioned_update(self._conn, opportunities, self._tenant, rows, what="opportunities")
        for o, v in items:
            o.version = v + 1

    def stream(self, viewer: Viewer, filters: Mapping[str, str], page_size: int = 1000
               ) -> Iterator[Mapping[str, Any]]:
        t = opportunities
        account = accounts.alias("account")
        owner = users.alias("owner")
        account_visible = visible_to(cast(sa.Table, account), RecordType.ACCOUNT.value, viewer)
        where: list[sa.ColumnElement[bool]] = [t.c.tenant_id == self._tenant, visible_to(t, OPP.value, viewer)]
        if (text := text_filter(t, filters.get("q"))) is not None:
            where.append(text)
        stmt = (sa.select(t, owner.c.login_id.label("owner_login"),
                          sa.func.coalesce(account.c.corporate_number, account.c.code).label("account_key"))
                .select_from(t.outerjoin(owner, sa.and_(owner.c.tenant_id == t.c.tenant_id,
                                                        owner.c.id == t.c.owner_id))
                             .outerjoin(account, sa.and_(account.c.tenant_id == t.c.tenant_id,
                                                         account.c.id == t.c.account_id, account_visible)))
                .where(*where).order_by(t.c.id).limit(page_size))
        last: UUID | None = None
        while True:
            page = list(self._conn.execute(stmt if last is None else stmt.where(t.c.id > last)))
            for r in page:
                yield {**r._mapping, "account_key": account_key(r)}
            if len(page) < page_size:
                return
            last = page[-1].id
