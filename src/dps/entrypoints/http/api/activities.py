"""JSON API: activities (filled in by the activities work)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

ROUTES: list[ControllerRouterHandler] = []
"""The handlers of this module, mounted under /api/v1 by the app factory."""
