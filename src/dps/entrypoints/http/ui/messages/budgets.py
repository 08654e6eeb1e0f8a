"""Labels of the budgets screens."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {}
