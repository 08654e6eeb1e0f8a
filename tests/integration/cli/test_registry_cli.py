"""`dps registry load|update|lookup` against a fresh SQLite database: summaries, JSON lines, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.cli.conftest import Dps, log_lines
from tests.integration.registry.test_offline_registry import (
    GONE,
    NEW,
    OLD,
    SAMPLE,
    SAMPLE_ONLY,
    SAMPLES,
    line,
    write,
)


def _bulk(tmp_path: Path) -> Path:
    return write(tmp_path / "bulk.csv", [
        line(1, SAMPLE, "株式会社サンプル商事"), line(2, SAMPLE_ONLY, "サンプル株式会社"),
        line(3, OLD, "株式会社旧サンプル"), line(4, GONE, "合同会社ミライ"),
    ], encoding="cp932", newline="\r\n")


def test_load_update_and_lookup(migrated: Dps, tmp_path: Path) -> None:
    bulk = _bulk(tmp_path)
    result = migrated("registry", "load", str(bulk), str(SAMPLES / "nta-num-ver4-sample-utf8.csv"))
    assert result.exit_code == 0, result.output
    assert "load: ファイル files 2, 行 rows 5, 追加 loaded 5, 更新 updated 0, 削除 deleted 0" in result.output

    logged = [x for x in log_lines(tmp_path / "logs" / "_system" / "system.log") if x["event"] == "registry.load"]
    assert logged[-1]["inserted"] == 5
    assert logged[-1]["actor"] == "cli:tester"

    again = migrated("registry", "load", str(bulk))
    assert again.exit_code == 0
    assert "追加 loaded 0, 更新 updated 0" in again.output

    diff = write(tmp_path / "diff.csv", [
        line(1, NEW, "新規ネット株式会社"),
        line(2, OLD, "株式会社旧サンプル", process="71", close_date="2024-03-29", close_cause="11",
             successor=SAMPLE),
        f"3,{GONE},99,,2024-04-10,,,,,,,,,,,,,,,,,,,,,,,,,",
    ])
    result = migrated("registry", "update", str(diff))
    assert result.exit_code == 0, result.output
    assert "update: ファイル files 1, 行 rows 3, 追加 loaded 1, 更新 updated 1, 削除 deleted 1" in result.output

    result = migrated("registry", "lookup", f"T{OLD[:4]}-{OLD[4:]}")  # an invoice number with a hyphen
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(x) for x in result.output.splitlines()]
    assert record["corporate_number"] == OLD
    assert record["close_date"] == "2024-03-29"
    assert record["successor_number"] == SAMPLE
    assert record["source"] == "offline"

    result = migrated("registry", "lookup", "ｻﾝﾌﾟﾙ")
    assert result.exit_code == 0, result.output
    numbers = [json.loads(x)["corporate_number"] for x in result.output.splitlines()]
    assert numbers[:2] == [SAMPLE_ONLY, SAMPLE]
    assert OLD in numbers

    result = migrated("registry", "lookup", "(株)サンプル商事", "--limit", "1")
    assert [json.loads(x)["name"] for x in result.output.splitlines()] == ["株式会社サンプル商事"]

    missing = migrated("registry", "lookup", GONE)
    assert missing.exit_code == 3


def test_a_bad_file_exits_2_with_its_line_number(migrated: Dps, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", [line(1, NEW, "新規株式会社"), line(2, "1234567890123", "誤り株式会社")])
    result = migrated("registry", "load", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3: corporateNumber: wrong check digit" in result.output
    assert migrated("registry", "lookup", NEW).exit_code == 3  # nothing was written

    skipped = migrated("registry", "load", "--skip-bad", str(bad))
    assert skipped.exit_code == 0, skipped.output
    assert "追加 loaded 1" in skipped.output
    assert "不正 bad 1" in skipped.output
    assert f"{bad}:3:" in skipped.output  # the skipped line is listed (stderr)


def test_missing_file_and_database_url(dps: Dps, tmp_path: Path) -> None:
    assert dps("registry", "load", str(tmp_path / "nope.csv")).exit_code == 2
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert dps("--help").exit_code == 0
    assert dps("db", "upgrade", env={"DPS_DATABASE_URL": other}).exit_code == 0
    result = dps("registry", "load", "--database-url", other, str(_bulk(tmp_path)))
    assert result.exit_code == 0, result.output
    assert dps("registry", "lookup", "--database-url", other, SAMPLE).exit_code == 0
    unmigrated = dps("registry", "lookup", SAMPLE)  # the default database was never migrated
    assert unmigrated.exit_code == 6
    assert "dps db upgrade" in unmigrated.output
