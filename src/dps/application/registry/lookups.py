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
| English name                | en_name                                                    |
| closing date                | closed_on (compared and shown as 2024-04-01)               |
| closing cause               | close_cause, the NTA's code (gBizINFO's text turned into it), shown in words |
| successor corporate number  | successor_corporate_number                                 |
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from dps.application.registry.ports import CorporateRecord, CorporateRegistry
from dps.application.registry.read_models import (
    CorporationCandidate,
    FieldChange,
    RegistryComparison,
)
from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.accounts.commands import UpdateAccount, UpdateAccountCommand
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Invalid, NotFound
from dps.application.shared.guards import ensure_can_write
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.sales.accounts import Account
from dps.domain.shared.errors import DomainError
from dps.domain.shared.principal import Principal
from dps.domain.shared.text import normalize_for_search

MIN_NAME_LENGTH = 2
MAX_CANDIDATES = 20
ACCOUNT_COLUMNS = ("name", "kana", "postal_code", "prefecture", "address")
"""Registry fields of the company's name and address (what a candidate fills in)."""
STATUS_COLUMNS = ("en_name", "closed_on", "close_cause", "successor_corporate_number")
"""Registry fields of the company's English name and status (閉鎖)."""
FIELDS = ACCOUNT_COLUMNS + STATUS_COLUMNS
"""Every registry field an account keeps, by account attribute name."""
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


def status_values(record: CorporateRecord) -> dict[str, str]:
    """The English name and the closing status as the account stores them, as text (a date in ISO form,
    the closing cause as the NTA's code; empty where the registry says nothing)."""
    return dict(candidate_of(record).status_values)


def stored_text(account: Account, field: str) -> str:
    """An account's value of a registry field, as text in the form `status_values` gives."""
    value = getattr(account, field)
    if value is None:
        return ""
    return value.isoformat() if field == "closed_on" else str(value)


def candidate_of(record: CorporateRecord) -> CorporationCandidate:
    return CorporationCandidate(
        corporate_number=record.corporate_number, name=record.name, source=record.source,
        values=account_values(record), en_name=_nfkc(record.en_name), close_date=record.close_date,
        close_cause=record.close_cause.strip(), successor_number=record.successor_number.strip(),
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


def registry_changes(account: Account, record: CorporateRecord) -> tuple[FieldChange, ...]:
    """The fields where `account` differs from `record`, in FIELDS order. A field the registry leaves
    empty is not offered (applying it would erase what the user typed)."""
    changes: list[FieldChange] = []
    for field, value in {**account_values(record), **status_values(record)}.items():
        current = stored_text(account, field)
        if value and not same_value(field, current, value):
            changes.append(FieldChange(field=field, current=current, registry=value, target=field))
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
            changes=registry_changes(account, record),
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
            _check_changes(changes)
        values: dict[str, Any] = {c.field: c.registry for c in changes}
        return UpdateAccount(self._d)(principal, UpdateAccountCommand(
            account_id=account_id, expected_version=expected_version, values=values))


def _check_changes(changes: Sequence[FieldChange]) -> None:
    if not changes:
        raise Invalid.field("fields", "選んだ項目は登録情報と同じです / the chosen fields already match the registry")
