"""The first load into the empty registry on several PostgreSQL connections (`pg_parallel_load`): the same
table as the single-transaction load, the same indexes and constraint names after the swap, the same
error for a bad line (file and line, wherever the part boundaries fall), the usual path for deletions,
duplicate numbers and a registry that already has rows, and nothing left behind."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.registry import registry_corporations
from dps.adapters.registry.offline import OfflineRegistry
from dps.adapters.registry.pg_files import layout
from dps.adapters.registry.pg_parallel_load import LOAD_TABLE, STAGE_PREFIX, first_line, split
from dps.application.shared.errors import Invalid
from tests.integration.registry.test_offline_registry import line, num, write

NAMES = ["株式会社サンプル商事", "サンプル株式会社", "合同会社ミライ", "ＡＢＣ　Ｈｏｌｄｉｎｇｓ株式会社",
         "有限会社ひかり", "一般社団法人テクノ協会", "株式会社 株式会社", "東京ｼｽﾃﾑ株式会社", "Global Foods Co., Ltd."]


def numbers(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [num(f"{b:012d}") for b in rng.sample(range(10**11, 10**12), n)]


def rows(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [line(i + 1, number, f"{rng.choice(NAMES)}{i}", hihyoji=rng.choice("0001"),
                 en_name=rng.choice(["", "Sample Co., Ltd."]), furigana=rng.choice(["", "サンプル"]))
            for i, number in enumerate(numbers(n, seed))]


def table(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(registry_corporations).order_by(registry_corporations.c.corporate_number))]


def schema(engine: sa.Engine) -> tuple[list[tuple[Any, ...]], ...]:
    """Indexes, constraints and columns of the registry table, as the catalogue describes them."""
    with engine.connect() as conn:
        indexes = conn.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registry_corporations' "
            "ORDER BY indexname").all()
        constraints = conn.exec_driver_sql(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'registry_corporations'::regclass ORDER BY conname").all()
        columns = conn.exec_driver_sql(
            "SELECT column_name, data_type, is_nullable, column_default, ordinal_position "
            "FROM information_schema.columns WHERE table_name = 'registry_corporations' "
            "ORDER BY ordinal_position").all()
    return [tuple(r) for r in indexes], [tuple(r) for r in constraints], [tuple(r) for r in columns]


def leftovers(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE %(s)s OR tablename = %(l)s",
            {"s": f"{STAGE_PREFIX}%", "l": LOAD_TABLE}).scalars())


def parallel(engine: sa.Engine) -> OfflineRegistry:
    """Every file is large enough, and cut into parts of a few KB."""
    return OfflineRegistry(engine, parallel_min_bytes=0, parallel_min_part=4096)


def single(engine: sa.Engine) -> OfflineRegistry:
    return OfflineRegistry(engine, load_workers=1)


def empty(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(registry_corporations.delete())


@pytest.mark.parametrize(("encoding", "newline", "bom"), [("cp932", "\r\n", False), ("utf-8", "\n", True)])
def test_the_parallel_load_makes_the_table_the_single_load_makes(
        pg_engine: sa.Engine, tmp_path: Path, encoding: str, newline: str, bom: bool) -> None:
    path = write(tmp_path / "bulk.csv", rows(400), encoding=encoding, newline=newline)
    if bom:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    before = schema(pg_engine)
    assert len(split([layout(path)], 3, min_part=4096)) == 3  # really cut into parts

    seen: list[int] = []
    registry = parallel(pg_engine)
    summary = registry.load([path], seen.append)
    assert {"copy", "normalise", "indexes", "swap"} <= set(registry.last_timings)  # the parallel path ran
    assert (summary.rows, summary.inserted, summary.skipped) == (400, 400, 0)
    assert sum(seen) == path.stat().st_size
    loaded = table(pg_engine)
    assert schema(pg_engine) == before  # same columns, defaults, primary key and index names
    assert leftovers(pg_engine) == []

    empty(pg_engine)
    reference = single(pg_engine)
    reference.load([path])
    assert reference.last_timings == {}
    assert table(pg_engine) == loaded


def test_names_are_searchable_after_the_swap(pg_engine: sa.Engine, tmp_path: Path) -> None:
    path = write(tmp_path / "bulk.csv", [line(1, num("010001234567"), "株式会社サンプル商事"), *rows(200)[1:]])
    registry = parallel(pg_engine)
    registry.load([path])
    assert registry.search_name("ｻﾝﾌﾟﾙ商事")[0].corporate_number == num("010001234567")
    assert registry.search_name("サンプル商亊")[0].corporate_number == num("010001234567")  # the trigram index
    # a later diff takes the usual upsert on the swapped table
    renamed = line(1, num("010001234567"), "株式会社サンプルホールディングス", process="11")
    diff = write(tmp_path / "diff.csv", [renamed])
    summary = registry.apply_diff([diff])
    assert (summary.inserted, summary.updated) == (0, 1)


def test_a_bad_line_in_a_later_part_is_named_by_its_file_line(pg_engine: sa.Engine, tmp_path: Path) -> None:
    good = rows(300)
    bad_number = good[250].split(",")[1]
    good[250] = good[250].replace(bad_number, bad_number[:-1] + str((int(bad_number[-1]) + 1) % 10), 1)
    path = write(tmp_path / "bad.csv", good)
    parts = split([layout(path)], 2, min_part=4096)
    assert len(parts) == 2
    assert first_line(parts[1]) < 252  # the bad line lies in the second part
    with pytest.raises(Invalid) as e:
        parallel(pg_engine).load([path])
    assert f"{path}:252:" in e.value.errors["file"]  # header line + 251st record
    assert "check digit" in e.value.errors["file"]
    assert table(pg_engine) == []
    assert leftovers(pg_engine) == []


def test_a_bad_quote_in_a_later_part_is_named_by_its_file_line(pg_engine: sa.Engine, tmp_path: Path) -> None:
    good = rows(300)
    good[280] = '281,"a"b,01'
    path = write(tmp_path / "bad.csv", good)
    with pytest.raises(Invalid) as e:
        parallel(pg_engine).load([path])
    assert f"{path}:282:" in e.value.errors["file"]
    assert "quoting" in e.value.errors["file"]
    assert leftovers(pg_engine) == []


def test_duplicates_and_deletions_take_the_usual_path(pg_engine: sa.Engine, tmp_path: Path) -> None:
    body = rows(300)
    again = body[10].split(",")[1]
    body.append(line(301, again, "株式会社最後の名前", process="12"))  # the same number, later: it wins
    path = write(tmp_path / "dup.csv", body)
    registry = parallel(pg_engine)
    seen: list[int] = []
    summary = registry.load([path], seen.append)
    assert registry.last_timings == {}  # fell back: nothing half-built
    assert sum(seen) == path.stat().st_size  # the bar shows the file read once
    assert summary.inserted == 300
    assert registry.by_numbers([again])[0].name == "株式会社最後の名前"
    assert leftovers(pg_engine) == []

    empty(pg_engine)
    gone = body[20].split(",")[1]
    path = write(tmp_path / "del.csv", [*rows(300), f"301,{gone},99,,2024-04-10,,,,,,,,,,,,,,,,,,,,,,,,,"])
    registry = parallel(pg_engine)
    summary = registry.load([path])
    assert registry.last_timings == {}
    assert (summary.inserted, registry.by_numbers([gone])) == (299, [])


def test_a_registry_with_rows_is_not_swapped(pg_engine: sa.Engine, tmp_path: Path) -> None:
    first = write(tmp_path / "first.csv", [line(1, num("010001234567"), "株式会社サンプル商事")])
    single(pg_engine).load([first])
    registry = parallel(pg_engine)
    summary = registry.load([write(tmp_path / "bulk.csv", rows(200))])
    assert registry.last_timings == {}
    assert summary.inserted == 200
    assert len(table(pg_engine)) == 201


def test_history_lines_are_checked_and_skipped(pg_engine: sa.Engine, tmp_path: Path) -> None:
    records = rows(300)
    history = [line(1000 + i, records[i * 30].split(",")[1], f"旧名称{i}", latest="0") for i in range(10)]
    path = write(tmp_path / "history.csv", [*records[:150], *history, *records[150:]])
    registry = parallel(pg_engine)
    summary = registry.load([path])
    assert "normalise" in registry.last_timings
    assert (summary.rows, summary.inserted, summary.skipped) == (310, 300, 10)
    loaded = table(pg_engine)
    empty(pg_engine)
    single(pg_engine).load([path])
    assert table(pg_engine) == loaded

    empty(pg_engine)
    history[3] = history[3].replace(",2024-04-05,", ",2024-4-5,", 1)  # a history line is checked too
    bad = write(tmp_path / "bad_history.csv", [*records[:150], *history, *records[150:]])
    with pytest.raises(Invalid) as e:
        parallel(pg_engine).load([bad])
    assert f"{bad}:155:" in e.value.errors["file"]
    assert table(pg_engine) == []
    assert leftovers(pg_engine) == []


def test_of_two_bad_lines_in_two_parts_the_first_is_named(pg_engine: sa.Engine, tmp_path: Path) -> None:
    good = rows(300)
    for i in (40, 250):
        good[i] = good[i].replace(",2024-04-05,", ",2024-04,", 1)
    path = write(tmp_path / "bad.csv", good)
    assert len(split([layout(path)], 2, min_part=4096)) == 2
    with pytest.raises(Invalid) as e:
        parallel(pg_engine).load([path])
    assert f"{path}:42:" in e.value.errors["file"]
    assert leftovers(pg_engine) == []


@pytest.mark.parametrize("date_text", ["2024-02-30", "2024-4-5", "2024/04/05"])
@pytest.mark.parametrize("load", [parallel, single])
def test_a_date_the_reader_rejects_is_named_even_in_a_history_line(
        pg_engine: sa.Engine, tmp_path: Path, date_text: str, load: Callable[[sa.Engine], OfflineRegistry]) -> None:
    records = rows(300)
    history = line(999, records[10].split(",")[1], "旧名称", latest="0", update=date_text)
    path = write(tmp_path / "dates.csv", [*records[:200], history, *records[200:]])
    with pytest.raises(Invalid) as e:
        load(pg_engine).load([path])
    assert f"{path}:202:" in e.value.errors["file"]
    assert "YYYY-MM-DD" in e.value.errors["file"]
    assert table(pg_engine) == []
    assert leftovers(pg_engine) == []
