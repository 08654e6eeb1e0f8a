"""Store of leads and their follow-up actions."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Protocol
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.leads.read_models import LeadListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.leads import Lead, LeadAction
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer


@frozen
class LeadQuery:
    """Search filters of the lead list, AND-combined. `q` matches company, names, kana and e-mail;
    `next_action_from` / `next_action_to` bound the next action date (inclusive); `converted`
    keeps only converted (True) or not yet converted (False) leads."""

    q: str | None = None
    status_code: str | None = None
    source_code: str | None = None
    campaign_id: UUID | None = None
    owner_id: UserId | None = None
    staff_id: UserId | None = None
    mine: bool = False
    next_action_from: date | None = None
    next_action_to: date | None = None
    converted: bool | None = None
    custom_fields: Mapping[str, str] = field(factory=dict)


class LeadRepository(Protocol):
    """Leads with their staff, 非公開 allow-list and actions; visibility-filtered search."""

    @abstractmethod
    def add(self, lead: Lead) -> None:
        """Insert the lead with its staff and allow-list (stamps must be set)."""

    @abstractmethod
    def get(self, lead_id: UUID) -> Lead | None: ...

    @abstractmethod
    def update(self, lead: Lead, expected_version: int) -> int:
        """Save all of it when the stored version is `expected_version`; returns the new version
        (also set on `lead`), raises Conflict with the current version otherwise."""

    @abstractmethod
    def delete(self, lead_id: UUID) -> list[str]:
        """Delete the lead, its actions, its campaign memberships and its own children (staff, ACL,
        comments, likes, attachment rows, notifications); returns attachment storage keys."""

    @abstractmethod
    def references(self, lead_id: UUID) -> dict[str, int]:
        """Records that point at the lead and block its deletion (opportunities, activities); kinds
        with none are left out."""

    @abstractmethod
    def search(self, viewer: Viewer, query: LeadQuery, page: PageRequest) -> Page[LeadListItem]:
        """Visible leads (R1/R2 in SQL) matching the query, as list items read in one statement; sort keys
        updated_at, created_at, next_action_on, company_name, score."""

    @abstractmethod
    def with_email(self, viewer: Viewer, email: str, *, excluding: UUID | None = None) -> list[UUID]:
        """Ids of the visible leads whose e-mail is `email` (already normalised), oldest first."""

    @abstractmethod
    def opportunities_from(self, viewer: Viewer, lead_id: UUID) -> list[UUID]:
        """Ids of the visible opportunities converted from the lead (`source_lead_id`)."""

    @abstractmethod
    def add_action(self, action: LeadAction) -> None: ...

    @abstractmethod
    def get_action(self, lead_id: UUID, action_id: UUID) -> LeadAction | None: ...

    @abstractmethod
    def update_action(self, action: LeadAction) -> None: ...

    @abstractmethod
    def actions(self, lead_id: UUID) -> Sequence[LeadAction]:
        """The lead's actions by date (then creation)."""
