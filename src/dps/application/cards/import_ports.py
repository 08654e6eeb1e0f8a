"""Ports of bulk card registration (S9): the staging store, the image inspector and the PDF page renderer."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Sequence
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.domain.cards.staging import PersonCandidate, StagedCard, StagedStatus
from dps.domain.shared.ids import UserId


@frozen
class AccountName:
    account_id: UUID
    name: str


class CardImportRepository(Protocol):
    """The staging queue of one tenant (the unit of work's tenant)."""

    @abstractmethod
    def add(self, card: StagedCard) -> None: ...

    @abstractmethod
    def get(self, card_id: UUID) -> StagedCard | None: ...

    @abstractmethod
    def update(self, card: StagedCard, expected_version: int) -> int:
        """Save at `expected_version`; returns (and sets) the new version, Conflict when stale."""

    @abstractmethod
    def for_owner(self, owner_id: UserId, statuses: Collection[StagedStatus] | None = None,
                  batch_id: UUID | None = None) -> list[StagedCard]:
        """The user's staged cards (optionally of some statuses or one batch), oldest first."""

    @abstractmethod
    def person_candidates(self, emails: Collection[str], last_names: Collection[str],
                          person_ids: Collection[UUID] = ()) -> list[PersonCandidate]:
        """Persons whose e-mail (lower case) is one of `emails`, whose family name is one of `last_names` or
        whose id is one of `person_ids`, with their account's name and current card. Not filtered by
        visibility."""

    @abstractmethod
    def accounts_like(self, words: Collection[str], limit: int = 50) -> list[AccountName]:
        """Accounts whose normalised search text contains one of `words` (candidates to compare exactly)."""


@frozen
class ImageInfo:
    format: str
    """JPEG, PNG, WebP, TIFF, HEIF."""
    content_type: str
    width: int
    height: int


class CardImageInspector(Protocol):
    @abstractmethod
    def inspect(self, data: bytes) -> ImageInfo:
        """Decode the header and pixels enough to know the image is whole; raises `UnreadableImage`
        with a reason for a corrupt, truncated, unsupported or oversized (pixel count) image."""

    @abstractmethod
    def to_jpeg(self, data: bytes) -> bytes:
        """The image upright (orientation applied) as a JPEG, for a format browsers cannot show (HEIC);
        raises `UnreadableImage` like `inspect`."""


class UnreadableDocument(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PdfPages(Protocol):
    @abstractmethod
    def render(self, data: bytes, *, max_pages: int) -> Sequence[bytes]:
        """Each page of a PDF of scans as a PNG image; raises `UnreadableDocument` for a broken PDF or
        one with more than `max_pages` pages."""
