"""What the list-shaped report kinds (取引先別, 案件別) share: the default period (the tenant's current
fiscal year), the row limit, the same period a year before, and subtotal lines after each group of
detail lines (levels 1, summing the lines above them), the way the pipeline table lays out its years."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from attrs import frozen

from dps.application.reports.params import Params
from dps.application.reports.tables import Cell
from dps.application.shared.errors import Invalid
from dps.domain.sales.fiscal_years import FiscalYear


def period(p: Params, today: date, start_month: int, first: str = "date_from",
           last: str = "date_to") -> tuple[date, date]:
    """[first, last] from the parameters named so (inclusive; else `date_from` / `date_to`, as the CLI's
    --from / --to give them), each defaulting to the bound of the fiscal year containing `today`;
    Invalid on `first` when it comes after `last`."""
    year = FiscalYear.containing(today, start_month)
    start = p.date(first) or p.date("date_from") or year.start
    end = p.date(last) or p.date("date_to") or year.end - timedelta(days=1)
    if start > end:
        raise Invalid.field(first, "開始日が終了日より後です / the start is after the end")
    return start, end


def row_limit(p: Params, default: int, maximum: int) -> int:
    """The `limit` parameter: 1..maximum, else Invalid naming it."""
    value = p.int("limit")
    if value is None:
        return default
    if not 1 <= value <= maximum:
        raise Invalid.field("limit", f"1〜{maximum} の範囲で / between 1 and {maximum}")
    return value


def year_before(day: date) -> date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def limit_note(shown: int, total: int) -> str:
    return (f"上位 {shown} 件のみ表示 (全 {total} 件、合計は全件) / only the first {shown} of {total} rows are "
            f"listed (the totals cover all)")


@frozen
class Line:
    """A detail line with the key and label of its group."""

    cells: tuple[Cell, ...]
    group: Any
    group_label: str


def _add(a: Cell, b: Cell) -> Cell:
    if a is None:
        return b
    if b is None:
        return a
    assert isinstance(a, int | Decimal)
    assert isinstance(b, int | Decimal)
    return a + b


def _latest(a: Cell, b: Cell) -> Cell:
    if a is None or b is None:
        return a if b is None else b
    assert isinstance(a, date)
    assert isinstance(b, date)
    return max(a, b)


def with_subtotals(
    lines: Sequence[Line], width: int, *, label_column: int, summed: Sequence[int], latest: Sequence[int] = (),
    grouped: bool,
) -> tuple[list[tuple[Cell, ...]], list[int], list[tuple[int, Line]]]:
    """The body rows, their levels and, per subtotal row, its index and the group's first line: when
    `grouped`, a subtotal after each run of lines of one group ("小計 Subtotal: label" in
    `label_column`, the `summed` columns added, the `latest` columns' latest date)."""
    rows: list[tuple[Cell, ...]] = []
    levels: list[int] = []
    subtotals: list[tuple[int, Line]] = []
    run: list[Line] = []

    def close() -> None:
        if not run:
            return
        cells: list[Cell] = [None] * width
        cells[label_column] = f"小計 Subtotal: {run[0].group_label}"
        for c in summed:
            cells[c] = sum_cells([line.cells[c] for line in run], _add)
        for c in latest:
            cells[c] = sum_cells([line.cells[c] for line in run], _latest)
        subtotals.append((len(rows), run[0]))
        rows.append(tuple(cells))
        levels.append(1)
        run.clear()

    for line in lines:
        if grouped and run and line.group != run[0].group:
            close()
        rows.append(line.cells)
        levels.append(0)
        if grouped:
            run.append(line)
    close()
    return rows, levels, subtotals


def sum_cells(values: Sequence[Cell], combine: Callable[[Cell, Cell], Cell]) -> Cell:
    out: Cell = None
    for v in values:
        out = combine(out, v)
    return out
