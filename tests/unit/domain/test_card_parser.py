"""The card parser recovers every field from generated card texts, with and without the OCR errors
Tesseract is known to make (〒 read as T/7/干, spaces inside emails and URLs, full-width characters,
spaced-out kanji, dash variants), whatever the order of the blocks."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.cards import FIELD_NAMES, CardFields, CardLine, parse_card
from dps.domain.cards.lines import normalise_line
from tests.fixtures.cards.pools import CardContent, random_card, text_lines


def norm(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def assert_recovers(expected: CardFields, got: CardFields, lines: list[str]) -> None:
    wrong = {k: (getattr(expected, k), getattr(got, k)) for k in FIELD_NAMES
             if norm(getattr(expected, k)) != norm(getattr(got, k))}
    assert not wrong, f"{wrong}\n" + "\n".join(lines)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def inject_errors(lines: list[str], card: CardContent, rng: random.Random) -> list[str]:
    """Apply a random subset of Tesseract's known mistakes to the clean lines."""
    out = []
    for line in lines:
        s = line
        if "〒" in s and rng.random() < 0.7:
            s = s.replace("〒", rng.choice(("T", "T ", "7", "干", "F")))
        if "@" in s and rng.random() < 0.6:
            s = s.replace(".", ". ", rng.randint(1, 3)).replace("@", rng.choice(("@", " @", "@ ")))
        if "://" in s and rng.random() < 0.6:
            s = s.replace("://", rng.choice((": //", ":// ", "://"))).replace(".", ". ", rng.randint(1, 2))
        if rng.random() < 0.2:
            s = to_fullwidth(s)
        if rng.random() < 0.3:
            s = s.replace("-", rng.choice(("－", "−", "ー", "‐")))
        if card.layout == "vertical" and rng.random() < 0.5 and s != card.fields.email:
            # jpn_vert reads one glyph at a time and leaves a space between kanji
            s = " ".join(s) if not s.isascii() and len(s) < 16 else s
        if "株式会社" in s and rng.random() < 0.2:
            s = s.replace("株式会社", "株式会杜")
        out.append(s)
    return out


def shuffle_contacts(lines: list[str], rng: random.Random) -> list[str]:
    """Phones, email and URL come in any order at the bottom of a card."""
    contact = [n for n, line in enumerate(lines) if any(k in line for k in ("@", "www", "TEL", "Tel", "FAX", "Fax",
                                                                            "携帯", "Mobile", "電話", "Phone"))]
    if not contact:
        return lines
    block = [lines[n] for n in contact]
    rng.shuffle(block)
    out = list(lines)
    for n, line in zip(contact, block, strict=True):
        out[n] = line
    return out


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_clean_card_texts_are_read_exactly(seed: int) -> None:
    rng = random.Random(seed)
    card = random_card(rng)
    lines = text_lines(card, rng)
    assert_recovers(card.fields, parse_card(lines), lines)


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_known_ocr_errors_and_any_contact_order_are_tolerated(seed: int) -> None:
    rng = random.Random(seed)
    card = random_card(rng)
    lines = inject_errors(shuffle_contacts(text_lines(card, rng), rng), card, rng)
    assert_recovers(card.fields, parse_card(lines), lines)


@given(seed=st.integers(min_value=0, max_value=2**32 - 1), noise=st.lists(
    st.sampled_from(("ロゴ", "|", "=", "Since 1950", "・", "ー", "___", "〇〇")), max_size=3))
def test_stray_logo_and_rule_lines_do_not_change_the_fields(seed: int, noise: list[str]) -> None:
    rng = random.Random(seed)
    card = random_card(rng)
    lines = text_lines(card, rng)
    noisy = [*noise[:1], *lines, *noise[1:]]
    assert_recovers(card.fields, parse_card(noisy), noisy)


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_tallest_line_is_the_name_when_heights_are_known(seed: int) -> None:
    rng = random.Random(seed)
    card = random_card(rng, "horizontal")
    lines = text_lines(card, rng)
    name = f"{card.fields.family_name} {card.fields.given_name}"
    boxed = [CardLine(line, height=60.0 if line == name else 24.0) for line in lines]
    got = parse_card(boxed)
    assert (got.family_name, got.given_name) == (card.fields.family_name, card.fields.given_name)


@given(text=st.lists(st.text(max_size=40), max_size=12))
def test_any_text_parses_without_error(text: list[str]) -> None:
    fields = parse_card(text)
    assert all(isinstance(v, str) for v in fields.as_dict().values())


def test_no_text_gives_empty_fields() -> None:
    assert parse_card([]) == CardFields()
    assert parse_card(["", "  ", "|"]).is_empty


