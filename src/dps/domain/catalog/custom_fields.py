"""拡張項目 custom fields: per-tenant extra fields on sales records, defined as data and validated here.

A `CustomFieldDef` says what one field is (entity, key, labels, kind, required, code list, ...);
a `CustomFieldSchema` holds the active definitions of one record kind together with the code
lists their choices come from, and checks a record's values against them.

Stored values are JSON-ready and canonical, so equal inputs store equal values and a search filter
`custom_fields[key].as_string() == value` compares the same way on SQLite and PostgreSQL:

| kind         | accepted input                                   | stored as                              |
|--------------|--------------------------------------------------|----------------------------------------|
| text         | a string (stripped, at most `max_length` chars)  | the stripped string                    |
| number       | int, float, Decimal or numeric text ("1,200")    | a string of the Decimal, plain notation |
|              | at most 15 integer and 6 fraction digits         | ("1200", "-3.5"): exact, never a float |
| date         | a `date` or "YYYY-MM-DD"                         | "YYYY-MM-DD"                           |
| choice       | an active code of the field's code list          | the code                               |
| multi_choice | a list of active codes                           | the codes, no duplicates, list order   |

Empty input (None, "", whitespace only, []) means "no value": the key is left out of the result,
or rejected when the field is required.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NewType
from uuid import UUID

from attrs import define, field, frozen

from dps.domain.catalog.code_lists import CodeList
from dps.domain.shared.errors import DomainError

CustomFieldId = NewType("CustomFieldId", UUID)

CUSTOM_FIELD_ENTITIES = ("account", "person", "opportunity", "activity", "lead", "campaign")
"""The record kinds that carry custom fields."""

TEXT_MAX_LENGTH = 2000
"""The longest text value, and the default `max_length` of a text field."""

MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 6
_FRACTION_STEP = Decimal(1).scaleb(-MAX_FRACTION_DIGITS)

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class FieldKind(enum.StrEnum):
    """The data type of a custom field."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"

    @property
    def is_choice(self) -> bool:
        return self in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE)


def check_entity(entity: str) -> str:
    """One of `CUSTOM_FIELD_ENTITIES`, or a DomainError on 'entity'."""
    if entity not in CUSTOM_FIELD_ENTITIES:
        allowed = ", ".join(CUSTOM_FIELD_ENTITIES)
        raise DomainError(f"'{entity}' has no custom fields (allowed: {allowed})", field="entity")
    return entity


def _check_key(key: str) -> str:
    key = key.strip()
    if not _KEY.match(key):
        raise DomainError(
            "キーは英小文字で始まる英小文字・数字・'_' の64文字以内です"
            f" / key '{key}' must be 1-64 of a-z, 0-9 and '_', starting with a letter",
            field="key",
        )
    return key


def _check_kind(kind: str) -> FieldKind:
    try:
        return FieldKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in FieldKind)
        raise DomainError(f"'{kind}' is not a field kind (allowed: {allowed})", field="kind") from None


def _label_ja(label: str) -> str:
    label = label.strip()
    if not label:
        raise DomainError("項目名を入力してください / the label must not be empty", field="label_ja")
    if len(label) > 200:
        raise DomainError("項目名は200文字以内です / the label must be at most 200 characters", field="label_ja")
    return label


def _label_en(label: str) -> str:
    label = label.strip()
    if len(label) > 200:
        raise DomainError("the English label must be at most 200 characters", field="label_en")
    return label


def _code_list_key(key: str | None) -> str | None:
    if key is None or not key.strip():
        return None
    return key.strip()


def _is_empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list | tuple) and not raw


