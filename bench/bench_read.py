"""Benchmark: reading the worked example plan with sheetplan vs bare python-calamine and openpyxl.

- ours: ``read_plan`` — sniff the package, load with openpyxl, find every sheet and header by
  its Chinese or English name, convert and validate every cell (sheet!cell messages), cross-check;
- bare calamine: every sheet's values as Python lists (no header matching, no validation);
- bare openpyxl: ``load_workbook(data_only=True)`` and every cell value (what our reader is built on);
- bare openpyxl read-only: the same in streaming mode.

Printed: milliseconds (best of N) and ratios ours / bare. Run: ``python bench/bench_read.py``.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from common import best_of, ratio, write_example  # bench/ is on sys.path when run as a script


def bare_calamine(path: Path) -> int:
    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)


def bare_openpyxl(path: Path, read_only: bool = False) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, data_only=True, read_only=read_only)
    n = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    if read_only:
        wb.close()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    from sheetplan.plan.reader import read_plan

    with tempfile.TemporaryDirectory() as tmp:
        path = write_example(Path(tmp) / "示例计划.xlsx")
        read_plan(path)  # warm imports and caches for everyone
        t_ours = best_of(lambda: read_plan(path), args.repeat)
        t_cal = best_of(lambda: bare_calamine(path), args.repeat)
        t_opx = best_of(lambda: bare_openpyxl(path), args.repeat)
        t_ro = best_of(lambda: bare_openpyxl(path, read_only=True), args.repeat)
        cells = bare_openpyxl(path)
        size_kb = path.stat().st_size / 1024
    print(f"example plan: {size_kb:.0f} KB, {cells:,} non-empty cells")
    print(f"{'':34} {'ms':>8} {'ours ×':>8}")
    for name, t in (
        ("ours (read_plan, validated)", t_ours),
        ("bare python-calamine", t_cal),
        ("bare openpyxl", t_opx),
        ("bare openpyxl read-only", t_ro),
    ):
        print(f"{name:34} {t * 1000:8.1f} {t_ours / t:8.2f}")
    ratio("read: ours / bare calamine", t_ours / t_cal, f"{t_ours * 1000:.0f} ms vs {t_cal * 1000:.1f} ms")
    ratio("read: ours / bare openpyxl", t_ours / t_opx, f"{t_ours * 1000:.0f} ms vs {t_opx * 1000:.0f} ms")


if __name__ == "__main__":
    main()
