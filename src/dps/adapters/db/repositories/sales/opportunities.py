"""SQL store of opportunities (案件): the row, its product lines and competitors, staff, 非公開
allow-list and relations; and the visibility-filtered, keyset-paged search.

Child rows are replaced wholesale on every save. Their surrogate ids are derived from the
opportunity id and the position (uuid5), so nothing but the aggregate ever needs to know them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.accounts import (
    custom_field_filters,
    hydrate,
    item_columns,
    item_of,
    record_values,
    save_children,
    staff_filter,
    visible_account_name,
)
from dps.adapters.db.repositories.sales.activities import owner_organization_filter
from dps.adapters.db.repositories.sales.record_rows import delete_record_children
from dps.adapters.db.statement_memo import memo_key, memoised_statement
from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_competitors, opportunity_lines
from dps.adapters.db.tables.sales_results import sales_results
from dps.adapters.db.visibility import mine, visible_to
from dps.application.sales.opportunities.ports import OpportunityRepository
from dps.application.sales.opportunities.read_models import OpportunityListItem, OpportunitySearch
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.opportunities import Opportunity
from dps.domain.sales.opportunity_lines import Competitor, CompetitorResult, ProductLine
from dps.domain.sales.records import RecordType
from dps.domain.shared.text import normalize_for_search
from dps.domain.visibility.policy import Viewer

OPP = RecordType.OPPORTUNITY


def _child_id(opportunity_id: UUID, kind: str, position: int) -> UUID:
    return uuid.uuid5(opportunity_id, f"{kind}:{position}")


class SqlOpportunityRepository(TenantScoped, OpportunityRepository):
    def add(self, opportunity: Opportunity) -> None:
        values = self._values(opportunity) | {"id": opportunity.id, "version": opportunity.version}
        self._insert(opportunities, values, what=f"opportunity {opportunity.id}")
        self._save_children(opportunity)

    def get(self, opportunity_id: UUID) -> Opportunity | None:
        row = self._conn.execute(self._select(opportunities, opportunities.c.id == opportunity_id)).first()
        if row is None:
            return None
        opportunity = hydrate(self._conn, self._tenant, OPP, [row], Opportunity)[0]
        opportunity.lines = self._lines(opportunity_id)
        opportunity.competitors = self._competitors(opportunity_id)
        return opportunity

    def update(self, opportunity: Opportunity, expected_version: int) -> int:
        values = self._values(opportunity)
        values.pop("created_at"), values.pop("created_by")
        version = self._update_versioned(opportunities, opportunity.id, expected_version, values,
                                         what="opportunity")
        self._save_children(opportunity)
        opportunity.version = version
        return version

    def referenced_by(self, opportunity_id: UUID) -> str | None:
        for name, table in (("activities", activities), ("sales_results", sales_results)):
            found = self._conn.execute(sa.select(table.c.id).where(
                table.c.tenant_id == self._tenant, table.c.opportunity_id == opportunity_id).limit(1)).first()
            if found is not None:
                return name
        return None

    def delete(self, opportunity_id: UUID) -> list[str]:
        keys = delete_record_children(self._conn, self._tenant, OPP, [opportunity_id])
        for table in (opportunity_lines, opportunity_competitors):
            self._conn.execute(table.delete().where(table.c.tenant_id == self._tenant,
                                                    table.c.opportunity_id == opportunity_id))
        self._conn.execute(opportunities.delete().where(opportunities.c.tenant_id == self._tenant,
                                                        opportunities.c.id == opportunity_id))
        return keys

    # --- search -------------------------------------------------------------------------------

    def search(self, viewer: Viewer, criteria: OpportunitySearch, page: PageRequest) -> Page[OpportunityListItem]:
        o = opportunities
        sort = resolve_sort(page, {
            "expected_order_date": o.c.expected_order_date, "expected_amount": o.c.expected_amount,
            "name": o.c.name, "updated_at": o.c.updated_at,
        }, default="-expected_order_date")
        stmt = memoised_statement(viewer, memo_key("opportunities", self._tenant, criteria),
                                  lambda: self._search_statement(viewer, criteria))
        return keyset_page(self._conn, stmt, sort=sort, id_column=o.c.id, request=page, to_item=_ITEM,
                           sort_value=lambda r: getattr(r, sort.key))

    def _search_statement(self, viewer: Viewer, criteria: OpportunitySearch) -> sa.Select[Any]:
        o = opportunities
        account_name = visible_account_name(o, viewer)
        return sa.select(*item_columns(o, OpportunityListItem, account_name=account_name)).where(
            o.c.tenant_id == self._tenant, visible_to(o, OPP.value, viewer), *self._filters(viewer, criteria))

    def _filters(self, viewer: Viewer, c: OpportunitySearch) -> list[sa.ColumnElement[bool]]:
        o = opportunities
        where: list[sa.ColumnElement[bool]] = []
        if (text := self._text(viewer, c.q)) is not None:
            where.append(text)
        if c.mine:
            where.append(mine(opportunities, OPP.value, viewer))
        if c.owner_id is not None:
            where.append(o.c.owner_id == c.owner_id)
        if c.staff_id is not None:
            where.append(staff_filter(o, OPP, c.staff_id))
        if c.stage_codes:
            where.append(o.c.stage_code.in_(c.stage_codes))
        if c.certainty_codes:
            where.append(o.c.certainty_code.in_(c.certainty_codes))
        if c.is_open is not None:
            where.append(o.c.is_open.is_(c.is_open))
        if c.expected_order_date_from is not None:
            where.append(o.c.expected_order_date >= c.expected_order_date_from)
        if c.expected_order_date_to is not None:
            where.append(o.c.expected_order_date <= c.expected_order_date_to)
        if c.expected_amount_min is not None:
            where.append(o.c.expected_amount >= c.expected_amount_min)
        if c.expected_amount_max is not None:
            where.append(o.c.expected_amount <= c.expected_amount_max)
        if c.account_id is not None:
            where.append(o.c.account_id == c.account_id)
        if c.campaign_id is not None:
            where.append(o.c.campaign_id == c.campaign_id)
        if c.organization_id is not None:
            where.append(owner_organization_filter(o, c.organization_id, c.include_sub_orgs))
        if c.product_id is not None:
            line = opportunity_lines
            where.append(sa.exists().where(line.c.tenant_id == o.c.tenant_id, line.c.opportunity_id == o.c.id,
                                           line.c.product_id == c.product_id))
        where.extend(custom_field_filters(o, c.custom_fields))
        return where

    def _text(self, viewer: Viewer, q: str | None) -> sa.ColumnElement[bool] | None:
        """The words of q in the opportunity's name, or in the name/kana of its account (an account
        the viewer may see: a hidden account's name must not be probed through its deals). Written
        as `id IN (by name UNION by account)` so each half can use its own index (a trigram index on
        search_text, the account index) instead of filtering every row of the list order."""
        words = normalize_for_search(q).split() if q else []
        if not words:
            return None
        o, a = opportunities.alias("o_text"), accounts
        by_name = sa.select(o.c.id).where(
            o.c.tenant_id == self._tenant, *(o.c.search_text.contains(w, autoescape=True) for w in words))
        matching_accounts = sa.select(a.c.id).where(
            a.c.tenant_id == self._tenant, *(a.c.search_text.contains(w, autoescape=True) for w in words),
            visible_to(a, RecordType.ACCOUNT.value, viewer))
        by_account = sa.select(o.c.id).where(o.c.tenant_id == self._tenant, o.c.account_id.in_(matching_accounts))
        return opportunities.c.id.in_(sa.union(by_name, by_account))

    # --- rows ---------------------------------------------------------------------------------

    @staticmethod
    def _values(opportunity: Opportunity) -> dict[str, Any]:
        return record_values(opportunity, opportunities) | {"is_open": opportunity.is_open}

    def _save_children(self, opportunity: Opportunity) -> None:
        save_children(self._conn, self._tenant, OPP, opportunity)
        oid = opportunity.id
        for table in (opportunity_lines, opportunity_competitors):
            self._conn.execute(table.delete().where(table.c.tenant_id == self._tenant,
                                                    table.c.opportunity_id == oid))
        if opportunity.lines:
            self._conn.execute(opportunity_lines.insert(), [
                {"tenant_id": self._tenant, "id": _child_id(oid, "line", line.line_no), "opportunity_id": oid,
                 "line_no": line.line_no, "product_id": line.product_id, "product_name": line.product_name,
                 "quantity": line.quantity, "unit_price": line.unit_price, "discount": line.discount,
                 "amount": line.amount, "notes": line.notes}
                for line in opportunity.lines
            ])
        if opportunity.competitors:
            self._conn.execute(opportunity_competitors.insert(), [
                {"tenant_id": self._tenant, "id": _child_id(oid, "competitor", i), "opportunity_id": oid,
                 "line_no": i, "competitor_account_id": c.competitor_account_id, "name": c.name,
                 "product": c.product, "price": c.price, "strengths": c.strengths, "weaknesses": c.weaknesses,
                 "result": c.result.value}
                for i, c in enumerate(opportunity.competitors, start=1)
            ])

    def _lines(self, opportunity_id: UUID) -> tuple[ProductLine, ...]:
        t = opportunity_lines
        rows = self._conn.execute(self._select(t, t.c.opportunity_id == opportunity_id).order_by(t.c.line_no))
        return tuple(
            ProductLine(product_name=r.product_name, quantity=_dec(r.quantity, "0.001"),
                        unit_price=_dec(r.unit_price), discount=_dec(r.discount), product_id=r.product_id,
                        notes=r.notes, line_no=r.line_no)
            for r in rows
        )

    def _competitors(self, opportunity_id: UUID) -> tuple[Competitor, ...]:
        t = opportunity_competitors
        rows = self._conn.execute(
            self._select(t, t.c.opportunity_id == opportunity_id).order_by(t.c.line_no, t.c.id))
        return tuple(
            Competitor(name=r.name, competitor_account_id=r.competitor_account_id, product=r.product,
                       price=None if r.price is None else _dec(r.price), strengths=r.strengths,
                       weaknesses=r.weaknesses, result=CompetitorResult(r.result))
            for r in rows
        )


_ITEM = item_of(OpportunityListItem)


def _dec(value: Any, exp: str = "0.01") -> Decimal:
    """Numeric columns come back as Decimal on PostgreSQL and may come back as float-ish on SQLite;
    normalise to the column's scale."""
    return Decimal(str(value)).quantize(Decimal(exp))


