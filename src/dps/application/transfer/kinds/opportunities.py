"""案件 opportunities as a sheet.

- **Key**: opportunities have no external code, so the record id is the only key: a row without an id
  is a new opportunity (insert / upsert), a row with one updates it (update / upsert; insert refuses
  it). Re-importing the same new rows twice therefore creates them twice - export first to update.
- **References**: the account (required) by id, 法人番号 or account code (13 digits = corporate number);
  the campaign by id or by its exact name (a name shared by several campaigns the user sees is an
  error: give the id); the owner by login id. A newly named account or campaign must be visible to
  the importing user; the one a row already has stays valid even if the user cannot see it (the
  export names an invisible account by its id, never by its code).
- **Rules**: the stage and certainty are codes of the tenant's lists; the closing rules of the domain
  apply (受注 takes the expected amount and today when the order amount / date are empty, 失注 needs a
  reason). Updates need edit rights under the tenant's update rule and the version read at export.
- **Not in the sheet**: product lines (商品明細), competitors, staff, 非公開 allow-lists and relations -
  an update keeps them, an insert creates an unrestricted opportunity without lines. Product lines are
  not imported or exported in this version.
- **Export**: only the opportunities the acting user may see (visible_to), the account named as above,
  the campaign by id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.transfer.kinds.accounts import AccountsKind
from dps.application.transfer.kinds.base import ImportContext, ParsedRow, Prepared
from dps.application.transfer.kinds.common import (
    CF_PREFIX,
    SalesRecordKind,
    acting_user,
    column_of,
    custom_cell,
    custom_values,
    write_batch,
)
from dps.application.transfer.kinds.id_keyed import IdKeyedRows
from dps.application.transfer.ports_store import AccountKey, OpportunityBulkStore, RecordKey, TransferStores
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.catalog.code_lists import CodeList
from dps.domain.catalog.custom_fields import CustomFieldSchema
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST, Opportunity
from dps.domain.shared.errors import DomainError
from dps.domain.visibility.policy import Viewer, can_view

T, N, D, C, R = ColumnType.TEXT, ColumnType.INTEGER, ColumnType.ID, ColumnType.CODE, ColumnType.REFERENCE
DATE, MONEY = ColumnType.DATE, ColumnType.DECIMAL

COLUMNS: tuple[Column, ...] = (
    Column("id", "案件ID", "Opportunity ID", D),
    Column("version", "バージョン", "Version", N),
    Column("name", "案件名", "Name", T, required=True, max_length=200),
    Column("account", "取引先", "Account", R, required=True, reference="account"),
    Column("stage_code", "フェーズ", "Stage", C, required=True, code_list=STAGE_LIST),
    Column("certainty_code", "確度", "Certainty", C, code_list=CERTAINTY_LIST),
    Column("expected_order_date", "受注予定日", "Expected order date", DATE),
    Column("expected_sales_date", "売上予定日", "Expected sales date", DATE),
    Column("expected_amount", "見込金額", "Expected amount", MONEY),
    Column("order_amount", "受注金額", "Order amount", MONEY),
    Column("ordered_on", "受注日", "Order date", DATE),
    Column("lost_reason", "失注理由", "Lost reason", T, max_length=4000),
    Column("campaign", "キャンペーン", "Campaign", R, reference="campaign"),
    Column("owner", "担当者", "Owner", R, reference="user"),
    Column("description", "説明", "Description", T, max_length=20000),
    Column("next_action", "次回アクション", "Next action", T, max_length=400),
    Column("next_action_on", "次回アクション日", "Next action date", DATE),
)

FIELDS: tuple[str, ...] = ("name", "expected_order_date", "expected_sales_date", "expected_amount", "order_amount",
                           "ordered_on", "lost_reason", "description", "next_action", "next_action_on")
"""Plain attributes set as they are (None clears; text columns take "" for None)."""
_TEXT = frozenset({"name", "lost_reason", "description", "next_action"})
_ALIASES = {"account_id": "account", "campaign_id": "campaign", "owner_id": "owner"}
_CORPORATE_NUMBER = re.compile(r"^\d{13}$")
NO_SUCH_OPPORTUNITY = "該当する案件がありません / no such opportunity"
NOT_EDITABLE = "この案件を更新する権限がありません / you may not change this opportunity"
NO_SUCH_ACCOUNT = "取引先 '{ref}' が見つかりません / no such account"


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


class AccountRefs:
    """Account references of a file (id, 法人番号 or code) resolved in one lookup per kind of key."""

    def __init__(self, ctx: ImportContext, stores: TransferStores, refs: set[str]) -> None:
        ids = {u for r in refs if (u := _uuid(r)) is not None}
        others = {r for r in refs if _uuid(r) is None}
        cns = {r for r in others if _CORPORATE_NUMBER.match(r)}
        codes = others - cns
        keys = stores.accounts(ctx.uow).keys(ctx.viewer, ids=ids, codes=codes, corporate_numbers=cns) if refs else []
        self._by_id = {k.id: k for k in keys}
        self._by_cn = {k.corporate_number: k for k in keys if k.corporate_number}
        self._by_code = {k.code: k for k in keys if k.code}

    def find(self, ref: str) -> AccountKey | None:
        if (u := _uuid(ref)) is not None:
            return self._by_id.get(u)
        return (self._by_cn if _CORPORATE_NUMBER.match(ref) else self._by_code).get(ref)

    def resolve(self, ref: str, current: UUID | None) -> UUID | None:
        """The account id `ref` names if the user may use it: a visible account, or the one the record
        already has; None when not found."""
        found = self.find(ref)
        if found is None or not (found.visible or found.id == current):
            return None
        return found.id


def ref_text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _content(o: Opportunity) -> tuple[Any, ...]:
    """What an import may change; equal before and after means the row changes nothing."""
    return (*(getattr(o, k) for k in FIELDS), o.account_id, o.stage_code, o.certainty_code, o.campaign_id,
            o.owner_id, o.custom_fields)


class OpportunitiesKind(SalesRecordKind):
    name = "opportunities"
    entity: str | None = "opportunity"

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="案件", columns=COLUMNS, natural_key=())

    # -- import
    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        store = stores.opportunities(ctx.uow)
        flow = IdKeyedRows.load(ctx, rows, store.load, _content)
        accounts = AccountRefs(ctx, stores, {ref_text(r.get("account")) for r in flow.rows if r.get("account")})
        campaigns = self._campaigns(ctx, store, flow.rows)
        directory = stores.directory(ctx.uow)
        users = directory.users_by_login({ref_text(v) for r in flow.rows if (v := r.get("owner"))})
        custom = ctx.uow.custom_fields.schema_for("opportunity")
        stages, certainties = code_list(ctx.uow, STAGE_LIST), code_list(ctx.uow, CERTAINTY_LIST)
        acting = acting_user(ctx, directory)
        for r, target in flow.candidates(lambda o: can_view(ctx.viewer, o.access), NO_SUCH_OPPORTUNITY, NOT_EDITABLE):
            item = self._apply(ctx, r, target, accounts, campaigns, custom, stages, certainties)
            if item is not None:
                flow.add(r, target, item, acting)
        AccountsKind._owners(ctx, directory, flow.prepared, flow.rows, users)
        return flow.finish(acting)

    @staticmethod
    def _campaigns(ctx: ImportContext, store: OpportunityBulkStore, rows: Sequence[ParsedRow]
                   ) -> dict[str, list[RecordKey]]:
        """Campaign cell text -> the campaigns it names (by id, else by exact name)."""
        refs = {ref_text(v) for r in rows if (v := r.get("campaign"))}
        if not refs:
            return {}
        ids = {u for ref in refs if (u := _uuid(ref)) is not None}
        keys = store.campaigns(ctx.viewer, ids=ids, names={ref for ref in refs if _uuid(ref) is None})
        out: dict[str, list[RecordKey]] = {}
        for ref in refs:
            u = _uuid(ref)
            out[ref] = [k for k in keys if (k.id == u if u is not None else k.name == ref)]
        return out

    def _apply(self, ctx: ImportContext, r: ParsedRow, target: Opportunity | None, accounts: AccountRefs,
               campaigns: Mapping[str, list[RecordKey]], custom: CustomFieldSchema, stages: CodeList,
               certainties: CodeList) -> Opportunity | None:
        """The opportunity a row makes (new) or leaves (existing, changed in place); None on an error."""
        errors = ctx.errors
        account_id = target.account_id if target is not None else None
        if r.has("account"):
            ref = ref_text(r.get("account"))
            account_id = accounts.resolve(ref, account_id)
            if account_id is None:
                errors.add(r.number, "account", NO_SUCH_ACCOUNT.format(ref=ref))
                return None
        campaign_id = target.campaign_id if target is not None else None
        if r.has("campaign"):
            ref = ref_text(r.get("campaign"))
            usable = [k for k in campaigns.get(ref, []) if k.visible or k.id == campaign_id]
            if ref and len(usable) != 1:
                errors.add(r.number, "campaign",
                           f"キャンペーン '{ref}' が見つかりません / no such campaign" if not usable else
                           f"キャンペーン '{ref}' が複数あります。IDで指定してください / several campaigns are "
                           "named so: give the id")
                return None
            campaign_id = usable[0].id if ref else None
        assert account_id is not None
        try:
            o = target if target is not None else Opportunity(
                id=ctx.ids.new_id(), name=r.get("name") or "", account_id=account_id,
                stage_code=r.get("stage_code") or "")
            o.account_id, o.campaign_id = account_id, campaign_id
            for key in FIELDS:
                if r.has(key):
                    value = r.get(key)
                    setattr(o, key, ("" if value is None else value) if key in _TEXT else value)
            if r.has("stage_code"):
                o.move_to_stage(r.get("stage_code") or "", stages)
            if r.has("certainty_code"):
                o.set_certainty(r.get("certainty_code"), certainties)
            if target is None:
                o.check_codes(stages=stages, certainties=certainties)
                o.custom_fields = custom.validate(custom_values(r))
            elif changes := custom_values(r):
                o.custom_fields = custom.apply_changes(o.custom_fields, changes)
            o.settle(today=ctx.today)
        except DomainError as e:
            errors.add(r.number, column_of(e, _ALIASES, "name"), e.message)
            return None
        return o

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        write_batch(stores.opportunities(uow), items)

    # -- export
    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        columns = schema.columns
        for m in stores.opportunities(uow).stream(viewer, filters):
            cf = m["custom_fields"] or {}
            extra = {"account": m["account_key"], "owner": m["owner_login"],
                     "campaign": str(m["campaign_id"]) if m["campaign_id"] is not None else None}
            yield [
                custom_cell(c, cf.get(c.key[len(CF_PREFIX):])) if c.custom
                else extra[c.key] if c.key in extra else m[c.key]
                for c in columns
            ]
