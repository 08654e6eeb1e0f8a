"""Geometry of the server-drawn charts (ui/charts.py): round axis tops, bars in proportion on one
baseline, the line's points at the categories' centres, every text escaped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.application.sales.portal.queries import stage_totals
from dps.application.sales.portal.read_models import StageTotal
from dps.domain.catalog.defaults import default_code_lists
from dps.entrypoints.http.ui.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, axis_top, bar_chart, bars_and_line

D = Decimal
BASE = HEIGHT - BOTTOM
PLOT = HEIGHT - BOTTOM - TOP


def _text(value: Decimal) -> str:
    return f"{value:,}"


@pytest.mark.parametrize(("largest", "top", "step"), [
    (D(0), D(0), D(1)),
    (D(1), D(1), D("0.25")),
    (D(9_500_000), D(10_000_000), D(2_500_000)),
    (D(5_000_000), D(6_000_000), D(2_000_000)),
    (D(4_000_000), D(4_000_000), D(1_000_000)),
    (D(123), D(150), D(50)),
])
def test_the_axis_ends_on_a_round_number_at_or_above_the_largest(largest: D, top: D, step: D) -> None:
    assert axis_top([D(0), largest]) == (top, step)


@given(st.lists(st.decimals(min_value=0, max_value=10**12, places=2), min_size=1, max_size=12))
def test_the_axis_top_covers_every_value_with_at_most_five_steps(values: list[Decimal]) -> None:
    top, step = axis_top(values)
    assert top >= max(values)
    assert step > 0
    assert top == 0 or 1 <= top / step <= 5


def test_bars_are_in_proportion_on_one_baseline() -> None:
    chart = bar_chart("見込", "千円", ["A", "B", "C", "D"], [D(1000), D(4000), D(0), D(2000)],
                      titles=["a", "b", "c", "d"], tick_text=_text)
    heights = [b.height for b in chart.bars]
    assert heights == [pytest.approx(PLOT / 4), pytest.approx(PLOT), 0.0, pytest.approx(PLOT / 2)]
    assert all(b.y + b.height == pytest.approx(BASE) for b in chart.bars)
    slot = (WIDTH - LEFT - RIGHT) / 4
    assert [b.x + b.width / 2 for b in chart.bars] == [pytest.approx(LEFT + slot * (i + .5)) for i in range(4)]
    assert [t.text for t in chart.ticks] == ["0", "1,000", "2,000", "3,000", "4,000"]
    assert chart.ticks[0].y == BASE
    assert chart.ticks[-1].y == pytest.approx(TOP)


def test_the_line_shares_the_axis_and_may_stop_early() -> None:
    chart = bars_and_line("予実", "千円", ["4月", "5月", "6月"], [D(100), D(200), D(300)], [D(600), D(150)],
                          bar_titles=["", "", ""], line_titles=["x", "y"], tick_text=_text, bar_css="bar budget")
    assert [p.y for p in chart.points] == [pytest.approx(TOP), pytest.approx(BASE - PLOT / 4)]
    assert [p.x for p in chart.points] == [chart.labels[0].x, chart.labels[1].x]
    assert all(b.css == "bar budget" for b in chart.bars)
    svg = str(chart.svg())
    assert svg.count('<rect class="bar budget"') == 3
    assert svg.count("<circle ") == 2
    assert svg.count("<polyline ") == 1


def test_texts_are_escaped_and_long_labels_shortened() -> None:
    chart = bar_chart('<script>"x"</script>', "y & z", ["Verbal commitment", "<b>"], [D(1), D(2)],
                      titles=["<i>1</i>", "2"], tick_text=_text)
    svg = str(chart.svg())
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "<i>" not in svg
    assert 'aria-label="&lt;script&gt;&#34;x&#34;&lt;/script&gt;"' in svg
    assert "y &amp; z" in svg
    assert ">Verbal …<" in svg
    assert "<title>&lt;i&gt;1&lt;/i&gt;</title>" in svg


def test_no_categories_draw_an_empty_axis() -> None:
    chart = bar_chart("空", "千円", [], [], titles=[], tick_text=_text)
    assert chart.bars == ()
    assert str(chart.svg()).startswith('<svg class="chart"')


def test_all_zero_values_draw_flat_bars_and_the_zero_tick_only() -> None:
    chart = bar_chart("ゼロ", "千円", ["A", "B"], [D(0), D(0)], titles=["", ""], tick_text=_text)
    assert [b.height for b in chart.bars] == [0.0, 0.0]
    assert [t.text for t in chart.ticks] == ["0"]


def test_the_pipeline_lists_every_open_stage_in_code_list_order() -> None:
    stages = next(cl for cl in default_code_lists() if cl.key == "opportunity_stage")
    found = [StageTotal("30", 2, D(5)), StageTotal("10", 1, D(1)), StageTotal("old", 1, D(7))]
    assert [(s.stage_code, s.count) for s in stage_totals(found, stages)] == [
        ("10", 1), ("20", 0), ("30", 2), ("40", 0), ("50", 0), ("old", 1)]
    assert [s.stage_code for s in stage_totals(found, None)] == ["10", "30", "old"]
