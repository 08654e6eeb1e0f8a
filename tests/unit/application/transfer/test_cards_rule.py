"""The cards sheet applies the add-card rule row by row: for any sequence of cards of a person, the
position the import writes is the one adding the same cards one after the other gives
(`Person.take_card`), one move per change, at consecutive person versions. In-memory stores."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from dps.application.transfer.kinds.base import ErrorSink, ImportContext, ParsedRow
from dps.application.transfer.kinds.cards import CardsKind, CardWrite
from dps.application.transfer.ports_store import AccountKey, PersonKey, UserRef
from dps.application.transfer.schema import ImportMode
from dps.domain.sales.business_cards import BusinessCard, newest
from dps.domain.sales.persons import Person
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.visibility.policy import UpdateRule, Viewer

ME = UserId(UUID(int=1))
OLD, NEW = UUID(int=10), UUID(int=11)
ACCOUNTS = {"OLD": AccountKey(OLD, "OLD", None, 1, True), "NEW": AccountKey(NEW, "NEW", None, 1, True)}
PERSON_ID = UUID(int=20)


class _Ids:
    def __init__(self) -> None:
        self._n = itertools.count(1000)

    def new_id(self) -> UUID:
        return UUID(int=next(self._n))  # increasing, like the time-ordered ids


class _Stores:
    def __init__(self, person: Person, cards: list[BusinessCard]) -> None:
        self.person, self.cards = person, cards

    def accounts(self, uow: Any) -> Any:
        return self

    def persons(self, uow: Any) -> Any:
        return self

    def business_cards(self, uow: Any) -> Any:
        return self

    def directory(self, uow: Any) -> Any:
        return self

    def keys(self, viewer: Viewer, **kwargs: Any) -> list[Any]:
        if "account_ids" in kwargs:
            p = self.person
            return [PersonKey(p.id, p.account_id, p.last_name, p.first_name, p.email, p.version, True)]
        return list(ACCOUNTS.values())

    def load(self, ids: Collection[UUID]) -> dict[UUID, Person]:
        return {self.person.id: evolve(self.person)} if self.person.id in ids else {}

    def by_ids(self, ids: Collection[UUID]) -> dict[UUID, BusinessCard]:
        return {}

    def for_persons(self, ids: Collection[UUID]) -> dict[UUID, list[BusinessCard]]:
        return {self.person.id: list(self.cards)}

    def users_by_login(self, logins: Collection[str]) -> dict[str, UserRef]:
        return {}

    def users_by_id(self, ids: Collection[UUID]) -> dict[UUID, UserRef]:
        return {ME: UserRef(ME, "me", True)}


class _Uow:
    def tenant(self) -> Any:
        return type("T", (), {"update_rule": UpdateRule.ANY_FULL_USER})()


card_rows = st.lists(st.tuples(st.dates(date(2024, 1, 1), date(2024, 1, 10)), st.sampled_from([None, "OLD", "NEW"]),
                               st.sampled_from(["営業部", "企画部"]), st.sampled_from(["課長", "部長"])),
                     min_size=1, max_size=6)


def _rows(cards: list[tuple[date, str | None, str, str]]) -> Iterator[ParsedRow]:
    for n, (day, account, dept, title) in enumerate(cards, start=3):
        yield ParsedRow(number=n, values={"person_id": PERSON_ID, "account": account, "received_on": day,
                                          "company_name": account or "社名", "last_name": "木村",
                                          "department": dept, "title": title})


@settings(max_examples=60, deadline=None)
@given(card_rows, st.booleans())
def test_the_written_position_is_the_one_adding_the_cards_one_by_one_gives(
        cards: list[tuple[date, str | None, str, str]], with_history: bool) -> None:
    now = datetime(2026, 4, 1, tzinfo=UTC)
    person = Person(id=PERSON_ID, account_id=OLD, last_name="木村", department="総務部", title="主任", owner_id=ME,
                    created_at=now, updated_at=now, version=4)
    history = [BusinessCard(id=UUID(int=500), person_id=PERSON_ID, received_on=date(2024, 1, 5),
                            company_name="OLD", last_name="木村", account_id=OLD, department="総務部",
                            title="主任")] if with_history else []
    principal = Principal(tenant_id=TenantId(UUID(int=2)), user_id=ME, login_id="me", name="me",
                          license=License.FULL)
    ctx = ImportContext(uow=_Uow(), principal=principal, viewer=Viewer(principal=principal),  # type: ignore[arg-type]
                        mode=ImportMode.INSERT, now=now, today=now.date(), ids=_Ids(), hasher=None,
                        errors=ErrorSink(), schema=CardsKind().base_schema())
    items = CardsKind().prepare(ctx, _Stores(person, history), list(_rows(cards)))  # type: ignore[arg-type]
    assert not ctx.errors, ctx.errors.kept
    assert [i.action for i in items] == ["insert"] * len(cards)

    expected, added, moves = evolve(person), list(history), 0
    for item in items:
        card = item.record.card
        moves += expected.take_card(card, newest(added)) is not None
        added.append(card)
    written = [w.move for w in (i.record for i in items) if isinstance(w, CardWrite) and w.move is not None]
    assert len(written) == moves
    assert [m.expected_version for m in written] == list(range(4, 4 + moves))
    final = (written[-1].account_id, written[-1].department, written[-1].title) if written else (
        person.account_id, person.department, person.title)
    assert final == (expected.account_id, expected.department, expected.title)
