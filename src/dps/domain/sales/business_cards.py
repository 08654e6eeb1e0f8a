"""名刺 Business card: one card a person handed over, as printed, with the day it was received. A person's
cards form a history (名刺履歴); the newest is current, and a change of company, department or title
between consecutive cards is a move (異動)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from uuid import UUID

from attrs import define, field, frozen

from dps.domain.sales.accounts import strip_texts, text
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId


class CardSource(enum.StrEnum):
    MANUAL = "manual"
    OCR = "ocr"
    IMPORT = "import"


def _source(value: str | CardSource) -> CardSource:
    try:
        return CardSource(value)
    except ValueError as e:
        allowed = ", ".join(s.value for s in CardSource)
        raise DomainError(f"'{value}' is not a card source (allowed: {allowed})", field="source") from e


@define(kw_only=True, eq=False)
class BusinessCard:
    """A card as printed. `account_id` is the 取引先 the card's company was matched to, if any."""

    id: UUID
    person_id: UUID
    received_on: date
    company_name: str = field(validator=text("company_name", 200, required=True))
    last_name: str = field(validator=text("last_name", 100, required=True))
    account_id: UUID | None = None
    received_by: UserId | None = None
    department: str = field(default="", validator=text("department", 200))
    title: str = field(default="", validator=text("title", 200))
    first_name: str = field(default="", validator=text("first_name", 100))
    last_name_kana: str = field(default="", validator=text("last_name_kana", 100))
    first_name_kana: str = field(default="", validator=text("first_name_kana", 100))
    email: str = field(default="", validator=text("email", 254))
    phone: str = field(default="", validator=text("phone", 32))
    mobile: str = field(default="", validator=text("mobile", 32))
    fax: str = field(default="", validator=text("fax", 32))
    postal_code: str = field(default="", validator=text("postal_code", 8))
    address: str = field(default="", validator=text("address", 400))
    url: str = field(default="", validator=text("url", 400))
    image_key: str | None = None
    image_content_type: str | None = None
    source: CardSource = field(default=CardSource.MANUAL, converter=_source)
    raw_text: str = ""
    created_by: UserId | None = None
    created_at: datetime | None = None
    version: int = 1

    def __attrs_post_init__(self) -> None:
        strip_texts(self)

    @property
    def sort_key(self) -> tuple[date, UUID]:
        """Newest first means the latest received day; on the same day the later registered card
        (ids are time-ordered), so the order never depends on the order cards were entered in."""
        return (self.received_on, self.id)

    def attach_image(self, key: str | None, content_type: str | None) -> None:
        self.image_key, self.image_content_type = key, content_type


@frozen
class CardEntry:
    """A card in its history: whether it is the current one and what changed since the card before it."""

    card: BusinessCard
    is_current: bool
    changed: tuple[str, ...] = ()

    @property
    def is_move(self) -> bool:
        return bool(self.changed)


def _differences(older: BusinessCard, newer: BusinessCard) -> tuple[str, ...]:
    out: list[str] = []
    if (older.account_id, older.company_name) != (newer.account_id, newer.company_name):
        out.append("company")
    if older.department != newer.department:
        out.append("department")
    if older.title != newer.title:
        out.append("title")
    return tuple(out)


def newest(cards: Iterable[BusinessCard]) -> BusinessCard | None:
    """The current card of a history (None when there is none)."""
    return max(cards, key=lambda c: c.sort_key, default=None)


def card_history(cards: Iterable[BusinessCard]) -> list[CardEntry]:
    """名刺履歴 newest first; each entry says which of company / department / title changed compared
    with the card received before it (a move, 異動)."""
    ordered: Sequence[BusinessCard] = sorted(cards, key=lambda c: c.sort_key)
    entries = [
        CardEntry(card=c, is_current=i == len(ordered) - 1, changed=_differences(ordered[i - 1], c) if i else ())
        for i, c in enumerate(ordered)
    ]
    return entries[::-1]
