"""商品カテゴリ product categories as a sheet (imports: administrators only). Categories are not records
of their own: they are the values of the tenant's `product_category` code list (products.CATEGORY_LIST,
seeded from catalog defaults), which products and budgets refer to by code. So the sheet holds those
code-list values - code (the natural key), Japanese and English label, display order, active flag - and
an import inserts and updates them. Values are never deleted (records keep referring to them): set
`is_active` to false to stop offering one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from attrs import evolve

from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import AuditLog
from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import check_duplicates, column_of, ensure_admin_import, mode_allows
from dps.application.transfer.ports_store import TransferStores
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.catalog.code_lists import CodeValue
from dps.domain.sales.products import CATEGORY_LIST
from dps.domain.shared.errors import DomainError
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

T = ColumnType.TEXT

COLUMNS: tuple[Column, ...] = (
    Column("code", "カテゴリコード", "Category code", T, required=True, max_length=64),
    Column("label_ja", "カテゴリ名", "Name (Japanese)", T, required=True, max_length=200),
    Column("label_en", "カテゴリ名(英語)", "Name (English)", T, max_length=200),
    Column("sort_order", "表示順", "Display order", ColumnType.INTEGER),
    Column("is_active", "有効", "Active", ColumnType.BOOLEAN),
)
SORT_STEP = 10
"""A new value without a display order goes after the last one, this far apart."""


class ProductCategoriesKind:
    name = "product-categories"
    entity: str | None = None
    list_key = CATEGORY_LIST

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="商品カテゴリ", columns=COLUMNS, natural_key=("code",),
                           id_column=None)

    def authorize(self, principal: Principal, audit: AuditLog, action: str) -> None:
        if action.endswith(".import"):
            ensure_admin_import(principal, audit, action)

    def code_choices(self, uow: SalesUnitOfWork, schema: SheetSchema) -> dict[str, Sequence[str]]:
        return {}

    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        rows = check_duplicates(rows, ("code",), ctx.errors)
        existing = stores.code_values(ctx.uow).values(self.list_key)
        last = max((v.sort_order for v in existing.values()), default=0)
        out: list[Prepared] = []
        for r in rows:
            code = str(r.get("code") or "").strip()
            current = existing.get(code)
            if not mode_allows(ctx.mode, current is not None, r.number, "code", ctx.errors):
                continue
            try:
                if current is None:
                    sort_order = r.get("sort_order")
                    if sort_order is None:
                        last += SORT_STEP
                        sort_order = last
                    value = CodeValue(code=code, label_ja=str(r.get("label_ja") or ""),
                                      label_en=str(r.get("label_en") or "").strip(), sort_order=int(sort_order),
                                      is_active=r.get("is_active") is not False)
                    out.append(Prepared(row=r.number, action="insert", record=value))
                    continue
                changes: dict[str, Any] = {}
                if r.has("label_ja"):
                    changes["label_ja"] = str(r.get("label_ja") or "")
                if r.has("label_en"):
                    changes["label_en"] = str(r.get("label_en") or "").strip()
                if r.get("sort_order") is not None:
                    changes["sort_order"] = int(r.get("sort_order"))
                if r.get("is_active") is not None:
                    changes["is_active"] = bool(r.get("is_active"))
                value = evolve(current, **changes)
            except DomainError as e:
                ctx.errors.add(r.number, column_of(e, {"name": "label_ja"}, "code"), e.message)
                continue
            out.append(Prepared(row=r.number, action="unchanged" if value == current else "update", record=value,
                                expected_version=0))
        return out

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        store = stores.code_values(uow)
        inserts = [i.record for i in items if i.action == "insert"]
        if inserts:
            store.insert(self.list_key, inserts)
        updates = [i.record for i in items if i.action == "update"]
        if updates:
            store.update(self.list_key, updates)

    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        keys = schema.keys
        for value in stores.code_values(uow).stream(self.list_key):
            yield [getattr(value, k) for k in keys]
