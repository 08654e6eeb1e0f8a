"""Repairs of what Tesseract actually produced on rendered cards (bench/cards_accuracy.py): each example
is a line as read, and what the parser must make of it."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.cards import parse_card
from tests.fixtures.cards.pools import random_card, text_lines


@pytest.mark.parametrize(("line", "company"), [
    ("し 日本テクノロジー(株)", "日本テクノロジー(株)"),
    ("@有限会社日本テクノロジー", "有限会社日本テクノロジー"),
    ("し]有限会社北斗精機", "有限会社北斗精機"),
    ("生)東和システム合同会社", "東和システム合同会社"),
    ("人 涼式会社富士見建設", "株式会社富士見建設"),
    ("大和ソリューション ズ株式会社", "大和ソリューションズ株式会社"),
    ("ミライ電子株株式会社", "ミライ電子株式会社"),
    ("< 式会社中央ロジスティクス", "株式会社中央ロジスティクス"),
    ("株式会社 サンプル商事", "株式会社サンプル商事"),
    ("ロロ有限会社東和システム", "有限会社東和システム"),
    ("©Nihon Technology Co., Ltd.", "Nihon Technology Co., Ltd."),
    ("Since 1950", ""),
])
def test_company_lines_as_read(line: str, company: str) -> None:
    assert parse_card([line, "山田 太郎"]).company == company


@pytest.mark.parametrize(("lines", "email", "url"), [
    (["URL https://www.sa kura-nw.jp"], "", "https://www.sakura-nw.jp"),
    (["E-mail taro@nihon- tech.co.jp"], "taro@nihon-tech.co.jp", ""),
    (["E-mailtakuya.tanaka@minato-foods.coJjp"], "takuya.tanaka@minato-foods.co.jp", ""),
    (["taro.watanabe@chuo-logi.co.jp", "URL:https://www.chuo-logico.jp"], "taro.watanabe@chuo-logi.co.jp",
     "https://www.chuo-logi.co.jp"),
    (["E-mail |.wilson@koyo-chem.co.jp"], "l.wilson@koyo-chem.co.jp", ""),
    (["Web https://www.nihon-tech.co"], "", "https://www.nihon-tech.co.jp"),
])
def test_emails_and_urls_as_read(lines: list[str], email: str, url: str) -> None:
    got = parse_card(lines)
    assert (got.email, got.url) == (email, url)


@pytest.mark.parametrize(("line", "field", "value"), [
    ("FAX 06-6341-6882-2", "fax", "06-6341-6882"),
    ("55+81-43-278-7286", "phone", "+81-43-278-7286"),
    ("Tel 082.・505.2589", "phone", "082-505-2589"),
    ("TEL (03) 1234-5678", "phone", "03-1234-5678"),
    ("T 2 6 1 － 0 0 2 3", "postal_code", "261-0023"),
])
def test_numbers_as_read(line: str, field: str, value: str) -> None:
    assert getattr(parse_card([line]), field) == value


def test_postal_mark_read_as_a_kanji_and_dots_in_the_block_number() -> None:
    got = parse_card(["了980-0811宮城県仙台市青葉区一番町1.9-1"])
    assert (got.postal_code, got.address) == ("980-0811", "宮城県仙台市青葉区一番町1-9-1")


def test_address_junk_at_the_end_is_dropped() -> None:
    got = parse_card(["〒530-0001", "大阪府大阪市北区梅田 2-4-9 センタービル12階の 9"])
    assert got.address == "大阪府大阪市北区梅田 2-4-9 センタービル12階"


def test_a_glyph_in_the_name_gap_is_dropped() -> None:
    got = parse_card(["中 村 人 花子"])
    assert (got.family_name, got.given_name) == ("中村", "花子")


@given(seed=st.integers(min_value=0, max_value=2**32 - 1), junk=st.sampled_from(("@", "し ", "| ", "©", "人 ")))
def test_a_logo_glyph_before_the_company_is_dropped(seed: int, junk: str) -> None:
    rng = random.Random(seed)
    card = random_card(rng)
    lines = text_lines(card, rng)
    lines = [junk + line if line == card.company_line else line for line in lines]
    assert parse_card(lines).company.replace(" ", "") == card.fields.company.replace(" ", "")
