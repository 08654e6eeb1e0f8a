"""Duplicates inside one review queue (SQLite and PostgreSQL, fake OCR): the cards of a user's open queue
that are likely the same person as another card of it are flagged on the queue, on one card and on a
batch's view, numbered by their place in the queue; importing them together still makes one person."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.sales_accounts import persons
from dps.application.cards.importing import ImportStagedCards, ImportStagedCardsCommand
from dps.application.cards.review import GetStagedCard, ListStagedCards, QueueMatch
from dps.application.cards.staging import StageCards, Upload
from dps.bootstrap.container import Container
from dps.domain.cards.staging import MatchReason
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.cards.card_import_helpers import CardWorld, make_world
from tests.integration.sales.accounts_helpers import build_directory

YAMADA = ("株式会社テスト商事", "営業部 課長", "山田 太郎", "YAMADA@test.co.jp")
YAMADA_AGAIN = ("(株)テスト商事", "営業部 部長", "山田 太郎")  # no e-mail: the same name at the same company
YAMADA_MAIL = ("株式会社ベツ物産", "鈴木 一郎", "yamada@TEST.co.jp")  # another name, the same e-mail
SATO = ("株式会社サンプル", "開発部 主任", "佐藤 花子", "sato@sample.co.jp")


@pytest.fixture
def w(container: Container, tenant: Tenant, admin: Principal, engine: sa.Engine) -> CardWorld:
    return make_world(build_directory(container, tenant, admin), engine)


def test_cards_of_one_queue_that_are_one_person_are_flagged_both_ways(w: CardWorld) -> None:
    yamada, sato, again = w.stage_and_read("alice", YAMADA, SATO, YAMADA_AGAIN)
    mail = w.stage_and_read("alice", YAMADA_MAIL)[0]  # a later upload: the queue, not the batch, counts
    alice = w.d.principal("alice")

    queue = {i.card.id: i.queue_duplicates for i in ListStagedCards(w.deps)(alice).items}

    assert queue[sato.id] == ()
    assert queue[yamada.id] == (
        QueueMatch(card_id=again.id, number=3, file_name="card3.png", name="山田 太郎",
                   reason=MatchReason.NAME_AND_COMPANY),
        QueueMatch(card_id=mail.id, number=4, file_name="card1.png", name="鈴木 一郎", reason=MatchReason.EMAIL))
    assert [(m.card_id, m.number) for m in queue[again.id]] == [(yamada.id, 1)]
    assert [(m.card_id, m.reason) for m in queue[mail.id]] == [(yamada.id, MatchReason.EMAIL)]
    one = GetStagedCard(w.deps)(alice, mail.id)
    assert one.queue_duplicates == queue[mail.id]
    batch = ListStagedCards(w.deps)(alice, mail.batch_id)
    assert [i.queue_duplicates for i in batch.items] == [queue[mail.id]]


def test_other_users_and_finished_cards_are_not_the_queue(w: CardWorld) -> None:
    yamada, again = w.stage_and_read("alice", YAMADA, YAMADA_AGAIN)
    w.stage_and_read("carol", YAMADA)  # carol's queue is his own
    alice = w.d.principal("alice")
    before = w.count(persons)

    ImportStagedCards(w.deps)(alice, ImportStagedCardsCommand(card_ids=(yamada.id, again.id)))

    assert w.count(persons) == before + 1  # the import rule: one person for the two cards
    assert ListStagedCards(w.deps)(alice).items == ()
    later = w.stage_and_read("alice", YAMADA_MAIL)[0]
    assert GetStagedCard(w.deps)(alice, later.id).queue_duplicates == ()  # imported cards left the queue
    carols = ListStagedCards(w.deps)(w.d.principal("carol")).items
    assert [i.queue_duplicates for i in carols] == [()]


def test_cards_not_read_yet_match_nothing(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    report = StageCards(w.deps)(alice, [Upload("a.png", w.image(*YAMADA)), Upload("b.png", w.image(*YAMADA))])
    assert [i.queue_duplicates for i in ListStagedCards(w.deps)(alice).items] == [(), ()]
    assert len(report.staged) == 2
