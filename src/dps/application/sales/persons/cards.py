"""名刺 Business cards of a person: the history (newest first, moves marked) and adding a card, which
updates the person's current account, department and title when the card is the newest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.persons.commands import ensure_account_visible, load_editable
from dps.application.sales.record_support import acting_user, stamp_by_actor
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Invalid, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.domain.sales.business_cards import BusinessCard, CardEntry, card_history
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.persons import Move, Person
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal


@frozen
class AddBusinessCardCommand:
    """`printed`: the card's fields as printed, by column name (company_name, last_name, department,
    title, email, ...). `received_by` defaults to the acting user; `account_id` is the 取引先 the
    company was matched to, if any."""

    person_id: UUID
    received_on: date
    printed: Mapping[str, Any] = field(factory=dict)
    account_id: UUID | None = None
    received_by: UserId | None = None
    source: str = "manual"
    raw_text: str = ""


@frozen
class CardAdded:
    card: BusinessCard
    person: Person
    move: Move | None
    is_current: bool


_PRINTED = frozenset({
    "company_name", "department", "title", "last_name", "first_name", "last_name_kana", "first_name_kana",
    "email", "phone", "mobile", "fax", "postal_code", "address", "url", "image_key", "image_content_type",
})


class AddBusinessCard:
    """Add a card to a person the actor may edit (light users may not register cards, spec R5). When the
    card is the newest, the person takes its account, department and title; a change is a move (異動),
    announced to the person's owner and staff. An older card only joins the history."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: AddBusinessCardCommand) -> CardAdded:
        ensure_can_write(principal, self._d.audit, "business_card.create")
        unknown = sorted(set(cmd.printed) - _PRINTED)
        if unknown:
            raise Invalid({k: "名刺の項目ではありません / not a business card field" for k in unknown})
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            person = load_editable(uow, viewer, self._d, cmd.person_id, "business_card.create")
            if cmd.account_id is not None:
                ensure_account_visible(uow, viewer, cmd.account_id)
            received_by = cmd.received_by if cmd.received_by is not None else acting_user(uow, principal)
            if received_by is not None and uow.users.get(received_by) is None:
                raise Invalid.field("received_by", f"ユーザが存在しません / unknown user '{received_by}'")
            now = self._d.clock.now()
            with domain_rules():
                card = BusinessCard(
                    id=self._d.ids.new_id(), person_id=person.id, received_on=cmd.received_on,
                    account_id=cmd.account_id, received_by=received_by, source=cmd.source, raw_text=cmd.raw_text,
                    created_by=acting_user(uow, principal), created_at=now,
                    **({"company_name": "", "last_name": ""} | dict(cmd.printed)),
                )
                current = uow.business_cards.newest_for(person.id)
                before = person.position
                move = person.take_card(card, current)
            uow.business_cards.add(card)
            if person.position != before:
                stamp_by_actor(uow, principal, person, now, created=False)
                uow.persons.update(person, person.version)
                self._d.notifier.notify(uow, RecordEvent(
                    kind=EventKind.RECORD_CHANGED, record_type=RecordType.PERSON, record_id=person.id,
                    actor_id=principal.user_id, summary=f"名刺による異動 / move: {card.company_name} {card.title}",
                ))
            uow.commit()
        log_master_change(self._d.audit, principal, "business_card", "create", card)
        return CardAdded(card=card, person=person, move=move,
                         is_current=current is None or card.sort_key > current.sort_key)


class ListBusinessCards:
    """名刺履歴 of a person the principal can see: newest first, each entry marking the move since the card
    before it."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, person_id: UUID) -> Sequence[CardEntry]:
        with self._d.reading(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(RecordType.PERSON, person_id), "person", person_id)
            return card_history(uow.business_cards.for_person(person_id))
