"""Stores of accounts and account groups."""

from __future__ import annotations

from typing import Protocol


class AccountRepository(Protocol):
    """Accounts: load/save the aggregate, and visibility-filtered search (filled in by the accounts work)."""


class AccountGroupRepository(Protocol):
    """Account groups and their members."""
