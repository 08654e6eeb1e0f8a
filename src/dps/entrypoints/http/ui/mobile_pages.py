"""モバイル / mobile web screens (M1-M5): activities, opportunities, accounts, persons, notifications."""

from __future__ import annotations

from typing import Any

ROUTES: tuple[Any, ...] = ()
"""This module's pages, registered in the UI router."""
