"""拡張項目 custom fields: definitions keep their invariants; a schema accepts exactly the well-typed
values of its active fields, stores them in one canonical JSON-ready form, and enforces required."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dps.domain.catalog.code_lists import CodeList, CodeValue
from dps.domain.catalog.custom_fields import (
    CUSTOM_FIELD_ENTITIES,
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    TEXT_MAX_LENGTH,
    CustomFieldDef,
    CustomFieldId,
    CustomFieldSchema,
    FieldKind,
)
from dps.domain.shared.errors import DomainError

CODES = ["A", "B", "C", "D", "E"]
CANONICAL_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")
codes = st.sampled_from(CODES)


def make(key: str, kind: str, *, entity: str = "opportunity", **kw: Any) -> CustomFieldDef:
    if kind in ("choice", "multi_choice"):
        kw.setdefault("code_list_key", "grade")
    return CustomFieldDef(id=CustomFieldId(uuid.uuid4()), entity=entity, key=key, label_ja=key, kind=kind, **kw)


def grade_list(inactive: frozenset[str] = frozenset()) -> CodeList:
    cl = CodeList(key="grade", values=[CodeValue(code=c, label_ja=c, sort_order=i) for i, c in enumerate(CODES)])
    for c in inactive:
        cl.deactivate(c)
    return cl


def schema(*defs: CustomFieldDef, inactive: frozenset[str] = frozenset()) -> CustomFieldSchema:
    return CustomFieldSchema("opportunity", defs, code_lists={"grade": grade_list(inactive)})


def rejects(s: CustomFieldSchema, values: dict[str, Any], key: str) -> DomainError:
    with pytest.raises(DomainError) as err:
        s.validate(values)
    assert err.value.field == f"custom_fields.{key}"
    return err.value


# --- numbers ---------------------------------------------------------------------------------------

in_range_numbers = st.decimals(
    min_value=Decimal(-(10**MAX_INTEGER_DIGITS) + 1), max_value=Decimal(10**MAX_INTEGER_DIGITS - 1),
    places=MAX_FRACTION_DIGITS, allow_nan=False, allow_infinity=False,
)


@given(number=in_range_numbers, form=st.sampled_from(["decimal", "str", "commas", "padded"]))
def test_numbers_are_stored_as_exact_canonical_text(number: Decimal, form: str) -> None:
    s = schema(make("amount", "number"))
    raw: Any = {"decimal": number, "str": str(number), "commas": f"{number:,f}", "padded": f"  {number:f} "}[form]

    stored = s.validate({"amount": raw})["amount"]

    assert isinstance(stored, str)
    assert Decimal(stored) == number
    assert CANONICAL_NUMBER.fullmatch(stored), stored
    assert stored != "-0"
    assert s.validate({"amount": stored}) == {"amount": stored}


@given(n=st.integers(min_value=-(10**MAX_INTEGER_DIGITS) + 1, max_value=10**MAX_INTEGER_DIGITS - 1))
def test_integers_and_their_text_store_the_same(n: int) -> None:
    s = schema(make("amount", "number"))
    assert s.validate({"amount": n}) == s.validate({"amount": str(n)}) == {"amount": str(n)}


@given(text=st.text(min_size=1, max_size=12))
def test_text_that_is_not_a_number_is_refused(text: str) -> None:
    try:
        Decimal(text.replace(",", "").strip())
        assume(False)
    except ArithmeticError:
        pass
    assume(text.strip())
    rejects(schema(make("amount", "number")), {"amount": text}, "amount")


@pytest.mark.parametrize("raw", [True, "NaN", "Infinity", float("inf"), "1e15", 10**15, "0.0000001", "1.2345678",
                                 "1e-999999999", "1e999999999", ["1"], {"v": 1}])
def test_numbers_out_of_range_or_of_the_wrong_type_are_refused(raw: Any) -> None:
    rejects(schema(make("amount", "number")), {"amount": raw}, "amount")


def test_float_and_negative_zero() -> None:
    s = schema(make("amount", "number"))
    assert s.validate({"amount": 0.1}) == {"amount": "0.1"}
    assert s.validate({"amount": "-0.000"}) == {"amount": "0"}
    assert s.validate({"amount": "1,200.50"}) == {"amount": "1200.5"}


# --- dates -----------------------------------------------------------------------------------------

@given(day=st.dates(min_value=date(1, 1, 1)))
def test_dates_are_stored_as_iso_text(day: date) -> None:
    s = schema(make("due", "date"))
    assert s.validate({"due": day}) == {"due": day.isoformat()}
    assert s.validate({"due": f" {day.isoformat()} "}) == {"due": day.isoformat()}


@given(text=st.text(min_size=1, max_size=12))
def test_text_that_is_not_an_iso_date_is_refused(text: str) -> None:
    try:
        date.fromisoformat(text.strip())
        assume(len(text.strip()) != 10)
    except ValueError:
        pass
    assume(text.strip())
    rejects(schema(make("due", "date")), {"due": text}, "due")


@pytest.mark.parametrize("raw", ["2024-02-30", "2024/01/01", "20240101", "2024-W01-1", 20240101,
                                 datetime(2024, 1, 1, 9, 0)])
def test_bad_dates_are_refused(raw: Any) -> None:
    rejects(schema(make("due", "date")), {"due": raw}, "due")


# --- text ------------------------------------------------------------------------------------------

@given(text=st.text(max_size=40), limit=st.integers(min_value=1, max_value=30))
def test_text_is_stripped_and_limited(text: str, limit: int) -> None:
    s = schema(make("memo", "text", max_length=limit))
    stripped = text.strip()
    if len(stripped) > limit:
        rejects(s, {"memo": text}, "memo")
    elif not stripped:
        assert s.validate({"memo": text}) == {}
    else:
        assert s.validate({"memo": text}) == {"memo": stripped}


def test_text_default_limit_and_type() -> None:
    s = schema(make("memo", "text"))
    assert s.validate({"memo": "x" * TEXT_MAX_LENGTH}) == {"memo": "x" * TEXT_MAX_LENGTH}
    rejects(s, {"memo": "x" * (TEXT_MAX_LENGTH + 1)}, "memo")
    rejects(s, {"memo": 42}, "memo")


# --- choices ---------------------------------------------------------------------------------------

@given(probe=st.text(max_size=3) | codes, inactive=st.frozensets(codes, max_size=3))
def test_a_choice_is_accepted_exactly_when_it_is_an_active_code(probe: str, inactive: frozenset[str]) -> None:
    s = schema(make("grade", "choice"), inactive=inactive)
    if not probe.strip():
        assert s.validate({"grade": probe}) == {}
    elif probe.strip() in CODES and probe.strip() not in inactive:
        assert s.validate({"grade": probe}) == {"grade": probe.strip()}
    else:
        rejects(s, {"grade": probe}, "grade")


@given(chosen=st.lists(codes | st.sampled_from(["X", "zz"]), max_size=8), inactive=st.frozensets(codes, max_size=3))
def test_multi_choice_is_a_deduplicated_list_in_code_list_order(chosen: list[str], inactive: frozenset[str]) -> None:
    s = schema(make("grades", "multi_choice"), inactive=inactive)
    if all(c in CODES and c not in inactive for c in chosen):
        stored = s.validate({"grades": chosen})
        expected = [c for c in CODES if c in chosen]
        assert stored == ({"grades": expected} if expected else {})
        assert s.validate(stored) == stored
    else:
        rejects(s, {"grades": chosen}, "grades")


@pytest.mark.parametrize("raw", ["A", [1], ("A", 2)])
def test_multi_choice_needs_a_list_of_codes(raw: Any) -> None:
    rejects(schema(make("grades", "multi_choice")), {"grades": raw}, "grades")


def test_choice_needs_a_code_and_its_code_list() -> None:
    rejects(schema(make("grade", "choice")), {"grade": 1}, "grade")
    without_list = CustomFieldSchema("opportunity", (make("grade", "choice"),))
    with pytest.raises(DomainError) as err:
        without_list.validate({"grade": "A"})
    assert err.value.field == "custom_fields.grade"


# --- the schema: unknown keys, required fields, partial updates ----------------------------------

field_values = st.fixed_dictionaries({}, optional={
    "memo": st.text(max_size=5), "amount": st.integers(-999, 999), "grade": codes,
    "grades": st.lists(codes, max_size=3), "due": st.dates(),
})
required_keys = st.frozensets(st.sampled_from(["memo", "amount", "grade", "grades", "due"]))


def full_schema(required: frozenset[str]) -> CustomFieldSchema:
    return schema(
        make("memo", "text", required="memo" in required, sort_order=5),
        make("amount", "number", required="amount" in required, sort_order=1),
        make("grade", "choice", required="grade" in required, sort_order=3),
        make("grades", "multi_choice", required="grades" in required, sort_order=2),
        make("due", "date", required="due" in required, sort_order=4),
    )


def _filled(value: Any) -> bool:
    return not (value is None or value == [] or (isinstance(value, str) and not value.strip()))


@given(values=field_values, required=required_keys)
def test_validate_demands_exactly_the_required_fields(values: dict[str, Any], required: frozenset[str]) -> None:
    s = full_schema(required)
    missing = sorted(k for k in required if not _filled(values.get(k)))
    if missing:
        with pytest.raises(DomainError) as err:
            s.validate(values)
        assert err.value.field is not None
        assert err.value.field.removeprefix("custom_fields.") in missing
        return
    stored = s.validate(values)
    assert set(stored) == {k for k, v in values.items() if _filled(v)}
    assert list(stored) == [k for k in ("amount", "grades", "grade", "due", "memo") if k in stored]
    assert s.validate(stored) == stored


@given(values=field_values, unknown=st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True))
def test_an_unknown_key_is_refused(values: dict[str, Any], unknown: str) -> None:
    assume(unknown not in {"memo", "amount", "grade", "grades", "due"})
    rejects(full_schema(frozenset()), {**values, unknown: "x"}, unknown)


@given(before=field_values, changes=field_values, retired=st.booleans())
def test_apply_changes_sets_given_keys_and_keeps_the_others(
    before: dict[str, Any], changes: dict[str, Any], retired: bool
) -> None:
    s = full_schema(frozenset())
    current = s.validate(before) | ({"old_field": "kept"} if retired else {})
    cleared = {k: None for k in list(changes)[:1]}
    patch = {**changes, **cleared}

    result = s.apply_changes(current, patch)

    for key in {"memo", "amount", "grade", "grades", "due"}:
        if key in cleared:
            assert key not in result
        elif key in changes:
            assert result.get(key) == s.validate({key: changes[key]}).get(key)
        else:
            assert result.get(key) == current.get(key)
    assert ("old_field" in result) is retired


def test_apply_changes_enforces_required_on_the_result() -> None:
    s = full_schema(frozenset({"grade"}))
    current = s.validate({"grade": "A", "memo": "x"})
    assert s.apply_changes(current, {"memo": "y"}) == {"grade": "A", "memo": "y"}
    with pytest.raises(DomainError) as err:
        s.apply_changes(current, {"grade": None})
    assert err.value.field == "custom_fields.grade"
    with pytest.raises(DomainError):
        s.apply_changes({}, {"memo": "y"})


def test_the_empty_schema_accepts_only_nothing() -> None:
    s = CustomFieldSchema("account")
    assert s.validate({}) == {}
    with pytest.raises(DomainError) as err:
        s.validate({"x": 1})
    assert err.value.field == "custom_fields.x"


def test_the_schema_holds_active_fields_of_its_entity_only() -> None:
    with pytest.raises(ValueError, match="not an active field"):
        CustomFieldSchema("account", (make("memo", "text"),))
    inactive = make("memo", "text", entity="account")
    inactive.deactivate()
    with pytest.raises(ValueError, match="not an active field"):
        CustomFieldSchema("account", (inactive,))
    with pytest.raises(ValueError, match="duplicate"):
        CustomFieldSchema("account", (make("memo", "text", entity="account"), make("memo", "date", entity="account")))


# --- definitions -----------------------------------------------------------------------------------

@given(key=st.text(max_size=70))
def test_keys_are_lower_snake_case_identifiers(key: str) -> None:
    ok = re.fullmatch(r"[a-z][a-z0-9_]{0,63}", key.strip()) is not None
    if ok:
        assert make(key, "text").key == key.strip()
    else:
        with pytest.raises(DomainError) as err:
            make(key, "text")
        assert err.value.field == "key"


@pytest.mark.parametrize(("kw", "field"), [
    ({"entity": "budget"}, "entity"),
    ({"kind": "colour"}, "kind"),
    ({"kind": "choice", "code_list_key": None}, "code_list_key"),
    ({"kind": "multi_choice", "code_list_key": " "}, "code_list_key"),
    ({"kind": "text", "code_list_key": "grade"}, "code_list_key"),
    ({"kind": "number", "max_length": 10}, "max_length"),
    ({"kind": "text", "max_length": 0}, "max_length"),
    ({"kind": "text", "max_length": TEXT_MAX_LENGTH + 1}, "max_length"),
    ({"kind": "text", "label_ja": "  "}, "label_ja"),
    ({"kind": "text", "label_en": "x" * 201}, "label_en"),
])
def test_definition_invariants(kw: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"id": CustomFieldId(uuid.uuid4()), "entity": "account", "key": "k", "label_ja": "項目",
                            "kind": "text"}
    with pytest.raises(DomainError) as err:
        CustomFieldDef(**(args | kw))
    assert err.value.field == field


def test_every_entity_may_have_fields_and_changes_keep_invariants() -> None:
    for entity in CUSTOM_FIELD_ENTITIES:
        assert make("memo", "text", entity=entity).entity == entity
    d = make("grade", "choice")
    assert d.kind is FieldKind.CHOICE
    assert d.kind.is_choice
    d.relabel("等級", "Grade")
    d.set_required(True)
    d.reorder(7)
    d.deactivate()
    assert (d.label_ja, d.label_en, d.required, d.sort_order, d.is_active) == ("等級", "Grade", True, 7, False)
    d.activate()
    assert d.is_active
    with pytest.raises(DomainError) as err:
        d.relabel(" ")
    assert err.value.field == "label_ja"
