"""Cell values of import/export sheets: each parsing rule by example (eras and serial dates in full),
and the rules as properties: export then parse gives the value back, normalisation is idempotent,
full-width input reads like half-width, formula neutralising is total and idempotent."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel  # type: ignore[import-untyped]

from dps.application.transfer.codes import CodeListResolver
from dps.application.transfer.errors import CellError
from dps.application.transfer.formulas import neutralise_formula, unneutralise_formula
from dps.application.transfer.schema import Column, ColumnType
from dps.application.transfer.text import normalize_text
from dps.application.transfer.values import export_value, parse_cell
from dps.domain.catalog.code_lists import CodeList, CodeValue


def col(kind: ColumnType, **kw: object) -> Column:
    return Column("f", "項目", "Field", kind, **kw)  # type: ignore[arg-type]


def parse(kind: ColumnType, raw: object, **kw: object) -> object:
    return parse_cell(col(kind, code_list="stage" if kind in (ColumnType.CODE, ColumnType.CODES) else None, **kw),
                      raw, RESOLVER)


def error_of(kind: ColumnType, raw: object, **kw: object) -> str:
    with pytest.raises(CellError) as err:
        parse(kind, raw, **kw)
    return err.value.message


STAGE = CodeList(key="stage", values=[
    CodeValue(code="10", label_ja="見込み", label_en="Prospect", sort_order=1),
    CodeValue(code="20", label_ja="提案", label_en="Proposal", sort_order=2),
    CodeValue(code="WON", label_ja="受注", label_en="Won", sort_order=3),
    CodeValue(code="lost", label_ja="失注", label_en="Lost", sort_order=4),
    CodeValue(code="old", label_ja="旧ステージ", label_en="Old", sort_order=5, is_active=False),
])
RESOLVER = CodeListResolver.from_lists([STAGE])
ACTIVE_CODES = ["10", "20", "WON", "lost"]


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "}" else c for c in text)


# ------------------------------------------------------------------------------------------- text

@pytest.mark.parametrize(("raw", "expected"), [
    ("  ＡＢＣ１２３  ", "ABC123"),
    ("ｶﾅ", "カナ"),
    ("ｶﾞｷﾞﾊﾟﾋﾟｳﾞ", "ガギパピヴ"),
    ("ｱｲｳ｡｢ｴ｣､･ｰ", "アイウ。「エ」、・ー"),
    ("\u3000山田\u3000\u3000太郎\u3000", "山田 太郎"),
    ("＠ｅｘａｍｐｌｅ．ｃｏｍ", "@example.com"),
    ("￥１，０００", "¥1,000"),
    ("a\tb\n c\r\nd", "a b c d"),
    ("\ufeffBOM\u200b付き", "BOM付き"),
    ("bell\x07 and\x00 nul", "bell and nul"),
    (None, ""),
    (123, "123"),
    (0.1 + 0.2, "0.3"),
    (1e16, "10000000000000000"),
    (True, "TRUE"),
    (datetime(2026, 4, 1), "2026-04-01"),
    (datetime(2026, 4, 1, 14, 30), "2026-04-01 14:30"),
])
def test_normalize_text_trims_and_folds_width(raw: object, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("text", [
    "株式会社山田商事", "㈱山田", "①②③", "神社\ufa19", "㍻", "ひらがな カタカナ", "10時～12時", "髙橋", "𠮷野家",
])
def test_kanji_kana_and_other_compatibility_characters_are_left_alone(text: str) -> None:
    """Full NFKC would turn ㈱ into (株), ① into 1 and the compatibility ideograph 神 (U+FA19) into 神."""
    assert normalize_text(text) == text
    assert normalize_text(text, multiline=True) == text


def test_decomposed_kana_are_composed() -> None:
    assert normalize_text(unicodedata.normalize("NFD", "ガイドブック")) == "ガイドブック"


def test_multiline_text_keeps_line_breaks_and_trims_each_line() -> None:
    raw = "\n  1行目  の  メモ \r\n\r\n\t2行目\r3行目\u3000\n\n"
    assert normalize_text(raw, multiline=True) == "1行目 の メモ\n\n2行目\n3行目"
    assert normalize_text(raw) == "1行目 の メモ 2行目 3行目"
    assert parse(ColumnType.TEXT, raw) == "1行目 の メモ\n\n2行目\n3行目"
    assert parse(ColumnType.REFERENCE, "ACME\nInc") == "ACME Inc"


def test_the_fold_agrees_with_nfkc_on_the_width_forms_block() -> None:
    kept = {"\uff5e", "\uffe3"}
    for cp in [*range(0xFF01, 0xFFA0), *range(0xFFE0, 0xFFEF)]:
        c = chr(cp)
        if unicodedata.category(c) == "Cn" or c in kept:
            continue
        folded = normalize_text(f"a{c}b")
        assert folded == " ".join(unicodedata.normalize("NFKC", f"a{c}b").split()), hex(cp)
    assert normalize_text("～") == "～"


@given(st.text())
def test_normalize_text_is_idempotent(text: str) -> None:
    for multiline in (False, True):
        once = normalize_text(text, multiline=multiline)
        assert normalize_text(once, multiline=multiline) == once
        assert once == once.strip()
    assert "\n" not in normalize_text(text)


@given(st.text(alphabet=st.characters(categories=["Lo"]), min_size=1))
def test_letters_without_width_forms_are_never_changed(text: str) -> None:
    """Kanji, kana and other letters outside the width-forms block pass through unchanged."""
    assume(not any(0xFF00 <= ord(c) <= 0xFFEF for c in text))
    assert normalize_text(text) == text


def test_text_length_is_checked_after_normalisation() -> None:
    assert parse(ColumnType.TEXT, "  ＡＢＣ  ", max_length=3) == "ABC"
    assert error_of(ColumnType.TEXT, "ABCD", max_length=3) == (
        "3文字以内で入力してください (現在4文字) / at most 3 characters (got 4)")
    assert parse(ColumnType.TEXT, "山田太郎", max_length=4) == "山田太郎"


def test_a_huge_text_cell_is_measured_not_choked_on() -> None:
    huge = "あ" * 5_000_000
    assert "at most 200 characters" in error_of(ColumnType.TEXT, huge, max_length=200)
    assert "not a number" in error_of(ColumnType.INTEGER, "1" * 5_000_000)


# ------------------------------------------------------------------------------------------ empty

@pytest.mark.parametrize("kind", list(ColumnType))
@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "\n\t", "\u200b"])
def test_empty_cells_are_none_and_required_columns_refuse_them(kind: ColumnType, raw: object) -> None:
    assert parse(kind, raw) is None
    assert error_of(kind, raw, required=True) == "必須です / required"


def test_unknown_cell_types_are_refused() -> None:
    assert "unsupported" in error_of(ColumnType.TEXT, object())
    assert "unsupported" in error_of(ColumnType.INTEGER, [1])


# ---------------------------------------------------------------------------------------- numbers

@pytest.mark.parametrize(("raw", "expected"), [
    (42, 42), (42.0, 42), (Decimal("42"), 42), (Decimal("42.00"), 42), ("42", 42), ("1,234,567", 1234567),
    ("¥1,000", 1000), ("￥１，０００", 1000), ("\\1,000", 1000), ("1,000円", 1000), ("＋５", 5),
    ("-1,000", -1000), ("−1000", -1000), ("－１０００", -1000), ("△1,000", -1000), ("▲1,000", -1000),
    ("△¥1,000", -1000), ("¥△1,000", -1000), ("-0", 0), ("1.0", 1), (2**63 - 1, 2**63 - 1),
    (str(-(2**63)), -(2**63)), (0.1 * 30, 3),
])
def test_integers(raw: object, expected: int) -> None:
    value = parse(ColumnType.INTEGER, raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(("raw", "expected"), [
    (1234.56, Decimal("1234.56")), (0.1 + 0.2, Decimal("0.3")), ("1,234.50", Decimal("1234.50")),
    (".5", Decimal("0.5")), ("△0.25", Decimal("-0.25")), (Decimal("-0.00"), Decimal("0")), (7, Decimal(7)),
    ("１２３．４５", Decimal("123.45")), ("9" * 38, Decimal("9" * 38)),
])
def test_decimals(raw: object, expected: Decimal) -> None:
    value = parse(ColumnType.DECIMAL, raw)
    assert value == expected
    assert isinstance(value, Decimal)
    assert not value.is_signed() or value < 0


@pytest.mark.parametrize("raw", [
    "1.2.3", "1,2,3", "12,34", "1,000,00", "abc", "NaN", "nan", "inf", "-inf", "Infinity", float("nan"),
    float("inf"), Decimal("NaN"), Decimal("Infinity"), "1E+3", "1.23457E+11", "--1", "△-1", "¥¥1", "1 000",
    "5.", "-", "¥", "1-", True, date(2026, 4, 1), "0x10", "١٢٣",
])
@pytest.mark.parametrize("kind", [ColumnType.INTEGER, ColumnType.DECIMAL])
def test_not_numbers(kind: ColumnType, raw: object) -> None:
    assert error_of(kind, raw) == "数値の形式が正しくありません / not a number"


def test_integers_must_be_whole_and_64_bit() -> None:
    assert error_of(ColumnType.INTEGER, 1.5) == "整数で入力してください / not a whole number"
    assert error_of(ColumnType.INTEGER, "1,000.5") == "整数で入力してください / not a whole number"
    assert error_of(ColumnType.INTEGER, 2**63) == "数値が範囲外です / number out of range"
    assert error_of(ColumnType.INTEGER, "1" + "0" * 30) == "数値が範囲外です / number out of range"
    assert error_of(ColumnType.DECIMAL, "9" * 39) == "数値が範囲外です / number out of range"
    assert error_of(ColumnType.DECIMAL, Decimal("1E+40")) == "数値が範囲外です / number out of range"


@given(st.integers(min_value=-(10**15), max_value=10**15), st.booleans())
def test_full_width_digits_parse_like_half_width(n: int, grouped: bool) -> None:
    text = f"{n:,}" if grouped else str(n)
    assert parse(ColumnType.INTEGER, to_fullwidth(text)) == parse(ColumnType.INTEGER, text) == n
    assert parse(ColumnType.DECIMAL, to_fullwidth(text + ".5")) == Decimal(text.replace(",", "") + ".5")


@given(st.integers(min_value=0, max_value=10**12))
def test_the_accounting_triangle_is_a_minus(n: int) -> None:
    assert parse(ColumnType.INTEGER, f"△{n:,}") == -n == parse(ColumnType.INTEGER, f"-{n}")


# ------------------------------------------------------------------------------------------ dates

@pytest.mark.parametrize(("raw", "expected"), [
    ("2026/4/1", date(2026, 4, 1)), ("2026-04-01", date(2026, 4, 1)), ("2026.4.1", date(2026, 4, 1)),
    ("2026年4月1日", date(2026, 4, 1)), ("2026 年 4 月 1 日", date(2026, 4, 1)), ("20260401", date(2026, 4, 1)),
    ("２０２６／０４／０１", date(2026, 4, 1)), ("2026/4/1(水)", date(2026, 4, 1)),
    ("2026/4/1（水曜日）", date(2026, 4, 1)),
    ("2026-04-01 00:00", date(2026, 4, 1)), ("2026/4/1 0:00:00", date(2026, 4, 1)),
    ("2026-04-01T00:00:00", date(2026, 4, 1)),
    (datetime(2026, 4, 1), date(2026, 4, 1)), (date(2026, 4, 1), date(2026, 4, 1)),
    ("2024/2/29", date(2024, 2, 29)),
])
def test_western_dates(raw: object, expected: date) -> None:
    assert parse(ColumnType.DATE, raw) == expected


ERA_EXAMPLES = [
    ("令和8年4月1日", date(2026, 4, 1)), ("令和元年5月1日", date(2019, 5, 1)), ("令和1年5月1日", date(2019, 5, 1)),
    ("平成31年4月30日", date(2019, 4, 30)), ("平成元年1月8日", date(1989, 1, 8)), ("昭和64年1月7日", date(1989, 1, 7)),
    ("昭和元年12月25日", date(1926, 12, 25)), ("大正15年12月24日", date(1926, 12, 24)),
    ("大正元年7月30日", date(1912, 7, 30)), ("明治45年7月29日", date(1912, 7, 29)), ("明治6年1月1日", date(1873, 1, 1)),
    ("R8.4.1", date(2026, 4, 1)), ("r8.4.1", date(2026, 4, 1)), ("H31/4/30", date(2019, 4, 30)),
    ("S64-1-7", date(1989, 1, 7)), ("T15.12.24", date(1926, 12, 24)), ("M45.7.29", date(1912, 7, 29)),
    ("R元.5.1", date(2019, 5, 1)), ("R8年4月1日", date(2026, 4, 1)), ("令和 8年 4月 1日", date(2026, 4, 1)),
    ("令和８年４月１日", date(2026, 4, 1)), ("Ｒ８．４．１", date(2026, 4, 1)), ("㋿8年4月1日", date(2026, 4, 1)),
    ("㍻31年4月30日", date(2019, 4, 30)), ("令和8年4月1日(水)", date(2026, 4, 1)),
]


@pytest.mark.parametrize(("raw", "expected"), ERA_EXAMPLES)
def test_japanese_era_dates(raw: str, expected: date) -> None:
    assert parse(ColumnType.DATE, raw) == expected
    assert parse(ColumnType.DATETIME, raw) == datetime.combine(expected, time(0))


@pytest.mark.parametrize(("raw", "era"), [
    ("平成31年5月1日", "Heisei"), ("令和元年4月30日", "Reiwa"), ("昭和64年1月8日", "Showa"),
    ("平成元年1月7日", "Heisei"),
    ("大正15年12月25日", "Taisho"), ("昭和元年12月24日", "Showa"), ("明治45年7月30日", "Meiji"),
    ("大正元年7月29日", "Taisho"), ("平成32年1月1日", "Heisei"), ("H31.5.1", "Heisei"), ("明治5年12月31日", "Meiji"),
    ("明治元年10月23日", "Meiji"),
])
def test_days_outside_their_era_do_not_exist(raw: str, era: str) -> None:
    message = error_of(ColumnType.DATE, raw)
    assert f"not a day of the {era} era" in message
    assert "期間外" in message


@pytest.mark.parametrize("raw", ["令和0年5月1日", "R0.5.1"])
def test_there_is_no_year_zero_of_an_era(raw: str) -> None:
    assert "no year 0" in error_of(ColumnType.DATE, raw)


@pytest.mark.parametrize("raw", [
    "2026/2/30", "2026/13/1", "2025/2/29", "2026年4月31日", "令和8年2月30日", "R8.13.1", "20260230",
])
def test_impossible_dates(raw: str) -> None:
    assert error_of(ColumnType.DATE, raw) == "存在しない日付です / no such date"


@pytest.mark.parametrize("raw", [
    "26/4/1", "4/1/2026", "2026/4", "2026/4-1", "2026", "46113", "令和八年四月一日", "X8.4.1", "令和8.4.1年",
    "2026/4/1 foo", "昨日", True, time(14, 30),
])
def test_not_dates(raw: object) -> None:
    assert error_of(ColumnType.DATE, raw).startswith("日付の形式が正しくありません / not a date")


def test_a_date_column_refuses_a_time_of_day() -> None:
    for raw in ("2026/4/1 14:30", datetime(2026, 4, 1, 9), 46113.25, "令和8年4月1日 9時"):
        assert error_of(ColumnType.DATE, raw) == "日付に時刻が含まれています / a date must not have a time of day"


def test_a_wrong_weekday_is_refused() -> None:
    assert "2026-04-01 is not a 木曜日" in error_of(ColumnType.DATE, "2026/4/1(木)")


@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2999, 12, 31)))
def test_every_day_reads_back_from_its_era_name(day: date) -> None:
    eras = [("明治", "M", 1867, date(1912, 7, 29)), ("大正", "T", 1911, date(1926, 12, 24)),
            ("昭和", "S", 1925, date(1989, 1, 7)), ("平成", "H", 1988, date(2019, 4, 30)),
            ("令和", "R", 2018, date.max)]
    name, letter, offset, _ = next(e for e in eras if day <= e[3])
    year = day.year - offset
    assert parse(ColumnType.DATE, f"{name}{year}年{day.month}月{day.day}日") == day
    assert parse(ColumnType.DATE, f"{letter}{year}.{day.month}.{day.day}") == day
    if year == 1:
        assert parse(ColumnType.DATE, f"{name}元年{day.month}月{day.day}日") == day
    for other, other_letter, other_offset, _ in eras:  # named in another era: a day that does not exist
        if other != name and 1 <= day.year - other_offset <= 99:
            with pytest.raises(CellError):
                parse(ColumnType.DATE, f"{other_letter}{day.year - other_offset}.{day.month}.{day.day}")


# ------------------------------------------------------------------------------- excel serial dates

@pytest.mark.parametrize(("serial", "expected"), [
    (46113, date(2026, 4, 1)), (46113.0, date(2026, 4, 1)), (Decimal(46113), date(2026, 4, 1)),
    (1, date(1900, 1, 1)), (59, date(1900, 2, 28)), (61, date(1900, 3, 1)), (2958465, date(9999, 12, 31)),
    (43586, date(2019, 5, 1)), (32516, date(1989, 1, 8)),
])
def test_excel_serial_dates(serial: object, expected: date) -> None:
    assert parse(ColumnType.DATE, serial) == expected


@pytest.mark.parametrize("serial", [0, -1, 0.5, 2958466, 1e10])
def test_serials_out_of_range(serial: object) -> None:
    assert error_of(ColumnType.DATE, serial) == (
        "日付のシリアル値が範囲外です / date serial number out of range (1-2958465)")
    assert error_of(ColumnType.DATETIME, serial).startswith("日付のシリアル値が範囲外です")


def test_serial_60_is_excels_phantom_leap_day() -> None:
    assert "1900-02-29 does not exist" in error_of(ColumnType.DATE, 60)


@pytest.mark.parametrize(("serial", "expected"), [
    (46113.5, datetime(2026, 4, 1, 12)), (46113.604166666664, datetime(2026, 4, 1, 14, 30)),
    (46113 + 1 / 86400, datetime(2026, 4, 1, 0, 0, 1)), (46113.999999999, datetime(2026, 4, 2)),
])
def test_excel_serial_datetimes(serial: float, expected: datetime) -> None:
    assert parse(ColumnType.DATETIME, serial) == expected


@given(st.integers(min_value=1, max_value=2958465).filter(lambda n: n != 60))
def test_serial_dates_agree_with_openpyxl(serial: int) -> None:
    assert parse(ColumnType.DATE, serial) == from_excel(serial).date()


@given(st.integers(min_value=61, max_value=2958465), st.integers(min_value=0, max_value=86399))
def test_serial_datetimes_agree_with_openpyxl(days: int, seconds: int) -> None:
    serial = days + seconds / 86400
    assert parse(ColumnType.DATETIME, serial) == from_excel(serial)


# -------------------------------------------------------------------------------------- datetimes

@pytest.mark.parametrize(("raw", "expected"), [
    ("2026/4/1 14:30", datetime(2026, 4, 1, 14, 30)), ("2026-04-01T14:30:05", datetime(2026, 4, 1, 14, 30, 5)),
    ("2026-04-01 14:30:05.25", datetime(2026, 4, 1, 14, 30, 5, 250000)),
    ("2026年4月1日 14時30分", datetime(2026, 4, 1, 14, 30)),
    ("2026年4月1日14時30分5秒", datetime(2026, 4, 1, 14, 30, 5)),
    ("令和8年4月1日 9時", datetime(2026, 4, 1, 9)), ("R8.4.1 9:05", datetime(2026, 4, 1, 9, 5)),
    ("２０２６／４／１　１４：３０", datetime(2026, 4, 1, 14, 30)), ("2026/4/1", datetime(2026, 4, 1)),
    (date(2026, 4, 1), datetime(2026, 4, 1)), (datetime(2026, 4, 1, 14, 30), datetime(2026, 4, 1, 14, 30)),
])
def test_naive_datetimes_stay_naive(raw: object, expected: datetime) -> None:
    value = parse(ColumnType.DATETIME, raw)
    assert value == expected
    assert isinstance(value, datetime)
    assert value.tzinfo is None


def test_an_explicit_offset_gives_an_aware_datetime() -> None:
    jst = timezone(timedelta(hours=9))
    assert parse(ColumnType.DATETIME, "2026-04-01T14:30:00+09:00") == datetime(2026, 4, 1, 14, 30, tzinfo=jst)
    assert parse(ColumnType.DATETIME, "2026-04-01T05:30:00Z") == datetime(2026, 4, 1, 5, 30, tzinfo=UTC)
    assert parse(ColumnType.DATETIME, "2026-04-01 14:30 -0130") == datetime(
        2026, 4, 1, 14, 30, tzinfo=timezone(-timedelta(hours=1, minutes=30)))


@pytest.mark.parametrize("raw", ["2026/4/1 24:00", "2026/4/1 14:60", "2026/4/1 14:30:61", "2026/4/1 25時"])
def test_impossible_times(raw: str) -> None:
    assert "no such time of day" in error_of(ColumnType.DATETIME, raw)


@pytest.mark.parametrize("raw", ["14:30", "2026/4/1 2:30 PM", "2026/4/1 14", "2026/4/1 14:30 +25:00", time(14, 30)])
def test_not_datetimes(raw: object) -> None:
    assert error_of(ColumnType.DATETIME, raw).startswith("日時の形式が正しくありません")


# --------------------------------------------------------------------------------------- booleans

@pytest.mark.parametrize("raw", [True, 1, 1.0, Decimal(1), "true", "TRUE", "True", "1", "１", "yes", "Y", "ｙｅｓ",
                                 "はい", "○", "〇", "◯", "￮", "有", "あり", "有効", "on"])
def test_true_values(raw: object) -> None:
    assert parse(ColumnType.BOOLEAN, raw) is True


@pytest.mark.parametrize("raw", [False, 0, 0.0, Decimal(0), "false", "FALSE", "0", "no", "N", "いいえ", "×", "✕",
                                 "無", "なし", "無効", "off"])
def test_false_values(raw: object) -> None:
    assert parse(ColumnType.BOOLEAN, raw) is False


@pytest.mark.parametrize("raw", [2, -1, 0.5, "2", "maybe", "x", "ok", "はい。", date(2026, 4, 1)])
def test_not_booleans(raw: object) -> None:
    assert error_of(ColumnType.BOOLEAN, raw).endswith("not a yes/no value (1/0, はい/いいえ, ○/×)")


# ------------------------------------------------------------------------------------------ codes

@pytest.mark.parametrize(("raw", "expected"), [
    ("10", "10"), (10, "10"), (10.0, "10"), ("１０", "10"), ("見込み", "10"), ("Prospect", "10"), ("prospect", "10"),
    ("PROPOSAL", "20"), ("WON", "WON"), ("won", "WON"), ("ＷＯＮ", "WON"), ("受注", "WON"), (" 失注 ", "lost"),
    ("LOST", "lost"),
])
def test_a_code_by_code_or_label(raw: object, expected: str) -> None:
    assert parse(ColumnType.CODE, raw) == expected


def test_an_unknown_code_names_the_allowed_values() -> None:
    message = error_of(ColumnType.CODE, "30")
    assert message == "'30' は stage の値ではありません / not a value of stage: 10 見込み, 20 提案, WON 受注, lost 失注"
    assert "old" not in message


def test_at_most_ten_allowed_values_are_listed() -> None:
    many = CodeList(key="many", values=[CodeValue(code=f"c{i:02}", label_ja=f"値{i}", sort_order=i)
                                        for i in range(25)])
    with pytest.raises(CellError) as err:
        CodeListResolver.from_lists([many]).resolve("many", "zz")
    assert "c09" in err.value.message
    assert "c10" not in err.value.message
    assert err.value.message.endswith("他15件 / +15")


def test_inactive_values_are_refused_unless_asked_for() -> None:
    assert "no longer in use" in error_of(ColumnType.CODE, "old")
    assert "no longer in use" in error_of(ColumnType.CODE, "旧ステージ")
    lenient = CodeListResolver.from_lists([STAGE], include_inactive=True)
    assert lenient.resolve("stage", "old") == "old"
    assert lenient.resolve("stage", "旧ステージ") == "old"
    assert lenient.choices("stage") == tuple(ACTIVE_CODES)
    assert RESOLVER.choices("stage") == tuple(ACTIVE_CODES)
    assert RESOLVER.choices("nothing") == ()


def test_a_code_beats_a_label_and_an_ambiguous_label_is_refused() -> None:
    tricky = CodeList(key="k", values=[
        CodeValue(code="A", label_ja="B"), CodeValue(code="B", label_ja="甲"), CodeValue(code="C", label_ja="甲"),
        CodeValue(code="x", label_ja="小"), CodeValue(code="X", label_ja="大"),
    ])
    resolver = CodeListResolver.from_lists([tricky])
    assert resolver.resolve("k", "B") == "B"
    assert resolver.resolve("k", "x") == "x"
    assert resolver.resolve("k", "X") == "X"
    with pytest.raises(CellError, match="matches several values of k: B, C"):
        resolver.resolve("k", "甲")


def test_an_unknown_code_list_is_a_cell_error_and_a_missing_resolver_a_bug() -> None:
    with pytest.raises(CellError, match="no code list 'nothing'"):
        RESOLVER.resolve("nothing", "10")
    with pytest.raises(ValueError, match="needs a code_list"):
        parse_cell(col(ColumnType.CODE, code_list="stage"), "10")
    with pytest.raises(ValueError, match="needs a code_list"):
        parse_cell(col(ColumnType.CODES), "10", RESOLVER)


@pytest.mark.parametrize(("raw", "expected"), [
    ("10, 20", ("10", "20")), ("20、10", ("20", "10")), ("20，WON；lost", ("20", "WON", "lost")),
    ("10;見込み;Prospect", ("10",)), ("WON\n10\r\n20", ("WON", "10", "20")), ("提案, , 20,", ("20",)),
    (20, ("20",)), (" , 、", None),
])
def test_several_codes(raw: object, expected: tuple[str, ...] | None) -> None:
    assert parse(ColumnType.CODES, raw) == expected


def test_several_codes_name_the_bad_one() -> None:
    assert "'99' は stage の値ではありません" in error_of(ColumnType.CODES, "10, 99")


# ------------------------------------------------------------------------------ ids and references

def test_ids() -> None:
    uid = UUID("0196f3a2-7b1c-7d2e-8f90-123456789abc")
    assert parse(ColumnType.ID, str(uid)) == uid
    assert parse(ColumnType.ID, f" {str(uid).upper()} ") == uid
    assert parse(ColumnType.ID, to_fullwidth(str(uid))) == uid
    assert parse(ColumnType.ID, uid) == uid
    for bad in ("not-an-id", "0196f3a2-7b1c", 42):
        assert error_of(ColumnType.ID, bad) == "IDの形式が正しくありません / not a record id (UUID)"


def test_references_are_normalised_text() -> None:
    assert parse(ColumnType.REFERENCE, "  ｙａｍａｄａ　") == "yamada"
    assert parse(ColumnType.REFERENCE, 1234567890123) == "1234567890123"
    assert parse(ColumnType.REFERENCE, "'-team") == "-team"
    assert "at most 5 characters" in error_of(ColumnType.REFERENCE, "abcdef", max_length=5)


# ---------------------------------------------------------------------------------- formulas

@pytest.mark.parametrize(("text", "expected"), [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1+1", "'+1+1"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("＝1+1", "'＝1+1"), ("plain", "plain"), ("a=b", "a=b"), ("", ""),
    ("'=already", "'=already"), ("5-3", "5-3"), (" =1", " =1"),
])
def test_neutralise_formula(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


@given(st.sampled_from("=+-@\t\r＝＋－＠"), st.text())
def test_anything_a_spreadsheet_would_run_is_neutralised_once(first: str, rest: str) -> None:
    text = first + rest
    safe = neutralise_formula(text)
    assert safe == "'" + text
    assert neutralise_formula(safe) == safe
    assert unneutralise_formula(safe) == text


@given(st.text())
def test_neutralising_is_idempotent_and_changes_only_the_start(text: str) -> None:
    safe = neutralise_formula(text)
    assert neutralise_formula(safe) == safe
    assert safe.endswith(text)
    assert len(safe) - len(text) in (0, 1)


def test_a_neutralised_text_imports_as_the_original() -> None:
    assert parse(ColumnType.TEXT, neutralise_formula("=HYPERLINK(\"x\")")) == "=HYPERLINK(\"x\")"
    assert parse(ColumnType.TEXT, neutralise_formula("-5")) == "-5"
    assert parse(ColumnType.TEXT, "'plain") == "'plain"
    assert parse(ColumnType.TEXT, "'") == "'"


# --------------------------------------------------------------------------------------- exports

def test_export_values() -> None:
    uid = UUID("0196f3a2-7b1c-7d2e-8f90-123456789abc")
    jst = timezone(timedelta(hours=9))
    assert export_value(col(ColumnType.TEXT), "abc") == "abc"
    assert export_value(col(ColumnType.DECIMAL), Decimal("1.50")) == Decimal("1.50")
    assert export_value(col(ColumnType.DECIMAL), 3) == Decimal(3)
    assert export_value(col(ColumnType.DATETIME), datetime(2026, 4, 1, 14, 30, 5, 999)) == datetime(
        2026, 4, 1, 14, 30, 5)
    assert export_value(col(ColumnType.DATETIME), datetime(2026, 4, 1, 5, 30, tzinfo=UTC), zone=jst) == datetime(
        2026, 4, 1, 14, 30)
    assert export_value(col(ColumnType.CODES), ("WON", "10")) == "WON, 10"
    assert export_value(col(ColumnType.CODES), frozenset({"WON", "10"})) == "10, WON"
    assert export_value(col(ColumnType.CODES), ()) is None
    assert export_value(col(ColumnType.BOOLEAN), True) is True
    assert export_value(col(ColumnType.ID), uid) == str(uid)
    for kind in ColumnType:
        assert export_value(col(kind), None) is None


@pytest.mark.parametrize(("kind", "value"), [
    (ColumnType.INTEGER, "5"), (ColumnType.INTEGER, True), (ColumnType.DATE, datetime(2026, 4, 1)),
    (ColumnType.DATETIME, date(2026, 4, 1)), (ColumnType.BOOLEAN, 1), (ColumnType.DECIMAL, 1.5),
    (ColumnType.CODES, "10"), (ColumnType.ID, 42),
])
def test_exporting_a_value_of_the_wrong_type_is_a_bug(kind: ColumnType, value: object) -> None:
    with pytest.raises(TypeError):
        export_value(col(kind), value)


def test_an_aware_datetime_without_a_zone_is_left_to_the_writer() -> None:
    moment = datetime(2026, 4, 1, 5, 30, 1, 500, tzinfo=UTC)
    assert export_value(col(ColumnType.DATETIME), moment) == moment.replace(microsecond=0)


def _is_formula_lookalike(text: str) -> bool:
    """The one text that cannot make the trip: an apostrophe followed by a formula start."""
    return unneutralise_formula(text) != text


texts = st.text().map(lambda t: normalize_text(t, multiline=True)).filter(
    lambda t: t != "" and not _is_formula_lookalike(t))
single_line = st.text().map(normalize_text).filter(lambda t: t != "" and not _is_formula_lookalike(t))
decimals = st.builds(lambda n, scale: Decimal(n).scaleb(-scale), st.integers(-(10**30), 10**30), st.integers(0, 8))
naive_datetimes = st.datetimes(min_value=datetime(1, 1, 1)).map(lambda d: d.replace(microsecond=0))


def value_strategy(kind: ColumnType) -> st.SearchStrategy[object]:
    return {
        ColumnType.TEXT: texts,
        ColumnType.INTEGER: st.integers(min_value=-(2**63), max_value=2**63 - 1),
        ColumnType.DECIMAL: decimals.map(lambda d: d if d else abs(d)),
        ColumnType.DATE: st.dates(),
        ColumnType.DATETIME: naive_datetimes,
        ColumnType.BOOLEAN: st.booleans(),
        ColumnType.CODE: st.sampled_from(ACTIVE_CODES),
        ColumnType.CODES: st.lists(st.sampled_from(ACTIVE_CODES), min_size=1, unique=True).map(tuple),
        ColumnType.ID: st.uuids(),
        ColumnType.REFERENCE: single_line,
    }[kind]


@pytest.mark.parametrize("kind", list(ColumnType))
@given(data=st.data())
def test_export_then_parse_gives_the_value_back(kind: ColumnType, data: st.DataObject) -> None:
    value = data.draw(value_strategy(kind))
    column = col(kind, code_list="stage" if kind in (ColumnType.CODE, ColumnType.CODES) else None)
    exported = export_value(column, value)
    assert parse_cell(column, exported, RESOLVER) == value
    if isinstance(exported, str):  # what every writer does to text cells
        assert parse_cell(column, neutralise_formula(exported), RESOLVER) == value


def as_csv_text(value: object, style: str) -> str:
    """What a CSV writer may write: Python's str() (ISO dates, True/False), or Excel's way
    (2026/04/01 09:30:00, TRUE/FALSE); Decimal always in positional notation."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if style == "excel" and isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if style == "excel" and isinstance(value, datetime):
        return value.strftime("%Y/%m/%d %H:%M:%S")
    if style == "excel" and isinstance(value, date):
        return value.strftime("%Y/%m/%d")
    return str(value)


