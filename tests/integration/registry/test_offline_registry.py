"""The offline registry on SQLite and PostgreSQL: the official samples and a synthetic bulk file load,
numbers and names are found (width, kana and corporate-form variants), diffs apply (new, changed,
closed, merged, deleted; history rows ignored), a reload changes nothing, a bad file changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.registry import registry_corporations
from dps.adapters.registry import offline as offline_module
from dps.adapters.registry.offline import OfflineRegistry
from dps.application.registry.ports import RegistrySource
from dps.application.shared.errors import Invalid
from dps.domain.registry.corporate_number import check_digit

SAMPLES = Path("/work/shared/reference/samples")


def num(base12: str) -> str:
    return f"{check_digit(base12)}{base12}"


SAMPLE = num("010001234567")      # 株式会社サンプル商事
SAMPLE_ONLY = num("010001234568")  # サンプル (exact match for the query サンプル)
OLD = num("010401999999")         # 株式会社旧サンプル, merged into SAMPLE by the diff
GONE = num("120001555555")        # 合同会社ミライ, deleted by the diff
HIDDEN = num("010001000001")      # サンプル隠し (hihyoji)
ENGLISH = num("010001000002")     # ABC Holdings Co., Ltd.
NEW = num("010001000003")         # 新規ネット株式会社, added by the diff


def line(seq: int, number: str, name: str, *, process: str = "01", latest: str = "1", close_date: str = "",
         close_cause: str = "", successor: str = "", hihyoji: str = "0", en_name: str = "",
         furigana: str = "", update: str = "2024-04-05") -> str:
    q = f'"{name}"' if name else ""
    en = f'"{en_name}"' if en_name else ""
    fu = f'"{furigana}"' if furigana else ""
    return (f'{seq},{number},{process},0,{update},2024-04-01,{q},,301,"東京都","千代田区","丸の内１丁目",,13,101,'
            f"1000005,,,{close_date},{close_cause},{successor},,2015-10-05,{latest},{en},,,,{fu},{hihyoji}")


def write(path: Path, lines: list[str], *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes((f"2024-04-05,{len(lines)},1,1" + newline + newline.join(lines) + newline).encode(encoding))
    return path


@pytest.fixture
def bulk(tmp_path: Path) -> Path:
    return write(tmp_path / "bulk.csv", [
        line(1, SAMPLE, "株式会社サンプル商事", en_name="Sample Shoji Co., Ltd.", furigana="サンプルショウジ"),
        line(2, SAMPLE_ONLY, "サンプル株式会社"),
        line(3, OLD, "株式会社旧サンプル"),
        line(4, GONE, "合同会社ミライ"),
        line(5, HIDDEN, "株式会社サンプル隠し", hihyoji="1"),
        line(6, ENGLISH, "ＡＢＣ　Ｈｏｌｄｉｎｇｓ株式会社", en_name="ABC Holdings Co., Ltd."),
    ], encoding="cp932", newline="\r\n")


@pytest.fixture
def diff(tmp_path: Path) -> Path:
    return write(tmp_path / "diff_20240410.csv", [
        line(1, NEW, "新規ネット株式会社", update="2024-04-10"),
        line(2, SAMPLE, "株式会社サンプル商事", process="11", latest="0", update="2024-04-10"),  # history row
        line(3, SAMPLE, "株式会社サンプルホールディングス", process="11", update="2024-04-10"),
        line(4, OLD, "株式会社旧サンプル", process="71", close_date="2024-03-29", close_cause="11",
             successor=SAMPLE, update="2024-04-10"),
        f"5,{GONE},99,,2024-04-10,,,,,,,,,,,,,,,,,,,,,,,,,",
    ])


def count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(registry_corporations)).scalar_one())


def test_the_official_samples_load_alike(engine: sa.Engine) -> None:
    registry = OfflineRegistry(engine)
    summary = registry.load([SAMPLES / "nta-num-ver4-sample-sjis.csv"])
    assert (summary.rows, summary.inserted, summary.updated) == (1, 1, 0)
    (record,) = registry.by_numbers(["5111101000006"])
    again = registry.load([SAMPLES / "nta-num-ver4-sample-utf8.csv"])
    assert (again.inserted, again.updated) == (0, 0)  # the same record in the other encoding
    assert registry.by_numbers(["5111101000006"]) == [record]
    assert record.name == "株式会社検索対象除外"
    assert record.source is RegistrySource.OFFLINE
    assert record.update_date == date(2019, 4, 3)
    assert record.postal_code == "1000000"
    assert registry.search_name("検索対象除外") == []  # hihyoji: kept out of name search only


def test_numbers_are_found_in_one_call(engine: sa.Engine, bulk: Path) -> None:
    registry = OfflineRegistry(engine)
    summary = registry.load([bulk])
    assert (summary.files, summary.rows, summary.inserted, summary.skipped) == (1, 6, 6, 0)
    found = registry.by_numbers([ENGLISH, "1234567890123", SAMPLE, SAMPLE])
    assert [r.corporate_number for r in found] == [ENGLISH, SAMPLE]
    sample = found[1]
    assert sample.en_name == "Sample Shoji Co., Ltd."
    assert sample.furigana == "サンプルショウジ"
    assert sample.street == "丸の内1丁目"
    assert sample.address == "東京都千代田区丸の内1丁目"
    assert registry.by_numbers([]) == []
    assert [r.corporate_number for r in registry.by_numbers([HIDDEN])] == [HIDDEN]


def test_display_fields_are_stored_as_published_and_normalised_on_read(engine: sa.Engine, bulk: Path) -> None:
    registry = OfflineRegistry(engine)
    registry.load([bulk])
    with engine.connect() as conn:
        stored = conn.execute(sa.select(registry_corporations.c.street)
                              .where(registry_corporations.c.corporate_number == SAMPLE)).scalar_one()
    assert stored == "丸の内１丁目"  # as the NTA publishes it
    (sample,) = registry.by_numbers([SAMPLE])
    assert sample.street == "丸の内1丁目"
    # the Python reader's path stores the same: reloading through it changes nothing
    again = registry.load([bulk], skip_bad=True)
    assert (again.inserted, again.updated) == (0, 0)
    assert registry.by_numbers([SAMPLE]) == [sample]


@pytest.mark.parametrize("query", [
    "サンプル商事", "株式会社サンプル商事", "サンプル商事 株式会社", "(株)サンプル商事", "㈱サンプル商事",
    "さんぷる商事", "ｻﾝﾌﾟﾙ商事", "ｶﾌﾞｼｷｶﾞｲｼｬ ｻﾝﾌﾟﾙ商事", "　サンプル商事　",
])
def test_name_variants_find_the_same_corporation_first(engine: sa.Engine, bulk: Path, query: str) -> None:
    registry = OfflineRegistry(engine)
    registry.load([bulk])
    found = registry.search_name(query)
    assert found
    assert found[0].corporate_number == SAMPLE


def test_exact_then_prefix_then_partial(engine: sa.Engine, bulk: Path) -> None:
    registry = OfflineRegistry(engine)
    registry.load([bulk])
    found = [r.corporate_number for r in registry.search_name("サンプル")]
    assert found[:2] == [SAMPLE_ONLY, SAMPLE]  # exact key first, then names starting with it
    assert OLD in found
    assert HIDDEN not in found
    assert [r.corporate_number for r in registry.search_name("ンプル商")] == [SAMPLE]
    assert [r.corporate_number for r in registry.search_name("abc holdings")] == [ENGLISH]
    assert [r.corporate_number for r in registry.search_name("ＡＢＣ ホールディングス")] == []
    assert registry.search_name("さん", limit=1)[0].corporate_number == SAMPLE_ONLY
    assert registry.search_name("株式会社") == []  # a bare form matches no name key
    assert registry.search_name("  ") == []
    assert registry.search_name("サンプル", limit=0) == []
    assert registry.search_name("100%") == []
    assert registry.search_name("サン_ル") == []


def test_a_reload_is_idempotent(engine: sa.Engine, bulk: Path) -> None:
    registry = OfflineRegistry(engine)
    registry.load([bulk])
    before = registry.by_numbers([SAMPLE, OLD, ENGLISH])
    again = registry.load([bulk, bulk])
    assert (again.rows, again.inserted, again.updated, again.deleted) == (12, 0, 0, 0)
    assert count(engine) == 6
    assert registry.by_numbers([SAMPLE, OLD, ENGLISH]) == before


def test_a_diff_adds_changes_closes_merges_and_deletes(engine: sa.Engine, bulk: Path, diff: Path) -> None:
    registry = OfflineRegistry(engine)
    registry.load([bulk])
    summary = registry.apply_diff([diff])
    assert (summary.rows, summary.inserted, summary.updated, summary.deleted, summary.skipped) == (5, 1, 2, 1, 1)
    records = {r.corporate_number: r for r in registry.by_numbers([NEW, SAMPLE, OLD, GONE])}
    assert set(records) == {NEW, SAMPLE, OLD}
    assert records[NEW].name == "新規ネット株式会社"
    assert records[NEW].update_date == date(2024, 4, 10)
    assert records[SAMPLE].name == "株式会社サンプルホールディングス"  # the history row did not win
    old = records[OLD]
    assert old.is_closed
    assert old.close_date == date(2024, 3, 29)
    assert old.close_cause == "11"
    assert old.successor_number == SAMPLE
    assert [r.corporate_number for r in registry.search_name("サンプルホールディングス")] == [SAMPLE]
    assert SAMPLE not in [r.corporate_number for r in registry.search_name("サンプル商事")]  # old name gone
    assert OLD in [r.corporate_number for r in registry.search_name("旧サンプル")]  # closed ones still found
    again = registry.apply_diff([diff])
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)


def test_the_last_row_of_a_number_wins_within_a_diff(engine: sa.Engine, tmp_path: Path) -> None:
    registry = OfflineRegistry(engine)
    first = write(tmp_path / "d1.csv", [
        line(1, NEW, "一番目株式会社"), f"2,{NEW},99,,2024-04-10,,,,,,,,,,,,,,,,,,,,,,,,,",
        line(3, NEW, "三番目株式会社"),
        line(4, GONE, "消える株式会社"), f"5,{GONE},99,,2024-04-10,,,,,,,,,,,,,,,,,,,,,,,,,",
    ])
    summary = registry.apply_diff([first])
    assert (summary.inserted, summary.deleted) == (1, 0)
    assert [r.name for r in registry.by_numbers([NEW, GONE])] == ["三番目株式会社"]


def test_a_bad_line_aborts_the_load_and_changes_nothing(engine: sa.Engine, bulk: Path, tmp_path: Path) -> None:
    registry = OfflineRegistry(engine)
    registry.load([bulk])
    bad = write(tmp_path / "bad.csv", [line(1, NEW, "新規株式会社"), "2,123,01,0,2024-04-05"])
    with pytest.raises(Invalid) as e:
        registry.load([bad])
    assert f"{bad}:3:" in e.value.errors["file"]
    assert count(engine) == 6
    assert registry.by_numbers([NEW]) == []
    summary = registry.load([bad], skip_bad=True)
    assert (summary.inserted, summary.bad, summary.skipped) == (1, 1, 1)
    assert summary.bad_lines
    assert f"{bad}:3:" in summary.bad_lines[0]


def test_progress_reports_every_byte(engine: sa.Engine, bulk: Path, diff: Path) -> None:
    seen: list[int] = []
    OfflineRegistry(engine).load([bulk, diff], seen.append)
    assert sum(seen) == bulk.stat().st_size + diff.stat().st_size


def test_a_typo_still_finds_the_name_on_postgresql(engine: sa.Engine, bulk: Path) -> None:
    registry = OfflineRegistry(engine)
    registry.load([bulk])
    found = [r.corporate_number for r in registry.search_name("サンプル商亊")]  # 亊 for 事
    if engine.dialect.name == "postgresql":
        assert found[0] == SAMPLE  # nothing contains it: trigram similarity answers
    else:
        assert found == []  # SQLite matches text it contains, nothing fuzzy


def test_postgresql_loads_on_the_server(pg_engine: sa.Engine, bulk: Path, diff: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL the bytes go to COPY and SQL normalises: the Python row path is not used."""

    def no_python(*_: object) -> None:
        raise AssertionError("the Python row path was used")

    monkeypatch.setattr(offline_module._PgLoader, "run", no_python)
    registry = OfflineRegistry(pg_engine)
    assert registry.load([bulk]).inserted == 6
    assert registry.apply_diff([diff]).deleted == 1  # a deletion takes the general statement
    assert registry.search_name("ｻﾝﾌﾟﾙﾎｰﾙﾃﾞｨﾝｸﾞｽ")[0].corporate_number == SAMPLE


