"""全体検索 / global search: accounts, persons, opportunities by name, kana, 法人番号, phone."""

from __future__ import annotations

from typing import Any

ROUTES: tuple[Any, ...] = ()
"""This module's pages, registered in the UI router."""
