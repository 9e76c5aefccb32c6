"""Text a planner typed that starts with =, +, - or @ is written as text in every output, never as
a formula (CSV/formula injection: '+cmd|...' or '-2+3' would run or compute in Excel)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from sheetplan.build import build_file

from .corpus import data_cell, setting_cell

TRICKS = ["+SUM(1,2)", "-2+3", "+cmd|' /C calc'!A0", "-", "@SUM(A1)", '=HYPERLINK("http://x")', "+86 138 0000 0000"]


def test_leading_formula_characters_stay_text(small_example: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(small_example)
    placed = []
    for n, trick in enumerate(TRICKS[:4], start=1):  # duties: duty text, shown on the duty sheets
        wb["部门职责"][data_cell(wb, "部门职责", "职责", n)] = trick
        placed.append(trick)
    wb["部门职责"][data_cell(wb, "部门职责", "负责人", 1)] = TRICKS[6]
    wb["库存"][data_cell(wb, "库存", "类目", 1)] = TRICKS[4]  # a category: shares sheet and its chart
    wb["活动"][setting_cell(wb, "活动名称")] = TRICKS[5]  # the campaign name: every title
    for coord in (setting_cell(wb, "活动名称"),):
        wb["活动"][coord].data_type = "s"  # typed as text (Excel: a leading apostrophe)
    src = tmp_path / "plan.xlsx"
    wb.save(src)

    outputs = build_file(src, tmp_path / "out")
    kinds: dict[str, set[str]] = {}  # trick -> data types of the cells that hold it
    for path in outputs:
        for ws in openpyxl.load_workbook(path).worksheets:
            for c in (c for row in ws.iter_rows() for c in row if isinstance(c.value, str)):
                for trick in TRICKS:
                    # '-' alone only as a whole cell (formulas are full of minus signs)
                    if c.value in (trick, f"={trick}") or (len(trick) > 1 and trick in c.value):
                        kinds.setdefault(trick, set()).add(c.data_type)
    assert set(kinds) == set(TRICKS), f"not found in any output: {set(TRICKS) - set(kinds)}"
    assert all(k == {"s"} for k in kinds.values()), kinds
