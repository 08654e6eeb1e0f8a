"""取引先 Account: a customer-side company. Attribute names equal the columns of the `accounts` table, so
other use cases (lead conversion) build an Account with the same names they read in the schema."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from attrs import Attribute, define, field, fields

from dps.domain.registry.close_causes import close_cause_code
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.sales.records import Relation, SalesRecord
from dps.domain.shared.errors import DomainError
from dps.domain.shared.text import normalize_for_search


def clean_text(value: str | None, name: str, max_len: int, *, required: bool = False) -> str:
    """A free-text value: stripped, at most `max_len` characters, non-empty if required."""
    stripped = (value or "").strip()
    if required and not stripped:
        raise DomainError("入力してください / must not be empty", field=name)
    if len(stripped) > max_len:
        raise DomainError(f"{max_len}文字以内で入力してください / at most {max_len} characters", field=name)
    return stripped


TextValidator = Callable[[Any, "Attribute[Any]", Any], None]


def text(name: str, max_len: int, *, required: bool = False) -> TextValidator:
    """An attrs validator for a free-text attribute (checked after stripping; `strip_texts` strips)."""

    def check(_instance: Any, _attribute: Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise DomainError("文字列で入力してください / must be text", field=name)
        clean_text(value, name, max_len, required=required)

    return check


def code_value(name: str) -> TextValidator:
    """An attrs validator for a code-list value (None or a code of at most 64 characters); the code itself
    is checked against the tenant's code list by the use case."""

    def check(_instance: Any, _attribute: Attribute[Any], value: Any) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip() or len(value) > 64):
            raise DomainError("コードが正しくありません / not a code", field=name)

    return check


def strip_texts(obj: Any) -> None:
    """Strip surrounding blanks of every text attribute (after validation accepted them)."""
    for a in fields(type(obj)):
        value = getattr(obj, a.name)
        if isinstance(value, str) and value != value.strip():
            setattr(obj, a.name, value.strip())


def _corporate_number(value: str | None) -> str | None:
    """法人番号: normalised (full-width digits, hyphens) and check-digit validated; None when empty."""
    if value is None or not str(value).strip():
        return None
    return CorporateNumber.parse(str(value)).value


def _successor_number(value: str | None) -> str | None:
    """承継法人番号: a corporate number (validated like the account's own) or None when empty."""
    try:
        return _corporate_number(value)
    except DomainError as e:
        raise DomainError(f"承継法人番号: {e.message}", field="successor_corporate_number") from e


def _closed_on(value: date | str | None) -> date | None:
    """閉鎖日: a date (an ISO text such as 2024-04-01 is read), or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip().replace("/", "-"))
        except ValueError:
            pass
    raise DomainError("閉鎖日は日付 (YYYY-MM-DD) で入力してください / closed_on must be a date (YYYY-MM-DD)",
                      field="closed_on")


CLOSE_CAUSE_MAX = 100


def _close_cause(value: str | None) -> str | None:
    """閉鎖事由: the NTA's code (its text is turned into the code), other text kept; None when empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise DomainError("閉鎖事由は文字列です / close_cause must be text", field="close_cause")
    if not value.strip():
        return None
    code = close_cause_code(value)
    if len(code) > CLOSE_CAUSE_MAX:
        raise DomainError(f"閉鎖事由は{CLOSE_CAUSE_MAX}文字以内で入力してください / close_cause: at most "
                          f"{CLOSE_CAUSE_MAX} characters", field="close_cause")
    return code


