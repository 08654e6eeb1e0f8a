"""Search normalisation folds the ways users type Japanese names; money parsing is strict."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.shared.errors import DomainError
from dps.domain.shared.money import to_money
from dps.domain.shared.text import normalize_for_search

katakana = st.text(alphabet=st.characters(min_codepoint=0x30A1, max_codepoint=0x30F6), min_size=1, max_size=12)


@given(katakana)
def test_katakana_and_hiragana_fold_together(word: str) -> None:
    hiragana = "".join(chr(ord(c) - 0x60) for c in word)
    assert normalize_for_search(word) == normalize_for_search(hiragana)


@given(st.text(max_size=30))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once


def test_width_and_case_fold() -> None:
    assert normalize_for_search("ＡＢＣ　ｶﾌﾞｼｷｶﾞｲｼｬ") == normalize_for_search("abc かぶしきがいしゃ")
    assert normalize_for_search("  株式会社  ", None, "テスト") == "株式会社 てすと"


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_money_accepts_decimals_with_two_places(value: Decimal) -> None:
    assert to_money(str(value), field="amount") == value
    assert to_money(f"{value:,}", field="amount") == value


@pytest.mark.parametrize("bad", ["abc", "", "1.234", "-5", "NaN", "Infinity", None, True, "1e30"])
def test_money_rejects_what_is_not_an_amount(bad: object) -> None:
    with pytest.raises(DomainError) as err:
        to_money(bad, field="expected_amount")
    assert err.value.field == "expected_amount"


def test_money_allows_negative_only_when_asked() -> None:
    assert to_money("-5", field="x", allow_negative=True) == Decimal("-5")
