"""Use the corporate registry on accounts: look corporations up by 法人番号 or name (the account form's
「登録情報から入力」), compare an account with the registry's record of its number, and apply the fields
a user picked through the ordinary account update (same rights, optimistic lock, audit).

Where the registry's values land on an account:

| registry                    | account                                                    |
|-----------------------------|------------------------------------------------------------|
| name                        | name                                                       |
| furigana (no 株式会社 part) | kana (equal when only a corporate-form word such as カブシキガイシャ differs) |
| postal code (7 digits)      | postal_code as 123-4567                                    |
| prefecture                  | prefecture                                                 |
| city + street (or abroad)   | address                                                    |
| English name, closing date, | the account custom field of the same key (`en_name`, `close_date`,    |
| closing cause, successor    | `close_cause`, `successor_number`) if the tenant defined one; else shown only |

The account table has no columns for the last four (no migration here: the schema's next revisions
belong to the offline registry and the card import); a custom field keeps them until it does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from dps.application.registry.ports import CorporateRecord, CorporateRegistry
from dps.application.registry.read_models import (
    CorporationCandidate,
    FieldChange,
    RegistryComparison,
    close_cause_label,
)
from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.accounts.commands import UpdateAccount, UpdateAccountCommand
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid, NotFound
from dps.application.shared.guards import ensure_can_write
from dps.domain.catalog.custom_fields import CustomFieldSchema
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.sales.accounts import Account
from dps.domain.shared.errors import DomainError
from dps.domain.shared.principal import Principal
from dps.domain.shared.text import normalize_for_search

MIN_NAME_LENGTH = 2
MAX_CANDIDATES = 20
ACCOUNT_COLUMNS = ("name", "kana", "postal_code", "prefecture", "address")
"""Registry fields an account keeps in its own columns."""
CUSTOM_FIELD_KEYS = ("en_name", "close_date", "close_cause", "successor_number")
"""Registry fields an account keeps only where the tenant defined an account custom field of that key."""
FIELDS = ACCOUNT_COLUMNS + CUSTOM_FIELD_KEYS
_CORPORATE_FORMS = tuple(normalize_for_search(w) for w in (
    "カブシキガイシャ", "カブシキカイシャ", "ユウゲンガイシャ", "ユウゲンカイシャ", "ゴウドウガイシャ",
    "ゴウドウカイシャ",
    "ゴウメイガイシャ", "ゴウシガイシャ", "イッパンシャダンホウジン", "イッパンザイダンホウジン",
    "コウエキシャダンホウジン", "コウエキザイダンホウジン", "トクテイヒエイリカツドウホウジン", "イリョウホウジン",
    "ガッコウホウジン", "シャカイフクシホウジン",
))


# -- pure rules ----------------------------------------------------------------------------------------


def postal_code_of(digits: str) -> str:
    """'1000001' -> '100-0001' (the form the account screens use); anything else as it is."""
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 and digits.isdigit() else digits


def account_values(record: CorporateRecord) -> dict[str, str]:
    """The account columns a registry record fills, by account field name."""
    return {
        "name": _nfkc(record.name),
        "kana": _nfkc(record.furigana),
        "postal_code": postal_code_of(record.postal_code),
        "prefecture": _nfkc(record.prefecture),
        "address": _nfkc(f"{record.city}{record.street}" if record.prefecture else record.address_outside),
    }


def _nfkc(text: str) -> str:
    """As the registry adapters normalise (NFKC), in case a source did not."""
    return unicodedata.normalize("NFKC", text).strip()


def registry_only_values(record: CorporateRecord) -> dict[str, str]:
    """The registry fields an account has no column for, as text."""
    return {
        "en_name": record.en_name,
        "close_date": record.close_date.isoformat() if record.close_date else "",
        "close_cause": close_cause_label(record.close_cause) if record.close_cause else "",
        "successor_number": record.successor_number,
    }


def candidate_of(record: CorporateRecord) -> CorporationCandidate:
    return CorporationCandidate(
        corporate_number=record.corporate_number, name=record.name, source=record.source,
        values=account_values(record), en_name=record.en_name, close_date=record.close_date,
        close_cause=record.close_cause, successor_number=record.successor_number,
    )


def _fold(text: str) -> str:
    """Width, case and blanks ignored."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _kana_core(text: str) -> str:
    """Kana folded to hiragana without blanks, a leading or trailing corporate-form word removed."""
    folded = normalize_for_search(text).replace(" ", "")
    for form in _CORPORATE_FORMS:
        if folded.startswith(form):
            return folded[len(form):]
        if folded.endswith(form):
            return folded[: -len(form)]
    return folded


def same_value(field: str, current: str, registry: str) -> bool:
    """Whether an account's value already says what the registry says (so no change is offered)."""
    if field == "kana":
        return _kana_core(current) == _kana_core(registry)
    if field == "postal_code":
        return current.replace("-", "").replace("－", "").strip() == registry.replace("-", "")
    return _fold(current) == _fold(registry)


def registry_changes(account: Account, record: CorporateRecord, schema: CustomFieldSchema) -> tuple[FieldChange, ...]:
    """The fields where `account` differs from `record`, in FIELDS order. A field the registry leaves
    empty is not offered (applying it would erase what the user typed)."""
    changes: list[FieldChange] = []
    for field, value in account_values(record).items():
        current = str(getattr(account, field) or "")
        if value and not same_value(field, current, value):
            changes.append(FieldChange(field=field, current=current, registry=value, target=field))
    for field, value in registry_only_values(record).items():
        definition = schema.definition(field)
        stored = account.custom_fields.get(field)
        current = "" if stored is None else str(stored)
        if value and not same_value(field, current, value):
            changes.append(FieldChange(field=field, current=current, registry=value,
                                       target=f"custom_fields.{field}" if definition is not None else None))
    return tuple(changes)


