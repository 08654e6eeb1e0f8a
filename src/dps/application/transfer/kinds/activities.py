"""活動実績 actual activities as a sheet.

- **Actual only**: every imported row is an actual (done) activity; plans (予定) are not imported, and
  a row naming the id of a planned or cancelled activity is an error. The export likewise contains only
  actual activities, so an export re-imports unchanged (plans live in the calendar, not in this sheet).
- **Key**: the record id only (activities have no external code): a row without an id is new.
- **Dates and times** are in the tenant's time zone: the export writes local times without a zone,
  an import reads a time without a zone as the tenant's local time (one with an explicit offset is
  taken as given). The activity date may be left empty when a start time is given; an actual
  activity cannot lie in the future (the domain's rule).
- **References**: the account by id, 法人番号 or code (empty: the opportunity's account), the
  opportunity by id, the persons met (面談者) as a list of person ids (separated by commas), the owner
  by login id. Newly named records must be visible to the importing user - for an opportunity that
  includes its 非公開 restriction (R6) - while the ones a row already has stay valid.
- **Not in the sheet**: purpose / campaign / lead links other than above, attendees (同行者), staff and
  allow-lists - an update keeps them.
- **Export**: the actual activities the acting user may see, without those linked to an opportunity
  the user may not see (R6).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from attrs import evolve

from dps.application.sales.activities.support import activity_codes
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
from dps.application.transfer.kinds.opportunities import NO_SUCH_ACCOUNT, AccountRefs, ref_text
from dps.application.transfer.ports_store import RecordKey, TransferStores
from dps.application.transfer.schema import Column, ColumnType, SheetSchema
from dps.domain.catalog.custom_fields import CustomFieldSchema
from dps.domain.sales.activities import Activity, ActivityCodes, ActivityDetails, ActivityStatus
from dps.domain.shared.errors import DomainError
from dps.domain.visibility.policy import Viewer, can_view

T, N, D, C, R = ColumnType.TEXT, ColumnType.INTEGER, ColumnType.ID, ColumnType.CODE, ColumnType.REFERENCE
DATE, DATETIME = ColumnType.DATE, ColumnType.DATETIME

COLUMNS: tuple[Column, ...] = (
    Column("id", "活動ID", "Activity ID", D),
    Column("version", "バージョン", "Version", N),
    Column("activity_date", "活動日", "Date", DATE),
    Column("starts_at", "開始日時", "Starts at", DATETIME),
    Column("ends_at", "終了日時", "Ends at", DATETIME),
    Column("kind_code", "活動種別", "Kind", C, required=True, code_list="activity_kind"),
    Column("subject", "件名", "Subject", T, required=True, max_length=200),
    Column("account", "取引先", "Account", R, reference="account"),
    Column("opportunity", "案件ID", "Opportunity ID", D),
    Column("persons", "面談者ID", "Persons met (ids)", R, reference="person"),
    Column("purpose_code", "目的", "Purpose", C, code_list="activity_purpose"),
    Column("result_code", "結果", "Result", C, code_list="activity_result"),
    Column("content", "内容", "Content", T, max_length=20000),
    Column("next_action", "次回アクション", "Next action", T, max_length=400),
    Column("next_action_on", "次回アクション日", "Next action date", DATE),
    Column("owner", "担当者", "Owner", R, reference="user"),
)

_PLAIN = ("activity_date", "kind_code", "subject", "purpose_code", "result_code", "content", "next_action",
          "next_action_on")
_TEXT = frozenset({"content", "next_action", "subject"})
_ALIASES = {"account_id": "account", "opportunity_id": "opportunity", "person_ids": "persons", "owner_id": "owner"}
_SEPARATORS = re.compile(r"[,、，;；\s]+")
NO_SUCH_ACTIVITY = "該当する活動がありません / no such activity"
NOT_ACTUAL = "実績の活動ではありません (予定は取り込めません) / not an actual activity (plans are not imported)"
NOT_EDITABLE = "この活動を更新する権限がありません / you may not change this activity"
NO_SUCH_OPPORTUNITY = "案件が見つかりません / no such opportunity"


def _person_ids(value: Any) -> tuple[UUID, ...] | None:
    """The ids of a persons cell; None when one is not an id."""
    out: list[UUID] = []
    for part in _SEPARATORS.split(ref_text(value)):
        if part:
            try:
                out.append(UUID(part))
            except ValueError:
                return None
    return tuple(dict.fromkeys(out))


def _content(a: Activity) -> tuple[Any, ...]:
    return (a.details, a.owner_id, a.custom_fields)


def local(value: datetime | None, tz: tzinfo) -> datetime | None:
    """A stored (aware) time as the sheet shows it: naive, in the tenant's zone, whole seconds."""
    if value is None:
        return None
    return value.astimezone(tz).replace(tzinfo=None, microsecond=0)


