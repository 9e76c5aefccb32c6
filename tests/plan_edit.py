"""Edit a plan workbook the way a planner would (openpyxl): rename things everywhere, drop rows,
change a setting. For tests that need 'a plan nobody here wrote'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

LIST_SEPARATORS = ("、", ", ")


def rename(wb: openpyxl.Workbook, mapping: Mapping[str, str]) -> None:
    """Replace every cell that is exactly a mapped name, and mapped names inside 、-lists."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if not isinstance(v, str):
                    continue
                if v in mapping:
                    c.value = mapping[v]
                    continue
                for sep in LIST_SEPARATORS:
                    if sep in v and any(part in mapping for part in v.split(sep)):
                        c.value = sep.join(mapping.get(part, part) for part in v.split(sep))
                        break


def header(ws: Worksheet) -> dict[str, int]:
    """Header text (without ' *') -> 1-based column."""
    return {str(c.value).rstrip(" *"): c.column for c in ws[1] if c.value is not None}


def rows_where(ws: Worksheet, column: str, test: Callable[[Any], bool]) -> list[int]:
    col = header(ws)[column]
    return [r for r in range(2, ws.max_row + 1) if test(ws.cell(r, col).value)]


def delete_rows(ws: Worksheet, rows: list[int]) -> None:
    for r in sorted(rows, reverse=True):
        ws.delete_rows(r)


def set_setting(wb: openpyxl.Workbook, name: str, value: Any) -> str:
    ws = wb.worksheets[[w.title for w in wb.worksheets].index("活动")] if "活动" in wb.sheetnames else wb["Campaign"]
    for r in range(2, ws.max_row + 1):
        if str(ws.cell(r, 1).value or "").rstrip(" *") == name:
            ws.cell(r, 2).value = value
            return f"{ws.title}!B{r}"
    ws.append([name, value])
    return f"{ws.title}!B{ws.max_row}"


def append(ws: Worksheet, values: Mapping[str, Any]) -> int:
    """A new row under the table, values by header; returns its row number."""
    cols = header(ws)
    last = max((r for r in range(2, ws.max_row + 1) if any(ws.cell(r, c).value is not None for c in cols.values())),
               default=1)
    row = last + 1
    for name, v in values.items():
        ws.cell(row, cols[name]).value = v
    return row


def edited(src: Path, dest: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def english_shop(path: Path, renamed: Mapping[str, str]) -> Path:
    """The English example with ``renamed`` names, a requirement for a post nobody on the staff
    holds (Forklift, at the renamed Warehouse: 'Fulfilment') and the stress test rostered."""
    from sheetplan.render.template import write_example

    write_example(path, "en")
    wb = openpyxl.load_workbook(path)
    rename(wb, renamed)
    append(wb["Duty requirements"], {"Department": renamed.get("Warehouse", "Warehouse"), "Post": "Forklift",
                                     "Source": "Typed", "People": 1, "Dates": "11-11",
                                     "Start": dt.time(8), "End": dt.time(16)})
    set_setting(wb, "Roster stress test", "Yes")
    wb.save(path)
    return path