@define(kw_only=True, eq=False)
class CustomFieldDef:
    """One 拡張項目 of a record kind. Its entity, key and kind never change (stored values depend on
    them); labels, the required flag, the order and whether it is offered may."""

    id: CustomFieldId
    entity: str = field(converter=check_entity)
    key: str = field(converter=_check_key)
    label_ja: str = field(converter=_label_ja)
    label_en: str = field(default="", converter=_label_en)
    kind: FieldKind = field(converter=_check_kind)
    required: bool = False
    code_list_key: str | None = field(default=None, converter=_code_list_key)
    max_length: int | None = None
    sort_order: int = 0
    is_active: bool = True
    version: int = 1
    created_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind.is_choice and self.code_list_key is None:
            raise DomainError("選択項目にはコード区分が必要です / a choice field needs a code list",
                              field="code_list_key")
        if not self.kind.is_choice and self.code_list_key is not None:
            raise DomainError("only choice fields take a code list", field="code_list_key")
        if self.max_length is not None:
            if self.kind is not FieldKind.TEXT:
                raise DomainError("only text fields take a maximum length", field="max_length")
            if not 1 <= self.max_length <= TEXT_MAX_LENGTH:
                raise DomainError(f"the maximum length must be between 1 and {TEXT_MAX_LENGTH}",
                                  field="max_length")

    @property
    def error_field(self) -> str:
        """The field name errors about this field's value carry."""
        return f"custom_fields.{self.key}"

    @property
    def text_limit(self) -> int:
        return self.max_length if self.max_length is not None else TEXT_MAX_LENGTH

    def relabel(self, label_ja: str | None = None, label_en: str | None = None) -> None:
        if label_ja is not None:
            self.label_ja = label_ja
        if label_en is not None:
            self.label_en = label_en

    def set_required(self, required: bool) -> None:
        """Takes effect on the next save of each record: a record lacking the value must get one then."""
        self.required = required

    def reorder(self, sort_order: int) -> None:
        self.sort_order = sort_order

    def activate(self) -> None:
        self.is_active = True

    def deactivate(self) -> None:
        """No longer offered nor validated; values already stored on records are kept."""
        self.is_active = False

    def normalize(self, raw: Any, code_list: CodeList | None = None) -> Any:
        """The canonical stored form of `raw` (see the module table), None for an empty input;
        DomainError on 'custom_fields.<key>' for a value of the wrong type or outside its code list."""
        if _is_empty(raw):
            return None
        if self.kind is FieldKind.TEXT:
            return self._text(raw)
        if self.kind is FieldKind.NUMBER:
            return self._number(raw)
        if self.kind is FieldKind.DATE:
            return self._date(raw)
        codes = self._choices(code_list)
        if self.kind is FieldKind.CHOICE:
            if not isinstance(raw, str):
                raise self._error("コードを文字列で指定してください / must be a code (text)")
            return codes.validate(raw.strip(), field_name=self.error_field).code
        return self._multi(raw, codes) or None

    def _error(self, message: str) -> DomainError:
        return DomainError(message, field=self.error_field)

    def _text(self, raw: Any) -> str:
        if not isinstance(raw, str):
            raise self._error("文字列で入力してください / must be text")
        text = raw.strip()
        if len(text) > self.text_limit:
            raise self._error(f"{self.text_limit}文字以内で入力してください / at most {self.text_limit} characters")
        return text

    def _number(self, raw: Any) -> str:
        if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
            raise self._error("数値で入力してください / must be a number")
        try:
            number = raw if isinstance(raw, Decimal) else Decimal(str(raw).replace(",", "").strip())
        except InvalidOperation:
            raise self._error(f"'{raw}' は数値ではありません / '{raw}' is not a number") from None
        if not number.is_finite():
            raise self._error("数値で入力してください / must be a finite number")
        if number != 0 and number.adjusted() >= MAX_INTEGER_DIGITS:
            raise self._error(f"整数部は{MAX_INTEGER_DIGITS}桁以内です / at most {MAX_INTEGER_DIGITS} integer digits")
        if number != 0 and number.adjusted() < -MAX_FRACTION_DIGITS:
            raise self._error(f"小数は{MAX_FRACTION_DIGITS}桁以内です / at most {MAX_FRACTION_DIGITS} decimal places")
        quantized = number.quantize(_FRACTION_STEP)
        if quantized != number:
            raise self._error(f"小数は{MAX_FRACTION_DIGITS}桁以内です / at most {MAX_FRACTION_DIGITS} decimal places")
        return canonical_number(quantized)

    def _date(self, raw: Any) -> str:
        if isinstance(raw, date) and not isinstance(raw, datetime):
            return raw.isoformat()
        if isinstance(raw, str) and _ISO_DATE.match(raw.strip()):
            try:
                return date.fromisoformat(raw.strip()).isoformat()
            except ValueError:
                pass
        raise self._error(f"'{raw}' は日付 (YYYY-MM-DD) ではありません / '{raw}' is not a date (YYYY-MM-DD)")

    def _choices(self, code_list: CodeList | None) -> CodeList:
        if code_list is None or code_list.key != self.code_list_key:
            raise self._error(f"code list '{self.code_list_key}' of this field does not exist")
        return code_list

    def _multi(self, raw: Any, codes: CodeList) -> list[str]:
        if not isinstance(raw, list | tuple) or not all(isinstance(c, str) for c in raw):
            raise self._error("コードのリストで指定してください / must be a list of codes")
        chosen = {codes.validate(c.strip(), field_name=self.error_field).code for c in raw if c.strip()}
        return [v.code for v in codes.active() if v.code in chosen]


