"""The pure parts of 取引先別 / 案件別: subtotal lines (a property: each subtotal is the sum of the lines
of its group, every line kept in order), the weighted forecast and the notes of a cut table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from dps.application.reports.kinds.account_ports import AccountFigureRows, AccountFigures
from dps.application.reports.kinds.accounts import AccountReport, account_table
from dps.application.reports.kinds.list_support import Line, with_subtotals, year_before
from dps.application.reports.ports import OrgLabel
from dps.application.reports.read_models import Column

groups = st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 10**6), st.dates(date(2020, 1, 1))),
                  max_size=30).map(sorted)


@given(groups)
def test_each_subtotal_sums_the_lines_of_its_group(raw: list[tuple[str, int, date]]) -> None:
    lines = [Line((g, Decimal(n), d), g, g.upper()) for g, n, d in raw]
    rows, levels, subtotals = with_subtotals(lines, 3, label_column=0, summed=[1], latest=[2], grouped=True)
    assert [r for r, level in zip(rows, levels, strict=True) if level == 0] == [line.cells for line in lines]
    assert len(subtotals) == len({g for g, _, _ in raw})
    for index, first in subtotals:
        members = [line for line in lines if line.group == first.group]
        assert rows[index] == (f"小計 Subtotal: {first.group_label}", sum(Decimal(m.cells[1]) for m in members),
                               max(m.cells[2] for m in members))
        assert levels[index] == 1
        assert rows[index - 1] == members[-1].cells  # right after the group's last line


@given(groups)
def test_without_grouping_there_are_no_subtotals(raw: list[tuple[str, int, date]]) -> None:
    lines = [Line((g, Decimal(n), d), g, g) for g, n, d in raw]
    rows, levels, subtotals = with_subtotals(lines, 3, label_column=0, summed=[1], grouped=False)
    assert rows == [line.cells for line in lines]
    assert set(levels) <= {0}
    assert subtotals == []


def test_a_year_before_a_leap_day() -> None:
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert year_before(date(2026, 3, 31)) == date(2025, 3, 31)


def _figures(name: str, a: int, b: int, none: int, sales: int) -> AccountFigures:
    return AccountFigures(
        account_id=uuid4(), name=name, kana="", owner_id=None, owner_name="", account_type_code="x", group_id=None,
        group_name=None, open_count={"A": 1, "B": 1, "": 1}, open_amount={"A": Decimal(a), "B": Decimal(b),
                                                                           "": Decimal(none)},
        open_total_count=3, open_total_amount=Decimal(a + b + none), won_count=0, won_amount=Decimal(0),
        sales=Decimal(sales), sales_previous=Decimal(0), activity_count=0, last_activity=None)


def test_the_weighted_forecast_and_a_cut_table() -> None:
    one, two = _figures("one", 1000, 333, 50, 9), _figures("two", 10, 0, 0, 1)
    totals = _figures("", 1010, 333, 50, 10)
    report = AccountReport(
        organization=OrgLabel(uuid4(), "hq", "本社"), date_from=date(2025, 4, 1), date_to=date(2026, 3, 31),
        previous_from=date(2024, 4, 1), previous_to=date(2025, 3, 31),
        certainties=(Column("A", "A", probability=80), Column("B", "B", probability=33), Column("", "(なし)")),
        account_types={"x": "顧客"}, group_by="none", limit=2,
        figures=AccountFigureRows([one, two], True, evolve(totals, accounts=7), 0),
    )
    table = account_table(report)
    weighted = table.column_index("weighted")
    assert weighted is not None
    assert [r[weighted] for r in table.rows] == [Decimal("909.89"), Decimal("8.00")]  # 800 + 109.89, 8
    assert table.rows[0][table.column_index("account_type") or 0] == "顧客"
    assert any("only the first 2 of 7 rows" in n for n in table.notes)