def test_english_only_card() -> None:
    lines = [
        "Sample Trading Co., Ltd.",
        "Sales Manager",
        "Overseas Business Division",
        "John Smith",
        "Center Bldg. 12F, 1-6-6 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan",
        "Phone +81-3-1234-5678  Fax +81-3-1234-5679",
        "Mobile +81-90-1234-5678",
        "j.smith @sample-shoji. co. jp",
        "https: //www. sample-shoji.co.jp",
    ]
    assert parse_card(lines) == CardFields(
        company="Sample Trading Co., Ltd.", department="Overseas Business Division", title="Sales Manager",
        family_name="Smith", given_name="John", postal_code="100-0005",
        address="Center Bldg. 12F, 1-6-6 Marunouchi, Chiyoda-ku, Tokyo, Japan",
        phone="+81-3-1234-5678", fax="+81-3-1234-5679", mobile="+81-90-1234-5678",
        email="j.smith@sample-shoji.co.jp", url="https://www.sample-shoji.co.jp",
    )


def test_vertical_card_columns_as_jpn_vert_reads_them() -> None:
    """Right to left: company, department and title, name, reading, address, phones; the glyphs spaced."""
    lines = [
        "株 式 会 社 青 葉 物 産",
        "営 業 本 部 第 一 営 業 部 部 長",
        "た な か",
        "田 中 誠",
        "干 980-0811",
        "宮 城 県 仙 台 市 青 葉 区 一 番 町 1 ー 9 ー 1",
        "電話 022ー215ー3345",
        "FAX 022ー215ー3346",
        "makoto. tanaka@aoba-bussan. co. jp",
    ]
    assert parse_card(lines) == CardFields(
        company="株式会社青葉物産", department="営業本部第一営業部", title="部長", family_name="田中",
        given_name="誠", family_kana="たなか", postal_code="980-0811", address="宮城県仙台市青葉区一番町1-9-1",
        phone="022-215-3345", fax="022-215-3346", email="makoto.tanaka@aoba-bussan.co.jp",
    )


def test_horizontal_card_with_typical_tesseract_output() -> None:
    lines = [
        "サンプル商事株式会社",
        "マーケティング部 課長",
        "ヤマダ タロウ",
        "山田 太郎",
        "T 100-0005 東京都千代田区丸の内1-6-@6",
        "丸の内ビル5F",
        "TEL:０３-１２３４-５６７８ FAX:03(1234)5679",
        "携帯 090-1111-2222",
        "E-mail: taro. yamada@sample-shoji. co. jp",
        "URL https: //www. sample-shoji. co. jp",
    ]
    assert parse_card(lines) == CardFields(
        company="サンプル商事株式会社", department="マーケティング部", title="課長", family_name="山田",
        given_name="太郎", family_kana="ヤマダ", given_kana="タロウ", postal_code="100-0005",
        address="東京都千代田区丸の内1-6-6 丸の内ビル5F", phone="03-1234-5678", fax="03-1234-5679",
        mobile="090-1111-2222", email="taro.yamada@sample-shoji.co.jp", url="https://www.sample-shoji.co.jp",
    )


def test_unlabelled_mobile_and_front_company_form() -> None:
    got = parse_card(["(株)ミライ電子", "佐藤 花子", "080-1234-5678", "T:06-6345-1111"])
    assert (got.company, got.mobile, got.phone) == ("(株)ミライ電子", "080-1234-5678", "06-6345-1111")
    assert (got.family_name, got.given_name) == ("佐藤", "花子")


def test_normalise_line_folds_width_and_ocr_spacing() -> None:
    assert normalise_line("ＴＥＬ　０３－１２３４－５６７８") == "TEL 03-1234-5678"
    assert normalise_line("taro. yamada @ example. co. jp") == "taro.yamada@example.co.jp"
    assert normalise_line("https: //www. example. co. jp") == "https://www.example.co.jp"


@pytest.mark.parametrize(("line", "family", "given"), [
    ("長谷川大輔", "長谷川", "大輔"),
    ("長谷川誠", "長谷川", "誠"),
    ("佐々木健一", "佐々木", "健一"),
    ("田中太郎", "田中", "太郎"),   # two kanji and two: the common cut
    ("長谷 川大輔", "長谷", "川大輔"),  # a printed gap is the cut, whatever the names
    ("山田翔太郎", "山田", "翔太郎"),
])
def test_a_name_without_its_gap_is_cut_after_a_known_three_kanji_family_name(line: str, family: str,
                                                                              given: str) -> None:
    fields = parse_card(["株式会社サンプル", line, "taro@sample.co.jp"])
    assert (fields.family_name, fields.given_name) == (family, given)
