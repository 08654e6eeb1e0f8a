"""Calendar helpers: 'today' depends on the zone of whoever asks."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dps.application.shared.errors import Invalid
from dps.application.shared.ports import Clock


def check_time_zone(name: str, field: str = "time_zone") -> None:
    """Refuse a zone name the tz database does not know (the domain checks only its shape)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise Invalid.field(field, f"unknown time zone '{name}' (e.g. Asia/Tokyo)") from e


def today_in(clock: Clock, time_zone: str) -> date:
    return clock.now().astimezone(ZoneInfo(time_zone)).date()


def local(instant: datetime, time_zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(time_zone))