def _employees(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise DomainError("従業員数は0以上の整数です / employees must be a whole number >= 0", field="employees")
    return value


def check_relations(relations: Iterable[Relation]) -> tuple[Relation, ...]:
    """関係者: each person at most once."""
    found = tuple(relations)
    persons = [r.person_id for r in found]
    if len(persons) != len(set(persons)):
        raise DomainError("a person is listed twice as a relation / 関係者が重複しています", field="relations")
    return found


_NULLABLE_TEXT = frozenset({"code", "corporate_number", "industry_code", "size_code", "account_type_code",
                            "transaction_status_code", "closed_on", "close_cause", "successor_corporate_number"})

ACCOUNT_CODE_LISTS: Mapping[str, str] = {
    "account_type_code": "account_type",
    "transaction_status_code": "transaction_status",
    "industry_code": "industry",
    "size_code": "company_size",
}
"""Picklist attributes of an account and the code list (コード区分) each is validated against."""


@define(kw_only=True, eq=False)
class Account(SalesRecord):
    """取引先. Build it with the column names, then `assign_owner`, `stamp_created` and `uow.accounts.add`.

    Rules kept here: the name is required, the 法人番号 has a valid check digit, an account is not its
    own parent (deeper cycles need the ancestors: `set_parent`), relations list each person once.

    What the corporate registry says of the company's status: `en_name` (英語名), `closed_on` (閉鎖日),
    `close_cause` (閉鎖事由: the NTA's code, see `dps.domain.registry.close_causes`) and
    `successor_corporate_number` (承継法人番号: a valid corporate number, not the account's own)."""

    name: str = field(validator=text("name", 200, required=True))
    kana: str = field(default="", validator=text("kana", 200))
    code: str | None = field(default=None, validator=code_value("code"))
    short_name: str = field(default="", validator=text("short_name", 100))
    corporate_number: str | None = field(default=None, converter=_corporate_number)
    postal_code: str = field(default="", validator=text("postal_code", 8))
    prefecture: str = field(default="", validator=text("prefecture", 10))
    address: str = field(default="", validator=text("address", 400))
    phone: str = field(default="", validator=text("phone", 32))
    fax: str = field(default="", validator=text("fax", 32))
    url: str = field(default="", validator=text("url", 400))
    industry_code: str | None = field(default=None, validator=code_value("industry_code"))
    size_code: str | None = field(default=None, validator=code_value("size_code"))
    account_type_code: str | None = field(default=None, validator=code_value("account_type_code"))
    transaction_status_code: str | None = field(default=None, validator=code_value("transaction_status_code"))
    parent_account_id: UUID | None = None
    employees: int | None = field(default=None, converter=_employees)
    notes: str = field(default="", validator=text("notes", 20000))
    en_name: str = field(default="", validator=text("en_name", 200))
    closed_on: date | None = field(default=None, converter=_closed_on)
    close_cause: str | None = field(default=None, converter=_close_cause)
    successor_corporate_number: str | None = field(default=None, converter=_successor_number)
    relations: tuple[Relation, ...] = field(factory=tuple, converter=check_relations)

    def __attrs_post_init__(self) -> None:
        strip_texts(self)
        if self.parent_account_id is not None and self.parent_account_id == self.id:
            raise DomainError("an account cannot be its own parent / 自分自身は親取引先にできません",
                              field="parent_account_id")
        self._check_successor()

    def _check_successor(self) -> None:
        if self.successor_corporate_number is not None and self.successor_corporate_number == self.corporate_number:
            raise DomainError("承継法人番号に自社の法人番号は指定できません / the successor cannot be the account's "
                              "own corporate number", field="successor_corporate_number")

    @property
    def is_closed(self) -> bool:
        """The registry closed the company's register (閉鎖)."""
        return self.closed_on is not None

    @property
    def search_text(self) -> str:
        """What the text search matches: names (English too), kana, short name and code, normalised."""
        return normalize_for_search(self.name, self.kana, self.short_name, self.code, self.en_name)

    @property
    def label(self) -> str:
        return self.name

    def change(self, values: Mapping[str, Any]) -> None:
        """Set plain attributes by column name (converters validate each). Owner, staff, restriction,
        custom fields, relations and parent have their own methods."""
        allowed = EDITABLE_FIELDS
        for key in values:
            if key not in allowed:
                raise DomainError(f"'{key}' cannot be changed here", field=key)
        before = {key: getattr(self, key) for key in values}
        try:
            for key, value in values.items():
                if isinstance(value, str):
                    value = value.strip() or (None if key in _NULLABLE_TEXT else "")
                setattr(self, key, value)
            self._check_successor()
        except DomainError:
            for key, value in before.items():  # all or nothing
                object.__setattr__(self, key, value)
            raise

    def set_parent(self, parent_id: UUID | None, parent_ancestors: Iterable[UUID] = ()) -> None:
        """親取引先. `parent_ancestors` are the ids above the new parent (its parent, grandparent, ...):
        if this account is among them (or is the parent), the hierarchy would loop."""
        if parent_id is not None and (parent_id == self.id or self.id in set(parent_ancestors)):
            raise DomainError("親取引先が循環しています / the parent account would create a cycle",
                              field="parent_account_id")
        self.parent_account_id = parent_id

    def set_relations(self, relations: Iterable[Relation]) -> None:
        self.relations = check_relations(relations)

    def codes(self) -> dict[str, str]:
        """The picklist attributes that have a value, by attribute name."""
        return {a: v for a in ACCOUNT_CODE_LISTS if (v := getattr(self, a)) is not None}


EDITABLE_FIELDS: frozenset[str] = frozenset(
    a.name for a in fields(Account)
    if a.name not in {f.name for f in fields(SalesRecord)} | {"relations", "parent_account_id"}
)
"""Attributes `Account.change` may set: the account's own data columns."""
