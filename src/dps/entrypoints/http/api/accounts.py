"""JSON API: accounts (filled in by the accounts work)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

ROUTES: list[ControllerRouterHandler] = []
"""The handlers of this module, mounted under /api/v1 by the app factory."""