@pytest.mark.parametrize(("bad", "reason"), [
    (line(2, NEW[:-1] + str((int(NEW[-1]) + 1) % 10), "新規株式会社"), "check digit"),
    (line(2, NEW, "新規株式会社", update="2024-02-30"), "updateDate"),
    (line(2, NEW, "新規株式会社", latest="2"), "latest"),
    (line(2, NEW, ""), "name: empty"),
    (line(2, NEW, "新規株式会社", successor="1234567890123"), "successorCorporateNumber"),
    ('2,"a"b,01', "quoting"),
])
def test_a_bad_value_is_named_by_file_and_line(engine: sa.Engine, tmp_path: Path, bad: str, reason: str) -> None:
    first, last = line(1, SAMPLE, "株式会社サンプル商事"), line(3, OLD, "株式会社旧サンプル")
    path = write(tmp_path / "bad.csv", [first, bad, last])
    with pytest.raises(Invalid) as e:
        OfflineRegistry(engine).load([path])
    assert f"{path}:3:" in e.value.errors["file"]
    assert reason in e.value.errors["file"]
    assert count(engine) == 0


def test_bom_headerless_and_older_versions_load(engine: sa.Engine, tmp_path: Path) -> None:
    v1 = tmp_path / "v1.csv"  # API v1: 23 fields, UTF-8 with a BOM, no header line
    v1.write_bytes(b"\xef\xbb\xbf" + ",".join(line(1, SAMPLE, "株式会社サンプル商事").split(",")[:23]).encode() + b"\n")
    v2 = tmp_path / "v2.csv"  # API v2: 28 fields (latest, English name), Shift_JIS, CRLF
    v2.write_bytes((",".join(line(1, OLD, "株式会社旧サンプル", en_name="Old Sample").split(",")[:28])
                    + "\r\n").encode("cp932"))
    registry = OfflineRegistry(engine)
    summary = registry.load([v1, v2])
    assert (summary.rows, summary.inserted) == (2, 2)
    sample, old = registry.by_numbers([SAMPLE, OLD])
    assert (sample.name, sample.furigana, sample.en_name) == ("株式会社サンプル商事", "", "")
    assert sample.street == "丸の内1丁目"
    assert old.en_name == "Old Sample"
    assert registry.search_name("サンプル商事")[0].corporate_number == SAMPLE


def test_a_blank_line_is_skipped_as_before(engine: sa.Engine, tmp_path: Path) -> None:
    """COPY rejects a blank line the Python reader skips: such a file still loads (through Python)."""
    first, last = line(1, SAMPLE, "株式会社サンプル商事"), line(2, OLD, "株式会社旧サンプル")
    path = write(tmp_path / "blank.csv", [first, "", last])
    summary = OfflineRegistry(engine).load([path])
    assert (summary.rows, summary.inserted) == (2, 2)
