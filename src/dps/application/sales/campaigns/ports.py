"""Store of campaigns and their 招待リスト (members)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from datetime import date
from typing import Protocol
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.campaigns.read_models import CampaignListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.campaigns import Campaign, CampaignMember, CampaignSummary
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer


@frozen
class CampaignQuery:
    """Search filters of the campaign list, AND-combined. `q` matches the name; `period_from` /
    `period_to` keep campaigns whose period shares a day with that range (an open end is
    unbounded); `custom_fields` matches custom field values as text."""

    q: str | None = None
    status_code: str | None = None
    kind_code: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    owner_id: UserId | None = None
    staff_id: UserId | None = None
    mine: bool = False
    parent_campaign_id: UUID | None = None
    custom_fields: Mapping[str, str] = field(factory=dict)


@frozen
class MemberEntry:
    """A member with the display name of its lead (company + name) or person."""

    member: CampaignMember
    label: str


class CampaignRepository(Protocol):
    """Campaigns with their staff, 非公開 allow-list, relations and members; visibility-filtered
    search and counts."""

    @abstractmethod
    def add(self, campaign: Campaign) -> None:
        """Insert the campaign with its staff, allow-list and relations (stamps must be set)."""

    @abstractmethod
    def get(self, campaign_id: UUID) -> Campaign | None: ...

    @abstractmethod
    def update(self, campaign: Campaign, expected_version: int) -> int:
        """Save all of it when the stored version is `expected_version`; returns the new version
        (also set on `campaign`), raises Conflict with the current version otherwise."""

    @abstractmethod
    def delete(self, campaign_id: UUID) -> list[str]:
        """Delete the campaign, its members and its own children (staff, ACL, relations, comments,
        likes, attachment rows, notifications); returns attachment storage keys."""

    @abstractmethod
    def ancestors(self, campaign_id: UUID) -> list[UUID]:
        """The ids above `campaign_id` in the parent hierarchy, nearest first."""

    @abstractmethod
    def references(self, campaign_id: UUID) -> dict[str, int]:
        """How many records point at the campaign and block its deletion, by kind (opportunities,
        activities, leads, child campaigns); kinds with none are left out."""

    @abstractmethod
    def search(self, viewer: Viewer, query: CampaignQuery, page: PageRequest) -> Page[CampaignListItem]:
        """Visible campaigns (R1/R2 in SQL) matching the query, as list items read in one statement; sort
        keys starts_on, name, updated_at, created_at."""

    @abstractmethod
    def summary(self, viewer: Viewer, campaign_id: UUID) -> CampaignSummary:
        """Members, attended members, leads and converted leads of the campaign, each counted over
        the leads and persons the viewer may see."""

    @abstractmethod
    def add_member(self, member: CampaignMember) -> None:
        """Raises Conflict when the lead or person is already a member."""

    @abstractmethod
    def get_member(self, campaign_id: UUID, member_id: UUID) -> CampaignMember | None: ...

    @abstractmethod
    def update_member(self, member: CampaignMember) -> None: ...

    @abstractmethod
    def remove_member(self, campaign_id: UUID, member_id: UUID) -> None: ...

    @abstractmethod
    def members(self, viewer: Viewer, campaign_id: UUID, page: PageRequest) -> Page[MemberEntry]:
        """The members whose lead or person the viewer may see; sort keys created_at, invited_on."""
