"""Every sheet is a FastSheet, which skips xlsxwriter's formula rewriting when no function in the
formula needs it: the same text out for any formula, and its patterns are xlsxwriter's own."""

from __future__ import annotations

import inspect
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from sheetplan.render.book import DYNAMIC_PATTERNS, Book, FastSheet


def test_the_patterns_are_xlsxwriters_own() -> None:
    """An xlsxwriter that prefixes another function must not be out-run by a stale list."""
    source = inspect.getsource(Worksheet._prepare_formula)
    dynamic = source[: source.index("if not self.use_future_functions")]
    assert tuple(re.findall(r're\.sub\(\s*r"([^"]+)"', dynamic)) == DYNAMIC_PATTERNS


FORMULAS = [
    '=IFERROR(SUM(客服部!$D$5:$D$40)/MAX(1,COUNTIF(B5:B40,"全职")),0)',
    "{=SUM(A1:A3*B1:B3)}", "=A1", "A1+1", "=_xlfn.XLOOKUP(A1,B:B,C:C)", "=XLOOKUP(A1,B:B,C:C)",
    "=SORT(UNIQUE(A1:A9))", "=x.FILTER(A1:A3,B1:B3)", "=MYFILTER(A1)", "=客服部FILTER(1)", "=SINGLE(A1:A3)",
    "=ISINGLE(1)", "=@A1", "=LET(x,1,x+1)", "=IF(A1>0,\"SORT(\",\"\")", "=sum(a1)", "=SWITCH(A1,1,\"a\")",
    *[f"=1+{p.replace(chr(92) + 'b', '').replace(chr(92) + '(', '(').replace(chr(92) + 'S', 'S')}A1)"
      for p in DYNAMIC_PATTERNS],
]


@pytest.mark.parametrize("future", [False, True])
def test_every_formula_prepared_as_xlsxwriter_does(future: bool) -> None:
    plain, fast = Worksheet(), FastSheet()
    plain.use_future_functions = fast.use_future_functions = future
    for formula in FORMULAS:
        assert fast._prepare_formula(formula) == plain._prepare_formula(formula), formula
        assert fast._prepare_formula(formula, True) == plain._prepare_formula(formula, True), formula


def test_a_book_writes_the_same_bytes_as_bare_xlsxwriter(tmp_path: Path) -> None:
    def sheet_xml(path: Path) -> bytes:
        with zipfile.ZipFile(path) as z:
            return z.read("xl/worksheets/sheet1.xml")

    def fill(ws) -> None:
        for r, formula in enumerate(FORMULAS):
            ws.write_formula(r, 0, formula if formula.startswith(("=", "{")) else "=" + formula, None, r)

    wb = xlsxwriter.Workbook(str(tmp_path / "bare.xlsx"))
    fill(wb.add_worksheet("S"))
    wb.close()
    with Book(tmp_path / "ours.xlsx") as book:
        ws = book.sheet("S")
        assert isinstance(ws, FastSheet)
        fill(ws)
    assert sheet_xml(tmp_path / "ours.xlsx") == sheet_xml(tmp_path / "bare.xlsx")
