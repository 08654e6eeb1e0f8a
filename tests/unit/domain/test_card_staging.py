"""The pure rules of bulk card registration: normalising names, companies and e-mails; flagging likely
duplicates; telling a move or promotion; the staged card's life (read, corrected, imported, discarded)."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dps.domain.cards.fields import CardFields
from dps.domain.cards.staging import (
    Decision,
    DecisionKind,
    MatchReason,
    PersonCandidate,
    StagedCard,
    StagedStatus,
    fields_from,
    identity_keys,
    likely_duplicates,
    normalize_company,
    normalize_email,
    normalize_name,
    position_changes,
    progress_of,
    propose,
)
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId

NOW = datetime(2026, 5, 1, tzinfo=UTC)
KANJI = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=6)
WORD = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=12)
LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=12)


def _to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if 0x3041 <= ord(c) <= 0x3096 else c for c in text)


@given(core=WORD)
def test_legal_forms_spaces_and_width_do_not_change_a_company(core: str) -> None:
    base = normalize_company(core)
    for variant in (f"株式会社{core}", f"{core}株式会社", f"(株){core}", f"㈱ {core}", f"{core} Co., Ltd.",
                    f"{core}, Inc.", f"有限会社 {core}", _to_full_width(core)):
        assert normalize_company(variant) == base, variant


@given(core=st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3093), min_size=1, max_size=8))
def test_katakana_and_hiragana_company_names_are_one(core: str) -> None:
    assert normalize_company(core) == normalize_company(_to_katakana(core))


def test_different_companies_stay_different() -> None:
    assert normalize_company("株式会社テスト商事") != normalize_company("株式会社テスト物産")
    assert normalize_company("コーヒー株式会社") == "こーひー"


@given(family=KANJI, given_name=KANJI, sep=st.sampled_from(["", " ", "\u3000", "  ", "・"]))
def test_a_name_compares_without_its_spaces(family: str, given_name: str, sep: str) -> None:
    assert normalize_name(f"{family}{sep}{given_name}") == normalize_name(family, given_name)


@given(local=LOCAL, domain=st.sampled_from(["example.co.jp", "Test.COM"]))
def test_email_is_case_and_width_insensitive(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    assert normalize_email(address.upper()) == normalize_email(address) == address.lower()
    assert normalize_email(unicodedata.normalize("NFKC", _to_full_width(address))) == address.lower()


def _candidate(**values: object) -> PersonCandidate:
    defaults: dict[str, object] = {"person_id": uuid.uuid4(), "last_name": "山田", "first_name": "太郎",
                                   "email": "yamada@test.co.jp", "account_id": uuid.uuid4(),
                                   "account_name": "テスト商事株式会社", "company": "株式会社テスト商事",
                                   "department": "営業部", "title": "主任"}
    return PersonCandidate(**{**defaults, **values})  # type: ignore[arg-type]


@given(local=LOCAL, upper=st.booleans())
def test_same_email_is_a_duplicate_whatever_the_name(local: str, upper: bool) -> None:
    email = f"{local}@test.co.jp"
    person = _candidate(email=email, last_name="別人")
    card = CardFields(company="全然違う社", family_name="田中", email=email.upper() if upper else email)
    (match,) = likely_duplicates(card, [person, _candidate(email="other@x.jp", last_name="他")])
    assert (match.candidate, match.reason) == (person, MatchReason.EMAIL)


@given(family=KANJI, given_name=KANJI, company=WORD, form=st.sampled_from(["株式会社{}", "{} Co., Ltd.", "(株){}"]))
def test_same_name_at_the_same_company_is_a_duplicate(family: str, given_name: str, company: str, form: str) -> None:
    assume(normalize_company(company))  # a name that is only a legal form ('NPO法人') identifies nothing
    person = _candidate(last_name=family, first_name=given_name, email="", account_name=company, company="")
    card = CardFields(company=form.format(company), family_name=family, given_name=given_name)
    assert [m.reason for m in likely_duplicates(card, [person])] == [MatchReason.NAME_AND_COMPANY]


def test_same_name_elsewhere_or_empty_keys_are_not_duplicates() -> None:
    person = _candidate()
    assert likely_duplicates(CardFields(company="別会社", family_name="山田", given_name="太郎"), [person]) == ()
    assert likely_duplicates(CardFields(company="テスト商事", family_name="山田", given_name="花子"), [person]) == ()
    assert likely_duplicates(CardFields(), [_candidate(email="", last_name="", first_name="")]) == ()


def test_email_matches_come_before_name_matches_and_each_person_once() -> None:
    by_name = _candidate(email="")
    by_email = _candidate(last_name="別", email="yamada@test.co.jp")
    both = _candidate()
    card = CardFields(company="(株)テスト商事", family_name="山田", given_name="太郎", email="Yamada@Test.co.jp")
    matches = likely_duplicates(card, [by_name, by_email, both])
    assert [m.candidate for m in matches] == [by_email, both, by_name]
    assert propose(card, matches, []) == Decision.attach(by_email.person_id)


def test_a_move_or_promotion_is_what_differs_from_the_current_card() -> None:
    person = _candidate()
    assert position_changes(CardFields(company="テスト商事(株)", department="営業部", title="主任"), person) == ()
    assert position_changes(CardFields(company="テスト商事", department="営業部", title="課長"), person) == ("title",)
    assert position_changes(CardFields(company="新会社", department="企画 部", title="主任"), person) == (
        "company", "department")
    assert position_changes(CardFields(), person) == (), "what the card does not say changes nothing"


def test_proposal_without_duplicates_names_the_one_matching_account() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    card = CardFields(company="X", family_name="Y")
    assert propose(card, (), [a]) == Decision.new_person(a)
    assert propose(card, (), [a, b]) == Decision.new_person(None)
    assert propose(card, (), []) == Decision.new_person(None)


def test_decisions_round_trip_and_refuse_nonsense() -> None:
    d = Decision.new_person(uuid.uuid4())
    assert Decision.from_dict(d.as_dict()) == d
    assert Decision.from_dict(Decision.attach(uuid.uuid4()).as_dict()).kind is DecisionKind.ATTACH
    with pytest.raises(DomainError):
        Decision(DecisionKind.ATTACH)
    with pytest.raises(DomainError):
        Decision(DecisionKind.NEW_PERSON, person_id=uuid.uuid4())
    with pytest.raises(ValueError, match="merge"):
        Decision("merge")


def _staged() -> StagedCard:
    return StagedCard(id=uuid.uuid4(), owner_id=UserId(uuid.uuid4()), batch_id=uuid.uuid4(), file_name="a.png",
                      content_type="image/png", size=10, sha256="0" * 64, image_key="a" * 32, created_at=NOW,
                      updated_at=NOW)


def test_a_staged_card_lives_from_reading_to_imported() -> None:
    card = _staged()
    with pytest.raises(DomainError):
        card.correct(CardFields(company="A"), None, NOW)
    with pytest.raises(DomainError):
        card.importable()
    card.mark_read(CardFields(company="A社", family_name="林"), "A社\n林", ["few fields"], NOW)
    assert card.status is StagedStatus.READY
    assert card.reason == "few fields"
    card.correct(CardFields(company="A社", family_name="林", title="部長"), None, NOW)
    assert card.fields.title == "部長"
    assert card.read is not None
    assert card.read.title == ""
    card.correct(CardFields(company="", family_name="林"), None, NOW)
    with pytest.raises(DomainError) as missing:
        card.importable()
    assert missing.value.field == "company"
    card.correct(CardFields(company="A社", family_name="林"), None, NOW)
    card.mark_imported(uuid.uuid4(), None, NOW)
    with pytest.raises(DomainError):
        card.discard(NOW)
    with pytest.raises(DomainError):
        card.correct(CardFields(company="B"), None, NOW)


def test_a_failed_card_corrected_by_hand_is_ready_and_lengths_are_checked() -> None:
    card = _staged()
    card.mark_failed("OCR down", NOW)
    card.correct(CardFields(company="A", family_name="B"), None, NOW)
    assert card.status is StagedStatus.READY
    with pytest.raises(DomainError) as long_mail:
        card.correct(CardFields(company="A", family_name="B", email="x" * 300), None, NOW)
    assert long_mail.value.field == "email"


def test_fields_from_a_mapping_trims_and_refuses_unknown_keys() -> None:
    assert fields_from({"company": "  A   社 ", "title": None}) == CardFields(company="A 社")  # type: ignore[dict-item]
    assert fields_from(None) is None
    with pytest.raises(DomainError):
        fields_from({"shoe": "27"})


def test_progress_counts_what_is_no_longer_reading() -> None:
    cards = [_staged(), _staged(), _staged()]
    cards[0].mark_read(CardFields(), "", [], NOW)
    cards[1].mark_failed("x", NOW)
    progress = progress_of(cards)
    assert (progress.done, progress.total, progress.finished) == (2, 3, False)
    assert progress_of([]).finished


@given(local=LOCAL, family=KANJI, company=WORD)
def test_identity_keys_agree_with_the_duplicate_rule(local: str, family: str, company: str) -> None:
    assume(normalize_company(company))
    a = CardFields(company=f"株式会社{company}", family_name=family, email=f"{local}@x.jp")
    b = CardFields(company=f"{company} Co., Ltd.", family_name=family, email=f"{local.upper()}@X.JP")
    assert set(identity_keys(a)) == set(identity_keys(b))
    assert identity_keys(CardFields(company=company)) == ()
