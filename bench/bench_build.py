"""Benchmark: the full build of the worked example vs writing the same cells with bare xlsxwriter.

- ours, full: ``build_file`` — read and validate the plan, compute every table (Erlang C, the
  optimal shift plan, the CP-SAT department rosters), write every workbook through ``Book``
  (formats, formulas with cached values, charts, print setup, atomic rename, fixed metadata);
- ours, write only: the same workbooks from already computed results (``write_plan_output`` and
  ``write_department``): what our rendering layer costs;
- bare: exactly the cells our outputs hold (same sheets, same values, formulas with the same
  cached results), written with bare xlsxwriter — ``write_number``/``write_string``/
  ``write_formula``, no formats, no charts. The floor for this library.

Printed: seconds (best of N) and the ratios ours / bare. Run: ``python bench/bench_build.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import warnings
from pathlib import Path

import openpyxl
import xlsxwriter

from common import best_of, ratio, write_example  # bench/ is on sys.path when run as a script

Cell = tuple[int, int, str, object, object]  # row, col, kind, value or formula, cached value


def cells_of(path: Path) -> list[tuple[str, list[Cell]]]:
    """Every non-empty cell of every sheet: kind, value (or formula text) and the cached value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl drops the conditional-format extensions it cannot read
        formulas = openpyxl.load_workbook(path)
        values = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in formulas.worksheets:
        vs = values[ws.title]
        cells: list[Cell] = []
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                if c.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
                    cells.append((c.row - 1, c.column - 1, "f", str(v), vs[c.coordinate].value))
                elif isinstance(v, bool):
                    cells.append((c.row - 1, c.column - 1, "b", v, None))
                elif isinstance(v, int | float):
                    cells.append((c.row - 1, c.column - 1, "n", v, None))
                elif isinstance(v, dt.datetime | dt.date | dt.time):
                    cells.append((c.row - 1, c.column - 1, "d", v, None))
                else:
                    cells.append((c.row - 1, c.column - 1, "s", str(v), None))
        sheets.append((ws.title, cells))
    return sheets


def write_bare(books: list[tuple[str, list[tuple[str, list[Cell]]]]], folder: Path) -> None:
    for name, sheets in books:
        wb = xlsxwriter.Workbook(str(folder / name), {"strings_to_formulas": False, "strings_to_numbers": False})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        for title, cells in sheets:
            ws = wb.add_worksheet(title)
            for r, c, kind, v, cached in cells:
                if kind == "n":
                    ws.write_number(r, c, v)  # type: ignore[arg-type]
                elif kind == "s":
                    ws.write_string(r, c, v)  # type: ignore[arg-type]
                elif kind == "f":
                    ws.write_formula(r, c, v, None, cached if cached is not None else 0)  # type: ignore[arg-type]
                elif kind == "b":
                    ws.write_boolean(r, c, v)
                else:
                    ws.write_datetime(r, c, v, date_fmt)  # type: ignore[arg-type]
        wb.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="best of N for the write-only and bare runs")
    ap.add_argument("--full-repeat", type=int, default=1, help="best of N for the full build (CP-SAT rosters: slow)")
    args = ap.parse_args()

    from sheetplan.build import build_file, build_plan, compute, output_names, write_department, write_plan_output
    from sheetplan.plan.reader import read_plan

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plan_path = write_example(root / "示例计划.xlsx")
        n = 0

        def full() -> None:
            nonlocal n
            n += 1
            build_file(plan_path, root / f"full{n}")

        t_full = best_of(full, args.full_repeat)
        plan = read_plan(plan_path)
        t0 = time.perf_counter()
        results = compute(plan)
        t_compute = time.perf_counter() - t0
        main_name, per_dept = output_names(plan_path.stem, plan)

        def write_only() -> None:
            nonlocal n
            n += 1
            out = root / f"w{n}"
            write_plan_output(plan, results, out / main_name)
            for dept, fname in per_dept.items():
                write_department(plan, results, dept, out / fname)

        t_write = best_of(write_only, args.repeat)
        outputs = build_plan(plan, root / "ref", plan_path.stem)
        books = [(p.name, cells_of(p)) for p in outputs]
        n_cells = sum(len(cells) for _, sheets in books for _, cells in sheets)
        n_formulas = sum(k == "f" for _, sheets in books for _, cells in sheets for *_, k, _v, _c in cells)

        def bare() -> None:
            nonlocal n
            n += 1
            out = root / f"b{n}"
            out.mkdir()
            write_bare(books, out)

        t_bare = best_of(bare, args.repeat)

        # the calendars and attendance CSVs (sheetplan build writes them by default): ours, and the
        # same with a VTIMEZONE made per calendar as icalendar's add_missing_timezones does
        from icalendar import Timezone

        from sheetplan.publish import exports

        t_exports = best_of(lambda: exports.export_files(plan, results.rosters), args.repeat)
        cached = exports._vtimezone
        exports._vtimezone = lambda: Timezone.from_tzid(exports.TZ.key)  # type: ignore[assignment]
        try:
            t_exports_plain = best_of(lambda: exports.export_files(plan, results.rosters), args.repeat)
        finally:
            exports._vtimezone = cached
        n_exports = len(exports.export_files(plan, results.rosters))

    print(f"example plan: {len(books)} workbooks, {n_cells:,} cells ({n_formulas:,} formulas)")
    print(f"{'':28} {'seconds':>8} {'× bare':>8}")
    print(f"{'ours, full build':28} {t_full:8.3f} {t_full / t_bare:8.1f}   (read + compute + write)")
    print(f"{'  of which compute':28} {t_compute:8.3f}")
    print(f"{'ours, write only':28} {t_write:8.3f} {t_write / t_bare:8.1f}   (Book: formats, charts, atomic rename)")
    print(f"{'bare xlsxwriter':28} {t_bare:8.3f} {1:8.1f}   (same cells, no formats)")
    print(f"{'exports (' + str(n_exports) + ' files)':28} {t_exports:8.3f}   "
          f"(a VTIMEZONE per calendar: {t_exports_plain:.3f} s)")
    ratio("build: full build / bare xlsxwriter", t_full / t_bare, f"{t_full:.2f} s vs {t_bare:.3f} s")
    ratio("build: exports / VTIMEZONE per calendar", t_exports / t_exports_plain,
          f"{t_exports:.2f} s vs {t_exports_plain:.2f} s, {n_exports} files")
    ratio("build: write only / bare xlsxwriter", t_write / t_bare, f"{t_write:.3f} s vs {t_bare:.3f} s")


if __name__ == "__main__":
    main()
