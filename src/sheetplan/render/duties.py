"""部门职责: the duty table, for all departments (plan output) or one (department workbook)."""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from ..plan.model import Duty, Plan
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label
from .refs import cell, on

STATUS_STYLE = {"已完成": "good", "延期": "bad", "进行中": "warn"}


def write_duties(book: Book, ws: Worksheet, plan: Plan, duties: Sequence[Duty], department: str | None) -> str:
    """Write the table; returns a reference to the cell holding the duty count."""
    lang, s = plan.lang, plan.settings
    title = label("title_duties", lang, dept=department) if department else label("title_all_duties", lang)
    head = next((d.head for d in plan.departments if d.department == department), "")
    row = write_title(book, ws, title, f"{s.name}" + (f" · {label('duty_owner', lang)} {head}" if head else ""))
    keys = ["duty_no", "duty_duty", "duty_owner", "duty_deadline", "duty_phase", "duty_status"]
    widths = [6, 58, 10, 12, 10, 9]
    if department is None:
        keys.insert(0, "duty_department")
        widths.insert(0, 12)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    write_header(book, ws, row, [label(k, lang) for k in keys])
    header = row
    rank = {x.department: i for i, x in enumerate(plan.departments)}
    ordered = sorted(duties, key=lambda d: rank.get(d.department, len(rank)))
    prev = None
    for d in ordered:
        row += 1
        c = 0
        band = {"bg_color": "#F2F6FC"} if (row - header) % 2 == 0 else {}
        if department is None:
            ws.write_string(row, 0, d.department if d.department != prev else "", book.fmt("text", bold=True, **band))
            prev = d.department
            c = 1
        ws.write_number(row, c, d.no, book.fmt("center", **band))
        ws.write_string(row, c + 1, d.duty, book.fmt("wrap", **band))
        ws.write_string(row, c + 2, d.owner, book.fmt("center", **band))
        if d.deadline:
            ws.write_datetime(row, c + 3, d.deadline, book.fmt("center", "date", **band))
        else:
            ws.write_blank(row, c + 3, None, book.fmt("center", **band))
        ws.write_string(row, c + 4, d.phase, book.fmt("center", **band))
        ws.write_string(row, c + 5, d.status, book.fmt("center", **band))
    last = row
    status_col = len(keys) - 1
    if last > header:
        for status, style_name in STATUS_STYLE.items():
            ws.conditional_format(
                header + 1,
                status_col,
                last,
                status_col,
                {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": book.fmt(style_name)},
            )
        ws.autofilter(header, 0, last, len(keys) - 1)
    row = last + 2
    no_col = 1 if department is None else 0
    ws.write_string(row, 0, label("duty_count", lang), book.fmt("text", bold=True))
    ws.write_formula(
        row,
        1,
        f"=COUNT({cell(header + 1, no_col)}:{cell(max(last, header + 1), no_col)})",
        book.fmt("text", "int", bold=True, align="left"),
        len(duties),
    )
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, repeat_rows=(header, header), footer=page_footer(lang, s.name))
    return on(ws.get_name(), row, 1)