def aware(value: datetime | None, tz: tzinfo) -> datetime | None:
    """A sheet time as stored: without a zone it is the tenant's local time."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=tz)


class ActivitiesKind(SalesRecordKind):
    name = "activities"
    entity: str | None = "activity"

    def base_schema(self) -> SheetSchema:
        return SheetSchema(kind=self.name, sheet_title="活動実績", columns=COLUMNS, natural_key=())

    # -- import
    def prepare(self, ctx: ImportContext, stores: TransferStores, rows: Sequence[ParsedRow]) -> list[Prepared]:
        errors = ctx.errors
        store = stores.activities(ctx.uow)
        flow = IdKeyedRows.load(ctx, rows, store.load, _content)
        persons_of: dict[int, tuple[UUID, ...]] = {}
        for r in flow.rows:
            if r.get("persons") is not None:
                ids = _person_ids(r.get("persons"))
                if ids is None:
                    errors.add(r.number, "persons", "面談者はパーソンIDをカンマ区切りで指定してください / persons met: "
                                                    "person ids separated by commas")
                else:
                    persons_of[r.number] = ids
        opportunity_ids = {v for r in flow.rows if isinstance(v := r.get("opportunity"), UUID)}
        opportunity_ids |= {a.opportunity_id for a in flow.existing.values() if a.opportunity_id is not None}
        opportunities = stores.opportunities(ctx.uow).keys(ctx.viewer, opportunity_ids)
        persons = store.persons(ctx.viewer, {p for ids in persons_of.values() for p in ids})
        accounts = AccountRefs(ctx, stores, {ref_text(r.get("account")) for r in flow.rows if r.get("account")})
        directory = stores.directory(ctx.uow)
        users = directory.users_by_login({ref_text(v) for r in flow.rows if (v := r.get("owner"))})
        custom = ctx.uow.custom_fields.schema_for("activity")
        codes = activity_codes(ctx.uow)
        tz = ZoneInfo(ctx.uow.tenant().time_zone)
        acting = acting_user(ctx, directory)
        candidates = flow.candidates(lambda a: self._visible(ctx.viewer, a, opportunities), NO_SUCH_ACTIVITY,
                                     NOT_EDITABLE, refuse=lambda a: None if a.is_actual else NOT_ACTUAL)
        for r, target in candidates:
            details = self._details(ctx, r, target, accounts, opportunities, persons, persons_of.get(r.number), tz)
            item = self._apply(ctx, r, target, details, custom, codes, tz) if details is not None else None
            if item is not None:
                flow.add(r, target, item, acting)
        AccountsKind._owners(ctx, directory, flow.prepared, flow.rows, users)
        return flow.finish(acting)

    @staticmethod
    def _visible(viewer: Viewer, activity: Activity, opportunities: Mapping[UUID, RecordKey]) -> bool:
        """R1/R2 on the activity, R6 on its opportunity."""
        if not can_view(viewer, activity.access):
            return False
        if activity.opportunity_id is None:
            return True
        key = opportunities.get(activity.opportunity_id)
        return key is not None and key.visible

    @staticmethod
    def _details(ctx: ImportContext, r: ParsedRow, target: Activity | None, accounts: AccountRefs,
                 opportunities: Mapping[UUID, RecordKey], persons: Mapping[UUID, RecordKey],
                 person_ids: tuple[UUID, ...] | None, tz: tzinfo) -> ActivityDetails | None:
        """The row's values over the activity's current ones (links checked); None on an error."""
        errors = ctx.errors
        current = target.details if target is not None else None
        changes: dict[str, Any] = {}
        for key in _PLAIN:
            if r.has(key):
                value = r.get(key)
                changes[key] = ("" if value is None else value) if key in _TEXT else value
        for key in ("starts_at", "ends_at"):
            if r.has(key):
                changes[key] = aware(r.get(key), tz)
        opportunity_id = current.opportunity_id if current is not None else None
        if r.has("opportunity") and r.get("opportunity") != opportunity_id:
            opportunity_id = r.get("opportunity")
            found = opportunities.get(opportunity_id) if opportunity_id is not None else None
            if opportunity_id is not None and (found is None or not found.visible):
                errors.add(r.number, "opportunity", NO_SUCH_OPPORTUNITY)
                return None
        changes["opportunity_id"] = opportunity_id
        account_id = current.account_id if current is not None else None
        if r.has("account"):
            ref = ref_text(r.get("account"))
            if not ref:
                account_id = None
            elif (resolved := accounts.resolve(ref, account_id)) is None:
                errors.add(r.number, "account", NO_SUCH_ACCOUNT.format(ref=ref))
                return None
            else:
                account_id = resolved
        if account_id is None and opportunity_id is not None:
            found = opportunities.get(opportunity_id)
            account_id = found.account_id if found is not None else None
        changes["account_id"] = account_id
        if r.has("persons"):
            ids = person_ids or ()
            kept = set(current.person_ids) if current is not None else set()
            for p in ids:
                if p not in kept and not ((k := persons.get(p)) is not None and k.visible):
                    errors.add(r.number, "persons", f"パーソンが見つかりません / no such person: {p}")
                    return None
            changes["person_ids"] = ids
        if current is None:
            base = ActivityDetails(status=ActivityStatus.DONE, kind_code="", subject="", activity_date=None)
        else:
            base = current
        return evolve(base, status=ActivityStatus.DONE, **changes)

    @staticmethod
    def _apply(ctx: ImportContext, r: ParsedRow, target: Activity | None, details: ActivityDetails,
               custom: CustomFieldSchema, codes: ActivityCodes, tz: tzinfo) -> Activity | None:
        try:
            if target is None:
                activity = Activity.register(ctx.ids.new_id(), details, codes=codes, tz=tz, today=ctx.today)
                activity.custom_fields = custom.validate(custom_values(r))
                return activity
            target.revise(details, codes=codes, tz=tz, today=ctx.today)
            if changes := custom_values(r):
                target.custom_fields = custom.apply_changes(target.custom_fields, changes)
            return target
        except DomainError as e:
            ctx.errors.add(r.number, column_of(e, _ALIASES, "subject"), e.message)
            return None

    def write(self, uow: SalesUnitOfWork, stores: TransferStores, items: Sequence[Prepared]) -> None:
        write_batch(stores.activities(uow), items)

    # -- export
    def export_rows(self, uow: SalesUnitOfWork, stores: TransferStores, viewer: Viewer, schema: SheetSchema,
                    filters: Mapping[str, str]) -> Iterator[list[Any]]:
        tz = ZoneInfo(uow.tenant().time_zone)
        columns = schema.columns
        getters: list[tuple[int, str]] = []  # (how, what): 0 = the row's value, 1 = custom field, 2 = computed
        computed = {"starts_at", "ends_at", "persons", "opportunity", "account", "owner"}
        for c in columns:
            if c.custom:
                getters.append((1, c.key[len(CF_PREFIX):]))
            else:
                getters.append((2 if c.key in computed else 0, c.key))
        for m in stores.activities(uow).stream(viewer, filters):
            cf = m["custom_fields"] or {}
            extra = {"starts_at": local(m["starts_at"], tz), "ends_at": local(m["ends_at"], tz),
                     "persons": ", ".join(str(p) for p in m["person_ids"]) or None,
                     "opportunity": m["opportunity_id"], "account": m["account_key"], "owner": m["owner_login"]}
            yield [m[key] if how == 0 else custom_cell(c, cf.get(key)) if how == 1 else extra[key]
                   for (how, key), c in zip(getters, columns, strict=True)]
