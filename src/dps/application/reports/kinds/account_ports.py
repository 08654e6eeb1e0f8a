"""What 取引先別 (the accounts report) needs from the database: per account in scope its figures,
already summed in SQL (one statement for the rows, one for the totals), and how many restricted
opportunities and activities were left out (R7). A module of its own so the unit of work can name
the port without importing the report kinds (which import the unit of work's dependencies)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.domain.visibility.policy import Viewer

GROUP_BY = ("none", "owner", "parent_account")
"""How account rows are grouped (subtotal after each group): not, by main owner, by parent account
(the parent and its direct children form one group)."""


@frozen
class AccountScope:
    """Accounts visible to the viewer whose main owner's organisation lies at or under
    `organization_id` (closure); figures dated in [date_from, date_to] and, for sales results, also
    in [previous_from, previous_to]. Open opportunities are split per code of `certainty_codes`
    ('' = none; a code outside them counts in the open totals only)."""

    organization_id: UUID
    date_from: date
    date_to: date
    previous_from: date
    previous_to: date
    certainty_codes: tuple[str, ...]
    won_stage: str
    group_by: str = "none"
    limit: int = 1000


@frozen
class AccountFigures:
    """One account (or, for the totals, every account in scope: labels empty, `accounts` counted).
    Open opportunities are all the account's open ones the viewer may see (not dated); won ones
    have their order date in the period."""

    account_id: UUID | None
    name: str
    kana: str
    owner_id: UUID | None
    owner_name: str
    account_type_code: str
    group_id: UUID | None
    group_name: str | None
    """The owner's name or the parent account's (None: a parent the viewer may not see)."""
    open_count: Mapping[str, int]
    open_amount: Mapping[str, Decimal]
    open_total_count: int
    open_total_amount: Decimal
    won_count: int
    won_amount: Decimal
    sales: Decimal
    sales_previous: Decimal
    activity_count: int
    last_activity: date | None
    """The latest done activity on or before the period's end (any start)."""
    accounts: int = 1


@frozen
class AccountFigureRows:
    rows: Sequence[AccountFigures]
    """At most `limit` accounts: grouped when asked, then by sales results, won amount, name."""
    cut: bool
    """More accounts were in scope than `limit`."""
    totals: AccountFigures
    left_out: int
    """Restricted opportunities and activities of the accounts in scope the viewer may not see."""


class AccountReportReader(Protocol):
    @abstractmethod
    def account_figures(self, viewer: Viewer, scope: AccountScope) -> AccountFigureRows:
        """Two statements: the rows (pre-grouped subqueries LEFT JOINed to the scoped accounts) and
        their totals over every account in scope."""
