"""パーソン Person and 名刺 business cards: field rules, and the history rule "the newest card wins",
whatever order the cards are entered in."""

from __future__ import annotations

import itertools
import random
from datetime import date
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.sales.business_cards import BusinessCard, card_history, newest
from dps.domain.sales.persons import Person
from dps.domain.shared.errors import DomainError

ACCOUNTS = [UUID(int=100 + i) for i in range(3)]
PERSON_ID = UUID(int=1)


def _person() -> Person:
    return Person(id=PERSON_ID, account_id=ACCOUNTS[0], last_name="山田", department="初期部", title="初期")


def test_person_fields_and_search_text() -> None:
    p = Person(id=uuid4(), account_id=uuid4(), last_name=" 山田 ", first_name="太郎", last_name_kana="ヤマダ",
               first_name_kana="タロウ", email="Taro@Example.jp")
    assert p.full_name == "山田 太郎"
    assert "やまだたろう" in p.search_text
    assert "taro@example.jp" in p.search_text
    with pytest.raises(DomainError) as e:
        p.change({"email": "taro at example"})
    assert e.value.field == "email"
    with pytest.raises(DomainError):
        p.change({"score": 101})
    with pytest.raises(DomainError):
        p.change({"account_id": uuid4()})  # moving needs move_to (the use case checks the account)
    p.change({"title": " 部長 ", "is_retired": True})
    assert (p.title, p.is_retired) == ("部長", True)


def test_a_card_of_another_person_is_refused() -> None:
    card = BusinessCard(id=uuid4(), person_id=uuid4(), received_on=date(2026, 1, 1), company_name="A",
                        last_name="山田")
    with pytest.raises(DomainError):
        _person().take_card(card, None)


def test_card_source_must_be_known() -> None:
    with pytest.raises(DomainError) as e:
        BusinessCard(id=uuid4(), person_id=PERSON_ID, received_on=date(2026, 1, 1), company_name="A",
                     last_name="山田", source="fax-machine")
    assert e.value.field == "source"


cards = st.lists(
    st.builds(
        lambda n, day, account, dept, title: BusinessCard(
            id=UUID(int=1000 + n), person_id=PERSON_ID, received_on=date(2020, 1, 1 + day),
            company_name=f"会社{ACCOUNTS.index(account)}", last_name="山田", account_id=account, department=dept,
            title=title),
        st.integers(0, 10_000), st.integers(0, 4), st.sampled_from(ACCOUNTS), st.sampled_from(["営業部", "企画部"]),
        st.sampled_from(["課長", "部長"]),
    ),
    min_size=1, max_size=8, unique_by=lambda c: c.id,
)


@given(cards, st.randoms(use_true_random=False))
def test_newest_card_wins_in_any_order_of_entry(history: list[BusinessCard], rnd: random.Random) -> None:
    order = list(history)
    rnd.shuffle(order)
    person = _person()
    entered: list[BusinessCard] = []
    for card in order:
        before = person.position
        move = person.take_card(card, newest(entered))
        is_newest = all(card.sort_key > c.sort_key for c in entered)
        entered.append(card)
        if not is_newest:
            assert person.position == before
            assert move is None
        elif before == person.position:
            assert move is None
        else:
            assert move is not None
            assert (move.before, move.after) == (before, person.position)
    winner = max(history, key=lambda c: (c.received_on, c.id))
    assert (person.account_id, person.department, person.title) == (winner.account_id, winner.department,
                                                                     winner.title)
    entries = card_history(order)
    assert entries[0].card is winner
    assert [e.is_current for e in entries] == [True] + [False] * (len(history) - 1)
    assert [e.card.sort_key for e in entries] == sorted((c.sort_key for c in history), reverse=True)
    for newer, older in itertools.pairwise(entries):
        expected = {"company"} if newer.card.account_id != older.card.account_id else set()
        expected |= {"department"} if newer.card.department != older.card.department else set()
        expected |= {"title"} if newer.card.title != older.card.title else set()
        assert set(newer.changed) == expected
    assert entries[-1].changed == ()
