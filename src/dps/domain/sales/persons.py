"""パーソン Person: a customer-side contact, belonging to one account. Attribute names equal the columns
of the `persons` table. Its current department and title follow its newest business card (名刺)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

from attrs import Attribute, define, field, fields, frozen

from dps.domain.sales.accounts import check_relations, clean_text, strip_texts, text
from dps.domain.sales.records import Relation, SalesRecord
from dps.domain.shared.errors import DomainError
from dps.domain.shared.text import normalize_for_search

if TYPE_CHECKING:
    from dps.domain.sales.business_cards import BusinessCard

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(_instance: Any, _attribute: Attribute[Any], value: str) -> None:
    address = clean_text(value, "email", 254)
    if address and not _EMAIL.match(address):
        raise DomainError("メールアドレスの形式が正しくありません / not an e-mail address", field="email")


def _score(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100):
        raise DomainError("パーソンスコアは0〜100です / score must be between 0 and 100", field="score")
    return value


@frozen
class Position:
    """Where a person works: account, department and title (what a business card tells)."""

    account_id: UUID
    department: str
    title: str


@frozen
class Move:
    """異動: the person's position before and after a newer business card."""

    before: Position
    after: Position

    @property
    def changed(self) -> tuple[str, ...]:
        """Names of what changed ('account_id', 'department', 'title')."""
        return tuple(n for n in ("account_id", "department", "title")
                     if getattr(self.before, n) != getattr(self.after, n))


@define(kw_only=True, eq=False)
class Person(SalesRecord):
    """パーソン. Build it with the column names, then `assign_owner`, `stamp_created` and `uow.persons.add`."""

    account_id: UUID
    last_name: str = field(validator=text("last_name", 100, required=True))
    first_name: str = field(default="", validator=text("first_name", 100))
    last_name_kana: str = field(default="", validator=text("last_name_kana", 100))
    first_name_kana: str = field(default="", validator=text("first_name_kana", 100))
    department: str = field(default="", validator=text("department", 200))
    title: str = field(default="", validator=text("title", 200))
    email: str = field(default="", validator=_email)
    phone: str = field(default="", validator=text("phone", 32))
    mobile: str = field(default="", validator=text("mobile", 32))
    fax: str = field(default="", validator=text("fax", 32))
    postal_code: str = field(default="", validator=text("postal_code", 8))
    address: str = field(default="", validator=text("address", 400))
    score: int | None = field(default=None, converter=_score)
    is_retired: bool = False
    dm_opt_out: bool = False
    notes: str = field(default="", validator=text("notes", 20000))
    relations: tuple[Relation, ...] = field(factory=tuple, converter=check_relations)

    def __attrs_post_init__(self) -> None:
        strip_texts(self)

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def label(self) -> str:
        return self.full_name

    @property
    def search_text(self) -> str:
        """What the text search matches: names, kana and e-mail, normalised."""
        return normalize_for_search(
            self.last_name, self.first_name, self.last_name_kana, self.first_name_kana,
            self.last_name + self.first_name, self.last_name_kana + self.first_name_kana, self.email,
        )

    @property
    def position(self) -> Position:
        return Position(account_id=self.account_id, department=self.department, title=self.title)

    def change(self, values: Mapping[str, Any]) -> None:
        """Set plain attributes by column name (converters validate each); `account_id` is moved with
        `move_to` so the use case can check the new account."""
        for key, value in values.items():
            if key not in EDITABLE_FIELDS:
                raise DomainError(f"'{key}' cannot be changed here", field=key)
            setattr(self, key, value.strip() if isinstance(value, str) else value)

    def move_to(self, account_id: UUID) -> None:
        self.account_id = account_id

    def set_relations(self, relations: Iterable[Relation]) -> None:
        self.relations = check_relations(relations)

    def take_card(self, card: BusinessCard, current: BusinessCard | None) -> Move | None:
        """Add `card` to the person's history whose newest card so far is `current`. Only the newest card
        is current: if `card` is newer, the person takes its account (when the card names one),
        department and title, and the change is returned as a move (異動); an older card is history only."""
        if card.person_id != self.id:
            raise DomainError("the card belongs to another person", field="person_id")
        if current is not None and card.sort_key < current.sort_key:
            return None
        before = self.position
        self.account_id = card.account_id or self.account_id
        self.department, self.title = card.department, card.title
        after = self.position
        return None if before == after else Move(before=before, after=after)


EDITABLE_FIELDS: frozenset[str] = frozenset(
    a.name for a in fields(Person)
    if a.name not in {f.name for f in fields(SalesRecord)} | {"relations", "account_id"}
)
"""Attributes `Person.change` may set: the person's own data columns."""
