"""Labels of the leads screens."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {}
