"""What the report use cases need from the database: GROUP BY aggregates (never records), each one
statement, filtered by the same visibility specification as every list (R1/R2, and R6 for
activities of a restricted opportunity), and the few labels the rows are shown with.

Organisation roll-up: a fact belongs to the direct child of the chosen organisation that lies at or
above its owner organisation in the closure (集計組織, as of its last refresh); a fact owned directly
by the chosen organisation has no child (`child_id` None) and is attributed to its owner user."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.application.reports.tables import ReportTable
from dps.domain.visibility.policy import Viewer


@frozen
class OrgLabel:
    id: UUID
    code: str
    name: str


@frozen
class UserLabel:
    id: UUID
    login_id: str
    name: str


@frozen
class ActivityCount:
    """Visible activities of one (child organisation, month, status, kind) group."""

    child_id: UUID | None
    month: date
    status: str
    kind_code: str
    count: int


@frozen
class ActivityCounts:
    cells: Sequence[ActivityCount]
    left_out: int
    """Activities in scope the viewer may not see (restricted, or on a restricted opportunity)."""


@frozen
class MonthlyAmount:
    """One group's sum: `child_id` (None: the organisation's own records) and, when None, the owner."""

    child_id: UUID | None
    user_id: UUID | None
    month: date
    amount: Decimal
    certainty_code: str = ""


@frozen
class ForecastAmounts:
    cells: Sequence[MonthlyAmount]
    left_out: int
    """Open opportunities in scope the viewer may not see."""


class ReportReader(Protocol):
    @abstractmethod
    def organization(self, organization_id: UUID, day: date) -> OrgLabel | None:
        """The organisation's code and name as on `day` (else its latest name)."""

    @abstractmethod
    def children(self, organization_id: UUID, day: date) -> Sequence[OrgLabel]:
        """The direct children in the closure (depth 1), by code."""

    @abstractmethod
    def roots(self, day: date) -> Sequence[OrgLabel]:
        """Organisations without an ancestor in the closure, by code."""

    @abstractmethod
    def affiliated_users(self, organization_id: UUID, day: date) -> Sequence[UserLabel]:
        """Users with an affiliation to the organisation itself valid on `day`, by login id."""

    @abstractmethod
    def users(self, ids: Collection[UUID]) -> Sequence[UserLabel]: ...

    @abstractmethod
    def activity_counts(self, viewer: Viewer, organization_id: UUID, start: date, end: date) -> ActivityCounts:
        """Activities dated in [start, end) owned at or under the organisation, visible to the viewer,
        counted per (child, month, status, kind); and how many in scope were left out."""

    @abstractmethod
    def budgets(
        self, organization_id: UUID, child_ids: Collection[UUID], user_ids: Collection[UUID], fiscal_year: int,
        kind_code: str, start: date, end: date,
    ) -> Sequence[MonthlyAmount]:
        """Budget lines of `kind_code` for `fiscal_year` in [start, end), summed per month (over product
        categories too): the organisation's own budget (child None, user None), each child's own
        budget (child, user None; organisation budgets have no user) and each user's budgets (child
        None, user)."""

    @abstractmethod
    def actuals(self, organization_id: UUID, start: date, end: date) -> Sequence[MonthlyAmount]:
        """Sales results dated in [start, end) whose owner organisation is at or under the organisation,
        per (child or owner, month). Results are never 非公開: nothing is left out."""

    @abstractmethod
    def forecast(self, viewer: Viewer, organization_id: UUID, start: date, end: date) -> ForecastAmounts:
        """Open opportunities expected to be ordered in [start, end), owned at or under the organisation
        and visible to the viewer: expected amounts per (child or owner, month, certainty code; '' for
        none); and how many in scope were left out."""


class ReportFileWriter(Protocol):
    """Writes a report table to a file, streaming (CSV: UTF-8 with BOM; xlsx: write-only)."""

    @abstractmethod
    def write(self, table: ReportTable, path: Path, file_format: str) -> None:
        """`file_format` is 'csv' or 'xlsx'."""
