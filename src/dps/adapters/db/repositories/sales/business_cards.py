"""SQL store of business cards (名刺)."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from attrs import fields

from dps.adapters.db.repositories.base import TenantScoped
from dps.adapters.db.tables.sales_accounts import business_cards
from dps.application.sales.persons.ports import BusinessCardRepository
from dps.domain.sales.business_cards import BusinessCard
from dps.domain.shared.ids import UserId

_COLUMNS = tuple(a.name for a in fields(BusinessCard) if a.name not in {"id", "version"})


def _values(card: BusinessCard) -> dict[str, Any]:
    values = {name: getattr(card, name) for name in _COLUMNS}
    values["source"] = card.source.value
    return values


def _card(row: Any) -> BusinessCard:
    m = row._mapping
    kwargs = {name: m[name] for name in _COLUMNS}
    kwargs["received_by"] = cast(UserId | None, m["received_by"])
    return BusinessCard(id=m["id"], version=m["version"], **kwargs)


class SqlBusinessCardRepository(TenantScoped, BusinessCardRepository):
    def add(self, card: BusinessCard) -> None:
        if card.created_at is None:
            raise ValueError("set created_at before adding a card")
        self._insert(business_cards, _values(card) | {"id": card.id, "version": card.version}, what="business card")

    def get(self, card_id: UUID) -> BusinessCard | None:
        row = self._conn.execute(self._select(business_cards, business_cards.c.id == card_id)).first()
        return None if row is None else _card(row)

    def for_person(self, person_id: UUID) -> list[BusinessCard]:
        bc = business_cards
        q = self._select(bc, bc.c.person_id == person_id).order_by(bc.c.received_on.desc(), bc.c.id.desc())
        return [_card(r) for r in self._conn.execute(q)]

    def newest_for(self, person_id: UUID) -> BusinessCard | None:
        bc = business_cards
        q = self._select(bc, bc.c.person_id == person_id).order_by(bc.c.received_on.desc(), bc.c.id.desc()).limit(1)
        row = self._conn.execute(q).first()
        return None if row is None else _card(row)

    def update(self, card: BusinessCard, expected_version: int) -> int:
        values = _values(card)
        values.pop("created_at"), values.pop("created_by"), values.pop("person_id")
        card.version = self._update_versioned(business_cards, card.id, expected_version, values,
                                              what="business card")
        return card.version
