"""The NTA CSV reader: the official Ver.4 samples, both encodings and line endings, every API version's
field count, deletion rows, history rows, and malformed lines (error with the line, or skipped)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dps.adapters.registry.nta_csv import NtaCsvError, NtaCsvReader, NtaRow, read_records, sniff_encoding
from dps.application.registry.ports import RegistrySource

SAMPLES = Path("/work/shared/reference/samples")
HEADER = "2025-01-31,3,1,1\n"
V4 = ('1,4010001234567,12,0,2024-04-05,2024-04-01,"株式会社サンプル商事",,301,"東京都","千代田区",'
      '"丸の内１丁目６番６号サンプルビル３階",,13,101,1000005,,,,,,,2015-10-05,1,"Sample Shoji Co., Ltd.",'
      '"Tokyo","1-6-6, Marunouchi, Chiyoda-ku",,"サンプルショウジ",0')
MERGED = ('2,3010401999999,21,0,2024-04-05,2024-03-29,"株式会社旧サンプル",,301,"東京都","港区",'
          '"赤坂７丁目９番７号",,13,103,1070052,,,2024-03-29,11,4010001234567,'
          '"令和６年３月１日…株式会社サンプル商事（4010001234567）に合併し解散",2015-10-05,1,,,,,,0')
DELETED = "3,4120001555555,99,,2024-04-05,,,,,,,,,,,,,,,,,,,,,,,,,"


def rows_of(text: str, encoding: str = "utf-8", **kw: object) -> tuple[NtaCsvReader, list[NtaRow]]:
    reader = NtaCsvReader(io.BytesIO(text.encode(encoding)), **kw)  # type: ignore[arg-type]
    return reader, list(reader)


def test_official_samples_parse_to_the_same_records() -> None:
    sjis = read_records((SAMPLES / "nta-num-ver4-sample-sjis.csv").read_bytes())
    utf8 = read_records((SAMPLES / "nta-num-ver4-sample-utf8.csv").read_bytes())
    assert sjis == utf8
    header, rows = utf8
    assert header is not None
    assert header.last_update_date == date(2019, 4, 5)
    assert header.count == 1
    (row,) = rows
    assert row.record.corporate_number == "5111101000006"
    assert row.record.name == "株式会社検索対象除外"
    assert row.record.street == "(東京市神田区小川町一丁目10番地)"  # NFKC for display fields
    assert row.record.update_date == date(2019, 4, 3)
    assert row.record.assignment_date == date(2015, 10, 5)
    assert row.record.postal_code == "1000000"
    assert row.record.kind == "301"
    assert row.hihyoji
    assert row.latest
    assert row.process == "01"
    assert row.name_key == "検索対象除外"
    assert row.record.source is RegistrySource.NTA


def test_sniffing_the_encoding() -> None:
    assert sniff_encoding((SAMPLES / "nta-num-ver4-sample-sjis.csv").read_bytes()) == "cp932"
    assert sniff_encoding((SAMPLES / "nta-num-ver4-sample-utf8.csv").read_bytes()) == "utf-8"
    assert sniff_encoding(b"\xef\xbb\xbf2019-04-05,1,1,1\n") == "utf-8-sig"
    assert sniff_encoding("株式会社".encode()[:-1]) == "utf-8"  # a character cut at the end of the head


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_encodings_and_line_endings_read_alike(encoding: str, newline: str) -> None:
    text = (HEADER + V4 + "\n" + MERGED + "\n" + DELETED + "\n").replace("\n", newline)
    reader, rows = rows_of(text, encoding)
    assert reader.header is not None
    assert reader.header.count == 3
    first, merged, deleted = rows
    r = first.record
    assert r.name == "株式会社サンプル商事"
    assert first.name_key == "サンプル商事"
    assert r.street == "丸の内1丁目6番6号サンプルビル3階"
    assert r.en_name == "Sample Shoji Co., Ltd."
    assert r.en_address == "1-6-6, Marunouchi, Chiyoda-ku, Tokyo"
    assert r.furigana == "サンプルショウジ"
    assert r.change_date == date(2024, 4, 1)
    assert merged.record.close_date == date(2024, 3, 29)
    assert merged.record.close_cause == "11"
    assert merged.record.successor_number == "4010001234567"
    assert merged.record.is_closed
    assert deleted.is_deletion
    assert deleted.record.name == ""
    assert deleted.name_key == ""
    assert [row.line for row in rows] == [2, 3, 4]


def test_field_counts_of_every_api_version() -> None:
    v4 = V4.split(",")
    # v1: 23 fields (no latest, en*, furigana, hihyoji); v2: 28; v3: 29. Quoted fields hold no commas here
    # except the English name, so build them from a line without English text.
    base = V4.replace('"Sample Shoji Co., Ltd.","Tokyo","1-6-6, Marunouchi, Chiyoda-ku"', ",,").split(",")
    assert len(base) == 30
    assert len(v4) > 30
    for count in (23, 28, 29, 30):
        _, (row,) = rows_of(",".join(base[:count]) + "\n")
        assert row.latest
        assert row.record.furigana == ("サンプルショウジ" if count >= 29 else "")


def test_history_rows_are_marked_not_latest() -> None:
    history = V4.replace(",2015-10-05,1,", ",2015-10-05,0,")
    _, (row,) = rows_of(HEADER + history)
    assert not row.latest


def test_a_file_without_header_line() -> None:
    reader, rows = rows_of(V4 + "\n")
    assert reader.header is None
    assert len(rows) == 1


@pytest.mark.parametrize(("line", "reason"), [
    ("1,4010001234567,01,0,2024-04-05", "expected 23, 28, 29 or 30 fields, got 5"),
    (V4.replace("4010001234567", "4010001234568"), "wrong check digit"),
    (V4.replace("4010001234567", "40100012345"), "13 digits"),
    (V4.replace("2024-04-05", "2024/04/05"), "updateDate: not a YYYY-MM-DD date"),
    (V4.replace(',12,0,', ',X,0,'), "process"),
    (V4.replace('"株式会社サンプル商事"', ""), "name: empty"),
    ('1,4010001234567,01,0,"bad"quote",x', "bad CSV quoting"),
])
def test_a_malformed_line_names_its_line_number(line: str, reason: str) -> None:
    with pytest.raises(NtaCsvError) as e:
        rows_of(HEADER + V4 + "\n" + line + "\n", name="diff.csv")
    assert e.value.line == 3
    assert reason in str(e.value)
    assert str(e.value).startswith("diff.csv:3: ")


def test_skip_bad_skips_and_counts() -> None:
    seen: list[NtaCsvError] = []
    reader, rows = rows_of(HEADER + V4 + "\nnot,a,record\n" + MERGED + "\n", skip_bad=True, on_bad=seen.append)
    assert [r.record.corporate_number for r in rows] == ["4010001234567", "3010401999999"]
    assert reader.skipped == 1
    assert [e.line for e in seen] == [3]


def test_a_bad_header_is_an_error() -> None:
    with pytest.raises(NtaCsvError, match="line 1: lastUpdateDate: not a YYYY-MM-DD date"):
        rows_of("yesterday,1,1,1\n" + V4)
    with pytest.raises(NtaCsvError, match="line 1: header: expected lastUpdateDate,count"):
        rows_of("2025-01-31,many,1,1\n" + V4)


def test_undecodable_bytes_are_an_error_with_a_line() -> None:
    data = (HEADER + V4 + "\n").encode() + b"\xff\xfe\xfa,broken\n"
    with pytest.raises(NtaCsvError, match="not utf-8 text"):
        list(NtaCsvReader(io.BytesIO(data), encoding="utf-8"))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
       .filter(lambda s: s.strip()))
@example("¢")  # encodable in cp932 but decoded as its full-width form
def test_any_name_round_trips_through_quoting(name: str) -> None:
    quoted = '"' + name.replace('"', '""') + '"'
    line = V4.replace('"株式会社サンプル商事"', quoted)
    for encoding in ("utf-8", "cp932"):
        try:
            data = (HEADER + line + "\r\n").encode(encoding)
        except UnicodeEncodeError:
            continue
        if name.encode(encoding).decode(encoding) != name:  # cp932 maps e.g. ¢ to its full-width form: no round trip
            continue
        (row,) = list(NtaCsvReader(io.BytesIO(data), encoding=encoding))
        assert row.record.name == name
