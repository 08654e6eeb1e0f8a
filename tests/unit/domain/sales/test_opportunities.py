"""The opportunity's rules: product line amounts, closing stages (is_open, won, lost), the expected
amount default, progress from an activity, and copy."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dps.domain.catalog.code_lists import CodeList
from dps.domain.catalog.defaults import default_code_lists
from dps.domain.sales.opportunities import (
    CANCELLED_STAGE,
    CLOSING_STAGES,
    LOST_STAGE,
    WON_STAGE,
    Opportunity,
    Outcome,
    at_index,
    outcome_of,
)
from dps.domain.sales.opportunity_lines import Competitor, CompetitorResult, ProductLine, lines_total, to_quantity
from dps.domain.sales.records import Relation, StaffMember
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.visibility.records import Restriction


def _list(key: str) -> CodeList:
    return next(c for c in default_code_lists() if c.key == key)


STAGES = _list("opportunity_stage")
CERTAINTIES = _list("certainty")
OPEN_STAGES = [v.code for v in STAGES.values if v.code not in CLOSING_STAGES]

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal("10000000"), places=2)


def opportunity(**kw: object) -> Opportunity:
    values: dict[str, object] = {"id": uuid.uuid4(), "name": "基幹システム更改", "account_id": uuid.uuid4(),
                                 "stage_code": "10"}
    values.update(kw)
    return Opportunity(**values)  # type: ignore[arg-type]


# --- product lines ------------------------------------------------------------------------------

@given(quantity=quantities, unit_price=prices, share=st.fractions(min_value=0, max_value=1))
def test_line_amount_is_quantity_times_price_minus_discount(quantity: Decimal, unit_price: Decimal,
                                                            share: object) -> None:
    gross = quantity * unit_price
    discount = (gross * Decimal(share.numerator) / Decimal(share.denominator)).quantize(  # type: ignore[attr-defined]
        Decimal("0.01"), rounding="ROUND_DOWN")
    line = ProductLine(product_name="保守", quantity=quantity, unit_price=unit_price, discount=discount)

    assert line.amount == (gross - discount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(0) <= line.amount <= gross.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert line.amount.as_tuple().exponent == -2


@given(quantity=quantities, unit_price=prices, extra=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000),
                                                                 places=2))
def test_a_discount_above_the_gross_amount_is_refused(quantity: Decimal, unit_price: Decimal, extra: Decimal) -> None:
    discount = (quantity * unit_price).quantize(Decimal("0.01"), rounding="ROUND_UP") + extra
    with pytest.raises(DomainError) as e:
        ProductLine(product_name="x", quantity=quantity, unit_price=unit_price, discount=discount)
    assert e.value.field == "discount"


@given(st.one_of(st.decimals(max_value=Decimal(0), allow_nan=False, allow_infinity=False),
                 st.sampled_from(["abc", "", "1e", "-1", "0", "1.2345"])))
def test_quantity_must_be_a_positive_number_with_three_decimals_at_most(value: object) -> None:
    with pytest.raises(DomainError) as e:
        ProductLine(product_name="x", quantity=value, unit_price=1)
    assert e.value.field == "quantity"


@pytest.mark.parametrize(("field", "value"), [("unit_price", "-1"), ("unit_price", "千円"), ("discount", "-5"),
                                              ("discount", "1.001"), ("unit_price", "1e30"), ("quantity", "1e30"),
                                              ("quantity", "-1e30")])
def test_money_fields_of_a_line_are_checked(field: str, value: str) -> None:
    kwargs: dict[str, object] = {"product_name": "x", "quantity": 1, "unit_price": 100, field: value}
    with pytest.raises(DomainError) as e:
        ProductLine(**kwargs)  # type: ignore[arg-type]
    assert e.value.field == field


def test_a_line_needs_a_product_name_and_text_amounts_are_read() -> None:
    with pytest.raises(DomainError) as e:
        ProductLine(product_name="  ", quantity=1, unit_price=1)
    assert e.value.field == "product_name"
    line = ProductLine(product_name="ライセンス", quantity="1,000", unit_price="1,200", discount="200")
    assert line.amount == Decimal("1199800.00")
    assert to_quantity("1.5") == Decimal("1.5")


@given(st.lists(st.tuples(quantities, prices), min_size=1, max_size=6))
def test_expected_amount_defaults_to_the_lines_total(rows: list[tuple[Decimal, Decimal]]) -> None:
    lines = [ProductLine(product_name=f"p{i}", quantity=q, unit_price=p) for i, (q, p) in enumerate(rows)]
    o = opportunity(lines=lines)
    o.settle()

    assert o.expected_amount == lines_total(lines) == sum((x.amount for x in lines), Decimal(0))
    assert [x.line_no for x in o.lines] == list(range(1, len(rows) + 1))


def test_a_given_expected_amount_wins_over_the_lines_until_the_lines_are_replaced() -> None:
    o = opportunity(lines=[ProductLine(product_name="a", quantity=2, unit_price=500)], expected_amount=800)
    o.settle()
    assert o.expected_amount == Decimal(800)

    o.set_lines([ProductLine(product_name="b", quantity=3, unit_price=500)])
    o.settle()  # an update that touched something else keeps the negotiated amount
    assert o.expected_amount == Decimal(800)
    o.settle(recompute_amount=True)  # the lines were replaced and no amount given
    assert o.expected_amount == Decimal(1500)


# --- closing stages -------------------------------------------------------------------------------

@given(st.sampled_from([v.code for v in STAGES.values]))
def test_is_open_is_derived_from_the_stage(stage: str) -> None:
    o = opportunity(stage_code=stage, expected_amount=100, ordered_on=date(2026, 4, 1), lost_reason="価格")
    o.settle(today=date(2026, 4, 1))
    assert o.is_open is (stage not in {WON_STAGE, LOST_STAGE, CANCELLED_STAGE})
    assert o.outcome is outcome_of(stage)
    assert o.is_won is (stage == WON_STAGE)
    assert o.is_lost is (stage == LOST_STAGE)


def test_the_closing_stage_codes_are_a_domain_rule() -> None:
    assert CLOSING_STAGES == {"90": Outcome.WON, "91": Outcome.LOST, "92": Outcome.CANCELLED}
    assert outcome_of("50") is Outcome.OPEN


@given(stage=st.sampled_from(OPEN_STAGES), amount=st.none() | prices, expected_date=st.none() | st.dates(),
       today=st.none() | st.dates())
def test_winning_takes_amount_and_date_from_expected_and_today_or_refuses(
    stage: str, amount: Decimal | None, expected_date: date | None, today: date | None
) -> None:
    o = opportunity(stage_code=stage, expected_amount=amount, expected_order_date=expected_date)
    o.move_to_stage(WON_STAGE, STAGES)
    if amount is None or (today is None and expected_date is None):
        with pytest.raises(DomainError) as e:
            o.settle(today=today)
        assert e.value.field == ("order_amount" if amount is None else "ordered_on")
        return
    o.settle(today=today)
    assert not o.is_open
    assert o.order_amount == amount
    assert o.ordered_on == (today or expected_date)


@given(st.sampled_from(OPEN_STAGES), st.text(max_size=5))
def test_losing_needs_a_reason(stage: str, reason: str) -> None:
    o = opportunity(stage_code=stage)
    o.move_to_stage(LOST_STAGE, STAGES)
    o.lost_reason = reason
    if reason.strip():
        o.settle()
        assert not o.is_open
        assert o.is_lost
    else:
        with pytest.raises(DomainError) as e:
            o.settle()
        assert e.value.field == "lost_reason"


def test_cancelled_closes_without_conditions() -> None:
    o = opportunity()
    o.move_to_stage(CANCELLED_STAGE, STAGES)
    o.settle()
    assert o.outcome is Outcome.CANCELLED
    assert not o.is_open


def test_codes_are_checked_against_the_code_lists() -> None:
    with pytest.raises(DomainError) as e:
        opportunity(stage_code="99").check_codes(stages=STAGES, certainties=CERTAINTIES)
    assert e.value.field == "stage_code"
    with pytest.raises(DomainError) as e:
        opportunity(certainty_code="Z").check_codes(stages=STAGES, certainties=CERTAINTIES)
    assert e.value.field == "certainty_code"
    opportunity(certainty_code="A").check_codes(stages=STAGES, certainties=CERTAINTIES)


def test_name_is_required() -> None:
    with pytest.raises(DomainError) as e:
        opportunity(name="   ")
    assert e.value.field == "name"
    o = opportunity()
    with pytest.raises(DomainError):
        o.name = ""


# --- progress from an activity ----------------------------------------------------------------------

def test_record_progress_applies_only_what_is_given_and_reports_a_change() -> None:
    o = opportunity(certainty_code="C", expected_amount=1000, expected_order_date=date(2026, 6, 30))
    unchanged = o.record_progress(stage_code=None, certainty_code=None, expected_order_date=None,
                                  expected_amount=None, stages=STAGES, certainties=CERTAINTIES)
    assert unchanged is False

    changed = o.record_progress(stage_code="30", certainty_code="B", expected_order_date=None,
                                expected_amount=Decimal(2000), stages=STAGES, certainties=CERTAINTIES)
    assert changed is True
    assert (o.stage_code, o.certainty_code, o.expected_amount) == ("30", "B", Decimal(2000))
    assert o.expected_order_date == date(2026, 6, 30)


@given(stage=st.text(min_size=1, max_size=3))
def test_record_progress_validates_like_an_update(stage: str) -> None:
    assume(stage.strip() and STAGES.value(stage.strip()) is None)
    o = opportunity()
    with pytest.raises(DomainError) as e:
        o.record_progress(stage_code=stage, certainty_code=None, expected_order_date=None, expected_amount=None,
                          stages=STAGES, certainties=CERTAINTIES)
    assert e.value.field == "stage_code"


def test_record_progress_to_won_uses_the_activity_day_and_to_lost_needs_a_reason() -> None:
    o = opportunity(expected_amount=5000)
    assert o.record_progress(stage_code=WON_STAGE, certainty_code=None, expected_order_date=None,
                             expected_amount=None, stages=STAGES, certainties=CERTAINTIES, today=date(2026, 5, 1))
    assert (o.order_amount, o.ordered_on, o.is_open) == (Decimal(5000), date(2026, 5, 1), False)

    other = opportunity()
    with pytest.raises(DomainError) as e:
        other.record_progress(stage_code=LOST_STAGE, certainty_code=None, expected_order_date=None,
                              expected_amount=None, stages=STAGES, certainties=CERTAINTIES)
    assert e.value.field == "lost_reason"
    assert other.record_progress(stage_code=LOST_STAGE, certainty_code=None, expected_order_date=None,
                                 expected_amount=None, stages=STAGES, certainties=CERTAINTIES, lost_reason="価格")
    assert other.is_lost


# --- competitors, relations, copy -----------------------------------------------------------------------

def test_competitors_need_a_name_and_a_known_result() -> None:
    with pytest.raises(DomainError) as e:
        Competitor(name=" ")
    assert e.value.field == "name"
    with pytest.raises(DomainError) as e:
        Competitor(name="A社", result="draw")
    assert e.value.field == "result"
    with pytest.raises(DomainError) as e:
        Competitor(name="A社", price="安い")
    assert e.value.field == "price"
    assert Competitor(name="A社", result="won", price="1,000").result is CompetitorResult.WON


def test_a_person_is_related_once() -> None:
    person = uuid.uuid4()
    with pytest.raises(DomainError) as e:
        opportunity(relations=[Relation(person_id=person), Relation(person_id=person, role_code="contact")])
    assert e.value.field == "relations"


def test_at_index_names_the_element() -> None:
    with pytest.raises(DomainError) as e, at_index("lines", 2):
        ProductLine(product_name="x", quantity=0, unit_price=1)
    assert e.value.field == "lines[2].quantity"


def test_copy_keeps_the_content_under_a_new_identity() -> None:
    user = UserId(uuid.uuid4())
    source = opportunity(
        lines=[ProductLine(product_name="a", quantity=1, unit_price=10)], competitors=[Competitor(name="B社")],
        staff=[StaffMember(user_id=user, is_main=True)], relations=[Relation(person_id=uuid.uuid4())],
        restriction=Restriction(users=frozenset({user})), custom_fields={"rank": "A"}, version=7,
        created_by=user, expected_amount=10,
    )
    copy = source.copy_as(uuid.uuid4())

    assert copy.id != source.id
    assert (copy.version, copy.created_by, copy.created_at) == (1, None, None)
    for attribute in ("name", "account_id", "stage_code", "lines", "competitors", "staff", "relations",
                      "restriction", "custom_fields", "expected_amount"):
        assert getattr(copy, attribute) == getattr(source, attribute), attribute
    copy.custom_fields["rank"] = "B"
    assert source.custom_fields == {"rank": "A"}
