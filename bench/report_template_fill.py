"""Filling a user's Excel template with a 50,000-row report: time, peak memory and the ratio to a floor
measured in the same run (the same rows written by openpyxl in write-only mode, no template at all),
each in a fresh process so the peaks are separate. Then checks the result opens with openpyxl, has the
filled rows and totals formula, and still holds the template's chart.

    .venv/bin/python bench/report_template_fill.py               # 50,000 rows
    .venv/bin/python bench/report_template_fill.py --rows 200000

No database: the report table is synthetic (the shape of 先行管理: texts, a month, money columns).
Targets: fill time <= 3 x the floor, peak RSS flat in the row count (well under 300 MB at 50,000 rows).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from dps.adapters.excel.template_filler import XlsxTemplateEngine
from dps.application.reports.tables import CellKind, ReportTable, TableColumn

MONEY = ("budget", "actual", "forecast", "landing", "gap")


def table(rows: int) -> ReportTable:
    columns = (TableColumn("コード Code", key="code"), TableColumn("名称 Name", key="name"),
               TableColumn("月 Month", CellKind.MONTH, "month"),
               *(TableColumn(k, CellKind.MONEY, k) for k in MONEY))
    body = tuple((f"U{i:06d}", f"担当者 {i}", date(2025, 4 + i % 9, 1),
                  *(Decimal(i * (j + 1) % 100_000) * 1000 for j in range(len(MONEY)))) for i in range(rows))
    totals = ("合計", "", None, *(sum((r[3 + j] for r in body), Decimal(0)) for j in range(len(MONEY))))
    return ReportTable("先行管理 Pipeline", columns, body, totals, notes=("FY2025",),
                       params=(("organization", "組織", "hq 本社"),))


def template(path: Path) -> None:
    """A title, a header, the styled block on row 5, totals (a placeholder and a SUM), a bar chart."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "先行管理"
    ws["A1"], ws["A2"] = "{{report.title}}", "組織: {{param.organization}}"
    keys = ("code", "name", "month", *MONEY)
    for i, key in enumerate(keys, start=1):
        ws.cell(4, i, key).font = Font(bold=True)
        cell = ws.cell(5, i, f"{{{{row.{key}}}}}")
        cell.fill = PatternFill("solid", fgColor="DDEEFF")
        cell.number_format = "yyyy/mm" if key == "month" else "#,##0"
    ws["A6"], ws["D6"], ws["E6"] = "合計", "{{total.budget}}", "=SUM(E5:E5)"
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, max_col=5, min_row=4, max_row=5), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=5))
    ws.add_chart(chart, "K2")
    wb.create_sheet("説明")["A1"] = "このシートはそのまま / kept as it is"
    wb.save(path)


def fill(rows: int, folder: Path, trace: bool) -> dict[str, float]:
    t = table(rows)
    template(folder / "template.xlsx")
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    XlsxTemplateEngine().fill(folder / "template.xlsx", t, folder / "filled.xlsx", generated_at=datetime.now())
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    return {"seconds": seconds, "traced_mb": peak / 2**20, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024, "bytes": (folder / "filled.xlsx").stat().st_size}


def floor(rows: int, folder: Path, trace: bool) -> dict[str, float]:
    t = table(rows)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("先行管理")
    ws.append([c.header for c in t.columns])
    for row in t.rows:
        ws.append(list(row))
    wb.save(folder / "floor.xlsx")
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    return {"seconds": seconds, "traced_mb": peak / 2**20, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024, "bytes": (folder / "floor.xlsx").stat().st_size}


def baseline(rows: int, folder: Path, trace: bool) -> dict[str, float]:
    """The process with the table built and nothing written: what both runs pay before writing."""
    table(rows)
    return {"seconds": 0.0, "traced_mb": 0.0, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "bytes": 0}


def child(what: str, rows: int, folder: str, *, trace: bool = False) -> dict[str, float]:
    """One run in a fresh process; `trace`: under tracemalloc (its peak; far slower, so timed apart)."""
    args = [sys.executable, __file__, "--child", what, "--rows", str(rows), "--dir", folder]
    out = subprocess.run([*args, "--trace"] if trace else args, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def verify(folder: Path, rows: int) -> None:
    names = zipfile.ZipFile(folder / "filled.xlsx").namelist()
    assert "xl/charts/chart1.xml" in names, names
    chart = zipfile.ZipFile(folder / "filled.xlsx").read("xl/charts/chart1.xml").decode()
    assert f"$E$5:$E${4 + rows}" in chart, "the chart's series should cover every row"
    wb = load_workbook(folder / "filled.xlsx", read_only=True)
    ws = wb["先行管理"]
    last = 4 + rows
    got = list(ws.iter_rows(min_row=last, max_row=last + 1, max_col=5, values_only=True))
    assert got[0][0] == f"U{rows - 1:06d}", got
    assert got[1][0] == "合計", got
    assert got[1][4] == f"=SUM(E5:E{last})", got
    assert wb["説明"]["A1"].value.startswith("このシート")
    wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--child", choices=("fill", "floor", "baseline"))
    parser.add_argument("--dir")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.child:
        run = {"fill": fill, "floor": floor, "baseline": baseline}[args.child]
        print(json.dumps(run(args.rows, Path(args.dir), args.trace)))
        return
    with tempfile.TemporaryDirectory(prefix="dps-bench-template-") as folder:
        base = child("baseline", args.rows, folder)
        filled = child("fill", args.rows, folder)
        floored = child("floor", args.rows, folder)
        filled["traced_mb"] = child("fill", args.rows, folder, trace=True)["traced_mb"]
        floored["traced_mb"] = child("floor", args.rows, folder, trace=True)["traced_mb"]
        verify(Path(folder), args.rows)
    print(f"template fill, {args.rows:,} rows x 8 columns (a styled block, SUM total, bar chart, a 2nd sheet)")
    print(f"  {'':14}{'seconds':>9}{'traced MB':>11}{'peak RSS MB':>13}{'over base':>11}{'file KB':>9}")
    for label, r in (("template fill", filled), ("floor (w/o)", floored)):
        print(f"  {label:14}{r['seconds']:9.2f}{r['traced_mb']:11.1f}{r['rss_mb']:13.1f}"
              f"{r['rss_mb'] - base['rss_mb']:11.1f}{r['bytes'] / 1024:9.0f}")
    print(f"  table alone: peak RSS {base['rss_mb']:.1f} MB")
    print(f"  ratio fill / floor: time {filled['seconds'] / floored['seconds']:.2f}, "
          f"traced memory {filled['traced_mb'] / max(floored['traced_mb'], 0.1):.2f}   [target: time <= 3]")
    print("  verified: opens with openpyxl, rows and SUM range filled, chart part kept and its series grown")


if __name__ == "__main__":
    main()
