"""Bulk card registration (S9) on SQLite and PostgreSQL: staging a zip (good images staged, bad files
rejected with a reason), reading with a fake OCR, duplicates flagged, one-transaction import of
persons / accounts / business cards / leads, nothing created when a card fails part-way, a move recorded
when a card is attached to an existing person, light users refused, a user's queue private."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
import sqlalchemy as sa

from dps.adapters.cards.pdf import pdftoppm_available
from dps.adapters.db.tables.card_imports import card_imports
from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.application.cards.card_images import OpenBusinessCardImage, OpenStagedImage
from dps.application.cards.importing import ImportStagedCards, ImportStagedCardsCommand
from dps.application.cards.review import (
    CorrectStagedCard,
    CorrectStagedCardCommand,
    DiscardStagedCards,
    GetStagedCard,
    ListStagedCards,
)
from dps.application.cards.staged_reading import ReadStagedCards
from dps.application.cards.staging import StageCards, Upload
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.campaigns.commands import RegisterCampaignCommand
from dps.application.sales.campaigns.manage import RegisterCampaign
from dps.application.sales.persons.cards import AddBusinessCard, AddBusinessCardCommand, ListBusinessCards
from dps.application.sales.persons.queries import GetPerson
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.bootstrap.container import Container
from dps.domain.cards.staging import Decision, MatchReason, StagedStatus
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.fakes.card_ocr import card_image
from tests.fakes.registry import sample_record
from tests.integration.cards.card_import_helpers import CardWorld, make_world, noise_png, pdf_of, zip_of
from tests.integration.sales.accounts_helpers import build_directory

YAMADA = ("株式会社テスト商事", "営業部 課長", "山田 太郎", "YAMADA@test.co.jp")
SATO = ("株式会社サンプル", "開発部 主任", "佐藤 花子", "sato@sample.co.jp")
SUZUKI = ("(株)テスト商事", "総務部", "鈴木 一郎", "suzuki@test.co.jp")


@pytest.fixture
def w(container: Container, tenant: Tenant, admin: Principal, engine: sa.Engine) -> CardWorld:
    return make_world(build_directory(container, tenant, admin), engine)


def _existing_yamada(w: CardWorld) -> tuple[object, object]:
    """テスト商事 with 山田 (営業部 主任), holding a card: the person a new card may be about."""
    account = w.d.account("alice", "テスト商事株式会社")
    person = w.d.person("alice", account, "山田", first_name="太郎", email="yamada@test.co.jp",
                        department="営業部", title="主任")
    AddBusinessCard(w.d.deps)(w.d.principal("alice"), AddBusinessCardCommand(
        person.id, date(2024, 4, 1), {"company_name": "株式会社テスト商事", "last_name": "山田",
                                      "department": "営業部", "title": "主任"}, account_id=account.id))
    return account, person


def test_a_zip_stages_its_images_and_rejects_the_bad_files_with_reasons(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    archive = zip_of({
        "a.png": w.image(*YAMADA), "b.png": w.image(*SATO), "sub/c.jpg": card_image(99, fmt="JPEG"),
        "notes.txt": b"not an image at all", "huge.png": noise_png(), "__MACOSX/._a.png": b"junk",
    })
    report = StageCards(w.deps)(alice, [Upload("cards.zip", archive)])
    assert sorted(c.file_name for c in report.staged) == ["cards.zip/a.png", "cards.zip/b.png", "cards.zip/sub/c.jpg"]
    reasons = {r.file_name: r.reason for r in report.rejected}
    assert set(reasons) == {"cards.zip/notes.txt", "cards.zip/huge.png"}
    assert "not a card image" in reasons["cards.zip/notes.txt"]
    assert "too large" in reasons["cards.zip/huge.png"]
    assert "0.2 MB" in reasons["cards.zip/huge.png"]
    assert {c.status for c in report.staged} == {StagedStatus.READING}
    assert {c.content_type for c in report.staged} == {"image/png", "image/jpeg"}

    queue = ListStagedCards(w.deps)(alice, report.batch_id)
    assert queue.reading
    assert (queue.progress.done, queue.progress.total) == (0, 3)
    progress = ReadStagedCards(w.deps)(alice, report.batch_id)
    assert (progress.done, progress.total) == (3, 3)
    assert w.ocr.calls == 3
    items = {i.card.file_name: i for i in ListStagedCards(w.deps)(alice).items}
    a = items["cards.zip/a.png"].card
    assert (a.status, a.fields.company, a.fields.family_name, a.fields.email) == (
        StagedStatus.READY, "株式会社テスト商事", "山田", "yamada@test.co.jp")
    blank = items["cards.zip/sub/c.jpg"].card
    assert blank.status is StagedStatus.READY
    assert blank.fields.is_empty
    assert "no card fields" in blank.reason
    with OpenStagedImage(w.deps)(alice, a.id)[0] as f:
        assert f.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_single_bad_uploads_each_get_a_clear_message(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    good = w.image(*SATO)
    report = StageCards(w.deps)(alice, [
        Upload("empty.png", b""), Upload("corrupt.png", good[:60]), Upload("doc.txt", b"hello"),
        Upload("big.png", noise_png()), Upload("bad.zip", b"PK\x03\x04broken"), Upload("ok.png", good),
    ])
    assert [c.file_name for c in report.staged] == ["ok.png"]
    reasons = {r.file_name: r.reason for r in report.rejected}
    assert "empty" in reasons["empty.png"]
    assert "corrupt" in reasons["corrupt.png"]
    assert "not a card image" in reasons["doc.txt"]
    assert "too large" in reasons["big.png"]
    assert "zip" in reasons["bad.zip"]
    again = StageCards(w.deps)(alice, [Upload("again.png", good)])
    assert not again.staged
    assert "already in the review queue" in again.rejected[0].reason
    with pytest.raises(Invalid):
        StageCards(w.deps)(alice, [])


def test_ocr_down_fails_the_card_and_a_hand_correction_makes_it_ready(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    report = StageCards(w.deps)(alice, [Upload("x.png", w.image(*SATO))])
    w.ocr.broken = True
    ReadStagedCards(w.deps)(alice, report.batch_id)
    card = GetStagedCard(w.deps)(alice, report.staged[0].id).card
    assert card.status is StagedStatus.FAILED
    assert "could not be read" in card.reason
    fixed = CorrectStagedCard(w.deps)(alice, CorrectStagedCardCommand(
        card.id, card.version, {"company": "株式会社サンプル", "family_name": "佐藤"}))
    assert fixed.status is StagedStatus.READY
    assert fixed.version == card.version + 1
    with pytest.raises(Conflict):
        CorrectStagedCard(w.deps)(alice, CorrectStagedCardCommand(card.id, card.version, {"company": "X"}))
    with pytest.raises(Invalid) as unknown:
        CorrectStagedCard(w.deps)(alice, CorrectStagedCardCommand(card.id, fixed.version, {"shoe": "27"}))
    assert "shoe" in unknown.value.errors


@pytest.mark.skipif(not pdftoppm_available(), reason="poppler-utils (pdftoppm) not installed")
def test_a_pdf_of_scans_stages_one_card_per_page(w: CardWorld) -> None:
    report = StageCards(w.deps)(w.d.principal("alice"), [Upload("scans.pdf", pdf_of(2)),
                                                           Upload("broken.pdf", b"%PDF-1.4 garbage")])
    assert [c.file_name for c in report.staged] == ["scans-p1.png", "scans-p2.png"]
    assert [r.file_name for r in report.rejected] == ["broken.pdf"]


def test_duplicates_are_flagged_and_import_creates_everything_in_one_go(w: CardWorld) -> None:
    account, yamada = _existing_yamada(w)
    w.registry.records.append(sample_record())
    alice = w.d.principal("alice")
    campaign = RegisterCampaign(w.d.deps)(alice, RegisterCampaignCommand(name="展示会2026", starts_on=date(2026, 4, 1)))
    cards = w.stage_and_read("alice", YAMADA, SATO, SUZUKI, ("株式会社サンプル", "営業部", "高橋 健", "t@sample.co.jp"))
    items = {i.card.id: i for i in ListStagedCards(w.deps)(alice).items}
    y, s, z, _t = (items[c.id] for c in cards)
    assert [m.candidate.person_id for m in y.duplicates] == [yamada.id]  # type: ignore[attr-defined]
    assert y.duplicates[0].reason is MatchReason.EMAIL
    assert y.decision == Decision.attach(yamada.id)  # type: ignore[attr-defined]
    assert y.changes == ("title",)
    assert not s.duplicates
    assert s.decision == Decision.new_person(None)
    assert not z.duplicates
    assert z.decision == Decision.new_person(account.id)
    before = w.counts()

    result = ImportStagedCards(w.deps)(alice, ImportStagedCardsCommand(
        tuple(c.id for c in cards), campaign_id=campaign.id, received_on=date(2026, 5, 1)))

    after = w.counts()
    assert after["persons"] - before["persons"] == 3
    assert after["accounts"] - before["accounts"] == 1, "two cards of サンプル make one new account"
    assert after["business_cards"] - before["business_cards"] == 4
    assert after["leads"] - before["leads"] == 4
    assert (result.persons_created, result.accounts_created, result.leads_created) == (3, 1, 4)
    by_file = {c.staged_id: c for c in result.cards}
    assert by_file[cards[0].id].person_id == yamada.id
    assert by_file[cards[0].id].changes == ("title",)
    assert by_file[cards[1].id].corporate_number == "5010001008846"
    assert by_file[cards[1].id].account_id == by_file[cards[3].id].account_id
    assert by_file[cards[2].id].account_id == account.id  # type: ignore[attr-defined]
    with w.engine.connect() as conn:
        new_account = conn.execute(sa.select(accounts).where(accounts.c.id == by_file[cards[1].id].account_id)).one()
        statuses = set(conn.execute(sa.select(card_imports.c.status)).scalars())
    assert (new_account.name, new_account.corporate_number, new_account.postal_code, new_account.en_name) == (
        "株式会社サンプル", "5010001008846", "100-0005", "Sample Co., Ltd.")
    assert statuses == {"imported"}

    history = ListBusinessCards(w.d.deps)(alice, yamada.id)  # type: ignore[attr-defined]
    assert history[0].is_current
    assert history[0].changed == ("title",)
    assert history[0].card.image_key == cards[0].image_key
    assert history[0].card.source.value == "ocr"
    assert GetPerson(w.d.deps)(alice, yamada.id).person.title == "課長"  # type: ignore[attr-defined]
    with OpenBusinessCardImage(w.d.deps)(alice, history[0].card.id)[0] as f:
        assert f.read()[:4] == b"\x89PNG"
    assert ListStagedCards(w.deps)(alice).items == ()
    with pytest.raises(Invalid):
        ImportStagedCards(w.deps)(alice, ImportStagedCardsCommand((cards[0].id,)))


def test_a_failure_part_way_creates_nothing(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    first, second = w.stage_and_read("alice", SATO, SUZUKI)
    CorrectStagedCard(w.deps)(alice, CorrectStagedCardCommand(
        second.id, second.version, second.fields.as_dict() | {"email": "not-an-email"}))
    before = w.counts()
    with pytest.raises(Invalid) as failed:
        ImportStagedCards(w.deps)(alice, ImportStagedCardsCommand((first.id, second.id)))
    assert list(failed.value.errors) == [f"{second.id}.email"]
    assert "card2.png" in failed.value.errors[f"{second.id}.email"]
    assert w.counts() == before
    assert {i.card.status for i in ListStagedCards(w.deps)(alice).items} == {StagedStatus.READY}


def test_a_chosen_decision_is_kept_and_checked(w: CardWorld) -> None:
    account, yamada = _existing_yamada(w)
    alice = w.d.principal("alice")
    (card,) = w.stage_and_read("alice", ("株式会社テスト商事", "企画部 部長", "山田 太郎", "other@test.co.jp"))
    item = ListStagedCards(w.deps)(alice).items[0]
    assert item.duplicates[0].reason is MatchReason.NAME_AND_COMPANY
    chosen = CorrectStagedCard(w.deps)(alice, CorrectStagedCardCommand(
        card.id, card.version, card.fields.as_dict(), decision=Decision.new_person(account.id)))  # type: ignore[attr-defined]
    again = GetStagedCard(w.deps)(alice, card.id)
    assert again.decision == Decision.new_person(account.id)
    assert not again.proposed
    secret = w.d.account("erin", "秘密社", parts=RecordParts(restriction=Restriction()))
    with pytest.raises(Invalid):
        CorrectStagedCard(w.deps)(alice, CorrectStagedCardCommand(
            card.id, chosen.version, card.fields.as_dict(), decision=Decision.new_person(secret.id)))
    result = ImportStagedCards(w.deps)(alice, ImportStagedCardsCommand((card.id,)))
    assert result.cards[0].person_created
    assert result.cards[0].person_id != yamada.id
    assert result.cards[0].account_id == account.id  # type: ignore[attr-defined]
    assert result.cards[0].lead_id is None


def test_light_users_may_not_register_cards_and_queues_are_private(w: CardWorld) -> None:
    lucy = w.d.principal("lucy")
    with pytest.raises(Forbidden):
        StageCards(w.deps)(lucy, [Upload("a.png", w.image(*SATO))])
    with pytest.raises(Forbidden):
        ListStagedCards(w.deps)(lucy)
    (card,) = w.stage_and_read("alice", SATO)
    with pytest.raises(Forbidden):
        ImportStagedCards(w.deps)(lucy, ImportStagedCardsCommand((card.id,)))
    with pytest.raises(Forbidden):
        DiscardStagedCards(w.deps)(lucy, [card.id])
    carol = w.d.principal("carol")
    with pytest.raises(NotFound):
        GetStagedCard(w.deps)(carol, card.id)
    with pytest.raises(NotFound):
        ImportStagedCards(w.deps)(carol, ImportStagedCardsCommand((card.id,)))
    assert ListStagedCards(w.deps)(carol).items == ()


def test_discard_removes_the_card_and_its_image(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    (card,) = w.stage_and_read("alice", SATO)
    assert DiscardStagedCards(w.deps)(alice, [card.id]) == 1
    assert ListStagedCards(w.deps)(alice).items == ()
    with pytest.raises(NotFound):
        w.d.deps.files.open(alice.tenant_id, card.image_key)
    with pytest.raises(Invalid):
        DiscardStagedCards(w.deps)(alice, [card.id])
    assert w.count(persons) == 0


def test_registry_down_still_imports_with_a_warning(w: CardWorld) -> None:
    w.registry.down = True
    alice = w.d.principal("alice")
    (card,) = w.stage_and_read("alice", SATO)
    result = ImportStagedCards(w.deps)(alice, ImportStagedCardsCommand((card.id,)))
    assert result.accounts_created == 1
    assert result.cards[0].corporate_number is None
    assert "registry unreachable" in result.warnings[0]
    assert GetStagedCard(w.deps)(alice, card.id).card.status is StagedStatus.IMPORTED


def test_an_engine_crash_fails_one_card_and_the_batch_goes_on(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    bad, good = w.image(*SATO), w.image(*SUZUKI)
    w.ocr.explode.add(bad)
    report = StageCards(w.deps)(alice, [Upload("bad.png", bad), Upload("good.png", good)])
    progress = ReadStagedCards(w.deps)(alice, report.batch_id)
    assert progress.finished
    cards = {i.card.file_name: i.card for i in ListStagedCards(w.deps)(alice).items}
    assert cards["bad.png"].status is StagedStatus.FAILED
    assert "RuntimeError" in cards["bad.png"].reason
    assert cards["good.png"].status is StagedStatus.READY


def test_two_cards_of_one_new_person_in_a_selection_make_one_person(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    campaign = RegisterCampaign(w.d.deps)(alice, RegisterCampaignCommand(name="セミナー", starts_on=date(2026, 4, 1)))
    old, new = w.stage_and_read("alice", ("株式会社サンプル", "開発部 主任", "佐藤 花子", "Sato@Sample.co.jp"),
                                ("(株)サンプル", "開発部 課長", "佐藤 花子", "sato@sample.co.jp"))
    before = w.counts()
    result = ImportStagedCards(w.deps)(alice, ImportStagedCardsCommand(
        (old.id, new.id), campaign_id=campaign.id, received_on=date(2026, 5, 1)))
    after = w.counts()
    assert {k: after[k] - before[k] for k in after} == {"persons": 1, "accounts": 1, "business_cards": 2, "leads": 1}
    first, second = result.cards
    assert first.person_created
    assert not second.person_created
    assert second.person_id == first.person_id
    assert second.account_id == first.account_id


def test_cards_are_read_side_by_side_and_each_keeps_its_own_result(w: CardWorld) -> None:
    alice = w.d.principal("alice")
    w.deps = attrs.evolve(w.deps, limits=attrs.evolve(w.deps.limits, parallel_reads=2))
    w.ocr.delay = 0.05
    images = [w.image(f"株式会社テスト{n}", f"山田 太郎{n}", f"t{n}@test{n}.co.jp") for n in range(6)]
    w.ocr.explode.add(images[2])
    report = StageCards(w.deps)(alice, [Upload(f"c{n}.png", data) for n, data in enumerate(images)])
    progress = ReadStagedCards(w.deps)(alice, report.batch_id)
    assert progress.finished
    assert w.ocr.most_at_once == 2
    cards = {i.card.file_name: i.card for i in ListStagedCards(w.deps)(alice, report.batch_id).items}
    assert cards["c2.png"].status is StagedStatus.FAILED
    for n in (0, 1, 3, 4, 5):
        assert cards[f"c{n}.png"].status is StagedStatus.READY
        assert cards[f"c{n}.png"].fields.email == f"t{n}@test{n}.co.jp"
