"""Calendar helpers: 'today' depends on the zone of whoever asks."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dps.application.shared.ports import Clock


def today_in(clock: Clock, time_zone: str) -> date:
    return clock.now().astimezone(ZoneInfo(time_zone)).date()


def local(instant: datetime, time_zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(time_zone))
