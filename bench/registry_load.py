"""Offline corporate registry on PostgreSQL: load a synthetic NTA-format CSV (Ver.4, 30 fields) with DPS's
`dps registry load` path, against a plain COPY of the same file in the same run, then time name search.

    .venv/bin/python bench/registry_load.py --rows 1000000
    .venv/bin/python bench/registry_load.py                   # 5,000,000 rows
    DPS_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench .venv/bin/python bench/registry_load.py

The run creates (and at the end drops, unless --keep) the database `dps_registry_bench` on the server
of DPS_BENCH_PG_URL, migrates it, and streams the generated file (seeded, in a temp directory) to:
(a) the floor: `COPY ... FROM STDIN (FORMAT csv)` of the file's bytes into a bare table with the file's
    30 text columns (the server parses; no keys, no indexes, nothing normalised);
(b) (a) plus building the registry's indexes once: primary key on the number, btree (text_pattern_ops)
    and trigram GIN on name_search, timed over the loaded table's data (then rolled back), so the same
    indexes over the same keys (a GIN over the raw names, 株式会社 and all, would cost more);
(c) `OfflineRegistry.load`, the code `dps registry load` runs: the first load into the empty registry
    on two connections (ADR 0021: the file cut in two, each half COPYed into a staging table, checked
    and normalised in SQL - NFKC fields, the name-search key - into a fresh table, whose primary key and
    indexes are built side by side, then swapped in); its steps are printed; then an identical reload
    (one transaction, nothing changes); with --single, the one-connection first load as well;
(d) for reference (unless --no-python-floor), the Python parser's cost: COPY of the rows parsed in
    Python (the `--skip-bad` path) into a bare table with the registry's columns, and the same indexes.
Printed: DPS load time, ratio to (a) [target <= 1.5x] and to (b). Then 200 sampled name queries (whole
names, parts, kana, with/without 株式会社, half-width) through `OfflineRegistry.search_name`: median and
p95 [target: median < 50 ms]. The load average is printed with the timings (the machine may be shared).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.text_variants import full_width, half_width

from dps.adapters.db.engine import create_engine
from dps.adapters.db.migrations_runner import upgrade
from dps.adapters.registry.nta_csv import NtaCsvReader
from dps.adapters.registry.offline import COLUMNS, OfflineRegistry, row_values
from dps.domain.registry.corporate_number import check_digit

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dps_bench"
BENCH_DB = "dps_registry_bench"

PREFECTURES = [("東京都", "13", ["千代田区", "中央区", "港区", "新宿区", "渋谷区", "品川区"]),
               ("大阪府", "27", ["大阪市北区", "大阪市中央区", "堺市堺区", "吹田市"]),
               ("愛知県", "23", ["名古屋市中区", "豊田市", "岡崎市"]),
               ("北海道", "01", ["札幌市北区", "旭川市", "函館市"]),
               ("福岡県", "40", ["福岡市博多区", "北九州市小倉北区"]),
               ("神奈川県", "14", ["横浜市西区", "川崎市中原区", "相模原市中央区"])]
KANJI = ["山田", "田中", "日本", "東京", "大阪", "中央", "第一", "新日本", "北海", "丸山", "青木", "富士", "桜井", "三和",
         "大和", "光", "栄", "松本", "高橋", "石川", "技研", "精機", "工業", "電機", "建設", "商事", "物産", "産業",
         "運輸", "食品", "製作所", "興業", "開発", "不動産", "印刷", "薬品", "化学", "電子", "情報", "設計"]
KANA = [("サンプル", "サンプル"), ("アオゾラ", "アオゾラ"), ("ミライ", "ミライ"), ("ヒカリ", "ヒカリ"),
        ("グローバル", "グローバル"), ("テクノ", "テクノ"), ("システム", "システム"), ("ネット", "ネット"),
        ("ソリューションズ", "ソリューションズ"), ("フーズ", "フーズ"), ("ホールディングス", "ホールディングス"),
        ("ライフ", "ライフ"), ("エンジニアリング", "エンジニアリング"), ("デザイン", "デザイン")]
READING = {"山田": "ヤマダ", "田中": "タナカ", "日本": "ニホン", "東京": "トウキョウ", "大阪": "オオサカ",
           "中央": "チュウオウ", "第一": "ダイイチ", "新日本": "シンニホン", "北海": "ホッカイ", "丸山": "マルヤマ",
           "青木": "アオキ", "富士": "フジ", "桜井": "サクライ", "三和": "サンワ", "大和": "ヤマト", "光": "ヒカリ",
           "栄": "サカエ", "松本": "マツモト", "高橋": "タカハシ", "石川": "イシカワ", "技研": "ギケン",
           "精機": "セイキ", "工業": "コウギョウ", "電機": "デンキ", "建設": "ケンセツ", "商事": "ショウジ",
           "物産": "ブッサン", "産業": "サンギョウ", "運輸": "ウンユ", "食品": "ショクヒン", "製作所": "セイサクショ",
           "興業": "コウギョウ", "開発": "カイハツ", "不動産": "フドウサン", "印刷": "インサツ", "薬品": "ヤクヒン",
           "化学": "カガク", "電子": "デンシ", "情報": "ジョウホウ", "設計": "セッケイ"}
FORMS = [("株式会社", "301", 0.55, True), ("株式会社", "301", 0.2, False), ("有限会社", "302", 0.1, True),
         ("合同会社", "305", 0.08, False), ("一般社団法人", "399", 0.04, True), ("", "499", 0.03, True)]




def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if text else ""


def synthetic_rows(rows: int, seed: int) -> Iterator[tuple[str, str]]:
    """(CSV line, name) for `rows` corporations: valid numbers, names with corporate forms, kana, addresses."""
    rnd = random.Random(seed)
    weights = [f[2] for f in FORMS]
    for i in range(rows):
        base = f"{(101_000_000_000 + i * 7919) % 10**12:012d}"
        number = f"{check_digit(base)}{base}"
        parts = rnd.choices([0, 1], weights=[0.6, 0.4], k=rnd.randint(1, 3))
        words, reading = [], []
        for p in parts:
            if p:
                w, r = rnd.choice(KANA)
            else:
                w = rnd.choice(KANJI)
                r = READING[w]
            words.append(w)
            reading.append(r)
        if rnd.random() < 0.05:
            latin = rnd.choice(["ABC", "NTT", "IT", "KDS", "JP", "AI"])
            words.insert(0, full_width(latin, spaces=True))
            reading.insert(0, latin)
        core = "".join(words)
        form, kind, _, front = rnd.choices(FORMS, weights=weights)[0]
        name = f"{form}{core}" if front else f"{core}{form}"
        pref, pref_code, cities = rnd.choice(PREFECTURES)
        city = rnd.choice(cities)
        street = full_width(f"{rnd.randint(1, 9)}丁目{rnd.randint(1, 30)}番{rnd.randint(1, 20)}号", spaces=True)
        postal = f"{rnd.randint(1000000, 9999999)}"
        closed = rnd.random() < 0.1
        close_date = f"20{rnd.randint(16, 24)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}" if closed else ""
        fields = [str(i + 1), number, "01", "0", "2024-04-05", "2015-10-05", _quote(name), "", kind,
                  _quote(pref), _quote(city), _quote(street), "", pref_code, f"{rnd.randint(100, 999)}", postal,
                  "", "", close_date, "01" if closed else "", "", "", "2015-10-05", "1",
                  "", "", "", "", _quote("".join(reading)), "1" if rnd.random() < 0.002 else "0"]
        yield ",".join(fields), name


def generate(path: Path, rows: int, seed: int) -> list[str]:
    """Write the file (UTF-8, LF, with the header line) and return a sample of 2,000 names."""
    sample: list[str] = []
    rnd = random.Random(seed + 1)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f"2024-04-05,{rows},1,1\n")
        for n, (line, name) in enumerate(synthetic_rows(rows, seed)):
            out.write(line)
            out.write("\n")
            if len(sample) < 2000:
                sample.append(name)
            elif (j := rnd.randrange(n + 1)) < 2000:
                sample[j] = name
    return sample


def sample_names(path: Path, count: int = 2000) -> list[str]:
    """A sample of the names of a file made by `generate` (the 7th field of every 997th line)."""
    out: list[str] = []
    with path.open(encoding="utf-8") as f:
        f.readline()
        for n, line in enumerate(f):
            if n % 997 == 0:
                out.append(next(csv.reader([line]))[6])
                if len(out) >= count:
                    break
    return out


def queries(names: list[str], count: int, seed: int) -> list[str]:
    """Whole names, parts, kana spellings, with and without 株式会社, half-width variants."""
    rnd = random.Random(seed)
    out: list[str] = []
    forms = ("株式会社", "有限会社", "合同会社", "一般社団法人")
    while len(out) < count:
        name = rnd.choice(names)
        core = name
        for f in forms:
            core = core.removeprefix(f).removesuffix(f)
        kind = len(out) % 5
        if kind == 0:
            out.append(name)                                       # as published
        elif kind == 1:
            out.append(core)                                       # without the corporate form
        elif kind == 2:
            out.append(f"{core} 株式会社" if rnd.random() < 0.5 else f"(株){core}")  # form moved / abbreviated
        elif kind == 3:
            start = rnd.randrange(max(1, len(core) - 2))
            out.append(core[start:start + rnd.randint(2, 4)])      # a part of the name
        else:
            kana = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in core)
            out.append(unicodedata.normalize("NFKC", kana) if rnd.random() < 0.5 else half_width(core))
    return out






def _bench_url(base: str) -> tuple[str, sa.Engine]:
    admin = sa.create_engine(sa.engine.make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{BENCH_DB}"'))
    url = sa.engine.make_url(base).set(database=BENCH_DB).render_as_string(hide_password=False)
    return url, admin


def copy_file_floor(engine: sa.Engine, path: Path) -> float:
    """COPY the file's bytes (header line dropped) into a bare 30-column text table: the server parses."""
    cols = ", ".join(f"c{i} text" for i in range(30))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS floor_file; CREATE TABLE floor_file ({cols})")
    return _copy_in(engine, "COPY floor_file FROM STDIN (FORMAT csv)", path, skip_first_line=True)


