"""SQL store of budgets (予算) and their lines. Lines are replaced as a whole on every save."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from dps.adapters.db.paging import keyset_page, resolve_sort
from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.repositories.sales.record_rows import delete_record_children
from dps.adapters.db.tables.sales_budgets import budget_lines, budgets
from dps.application.sales.budgets.ports import BudgetFilter, BudgetRepository
from dps.application.sales.budgets.rules import duplicate_message
from dps.application.shared.errors import Conflict
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.budgets import Budget, BudgetLine
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import OrganizationId, UserId

_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "fiscal_year": budgets.c.fiscal_year,
    "kind_code": budgets.c.kind_code,
    "created_at": budgets.c.created_at,
    "updated_at": budgets.c.updated_at,
}
_CHUNK = 500


def _values(b: Budget) -> dict[str, Any]:
    return {
        "fiscal_year": b.fiscal_year, "fiscal_year_start_month": b.fiscal_year_start_month,
        "organization_id": b.organization_id, "user_id": b.user_id, "kind_code": b.kind_code,
        "by_category": b.by_category, "target_key": b.target_key, "notes": b.notes,
        "created_by": b.created_by, "created_at": b.created_at, "updated_by": b.updated_by,
        "updated_at": b.updated_at,
    }


def _budget(r: Any, lines: Sequence[BudgetLine]) -> Budget:
    return Budget(
        id=r.id, fiscal_year=r.fiscal_year, fiscal_year_start_month=r.fiscal_year_start_month,
        organization_id=cast(OrganizationId | None, r.organization_id), user_id=cast(UserId | None, r.user_id),
        kind_code=r.kind_code, by_category=r.by_category, notes=r.notes, lines=tuple(lines),
        created_by=cast(UserId | None, r.created_by), created_at=r.created_at,
        updated_by=cast(UserId | None, r.updated_by), updated_at=r.updated_at, version=r.version,
    )


class SqlBudgetRepository(TenantScoped, BudgetRepository):
    def get(self, budget_id: UUID) -> Budget | None:
        found = self.get_many([budget_id])
        return found[0] if found else None

    def get_many(self, budget_ids: Iterable[UUID]) -> Sequence[Budget]:
        ids = list(dict.fromkeys(budget_ids))
        rows: list[Any] = []
        for start in range(0, len(ids), _CHUNK):
            rows.extend(self._conn.execute(self._select(budgets, budgets.c.id.in_(ids[start:start + _CHUNK]))))
        return self._with_lines(rows)

    def find_id(self, fiscal_year: int, target_key: str, kind_code: str) -> UUID | None:
        q = sa.select(budgets.c.id).where(
            budgets.c.tenant_id == self._tenant, budgets.c.fiscal_year == fiscal_year,
            budgets.c.target_key == target_key, budgets.c.kind_code == kind_code,
        )
        found: UUID | None = self._conn.execute(q).scalar()
        return found

    def add(self, budget: Budget) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(budgets.insert().values(
                    tenant_id=self._tenant, id=budget.id, version=1, **_values(budget)
                ))
                self._insert_lines(budget)
        except IntegrityError as e:
            raise Conflict(duplicate_message(budget), field="kind_code") from e
        budget.version = 1

    def update(self, budget: Budget) -> None:
        try:
            with self._conn.begin_nested():
                version = self._update_versioned(budgets, budget.id, budget.version, _values(budget), what="budget")
                self._conn.execute(budget_lines.delete().where(
                    budget_lines.c.tenant_id == self._tenant, budget_lines.c.budget_id == budget.id
                ))
                self._insert_lines(budget)
        except IntegrityError as e:
            raise Conflict(duplicate_message(budget), field="kind_code") from e
        budget.version = version

    def delete(self, budget_ids: Sequence[UUID]) -> int:
        ids = list(dict.fromkeys(budget_ids))
        deleted = 0
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            delete_record_children(self._conn, self._tenant, RecordType.BUDGET, chunk)
            self._conn.execute(budget_lines.delete().where(
                budget_lines.c.tenant_id == self._tenant, budget_lines.c.budget_id.in_(chunk)
            ))
            result = self._conn.execute(budgets.delete().where(
                budgets.c.tenant_id == self._tenant, budgets.c.id.in_(chunk)
            ))
            deleted += result.rowcount
        return deleted

    def search(self, where: BudgetFilter, page: PageRequest) -> Page[Budget]:
        sort = resolve_sort(page, _SORTS, "fiscal_year")
        rows = keyset_page(
            self._conn, self._filtered(where), sort=sort, id_column=budgets.c.id, request=page,
            to_item=lambda r: r, sort_value=lambda r: getattr(r, sort.key),
        )
        items = self._with_lines(list(rows.items))
        return Page(items=items, next_cursor=rows.next_cursor, total=rows.total)

    def matching(self, where: BudgetFilter) -> Sequence[Budget]:
        rows = list(self._conn.execute(self._filtered(where).order_by(budgets.c.id)))
        return self._with_lines(rows)

    # -- helpers

    def _filtered(self, where: BudgetFilter) -> sa.Select[Any]:
        q = self._select(budgets)
        if where.fiscal_year is not None:
            q = q.where(budgets.c.fiscal_year == where.fiscal_year)
        if where.organization_ids is not None:
            q = q.where(budgets.c.organization_id.in_(sorted(where.organization_ids)))
        if where.user_id is not None:
            q = q.where(budgets.c.user_id == where.user_id)
        if where.kind_code is not None:
            q = q.where(budgets.c.kind_code == where.kind_code)
        return q

    def _insert_lines(self, budget: Budget) -> None:
        if budget.lines:
            self._conn.execute(budget_lines.insert(), [
                {"tenant_id": self._tenant, "budget_id": budget.id, "month": line.month,
                 "category_code": line.category_code, "amount": line.amount}
                for line in budget.lines
            ])

    def _with_lines(self, rows: Sequence[Any]) -> list[Budget]:
        """Budgets of `rows` (in that order) with their lines, read in one query per chunk."""
        lines: dict[UUID, list[BudgetLine]] = defaultdict(list)
        ids = [r.id for r in rows]
        for start in range(0, len(ids), _CHUNK):
            q = sa.select(budget_lines).where(
                budget_lines.c.tenant_id == self._tenant, budget_lines.c.budget_id.in_(ids[start:start + _CHUNK])
            ).order_by(budget_lines.c.budget_id, budget_lines.c.month, budget_lines.c.category_code)
            for line in self._conn.execute(q):
                lines[line.budget_id].append(
                    BudgetLine(month=line.month, amount=line.amount, category_code=line.category_code)
                )
        return [_budget(r, lines[r.id]) for r in rows]