def corporate_number_of(raw: str, field: str = "number") -> str:
    """A typed 法人番号, normalised and check-digit validated; Invalid on `field` otherwise."""
    try:
        return CorporateNumber.parse(raw).value
    except DomainError as e:
        raise Invalid.field(field, e.message) from e


# -- use cases -----------------------------------------------------------------------------------------


class LookUpCorporations:
    """Corporations matching a 法人番号 (exactly) or a name (the registry's own matching), as candidates
    for an account. Any logged-in user may look; the registry is public data, nothing of the tenant is read.
    RegistryUnavailable passes through for the caller to explain."""

    def __init__(self, registry: CorporateRegistry) -> None:
        self._registry = registry

    def __call__(self, principal: Principal, *, number: str | None = None, name: str | None = None,
                 limit: int = MAX_CANDIDATES) -> list[CorporationCandidate]:
        number = (number or "").strip()
        name = (name or "").strip()
        if number and name:
            raise Invalid.field("number", "法人番号か名称のどちらかで検索してください"
                                          " / give a number or a name, not both")
        if number:
            found = self._registry.by_numbers([corporate_number_of(number)])
        elif len(unicodedata.normalize("NFKC", name)) >= MIN_NAME_LENGTH:
            found = self._registry.search_name(name, limit=max(1, min(limit, MAX_CANDIDATES)))
        elif name:
            raise Invalid.field("name", f"名称は{MIN_NAME_LENGTH}文字以上で検索してください / "
                                        f"type at least {MIN_NAME_LENGTH} characters of the name")
        else:
            raise Invalid.field("number", "法人番号か名称を入力してください / give a corporate number or a name")
        return [candidate_of(r) for r in found]


class CompareAccountWithRegistry:
    """The registry's record of an account's 法人番号 beside the account: what differs, and where applying
    each difference would write. NotFound for an account the principal may not see; Invalid when the
    account has no 法人番号 or the registry does not know it."""

    def __init__(self, deps: SalesDeps, registry: CorporateRegistry) -> None:
        self._d = deps
        self._registry = registry

    def __call__(self, principal: Principal, account_id: UUID) -> RegistryComparison:
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            account = uow.accounts.get(account_id)
            if account is None:
                raise NotFound("account", account_id)
            ensure_visible(viewer, account.access, "account", account_id)
            schema = uow.custom_fields.schema_for("account")
        if not account.corporate_number:
            raise Invalid.field("corporate_number", "法人番号が登録されていません。先に法人番号を入力してください"
                                                    " / the account has no corporate number; enter it first")
        records = self._registry.by_numbers([account.corporate_number])
        record = next((r for r in records if r.corporate_number == account.corporate_number), None)
        if record is None:
            raise Invalid.field("corporate_number", f"登録情報に法人番号 {account.corporate_number} が見つかりません"
                                                    f" / the registry does not know {account.corporate_number}")
        return RegistryComparison(
            account_id=account.id, account_name=account.name, version=account.version,
            corporate_number=account.corporate_number, corporation=candidate_of(record),
            changes=registry_changes(account, record, schema),
        )


class ApplyRegistryToAccount:
    """Write the chosen registry fields onto an account through `UpdateAccount` - the same edit rights,
    version check (Conflict when stale), notifications and master-data log as any change of an account.
    The registry is asked again, so what is written is what the registry says now."""

    def __init__(self, deps: SalesDeps, registry: CorporateRegistry) -> None:
        self._d = deps
        self._compare = CompareAccountWithRegistry(deps, registry)

    def __call__(self, principal: Principal, account_id: UUID, fields: Sequence[str], expected_version: int
                 ) -> Account:
        ensure_can_write(principal, self._d.audit, "account.update")
        chosen = list(dict.fromkeys(f.strip() for f in fields if f.strip()))
        unknown = [f for f in chosen if f not in FIELDS]
        if unknown:
            raise Invalid.field("fields", f"不明な項目です / unknown field(s): {', '.join(unknown)}")
        if not chosen:
            raise Invalid.field("fields", "反映する項目を選んでください / choose at least one field")
        comparison = self._compare(principal, account_id)
        changes = [c for f in chosen if (c := comparison.change(f)) is not None]
        if comparison.version == expected_version:  # a stale version is UpdateAccount's Conflict (409)
            _check_applicable(changes)
        values: dict[str, Any] = {c.field: c.registry for c in changes if c.target == c.field}
        custom: Mapping[str, Any] = {c.field: c.registry for c in changes if c.target != c.field}
        parts = RecordParts(custom_fields=custom) if custom else RecordParts()
        return UpdateAccount(self._d)(principal, UpdateAccountCommand(
            account_id=account_id, expected_version=expected_version, values=values, parts=parts))


def _check_applicable(changes: Sequence[FieldChange]) -> None:
    homeless = [c.field for c in changes if not c.applicable]
    if homeless:
        raise Invalid.field("fields", "取引先に保存する項目がありません (拡張項目を定義してください) / the account has "
                                      f"no field for: {', '.join(homeless)} (define an account custom field)")
    if not changes:
        raise Invalid.field("fields", "選んだ項目は登録情報と同じです / the chosen fields already match the registry")
