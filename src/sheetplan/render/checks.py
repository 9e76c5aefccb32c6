"""检查结果: every warning about the plan, where it is and what it means, for the planner to act on;
a department's workbook carries the ones about that department (``department=``)."""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from ..plan.model import Plan
from ..plan.problems import Problem
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label


def write_checks(book: Book, ws: Worksheet, plan: Plan, problems: Sequence[Problem],
                 department: str | None = None) -> None:
    lang = plan.lang
    title = label("title_checks", lang) if department is None else label("title_dept_checks", lang, dept=department)
    row = write_title(book, ws, title, plan.settings.name)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 100)
    write_header(book, ws, row, [label(k, lang) for k in ("ck_level", "ck_where", "ck_message")])
    header = row
    if not problems:
        row += 1
        none = label("ck_none", lang) if department is None else label("ck_none_dept", lang, dept=department)
        ws.merge_range(row, 0, row, 2, none, book.fmt("text"))
    rank = {"error": 0, "critical": 1}
    for p in sorted(problems, key=lambda p: rank.get(p.severity, 2)):  # what must be read first, first
        row += 1
        level = label(f"ck_{p.severity}", lang)
        ws.write_string(row, 0, level, book.fmt("center", bold=p.severity != "warning",
                                                font_color="#7F6000" if p.severity == "warning" else "#9C0006"))
        ws.write_string(row, 1, p.where, book.fmt("text"))
        ws.write_string(row, 2, p.message, book.fmt("wrap"))
    if problems:
        ws.autofilter(header, 0, row, 2)
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, landscape=True, repeat_rows=(header, header), footer=page_footer(lang, plan.settings.name))
