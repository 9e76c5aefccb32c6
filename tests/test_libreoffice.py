"""Every output opened by a real spreadsheet engine: LibreOffice recalculates each formula and
must get the value sheetplan cached; every sheet renders to PNG pages on A4."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

import lo


def formula_cells(path: Path) -> dict[tuple[str, str], Any]:
    """(sheet, cell) -> cached value, for every formula cell in a file we wrote."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    out[(ws.title, c.coordinate)] = values[ws.title][c.coordinate].value
    return out


def same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def mismatches(path: Path, tmp: Path) -> tuple[int, list[str]]:
    cached = formula_cells(path)
    recalc = openpyxl.load_workbook(lo.recalculated(path, tmp), data_only=True)
    bad = [
        f"{s}!{c}: cached {v!r}, LibreOffice {recalc[s][c].value!r}"
        for (s, c), v in cached.items()
        if not same(v, recalc[s][c].value)
    ]
    return len(cached), bad


def test_recalculation_is_real(tmp_path: Path) -> None:
    """Guard: a wrong cached value must be caught, or the test below proves nothing."""
    f = tmp_path / "wrong.xlsx"
    with xlsxwriter.Workbook(str(f)) as wb:
        ws = wb.add_worksheet("S")
        ws.write_number(0, 0, 2)
        ws.write_formula(0, 1, "=A1*3", None, 7)
    n, bad = mismatches(f, tmp_path / "lo")
    assert n == 1 and bad == ["S!B1: cached 7, LibreOffice 6"]


def test_every_formula_recalculates_to_its_cached_value(demo_outputs: list[Path], tmp_path: Path) -> None:
    total = 0
    problems: list[str] = []
    for path in demo_outputs:
        n, bad = mismatches(path, tmp_path / path.stem)
        total += n
        problems += [f"{path.name} {b}" for b in bad]
    assert problems == []
    assert total > 50, f"only {total} formulas: the outputs should be live"


def test_largest_remainder_formulas_match_python(fast_plan: Path, tmp_path: Path) -> None:
    from sheetplan.build import build_file

    wb = openpyxl.load_workbook(fast_plan)
    wb["活动"]["B11"] = "largest_remainder"
    src = tmp_path / "lr.xlsx"
    wb.save(src)
    out = build_file(src, tmp_path / "out")[0]
    n, bad = mismatches(out, tmp_path / "lo")
    assert n > 0 and bad == []
    recalc = openpyxl.load_workbook(lo.recalculated(out, tmp_path / "lo2"), data_only=True)["库存占比"]
    shares = [recalc[f"D{r}"].value for r in range(5, 13)]
    assert round(sum(shares) * 1000) == 1000
    assert [round(s * 100, 1) for s in shares] == [17.2, 8.6, 5.7, 5.7, 22.9, 17.1, 11.4, 11.4]


def test_every_sheet_renders_on_a4(demo_outputs: list[Path], tmp_path: Path) -> None:
    keep = os.environ.get("SHEETPLAN_KEEP_PNG")
    for path in demo_outputs:
        pngs = lo.render_png(path, tmp_path / path.stem)
        sheets = len(openpyxl.load_workbook(path, read_only=True).sheetnames)
        assert len(pngs) >= sheets, f"{path.name}: {len(pngs)} pages for {sheets} sheets"
        assert all(p.stat().st_size > 5000 for p in pngs)  # not blank pages
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            for p in pngs:
                shutil.copy(p, Path(keep) / p.name)