def _copy_in(engine: sa.Engine, sql: str, path: Path, *, skip_first_line: bool = False) -> float:
    """Seconds to stream the file's bytes to `sql` (a COPY ... FROM STDIN), in one transaction."""
    start = time.perf_counter()
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        with path.open("rb") as f, driver.cursor() as cur, cur.copy(sql) as copy:
            if skip_first_line:
                f.readline()
            while chunk := f.read(1 << 20):
                copy.write(chunk)
    return time.perf_counter() - start


def same_indexes(engine: sa.Engine) -> float:
    """Build the registry's own keys and indexes (PK on the number, btree text_pattern_ops and trigram
    GIN on name_search) once over the loaded table's data, with the loader's maintenance_work_mem; in a
    transaction rolled back afterwards, so the table is left as loaded. The same indexes on the same
    data: what (b) adds to the plain COPY."""
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        pkey = conn.exec_driver_sql(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'registry_corporations'::regclass "
            "AND contype = 'p'").scalar_one()
        conn.exec_driver_sql(f'ALTER TABLE registry_corporations DROP CONSTRAINT "{pkey}"')
        conn.exec_driver_sql("DROP INDEX ix_registry_corporations_name_search, "
                             "ix_registry_corporations_name_search_trgm")
        start = time.perf_counter()
        conn.exec_driver_sql("ALTER TABLE registry_corporations ADD PRIMARY KEY (corporate_number)")
        conn.exec_driver_sql("CREATE INDEX ON registry_corporations (name_search text_pattern_ops)")
        conn.exec_driver_sql("CREATE INDEX ON registry_corporations USING gin (name_search gin_trgm_ops)")
        seconds = time.perf_counter() - start
        conn.rollback()
    return seconds


