"""A clock the test moves by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dps.application.shared.ports import Clock


class FakeClock(Clock):
    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2026, 11, 25, 0, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
