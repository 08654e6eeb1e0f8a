"""What the reports return: small aggregates already summed in SQL, laid out as rows x months.
Nothing here holds a record; a cell is a count or a sum."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from attrs import frozen

ZERO = Decimal(0)
CENTS = Decimal("0.01")
RATE = Decimal("0.0001")
STATUSES = ("planned", "done", "cancelled")
"""Activity statuses as columns: 予定, 実施 (実績), 中止."""


@frozen
class Column:
    """A code-list value used as a column: its code, labels and (certainty) probability."""

    code: str
    label_ja: str
    label_en: str = ""
    probability: int | None = None


@frozen
class ActivityRow:
    """One organisation row: a direct child with its whole subtree, or (`is_self`) the chosen
    organisation's own activities. `counts` maps (month, status, kind) -> count; absent is zero."""

    organization_id: UUID
    code: str
    name: str
    is_self: bool
    counts: Mapping[tuple[date, str, str], int]

    def count(self, month: date | None = None, status: str | None = None, kind: str | None = None) -> int:
        """The sum over the cells matching the given parts (None: any)."""
        return sum(n for (m, s, k), n in self.counts.items()
                   if (month is None or m == month) and (status is None or s == status)
                   and (kind is None or k == kind))


@frozen
class ActivityReport:
    """活動別: visible activities of the chosen organisation's subtree counted per organisation row x
    month x status x kind. `left_out` counts the activities in scope the user may not see (R7)."""

    organization_id: UUID
    organization_code: str
    organization_name: str
    date_from: date
    date_to: date
    months: tuple[date, ...]
    kinds: tuple[Column, ...]
    """The `activity_kind` values in list order, then codes found that the list lacks."""
    rows: tuple[ActivityRow, ...]
    left_out: int

    def total(self, month: date | None = None, status: str | None = None, kind: str | None = None) -> int:
        return sum(r.count(month, status, kind) for r in self.rows)


def _rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator / denominator).quantize(RATE, ROUND_HALF_UP)


@frozen
class PipelineCell:
    """One month (or the year) of one row. `forecast` maps certainty code ('' = none) -> expected
    amount of open opportunities; `landing` = actual + forecast weighted by each certainty's
    probability (a certainty without one weighs zero)."""

    budget: Decimal
    actual: Decimal
    forecast: Mapping[str, Decimal]
    landing: Decimal

    @property
    def forecast_total(self) -> Decimal:
        return sum(self.forecast.values(), ZERO)

    @property
    def achievement_rate(self) -> Decimal | None:
        """達成率 = actual / budget (None without a budget)."""
        return _rate(self.actual, self.budget)

    @property
    def landing_rate(self) -> Decimal | None:
        """着地達成率 = landing / budget (None without a budget)."""
        return _rate(self.landing, self.budget)

    @property
    def gap(self) -> Decimal:
        """予実差 = budget - actual."""
        return self.budget - self.actual

    @staticmethod
    def of(budget: Decimal, actual: Decimal, forecast: Mapping[str, Decimal],
           probabilities: Mapping[str, int | None]) -> PipelineCell:
        weighted = sum((amount * Decimal(probabilities.get(code) or 0) / 100 for code, amount in forecast.items()),
                       ZERO)
        return PipelineCell(budget, actual, dict(forecast), (actual + weighted).quantize(CENTS, ROUND_HALF_UP))

    @staticmethod
    def add(cells: list[PipelineCell]) -> PipelineCell:
        forecast: dict[str, Decimal] = {}
        for c in cells:
            for code, amount in c.forecast.items():
                forecast[code] = forecast.get(code, ZERO) + amount
        return PipelineCell(sum((c.budget for c in cells), ZERO), sum((c.actual for c in cells), ZERO), forecast,
                            sum((c.landing for c in cells), ZERO))


@frozen
class PipelineRow:
    """A row: `kind` 'organization' (a direct child, rolled up), 'user' (records owned directly by the
    chosen organisation, per owner; id None for records without an owner) or 'total'."""

    kind: str
    id: UUID | None
    code: str
    name: str
    months: tuple[PipelineCell, ...]

    @property
    def year(self) -> PipelineCell:
        return PipelineCell.add(list(self.months))


@frozen
class PipelineReport:
    """先行管理: for one organisation and fiscal year, per row and month: budget (受注予算), actual
    (販売実績), forecast by certainty (open opportunities), landing, achievement rate and gap. The
    total row's budget is the organisation's own budget when it has one, else the rows' sum; its
    other figures cover the whole subtree. `left_out` counts opportunities the user may not see."""

    organization_id: UUID
    organization_code: str
    organization_name: str
    fiscal_year: int
    months: tuple[date, ...]
    certainties: tuple[Column, ...]
    """The `certainty` values in list order, then codes found that the list lacks ('' = none)."""
    rows: tuple[PipelineRow, ...]
    total: PipelineRow
    left_out: int
