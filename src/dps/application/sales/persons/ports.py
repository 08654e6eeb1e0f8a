"""Stores of persons and business cards."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.application.sales.persons.read_models import PersonListItem
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.business_cards import BusinessCard
from dps.domain.sales.persons import Person
from dps.domain.shared.ids import UserId
from dps.domain.visibility.policy import Viewer


@frozen
class PersonQuery:
    """Search filters of the person list (AND-combined). `q` matches names, kana and e-mail."""

    q: str | None = None
    account_id: UUID | None = None
    owner_id: UserId | None = None
    staff_id: UserId | None = None
    mine: bool = False


class PersonRepository(Protocol):
    """Persons with their staff, 非公開 allow-list and relations."""

    @abstractmethod
    def add(self, person: Person) -> None: ...

    @abstractmethod
    def get(self, person_id: UUID) -> Person | None: ...

    @abstractmethod
    def update(self, person: Person, expected_version: int) -> int:
        """Save when the stored version is `expected_version`; returns (and sets) the new version,
        raises Conflict with the current version otherwise."""

    @abstractmethod
    def delete(self, person_id: UUID) -> list[str]:
        """Delete the person, its business cards, its own children (staff, ACL, relations it holds,
        comments, likes, attachment rows, notifications) and the rows naming it as a relation of
        other records; returns attachment storage keys."""

    @abstractmethod
    def search(self, viewer: Viewer, query: PersonQuery, page: PageRequest) -> Page[PersonListItem]:
        """Visible persons (R1/R2 in SQL) matching the query, as list items read in one statement with the
        account's name where the viewer may see the account; sort keys name, kana, updated_at, created_at."""

    @abstractmethod
    def existing(self, person_ids: Sequence[UUID]) -> set[UUID]: ...

    @abstractmethod
    def references(self, person_id: UUID) -> dict[str, int]:
        """Records that name the person and block its deletion (opportunities, leads converted into
        it); kinds with none are left out."""


class BusinessCardRepository(Protocol):
    """A person's business cards (名刺履歴)."""

    @abstractmethod
    def add(self, card: BusinessCard) -> None: ...

    @abstractmethod
    def get(self, card_id: UUID) -> BusinessCard | None: ...

    @abstractmethod
    def for_person(self, person_id: UUID) -> list[BusinessCard]:
        """Every card of the person (any order; `card_history` orders them)."""

    @abstractmethod
    def newest_for(self, person_id: UUID) -> BusinessCard | None: ...

    @abstractmethod
    def update(self, card: BusinessCard, expected_version: int) -> int: ...
