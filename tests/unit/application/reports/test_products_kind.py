"""The pure rules of 商品別 and キャンペーン別: the category roll-up over grouped sums (every amount in
exactly one product row, each category the sum of its products, the total the sum of the
categories), the per-category budget rule, the table's levels and drills, and the campaign rates."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dps.application.reports.kinds.campaigns import CampaignLine, rate
from dps.application.reports.kinds.product_ports import CategoryBudget, ProductAmount
from dps.application.reports.kinds.products import (
    ProductReport,
    _category_budget,
    product_table,
    roll_up,
)
from dps.application.reports.read_models import ZERO, Column

PRODUCTS = [(uuid.UUID(int=i), f"P{i}") for i in range(1, 5)]
CATEGORIES = ["hw", "sw", ""]
CERTAINTIES = ["A", "B", ""]
amounts = st.integers(min_value=-1000, max_value=100_000).map(Decimal)


@st.composite
def cells(draw: st.DrawFn, *, with_certainty: bool) -> ProductAmount:
    product = draw(st.sampled_from([*PRODUCTS, None]))
    category = draw(st.sampled_from(CATEGORIES))
    won = draw(st.booleans()) if with_certainty else False
    certainty = "" if won or not with_certainty else draw(st.sampled_from(CERTAINTIES))
    return ProductAmount(product[0] if product else None, product[1] if product else "",
                         f"商品{product[1]}" if product else "", category, draw(amounts), certainty, won)


COLUMNS = tuple(Column(c, c or "(なし)") for c in CATEGORIES)


@settings(max_examples=150, deadline=None)
@given(st.lists(cells(with_certainty=True), max_size=25), st.lists(cells(with_certainty=False), max_size=15),
       st.dictionaries(st.sampled_from(CATEGORIES), amounts, max_size=3))
def test_every_amount_lands_once_and_categories_sum_their_products(
    lines: list[ProductAmount], results: list[ProductAmount], budget: dict[str, Decimal],
) -> None:
    groups, total = roll_up(COLUMNS, lines, results, budget)
    assert [g.code for g in groups] == CATEGORIES
    for g in groups:
        assert g.total.won == sum((p.figures.won for p in g.products), ZERO)
        assert g.total.actual == sum((p.figures.actual for p in g.products), ZERO)
        assert g.total.pipeline_total == sum((p.figures.pipeline_total for p in g.products), ZERO)
        assert g.total.budget == budget.get(g.code, ZERO)
        assert all(p.figures.budget is None for p in g.products)
        assert len({p.product_id for p in g.products}) == len(g.products)
        assert [p.product_id is None for p in g.products] == sorted(p.product_id is None for p in g.products)
    assert total.won == sum((c.amount for c in lines if c.won), ZERO)
    assert total.actual == sum((c.amount for c in results), ZERO)
    for code in CERTAINTIES:
        assert total.pipeline.get(code, ZERO) == sum(
            (c.amount for c in lines if not c.won and c.certainty_code == code), ZERO)
    assert total.budget == sum(budget.values(), ZERO)


@settings(max_examples=60, deadline=None)
@given(st.lists(cells(with_certainty=True), max_size=20), st.lists(cells(with_certainty=False), max_size=10),
       st.sampled_from(["product", "category"]))
def test_the_table_puts_each_category_after_its_products(
    lines: list[ProductAmount], results: list[ProductAmount], level: str,
) -> None:
    groups, total = roll_up(COLUMNS, lines, results, {"hw": Decimal(100)})
    org = uuid.uuid4()
    report = ProductReport(org, "hq", "本社", date(2025, 4, 1), date(2026, 3, 31), 2025, level,
                           tuple(Column(c, c or "(なし)") for c in CERTAINTIES), groups, total, 0)
    table = product_table(report)
    subtotal_rows = [i for i, r in enumerate(table.rows) if r[2] is None]
    assert [table.rows[i][0] for i in subtotal_rows] == CATEGORIES
    expected_details = sum(len(g.products) for g in groups) if level == "product" else 0
    assert len(table.rows) == len(CATEGORIES) + expected_details
    assert all(table.level(i) == (1 if level == "product" else 0) for i in subtotal_rows)
    width = len(table.columns)
    assert all(len(r) == width for r in (*table.rows, table.totals))
    for (row, col), drill in table.drills.items():
        assert 0 <= row <= len(table.rows)
        assert 0 <= col < width
        assert dict(drill.filters)["organization_id"] == str(org)


def test_category_budget_is_the_organisations_own_else_its_rows() -> None:
    org, child, user = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    found = [CategoryBudget(org, None, "hw", Decimal(1000)), CategoryBudget(child, None, "hw", Decimal(700)),
             CategoryBudget(child, None, "sw", Decimal(50)), CategoryBudget(None, user, "sw", Decimal(30)),
             CategoryBudget(org, user, "svc", Decimal(5))]
    assert _category_budget(found, org) == {"hw": Decimal(1000), "sw": Decimal(80), "svc": Decimal(5)}


def test_campaign_rates_need_a_denominator() -> None:
    assert rate(1, 3) == Decimal("0.3333")
    assert rate(1, 0) is None
    assert rate(Decimal(5), None) is None
    line = CampaignLine(None, "c", "", None, None, invited=0, attended=0, leads=0, converted=0, opportunities=0,
                        won=0, won_amount=Decimal(0), budget_amount=None, cost=Decimal(0), target_leads=None,
                        target_opportunities=None, target_amount=None)
    assert (line.attendance_rate, line.conversion_rate, line.cost_per_lead, line.roi) == (None, None, None, None)


@given(st.integers(0, 10_000), st.integers(1, 10_000).map(Decimal))
def test_roi_is_the_return_over_the_cost(won: int, cost: Decimal) -> None:
    line = CampaignLine(None, "c", "", None, None, invited=0, attended=0, leads=3, converted=0, opportunities=0,
                        won=0, won_amount=Decimal(won), budget_amount=None, cost=cost, target_leads=None,
                        target_opportunities=None, target_amount=None)
    assert line.roi == ((Decimal(won) - cost) / cost).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    assert line.cost_per_lead == (cost / 3).quantize(Decimal("0.01"), ROUND_HALF_UP)
