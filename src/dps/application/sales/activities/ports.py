"""Store of activities, and the search its lists run."""

from __future__ import annotations

from abc import abstractmethod
from datetime import date
from typing import Protocol
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.activities.read_models import ActivityListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.activities import Activity, ActivityStatus
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer


@frozen
class ActivitySearch:
    """Filters of the activity list; all given ones must hold. `q` matches subject and content
    (normalised, like the stored search text); `mine` is 自担当; `custom_fields` are exact matches
    on custom field values (key, value). `organization_id` keeps the activities whose owner's
    organisation (stamped at owner assignment) is that one or, with `include_sub_orgs`, lies under it
    (集計組織): the records behind a report's figure."""

    q: str = ""
    statuses: tuple[ActivityStatus, ...] = ()
    kind_codes: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    owner_id: UserId | None = None
    staff_id: UserId | None = None
    mine: bool = False
    account_id: UUID | None = None
    opportunity_id: UUID | None = None
    campaign_id: UUID | None = None
    lead_id: UUID | None = None
    person_id: UUID | None = None
    organization_id: UUID | None = None
    include_sub_orgs: bool = True
    custom_fields: tuple[tuple[str, str], ...] = field(factory=tuple)


class ActivityRepository(Protocol):
    """Activities with their persons met and attendees; visibility-filtered search (R6 through the opportunity)."""

    @abstractmethod
    def get(self, activity_id: UUID) -> Activity | None:
        """The activity with staff, restriction, persons met and attendees; None when not in the tenant."""

    @abstractmethod
    def add(self, activity: Activity) -> None: ...

    @abstractmethod
    def update(self, activity: Activity, expected_version: int) -> int:
        """Save and return the new version; Conflict (with the current version) when stale."""

    @abstractmethod
    def delete(self, activity_id: UUID) -> list[str]:
        """Delete the activity, its persons, attendees, staff, allow-list, comments, likes, attachment
        rows and notifications; returns the attachments' storage keys to remove after commit."""

    @abstractmethod
    def search(self, viewer: Viewer, search: ActivitySearch, page: PageRequest) -> Page[ActivityListItem]:
        """One page of the activities `viewer` may see (their own restriction and, R6, their
        opportunity's), filtered by `search`, as list items read in one statement; sort keys:
        activity_date (default -activity_date), updated_at."""

    @abstractmethod
    def opportunity_account_id(self, opportunity_id: UUID) -> UUID | None:
        """The account of an opportunity (an activity on it without an account gets this one)."""
