"""Validity periods of master data: start inclusive, end exclusive, open end as None."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from dps.domain.shared.errors import DomainError


@frozen
class Period:
    """[start, end) in calendar days; `end=None` means valid until further notice."""

    start: date
    end: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise DomainError(
                f"period end {self.end.isoformat()} must be after its start {self.start.isoformat()}",
                field="valid_to",
            )

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: Period) -> bool:
        return (other.end is None or self.start < other.end) and (self.end is None or other.start < self.end)

    def covers(self, other: Period) -> bool:
        """True when every day of `other` lies inside this period."""
        if other.start < self.start:
            return False
        if self.end is None:
            return True
        return other.end is not None and other.end <= self.end

    def split_at(self, day: date) -> tuple[Period, Period]:
        """Cut into [start, day) and [day, end); `day` must lie strictly inside."""
        if not (self.start < day and (self.end is None or day < self.end)):
            raise DomainError(f"{day.isoformat()} does not lie inside the period", field="effective_from")
        return Period(self.start, day), Period(day, self.end)

    def ending(self, day: date) -> Period:
        return Period(self.start, day)
