"""販売実績 sales results as a sheet, usually a CSV from the core system (UTF-8 with BOM or cp932; the
codec detects which), an xlsx with the same columns works too.

Natural key: (取込区分 source, 伝票番号 slip number) - a re-import of the same slips updates them. The
account is named by 法人番号 (13 digits) or account code, the product by code (its category fills an
empty category cell), the owner by login id (retired users too: a sale stays theirs), an opportunity
by id (it must belong to the same account). The owner's organisation is stamped from the owner's
primary organisation on the day of the import (kept on updates unless the owner changes).

Only administrators import (imported results are read-only for normal users); every full user
exports (results are never 非公開)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.ports import AuditLog
from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import (
    acting_user,
    check_duplicates,
    column_of,
    ensure_admin_import,
    ensure_full_licence,
    mode_allows,
    version_matches,
    write_batch,
)
from dps.application.transfer.ports_store import AccountKey, TransferStores, UserRef
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.sales.products import Product
from dps.domain.sales.sales_results import CATEGORY_LIST, SalesResult, SalesSource
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

T, M, R = ColumnType.TEXT, ColumnType.DECIMAL, ColumnType.REFERENCE

COLUMNS: tuple[Column, ...] = (
    Column("id", "販売実績ID", "Sales result ID", ColumnType.ID),
    Column("version", "バージョン", "Version", ColumnType.INTEGER),
    Column("source", "取込区分", "Source", T, max_length=16),
    Column("slip_no", "伝票番号", "Slip number", T, required=True, max_length=64),
    Column("sales_date", "売上日", "Sales date", ColumnType.DATE, required=True),
    Column("account", "取引先", "Account", R, required=True, reference="account"),
    Column("product", "商品コード", "Product code", R, reference="product"),
    Column("category_code", "商品カテゴリ", "Product category", ColumnType.CODE, code_list=CATEGORY_LIST),
    Column("quantity", "数量", "Quantity", M),
    Column("amount", "売上金額", "Amount", M, required=True),
    Column("cost", "原価", "Cost", M),
    Column("gross_profit", "粗利", "Gross profit", M),
    Column("owner", "担当者", "Owner", R, required=True, reference="user"),
    Column("opportunity_id", "案件ID", "Opportunity ID", ColumnType.ID),
    Column("notes", "備考", "Notes", T, max_length=2000),
)
VALUE_FIELDS = ("sales_date", "category_code", "quantity", "amount", "cost", "gross_profit", "notes")
"""Columns that are plain attributes of a result (the references are resolved first)."""
_ALIASES = {"account_id": "account", "owner_id": "owner", "product_id": "product"}
_CORPORATE_NUMBER = re.compile(r"^\d{13}$")
_DUPLICATE = "ファイル内で重複しています (行 {first}) / duplicate of row {first} in the file"
_TAKEN = "取込区分と伝票番号の組は既に別の実績に使われています / this (source, slip number) belongs to another result"

Key = tuple[SalesSource, str]


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


class SalesResultsKind:
    name = "sales-results"
    entity: str | None = None

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="販売実績", columns=COLUMNS, natural_key=("source", "slip_no"))

    def authorize(self, principal: Principal, audit: AuditLog, action: str) -> None:
        if action.endswith(".import"):
            ensure_admin_import(principal, audit, action)
        else:
            ensure_full_licence(principal, audit, action)

    def code_choices(self, uow: SalesUnitOfWork, schema: SheetSchema) -> dict[str, Sequence[str]]:
        return {"category_code": [v.code for v in code_list(uow, CATEGORY_LIST).active()],
                "source": [s.value for s in SalesSource]}

    # -- import
    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        errors = ctx.errors
        store = stores.sales_results(ctx.uow)
        rows = check_duplicates(rows, ("id",), errors)
        keyed = self._keys(rows, ctx)
        rows = [r for r in rows if r.number in keyed]

        by_id = store.by_ids({v for r in rows if isinstance(v := r.get("id"), UUID)})
        by_slip = store.by_slips(set(keyed.values()))
        refs = [_text(r.get("account")) for r in rows if r.get("account")]
        account_keys = stores.accounts(ctx.uow).keys(
            ctx.viewer, codes={x for x in refs if not _CORPORATE_NUMBER.match(x)},
            corporate_numbers={x for x in refs if _CORPORATE_NUMBER.match(x)})
        by_cn = {k.corporate_number: k for k in account_keys if k.corporate_number}
        by_code = {k.code: k for k in account_keys if k.code}
        products = stores.products(ctx.uow).by_codes({_text(v) for r in rows if (v := r.get("product"))})
        directory = stores.directory(ctx.uow)
        users = directory.users_by_login({_text(v) for r in rows if (v := r.get("owner"))})
        opportunities = store.opportunity_accounts({v for r in rows if isinstance(v := r.get("opportunity_id"), UUID)})
        acting = acting_user(ctx, directory)

        out: list[Prepared] = []
        for r in rows:
            key = keyed[r.number]
            row_id = r.get("id")
            current = by_id.get(row_id) if row_id is not None else by_slip.get(key)
            if row_id is not None and current is None:
                errors.add(r.number, "id", "該当する販売実績がありません / no such sales result")
                continue
            if not mode_allows(ctx.mode, current is not None, r.number, "id" if row_id else "slip_no", errors):
                continue
            holder = by_slip.get(key)
            if current is not None and holder is not None and holder.id != current.id:
                errors.add(r.number, "slip_no", _TAKEN)
                continue
            if current is not None and not version_matches(r, current.version, errors):
                continue
            values = self._values(ctx, r, key, current, by_cn, by_code, products, users, opportunities)
            if values is None:
                continue
            item = self._build(ctx, r, current, values, acting)
            if item is not None:
                out.append(item)
        return self._stamp_organisations(ctx, directory, out, by_id, by_slip)

    @staticmethod
    def _keys(rows: Sequence[ParsedRow], ctx: ImportContext) -> dict[int, Key]:
        """Each row's (source, slip number); a bad source or a key repeating an earlier row's is an error."""
        seen: dict[Key, int] = {}
        out: dict[int, Key] = {}
        for r in rows:
            try:
                source = SalesSource.parse(r.get("source"))
            except DomainError as e:
                ctx.errors.add(r.number, "source", e.message)
                continue
            key = (source, _text(r.get("slip_no")))
            first = seen.setdefault(key, r.number)
            if first != r.number:
                ctx.errors.add(r.number, "slip_no", _DUPLICATE.format(first=first))
                continue
            out[r.number] = key
        return out

    @staticmethod
    def _values(ctx: ImportContext, r: ParsedRow, key: Key, current: SalesResult | None,
                by_cn: Mapping[str, AccountKey], by_code: Mapping[str, AccountKey], products: Mapping[str, Product],
                users: Mapping[str, UserRef], opportunities: Mapping[UUID, UUID]) -> dict[str, Any] | None:
        """The row's attribute values with its references resolved (only the columns the file has, for
        an update); None after reporting the row's reference errors."""
        errors, ok = ctx.errors, True
        values: dict[str, Any] = {"source": key[0], "slip_no": key[1]}
        values.update({k: r.get(k) for k in VALUE_FIELDS if r.has(k)})
        if r.has("account"):
            ref = _text(r.get("account"))
            found = (by_cn if _CORPORATE_NUMBER.match(ref) else by_code).get(ref)
            if found is None:
                errors.add(r.number, "account", f"取引先 '{ref}' が見つかりません / no such account")
                ok = False
            else:
                values["account_id"] = found.id
        if r.has("product"):
            code = _text(r.get("product"))
            product = products.get(code) if code else None
            if code and product is None:
                errors.add(r.number, "product", f"商品 '{code}' が見つかりません / no such product")
                ok = False
            values["product_id"] = product.id if product is not None else None
            if product is not None and not r.get("category_code"):
                values["category_code"] = product.category_code
        if r.has("owner"):
            login = _text(r.get("owner"))
            user = users.get(login)
            if user is None:
                errors.add(r.number, "owner", f"担当者 '{login}' が見つかりません / no such user")
                ok = False
            else:
                values["owner_id"] = user.id
        if r.has("opportunity_id"):
            opportunity = r.get("opportunity_id")
            values["opportunity_id"] = opportunity
            if opportunity is not None:
                account = values.get("account_id", current.account_id if current is not None else None)
                owner_account = opportunities.get(opportunity)
                if owner_account is None:
                    errors.add(r.number, "opportunity_id", "該当する案件がありません / no such opportunity")
                    ok = False
                elif account is not None and owner_account != account:
                    errors.add(r.number, "opportunity_id",
                               "案件の取引先が実績の取引先と異なります / the opportunity belongs to another account")
                    ok = False
        return values if ok else None

    @staticmethod
    def _build(ctx: ImportContext, r: ParsedRow, current: SalesResult | None, values: dict[str, Any],
               acting: UserId | None) -> Prepared | None:
        try:
            if current is None:
                required = {k: None for k in ("sales_date", "account_id", "owner_id", "amount")}
                result = SalesResult(id=ctx.ids.new_id(), **(required | values)).stamp_created(acting, ctx.now)
                return Prepared(row=r.number, action="insert", record=result)
            revised = current.revise(**values)
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, _ALIASES, "amount"), e.message)
            return None
        if revised.content() == current.content():
            return Prepared(row=r.number, action="unchanged", record=current, expected_version=current.version)
        return Prepared(row=r.number, action="update", record=revised.stamp_updated(acting, ctx.now),
                        expected_version=current.version)

    @staticmethod
    def _stamp_organisations(ctx: ImportContext, directory: Any, items: list[Prepared],
                             by_id: Mapping[UUID, SalesResult], by_slip: Mapping[Key, SalesResult]
                             ) -> list[Prepared]:
        """新規 and owner changes: the owner's primary organisation today (one query for the file)."""
        before = {r.id: r.owner_id for r in (*by_id.values(), *by_slip.values())}
        stamp = {i.row: i.record.owner_id for i in items
                 if i.action != "unchanged" and before.get(i.record.id) != i.record.owner_id}
        orgs: Mapping[UUID, OrganizationId] = directory.primary_organizations(
            set(stamp.values()), ctx.today) if stamp else {}
        out: list[Prepared] = []
        for item in items:
            if item.row in stamp:
                record = item.record.with_owner_organization(orgs.get(item.record.owner_id))
                item = Prepared(row=item.row, action=item.action, record=record,
                                expected_version=item.expected_version)
            out.append(item)
        return out

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        write_batch(stores.sales_results(uow), items)

    # -- export
    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        keys = schema.keys
        for row in stores.sales_results(uow).stream(filters):
            s = row.result
            extra: dict[str, Any] = {"source": s.source.value, "account": row.account_key,
                                     "product": row.product_code, "owner": row.owner_login}
            yield [extra[k] if k in extra else getattr(s, k) for k in keys]