@pytest.mark.parametrize("style", ["python", "excel"])
@pytest.mark.parametrize("kind", [k for k in ColumnType if k not in (ColumnType.TEXT, ColumnType.REFERENCE)])
@given(data=st.data())
def test_export_as_csv_text_then_parse_gives_the_value_back(kind: ColumnType, style: str, data: st.DataObject) -> None:
    value = data.draw(value_strategy(kind))
    if kind is ColumnType.DATE or kind is ColumnType.DATETIME:
        assume(value.year >= 1000)  # type: ignore[attr-defined]  # four-digit years only
    column = col(kind, code_list="stage" if kind in (ColumnType.CODE, ColumnType.CODES) else None)
    assert parse_cell(column, as_csv_text(export_value(column, value), style), RESOLVER) == value


@given(naive_datetimes, st.integers(min_value=-14 * 60, max_value=14 * 60))
def test_aware_datetimes_come_back_in_the_zone_they_were_exported_in(moment: datetime, minutes: int) -> None:
    zone = timezone(timedelta(minutes=minutes))
    assume(datetime(2, 1, 1) < moment < datetime(9998, 12, 31))
    aware = moment.replace(tzinfo=UTC)
    back = parse_cell(col(ColumnType.DATETIME), export_value(col(ColumnType.DATETIME), aware, zone=zone))
    assert isinstance(back, datetime)
    assert back.tzinfo is None
    assert back.replace(tzinfo=zone) == aware


@given(st.text())
def test_any_text_exports_and_imports_as_its_normal_form(text: str) -> None:
    assume(not _is_formula_lookalike(text))
    back = parse_cell(col(ColumnType.TEXT), neutralise_formula(str(export_value(col(ColumnType.TEXT), text))))
    assert back == (normalize_text(text, multiline=True) or None)
