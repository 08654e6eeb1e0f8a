"""販売実績: required fields, the source codes, gross profit derived from cost, revisions that re-check
every rule, and negative slips (returns)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.sales.sales_results import SalesResult, SalesSource
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId

ACCOUNT, OWNER = uuid4(), UserId(uuid4())


def result(**values: Any) -> SalesResult:
    base: dict[str, Any] = {"id": uuid4(), "sales_date": date(2026, 4, 1), "account_id": ACCOUNT, "owner_id": OWNER,
                            "amount": "1,000", "slip_no": "S-1"}
    return SalesResult(**(base | values))


def test_a_minimal_result_has_the_core_source_and_no_gross_profit() -> None:
    r = result()
    assert r.source is SalesSource.CORE
    assert r.amount == Decimal("1000")
    assert r.gross_profit is None
    assert r.gross_margin is None
    assert r.year_month == "2026-04"
    assert r.natural_key == ("core", "S-1")


@pytest.mark.parametrize(("field", "value"), [
    ("sales_date", None), ("sales_date", "2026-13-01"), ("account_id", None), ("owner_id", ""),
    ("amount", None), ("amount", "abc"), ("amount", "1.234"), ("quantity", "1.2345"), ("cost", "x"),
    ("slip_no", "x" * 65), ("source", "ERP"), ("product_id", "not-a-uuid"), ("notes", "n" * 2001),
])
def test_a_broken_rule_names_its_field(field: str, value: object) -> None:
    with pytest.raises(DomainError) as e:
        result(**{field: value})
    assert e.value.field == field


def test_a_core_result_needs_a_slip_number_but_a_manual_one_does_not() -> None:
    with pytest.raises(DomainError) as e:
        result(slip_no="  ")
    assert e.value.field == "slip_no"
    assert result(slip_no=None, source="手入力").slip_no is None


@pytest.mark.parametrize(("given_value", "expected"), [
    ("core", SalesSource.CORE), ("基幹取込", SalesSource.CORE), ("案件変換", SalesSource.OPPORTUNITY),
    ("MANUAL", SalesSource.MANUAL), (None, SalesSource.CORE), (SalesSource.MANUAL, SalesSource.MANUAL),
])
def test_the_source_is_given_by_code_or_japanese_label(given_value: object, expected: SalesSource) -> None:
    assert SalesSource.parse(given_value) is expected


def test_returns_are_negative_slips() -> None:
    r = result(amount="-500", quantity="-2", cost="-300")
    assert (r.amount, r.quantity, r.gross_profit) == (Decimal("-500"), Decimal("-2.000"), Decimal("-200"))


def test_a_gross_profit_that_contradicts_the_cost_is_refused() -> None:
    with pytest.raises(DomainError) as e:
        result(amount=1000, cost=600, gross_profit=500)
    assert e.value.field == "gross_profit"
    assert result(amount=1000, cost=600, gross_profit=400).gross_profit == Decimal("400")


def test_without_a_cost_the_reported_gross_profit_is_kept() -> None:
    assert result(amount=1000, gross_profit=250).gross_profit == Decimal("250")


money = st.decimals(min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=2,
                    allow_nan=False, allow_infinity=False)


@given(amount=money, cost=money)
def test_gross_profit_is_always_amount_minus_cost(amount: Decimal, cost: Decimal) -> None:
    r = result(amount=amount, cost=cost)
    assert r.gross_profit == amount - cost
    assert r.amount - r.gross_profit == r.cost


@given(amount=money, cost=money, new_cost=money, new_amount=money)
def test_a_revision_re_derives_the_gross_profit(amount: Decimal, cost: Decimal, new_cost: Decimal,
                                                new_amount: Decimal) -> None:
    r = result(amount=amount, cost=cost)
    assert r.revise(cost=new_cost).gross_profit == amount - new_cost
    assert r.revise(amount=new_amount).gross_profit == new_amount - cost
    dropped = r.revise(cost=None)
    assert dropped.cost is None
    assert dropped.gross_profit is None


def test_a_broken_revision_leaves_the_result_unchanged() -> None:
    r = result(amount=1000)
    with pytest.raises(DomainError):
        r.revise(amount="much")
    assert r.amount == Decimal("1000")
    revised = r.revise(notes=" 返品 ")
    assert revised.id == r.id
    assert revised.notes == "返品"
    assert revised.content() != r.content()
    assert r.revise(amount="1000.00").content() == r.content()


def test_stamps_keep_the_content() -> None:
    at = datetime(2026, 4, 1, 9, 0).astimezone()
    r = result().stamp_created(OWNER, at)
    assert (r.created_by, r.created_at, r.updated_at) == (OWNER, at, at)
    assert r.stamp_updated(None, at).content() == r.content()
    org = uuid4()
    assert r.with_owner_organization(org).owner_organization_id == org  # type: ignore[arg-type]
    assert isinstance(r.account_id, UUID)
