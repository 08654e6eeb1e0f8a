"""商品 products as a sheet (administrators only). Natural key: the product code."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import AuditLog
from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import (
    check_duplicates,
    column_of,
    ensure_admin_import,
    mode_allows,
    version_matches,
    write_batch,
)
from dps.application.transfer.ports_store import TransferStores
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.sales.products import CATEGORY_LIST, Product
from dps.domain.shared.errors import DomainError
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

T = ColumnType.TEXT

COLUMNS: tuple[Column, ...] = (
    Column("id", "商品ID", "Product ID", ColumnType.ID),
    Column("version", "バージョン", "Version", ColumnType.INTEGER),
    Column("code", "商品コード", "Product code", T, required=True, max_length=64),
    Column("name", "商品名", "Name", T, required=True, max_length=200),
    Column("kana", "商品名カナ", "Name (kana)", T, max_length=200),
    Column("category_code", "商品カテゴリ", "Category", ColumnType.CODE, code_list=CATEGORY_LIST),
    Column("unit", "単位", "Unit", T, max_length=20),
    Column("standard_price", "標準単価", "Standard price", ColumnType.DECIMAL),
    Column("cost", "原価", "Cost", ColumnType.DECIMAL),
    Column("is_active", "有効", "Active", ColumnType.BOOLEAN),
    Column("description", "説明", "Description", T, max_length=4000),
)
FIELDS = ("code", "name", "kana", "category_code", "unit", "standard_price", "cost", "description")


def _content(p: Product) -> tuple[Any, ...]:
    return (*(getattr(p, k) for k in FIELDS), p.is_active)


class ProductsKind:
    name = "products"
    entity: str | None = None
    unique_columns: tuple[str, ...] = ("id", "code")

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="商品", columns=COLUMNS, natural_key=("code",))

    def authorize(self, principal: Principal, audit: AuditLog, action: str) -> None:
        if action.endswith(".import"):
            ensure_admin_import(principal, audit, action)

    def code_choices(self, uow: SalesUnitOfWork, schema: SheetSchema) -> dict[str, Sequence[str]]:
        return {"category_code": [v.code for v in code_list(uow, CATEGORY_LIST).active()]}

    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        store = stores.products(ctx.uow)
        rows = check_duplicates(rows, self.unique_columns, ctx.errors)
        by_id = store.by_ids({v for r in rows if isinstance(v := r.get("id"), UUID)})
        by_code = store.by_codes({str(v).strip() for r in rows if (v := r.get("code"))})
        out: list[Prepared] = []
        for r in rows:
            row_id = r.get("id")
            current = by_id.get(row_id) if row_id is not None else by_code.get(str(r.get("code") or "").strip())
            if row_id is not None and current is None:
                ctx.errors.add(r.number, "id", "該当する商品がありません / no such product")
                continue
            if not mode_allows(ctx.mode, current is not None, r.number, "id" if row_id else "code", ctx.errors):
                continue
            if current is not None:
                taken = by_code.get(str(r.get("code") or "").strip())
                if taken is not None and taken.id != current.id:
                    ctx.errors.add(r.number, "code", "商品コードは既に使われています / product code already used")
                    continue
                if not version_matches(r, current.version, ctx.errors):
                    continue
            try:
                if current is None:
                    values: dict[str, Any] = {k: r.get(k) for k in FIELDS if r.get(k) is not None}
                    kwargs: dict[str, Any] = {k: (str(v) if isinstance(v, int | float) and k not in (
                        "standard_price", "cost") else v) for k, v in values.items()}
                    kwargs.setdefault("code", "")
                    kwargs.setdefault("name", "")
                    product = Product(id=ctx.ids.new_id(), is_active=r.get("is_active") is not False, **kwargs)
                    product.stamp(ctx.now)
                    out.append(Prepared(row=r.number, action="insert", record=product))
                    continue
                before = _content(current)
                for k in FIELDS:
                    if r.has(k):
                        v = r.get(k)
                        setattr(current, k, "" if v is None and k not in ("standard_price", "cost",
                                                                            "category_code") else v)
                if r.has("is_active") and r.get("is_active") is not None:
                    current.is_active = bool(r.get("is_active"))
            except DomainError as e:
                ctx.errors.add(r.number, column_of(e, default="code"), e.message)
                continue
            if _content(current) == before:
                out.append(Prepared(row=r.number, action="unchanged", record=current,
                                    expected_version=current.version))
            else:
                current.stamp(ctx.now)
                out.append(Prepared(row=r.number, action="update", record=current, expected_version=current.version))
        return out

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        write_batch(stores.products(uow), items)

    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        keys = schema.keys
        for p in stores.products(uow).stream(filters):
            yield [getattr(p, k) for k in keys]
