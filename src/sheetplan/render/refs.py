"""A1 references for formulas that point across sheets."""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell


def cell(row: int, col: int, *, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def quote(sheet: str) -> str:
    """A sheet name inside a formula or link: always quoted, apostrophes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


def on(sheet: str, row: int, col: int) -> str:
    """'Sheet'!$B$4 — quoted because our sheet names are Chinese or contain spaces."""
    return f"{quote(sheet)}!{cell(row, col, absolute=True)}"

