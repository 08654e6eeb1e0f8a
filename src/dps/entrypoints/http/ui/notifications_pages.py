"""通知 / notifications: the list, mark read, open the record."""

from __future__ import annotations

from typing import Any

ROUTES: tuple[Any, ...] = ()
"""This module's pages, registered in the UI router."""
