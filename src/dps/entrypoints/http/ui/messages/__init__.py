"""The UI's message catalogue (ja, en): one label per key, the user's language first, the other beside it.

Each screen family keeps its labels in its own module here (``common``, ``accounts``, ...); ``CATALOGUE``
merges them, and a key defined twice is a bug caught at import. Admin-edited field labels (項目名編集)
will later override entries per tenant through ``Labels(overrides=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module

from markupsafe import Markup, escape

FAMILIES = (
    "common", "accounts", "persons", "opportunities", "activities", "leads", "campaigns", "budgets", "portal",
    "mobile", "collaboration", "transfer", "reports", "report_templates", "report_definitions",
    "registry", "card_imports",
)
"""Modules of this package holding a ``MESSAGES: dict[str, tuple[str, str]]`` (key -> (ja, en))."""


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for family in FAMILIES:
        module = import_module(f"{__name__}.{family}")
        for key, value in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} is defined twice (again in {family})")
            merged[key] = value
    return merged


CATALOGUE: Mapping[str, tuple[str, str]] = _load()


class Labels:
    """Labels for one user: ``t(key)`` is markup (primary label, the other language small beside it),
    ``t.text(key)`` the primary label as plain text (attributes, titles), ``t.pair(key)`` "ja / en"."""

    def __init__(self, locale: str = "ja", overrides: Mapping[str, tuple[str, str]] | None = None) -> None:
        self.english_first = locale.startswith("en")
        self._overrides = overrides or {}

    def _entry(self, key: str) -> tuple[str, str]:
        entry = self._overrides.get(key) or CATALOGUE.get(key)
        if entry is None:
            return (key, key)
        return entry

    def __call__(self, key: str) -> Markup:
        ja, en = self._entry(key)
        first, second = (en, ja) if self.english_first else (ja, en)
        if first == second:
            return escape(first)
        return Markup('{} <span class="en">/ {}</span>').format(first, second)

    def text(self, key: str) -> str:
        ja, en = self._entry(key)
        return en if self.english_first else ja

    def pair(self, key: str) -> str:
        ja, en = self._entry(key)
        return f"{en} / {ja}" if self.english_first else f"{ja} / {en}"
