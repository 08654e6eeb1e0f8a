"""Store of activities."""

from __future__ import annotations

from typing import Protocol


class ActivityRepository(Protocol):
    """Activities with their persons met and attendees; visibility-filtered search (R6 through the opportunity)."""