def canonical_number(number: Decimal) -> str:
    """Plain notation without trailing zeros or exponent: 1.500 -> "1.5", 1E+2 -> "100", -0 -> "0"."""
    if number == 0:
        return "0"
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@frozen
class CustomFieldSchema:
    """The active custom fields defined for one record kind (`entity`: 'account', 'person',
    'opportunity', 'activity', 'lead', 'campaign'), with the code lists their choices come from."""

    entity: str
    fields: tuple[CustomFieldDef, ...] = field(factory=tuple)
    code_lists: Mapping[str, CodeList] = field(factory=dict, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        keys = [d.key for d in self.fields]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate custom field keys in the schema of {self.entity}")
        for d in self.fields:
            if d.entity != self.entity or not d.is_active:
                raise ValueError(f"custom field '{d.key}' ({d.entity}) is not an active field of {self.entity}")

    def definition(self, key: str) -> CustomFieldDef | None:
        return next((d for d in self.fields if d.key == key), None)

    def ordered(self) -> list[CustomFieldDef]:
        """The definitions in display order."""
        return sorted(self.fields, key=lambda d: (d.sort_order, d.key))

    def validate(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values, checked and normalised to JSON-ready form; DomainError with
        field='custom_fields.<key>' for an unknown key, a wrong type, a value outside its code
        list, or a missing required field. The whole set of a record's values (a new record)."""
        result = self._normalized(values)
        self._check_required(result)
        return self._in_order(result)

    def apply_changes(self, current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
        """A record's values after a partial update: each key of `changes` is checked and set, an
        empty value (None, "", []) clears it; keys not mentioned keep their stored value, including
        values of deactivated fields. Required fields must be filled in the result."""
        result = dict(current)
        for key, value in self._normalized(changes, keep_empty=True).items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = value
        self._check_required(result)
        return self._in_order(result)

    def _normalized(self, values: Mapping[str, Any], *, keep_empty: bool = False) -> dict[str, Any]:
        for key in sorted(values):
            if self.definition(key) is None:
                raise DomainError(
                    f"'{key}' は{self.entity}の拡張項目ではありません / '{key}' is not a custom field of {self.entity}",
                    field=f"custom_fields.{key}",
                )
        result: dict[str, Any] = {}
        for d in self.ordered():
            if d.key in values:
                value = d.normalize(values[d.key], self.code_lists.get(d.code_list_key or ""))
                if value is not None or keep_empty:
                    result[d.key] = value
        return result

    def _check_required(self, values: Mapping[str, Any]) -> None:
        for d in self.ordered():
            if d.required and _is_empty(values.get(d.key)):
                raise DomainError(
                    f"{d.label_ja}は必須です / {d.label_en or d.key} is required", field=d.error_field
                )

    def _in_order(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Defined fields in display order first, then any other stored keys (retired fields) by name."""
        known = [d.key for d in self.ordered() if d.key in values]
        others = sorted(k for k in values if self.definition(k) is None)
        return {k: values[k] for k in [*known, *others]}
