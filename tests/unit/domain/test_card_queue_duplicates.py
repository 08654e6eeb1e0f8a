"""Duplicates inside one review queue: cards of the same open queue that are probably the same person as
another card of it (the same e-mail, or the same full name at the same company - `identity_keys`). The
relation is symmetric, a card never matches itself, and it agrees with `identity_keys` on every pair."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dps.domain.cards.fields import CardFields
from dps.domain.cards.staging import MatchReason, identity_keys, queue_duplicates

# a small pool so that random cards share e-mails, names and companies often
EMAILS = st.sampled_from(["", "yamada@test.co.jp", "YAMADA@Test.co.jp", "sato@sample.jp", "ｓａｔｏ@sample.jp"])
FAMILY = st.sampled_from(["", "山田", "佐藤", "ヤマダ"])
GIVEN = st.sampled_from(["", "太郎", "花子"])
COMPANY = st.sampled_from(["", "株式会社テスト商事", "(株)テスト商事", "テスト商事", "サンプル株式会社",
                           "Sample Co., Ltd."])
CARD = st.builds(lambda e, f, g, c: CardFields(email=e, family_name=f, given_name=g, company=c),
                 EMAILS, FAMILY, GIVEN, COMPANY)
QUEUE = st.lists(CARD, max_size=8).map(lambda cards: dict(enumerate(cards)))


@given(queue=QUEUE)
def test_symmetric_never_itself_and_the_pairs_that_share_a_key(queue: dict[int, CardFields]) -> None:
    found = queue_duplicates(queue)
    pairs = {(a, b) for a, matches in found.items() for b, _ in matches}
    assert all(a != b for a, b in pairs)
    assert pairs == {(b, a) for a, b in pairs}
    expected = {(a, b) for a in queue for b in queue
                if a != b and set(identity_keys(queue[a])) & set(identity_keys(queue[b]))}
    assert pairs == expected
    assert all(matches for matches in found.values())  # a card with no match is left out
    for matches in found.values():
        others = [b for b, _ in matches]
        assert others == sorted(set(others))  # in queue order, each once


@given(queue=QUEUE)
def test_the_reason_is_the_email_when_both_share_one(queue: dict[int, CardFields]) -> None:
    for a, matches in queue_duplicates(queue).items():
        for b, reason in matches:
            shared = set(identity_keys(queue[a])) & set(identity_keys(queue[b]))
            same_email = any(k.startswith("email:") for k in shared)
            assert (reason is MatchReason.EMAIL) == same_email


def test_same_email_or_same_name_at_the_same_company() -> None:
    queue = {
        "a": CardFields(company="株式会社テスト商事", family_name="山田", given_name="太郎", email="yamada@test.co.jp"),
        "b": CardFields(company="(株)テスト商事", family_name="山田", given_name="太郎"),
        "c": CardFields(company="別会社", family_name="鈴木", email="YAMADA@test.co.jp"),
        "d": CardFields(company="別会社", family_name="山田", given_name="太郎"),
        "e": CardFields(),
        "f": CardFields(),
    }
    assert queue_duplicates(queue) == {
        "a": (("b", MatchReason.NAME_AND_COMPANY), ("c", MatchReason.EMAIL)),
        "b": (("a", MatchReason.NAME_AND_COMPANY),),
        "c": (("a", MatchReason.EMAIL),),
    }
