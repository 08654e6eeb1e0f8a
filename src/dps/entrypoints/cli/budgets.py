"""`dps budget ...`: batch work on budgets (予算)."""

from __future__ import annotations

import click


@click.group()
def budget() -> None:
    """予算 / budgets."""