def copy_into_registry(engine: sa.Engine, tmp: Path) -> float:
    """(e): the rows DPS stored, dumped in COPY's text format (not timed), COPYed into an empty table like the
    registry with its primary key and indexes in place: a plain COPY of the same rows into the table."""
    dump = tmp / "registry_rows.copy"
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        with dump.open("wb") as out, driver.cursor() as cur, cur.copy("COPY registry_corporations TO STDOUT") as copy:
            for block in copy:
                out.write(block)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS floor_registry; "
                             "CREATE TABLE floor_registry (LIKE registry_corporations INCLUDING ALL)")
    seconds = _copy_in(engine, "COPY floor_registry FROM STDIN", dump)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE floor_registry")
    dump.unlink()
    return seconds


def copy_rows_floor(engine: sa.Engine, path: Path) -> tuple[float, float]:
    """COPY the parsed rows (the registry's columns) into a bare table with no keys or indexes; returns
    (seconds including parsing, seconds of parsing alone measured separately)."""
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS floor_rows; "
                             "CREATE TABLE floor_rows (LIKE registry_corporations)")
    start = time.perf_counter()
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        with path.open("rb") as f, driver.cursor() as cur, cur.copy(
                f"COPY floor_rows ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in NtaCsvReader(f):
                copy.write_row(row_values(row))
    total = time.perf_counter() - start
    start = time.perf_counter()
    with path.open("rb") as f:
        for row in NtaCsvReader(f):
            row_values(row)
    return total, time.perf_counter() - start


def index_floor(engine: sa.Engine) -> float:
    """Build on the bare table the keys and indexes the registry has (PK, btree, trigram GIN), once."""
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        conn.exec_driver_sql("ALTER TABLE floor_rows ADD PRIMARY KEY (corporate_number)")
        conn.exec_driver_sql("CREATE INDEX ON floor_rows (name_search text_pattern_ops)")
        conn.exec_driver_sql("CREATE INDEX ON floor_rows USING gin (name_search gin_trgm_ops)")
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--url", default=os.environ.get("DPS_BENCH_PG_URL", DEFAULT_URL))
    ap.add_argument("--keep", action="store_true", help="keep the database dps_registry_bench")
    ap.add_argument("--no-python-floor", dest="python_floor", action="store_false",
                    help="skip (d), the Python parser's COPY floor (minutes at 5M rows)")
    ap.add_argument("--workers", type=int, default=2, help="connections of the first load (1: one transaction)")
    ap.add_argument("--single", action="store_true",
                    help="also time the single-transaction first load (workers=1) in the same run")
    ap.add_argument("--file", type=Path, help="generate the CSV here, or reuse it when it exists (same --rows/--seed)")
    ap.add_argument("--search-only", action="store_true",
                    help="only time name search over the kept database (after a run with --keep)")
    args = ap.parse_args()

    if args.search_only:
        url = sa.engine.make_url(args.url).set(database=BENCH_DB).render_as_string(hide_password=False)
        engine = create_engine(url)
        with engine.connect() as conn:
            names = list(conn.exec_driver_sql(
                "SELECT name FROM registry_corporations TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 2000").scalars())
            rows = conn.exec_driver_sql("SELECT count(*) FROM registry_corporations").scalar_one()
        search(OfflineRegistry(engine), names, args, rows)
        engine.dispose()
        return

    url, admin = _bench_url(args.url)
    engine = create_engine(url)
    upgrade(engine)
    with tempfile.TemporaryDirectory(prefix="dps-registry-bench-") as tmp:
        path = args.file or Path(tmp) / "nta_synthetic.csv"
        started = time.perf_counter()
        if path.exists():
            names = sample_names(path)
            print(f"reusing {path} ({path.stat().st_size / 1e6:,.0f} MB)")
        else:
            names = generate(path, args.rows, args.seed)
            size_mb = path.stat().st_size / 1e6
            print(f"generated {args.rows:,} rows ({size_mb:,.0f} MB) in {time.perf_counter() - started:.1f} s")

        load_before = os.getloadavg()
        floor_file = copy_file_floor(engine, path)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE floor_file")

        registry = OfflineRegistry(engine, load_workers=args.workers)
        started = time.perf_counter()
        summary = registry.load([path])
        dps_load = time.perf_counter() - started
        steps = dict(registry.last_timings)
        started = time.perf_counter()
        again = registry.load([path])
        reload = time.perf_counter() - started
        load_after = os.getloadavg()
        floor_file_indexes = same_indexes(engine)
        into_registry = copy_into_registry(engine, Path(tmp))
        single = None
        if args.single:
            with engine.begin() as conn:
                conn.exec_driver_sql("TRUNCATE registry_corporations")
            started = time.perf_counter()
            OfflineRegistry(engine, load_workers=1).load([path])
            single = time.perf_counter() - started

        if args.python_floor:
            floor_rows, parse_only = copy_rows_floor(engine, path)
            floor_indexes = index_floor(engine)
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE floor_rows")

    print(f"load average (1/5/15 min) before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
          f"after the loads {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} ({os.cpu_count()} cores)")
    print(f"(a) COPY of the file's bytes {floor_file:8.1f} s   (server parses; bare 30-column text table)")
    print(f"(b) (a) + the same indexes   {floor_file + floor_file_indexes:8.1f} s   "
          f"(+ PK, btree, trigram GIN on the same keys: {floor_file_indexes:.1f} s)")
    print(f"(c) dps registry load        {dps_load:8.1f} s   inserted {summary.inserted:,}, skipped {summary.skipped}")
    if steps:
        print("    steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
              + f" (on {args.workers} connections; the rest: reading the file heads, DDL, locks)")
    if single is not None:
        print(f"    the same on one connection, one transaction: {single:.1f} s")
    print(f"    reload (idempotent)      {reload:8.1f} s   inserted {again.inserted}, updated {again.updated}")
    print(f"    peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.python_floor:
        print(f"(d) COPY of the parsed rows  {floor_rows:8.1f} s   (parse {parse_only:.1f} s in Python; bare table)")
        print(f"    + the same PK/indexes    {floor_indexes:8.1f} s   (built once on the bare table)")
    print(f"(e) COPY of the stored rows  {into_registry:8.1f} s   (into an empty table like the registry, its PK "
          "and indexes in place)")
    print(f"ratio load / (a) COPY file            = {dps_load / floor_file:.2f}x   [target <= 1.5x]")
    print(f"ratio load / (b) COPY file + indexes  = {dps_load / (floor_file + floor_file_indexes):.2f}x")
    print(f"ratio load / (e) COPY into the table  = {dps_load / into_registry:.2f}x")
    if args.python_floor:
        print(f"ratio load / (d) parsed rows + indexes = {dps_load / (floor_rows + floor_indexes):.2f}x")

    search(registry, names, args, args.rows)
    engine.dispose()
    if not args.keep:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
    admin.dispose()


def search(registry: OfflineRegistry, names: list[str], args: argparse.Namespace, rows: int) -> None:
    """Time `search_name` on sampled queries: median and p95."""
    qs = queries(names, args.queries, args.seed)
    for q in qs[:10]:
        registry.search_name(q)  # warm the cache
    times, hits = [], 0
    for q in qs:
        started = time.perf_counter()
        found = registry.search_name(q, limit=20)
        times.append((time.perf_counter() - started) * 1000)
        hits += bool(found)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"name search over {rows:,} rows, {len(qs)} queries: median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms, with hits {hits}/{len(qs)}   [target: median < 50 ms]")


if __name__ == "__main__":
    main()
