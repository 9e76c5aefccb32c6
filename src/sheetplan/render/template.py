"""Write a plan workbook: the empty template (`sheetplan new`) or the worked example.

One Excel table per input sheet, hints as input messages, number formats and drop-downs
from `schema`, so the template and the reader can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlsxwriter.worksheet import Worksheet

from ..i18n import join
from ..plan import example
from ..plan.schema import SETTINGS, SETTINGS_SHEET, SHEETS, Column, Sheet, choice_label
from ..render.book import Book, write_cell

_NUM = {"int": "int", "number": "number", "percent": "percent", "date": "date", "time": "time", "datetime": "datetime"}
TEMPLATE_ROWS = 30  # empty rows the template's tables offer
VALIDATION_ROWS = 1000  # drop-downs and hints reach well past the last row, for rows a planner adds


def write_plan(
    path: str | Path, lang: str = "zh", data: dict[str, Any] | None = None, notes: Sequence[tuple[str, str]] = ()
) -> Path:
    """Write a plan workbook; `data` maps sheet keys to row tuples (settings: a dict)."""
    data = data or {}
    with Book(path, title="sheetplan plan", lang=lang) as book:
        if notes:
            _notes_sheet(book, notes, lang)
        _settings_sheet(book, lang, data.get("campaign", {}))
        dept_sheet = next(s for s in SHEETS if s.key == "departments")
        dept_ref = f"='{dept_sheet.label(lang)}'!$A$2:$A$200"  # blanks are ignored by the drop-down
        for spec in SHEETS:
            if spec.key != "campaign":
                _table_sheet(book, spec, lang, data.get(spec.key, []), dept_ref)
    return Path(path)


def write_example(path: str | Path, lang: str = "zh") -> Path:
    e = example
    data = {
        "campaign": {**e.SETTINGS, "language": lang},
        "phases": e.PHASES,
        "windows": e.WINDOWS,
        "departments": e.DEPARTMENTS,
        "duties": e.DUTIES,
        "staff": e.STAFF,
        "fixed": e.FIXED,
        "requests": e.REQUESTS,
        "shifts": e.SHIFTS,
        "requirements": e.REQUIREMENTS,
        "mustcover": e.MUST_COVER,
        "posts": e.POSTS,
        "service": e.SERVICE,
        "inventory": e.INVENTORY,
        "products": e.PRODUCTS,
    }
    if lang == "en":
        from ..plan import example_en

        return write_plan(path, lang, example_en.english(data), example_en.NOTES)
    return write_plan(path, lang, data, e.NOTES)


def _validate(ws: Worksheet, first: int, last: int, c: int, col: Column, lang: str, dept_ref: str) -> None:
    opts: dict[str, Any] = {"ignore_blank": True}
    hint = col.hint(lang) or col.hint("zh")
    if col.kind == "choice" and col.key == "department":
        opts |= {"validate": "list", "source": dept_ref}
    elif col.kind == "choice" and col.choices:
        opts |= {"validate": "list", "source": [choice_label(c, lang) for c in col.choices]}
    elif col.kind in ("int", "number", "percent") and col.minimum is not None:
        opts |= {
            "validate": "integer" if col.kind == "int" else "decimal",
            "criteria": "between" if col.maximum is not None else ">=",
            **({"minimum": col.minimum, "maximum": col.maximum} if col.maximum is not None else {"value": col.minimum}),
        }
    elif col.kind == "date":
        opts |= {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(2000, 1, 1),
            "maximum": dt.date(2100, 12, 31),
        }
    elif not hint:
        return
    else:
        opts |= {"validate": "any"}
    if hint:
        opts |= {"input_title": col.label(lang)[:32], "input_message": hint[:255]}
    opts["error_message"] = (
        "请从列表中选择或输入有效值" if lang == "zh" else "Pick from the list or enter a valid value"
    )
    ws.data_validation(first, c, last, c, opts)


def _table_sheet(book: Book, spec: Sheet, lang: str, rows: Sequence[Sequence[Any]], dept_ref: str) -> None:
    ws = book.sheet(spec.label(lang))
    n = max(len(rows), 1) if rows else TEMPLATE_ROWS
    cols = spec.columns
    for c, col in enumerate(cols):
        ws.set_column(c, c, col.width + (4 if lang == "en" else 0), book.fmt("text", _NUM.get(col.kind)))
    data = [[_cell(v, col, lang) for v, col in zip(row, cols, strict=False)] for row in rows]
    ws.add_table(
        0,
        0,
        n,
        len(cols) - 1,
        {
            "name": f"tbl_{spec.key}",
            "style": "Table Style Medium 2",
            "columns": [{"header": col.label(lang) + (" *" if col.required else "")} for col in cols],
        },
    )
    for r, row in enumerate(data, start=1):
        for c, v in enumerate(row):
            write_cell(ws, r, c, v, book.fmt("text", _num(cols[c], v)))
    for c, col in enumerate(cols):
        _validate(ws, 1, max(n, VALIDATION_ROWS), c, col, lang, dept_ref)
    ws.freeze_panes(1, 0)


def _settings_sheet(book: Book, lang: str, values: dict[str, Any]) -> None:
    spec = SETTINGS_SHEET
    ws = book.sheet(spec.label(lang))
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 60)
    ws.add_table(
        0,
        0,
        len(SETTINGS),
        2,
        {
            "name": "tbl_campaign",
            "style": "Table Style Medium 2",
            "columns": [{"header": c.label(lang)} for c in spec.columns],
        },
    )
    for r, col in enumerate(SETTINGS, start=1):
        ws.write_string(r, 0, col.label(lang) + (" *" if col.required else ""), book.fmt("text", bold=True))
        v = _cell(values.get(col.key), col, lang)
        write_cell(ws, r, 1, v, book.fmt("text", _NUM.get(col.kind), bg_color="#FFFFE0"))
        ws.write_string(r, 2, col.hint(lang) or col.hint("zh"), book.fmt("note"))
        _validate(ws, r, r, 1, col, lang, "")
    ws.freeze_panes(1, 0)
    ws.activate()


def _notes_sheet(book: Book, notes: Sequence[tuple[str, str]], lang: str) -> None:
    ws = book.sheet("说明" if lang == "zh" else "Notes")
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 100)
    ws.write_string(
        0, 0, "示例计划：数据来源与假设" if lang == "zh" else "Example plan: sources and assumptions", book.fmt("title")
    )
    for r, (topic, text) in enumerate(notes, start=2):
        ws.write_string(r, 0, topic, book.fmt("text", bold=True))
        ws.write_string(r, 1, text, book.fmt("wrap"))


def _num(col: Column, v: Any) -> str | None:
    """The number format of a cell: a 'moment' column holds times or date-times."""
    if col.kind == "moment":
        return "datetime" if isinstance(v, dt.datetime) else "time"
    return _NUM.get(col.kind)


def _cell(v: Any, col: Column, lang: str) -> Any:
    """A value as the planner would type it: lists joined, fixed choices in the plan's language."""
    if isinstance(v, tuple):
        return join(v, lang)
    if col.kind == "choice" and isinstance(v, str):
        return choice_label(v, lang)
    return v

