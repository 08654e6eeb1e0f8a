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
    (["hanako.yoshida@minato-foods.co.ip", "https://www.sakura-nw.ip"], "hanako.yoshida@minato-foods.co.jp",
     "https://www.sakura-nw.jp"),
    (["E-mail ito@koyo.co.lp"], "ito@koyo.co.jp", ""),
    (["https://www.example.io"], "", "https://www.example.io"),  # a real top-level domain stays
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


@pytest.mark.parametrize(("line", "company"), [
    ("(株)富士見建設株式会社", "富士見建設株式会社"),  # a ring logo read as a bracketed glyph
    ("(〇ミライ電子株式会社", "ミライ電子株式会社"),
    ("(、)有限会社大和ソリューションズ", "有限会社大和ソリューションズ"),
    ("(株)東和システム", "(株)東和システム"),  # a legal form in front stays
    ("東和システム株 式会社", "東和システム株式会社"),  # the form itself split by a space
    ("サン プル商事有限会社", "サンプル商事有限会社"),  # two katakana are the name's start, not a logo
])
def test_more_company_lines_as_read(line: str, company: str) -> None:
    assert parse_card([line, "山田 太郎"]).company == company


@pytest.mark.parametrize(("line", "address"), [
    ("海玉県さいたま市大宮区桜木町1-7-5", "埼玉県さいたま市大宮区桜木町1-7-5"),  # one glyph of the prefecture
    ("奈川県横浜市西区みなとみらい2-2-1", "神奈川県横浜市西区みなとみらい2-2-1"),  # the designated city tells it
    ("広島県度島市中区基町11-10", "広島県広島市中区基町11-10"),  # a city named like its prefecture
    ("東京都洪谷区渋谷2-21-1 丸の内ピル5F", "東京都渋谷区渋谷2-21-1 丸の内ビル5F"),  # a Tokyo ward; ピル -> ビル
    ("東京都季代田区丸の内1-6-6", "東京都千代田区丸の内1-6-6"),
    ("石川県金沢市広坂1-1-1", "石川県金沢市広坂1-1-1"),  # right already: left alone
    ("大阪府大阪市北区格田2-4-9", "大阪府大阪市北区格田2-4-9"),  # a town name is never guessed
])
def test_one_misread_glyph_in_prefecture_city_or_ward_is_repaired(line: str, address: str) -> None:
    got = parse_card(["〒100-0005", line])
    assert got.address == address


def test_a_vertical_postal_code_read_with_a_dot() -> None:
    assert parse_card(["〒330.0854", "埼玉県さいたま市大宮区桜木町1-7-5"]).postal_code == "330-0854"


def test_a_speck_read_as_a_kana_inside_the_name_is_dropped() -> None:
    got = parse_card(["株式会社サンプル商事", "井上 拓ぜ也"])
    assert (got.family_name, got.given_name) == ("井上", "拓也")


def test_a_landline_behind_a_misread_mobile_label_is_the_phone() -> None:
    got = parse_card(["株式会社サンプル", "吉田 大輔", "MIE 045-216-1086 Fax 045-251-4048"])
    assert (got.phone, got.fax, got.mobile) == ("045-216-1086", "045-251-4048", "")
    labelled = parse_card(["株式会社サンプル", "吉田 大輔", "TEL 045-216-1086 Mobile 090-1234-5678"])
    assert (labelled.phone, labelled.mobile) == ("045-216-1086", "090-1234-5678")
    international = parse_card(["Sample Inc.", "John Smith", "Mobile +81-3-1234-5678", "Mobile +81-90-1234-5678"])
    assert (international.phone, international.mobile) == ("+81-3-1234-5678", "+81-90-1234-5678")


def test_two_fax_labels_and_no_tel_make_the_first_the_phone() -> None:
    got = parse_card(["株式会社サンプル", "松本 大輔", "FE 052-917-9063", "F 052-314-4770"])
    assert (got.phone, got.fax) == ("052-917-9063", "052-314-4770")
    both = parse_card(["株式会社サンプル", "松本 大輔", "TEL 052-917-9063", "FAX 052-314-4770"])
    assert (both.phone, both.fax) == ("052-917-9063", "052-314-4770")
