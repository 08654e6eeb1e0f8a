"""Stores of persons and business cards."""

from __future__ import annotations

from typing import Protocol


class PersonRepository(Protocol):
    """Persons: load/save, visibility-filtered search."""


class BusinessCardRepository(Protocol):
    """A person's business cards (名刺履歴)."""
