"""活动日历: the phases by date and the sale-day windows by time, with live day/minute counts."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..calc.calendar import check_phases, check_windows, minutes_of
from ..plan.model import Plan
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label
from .refs import cell


def write_calendar(book: Book, ws: Worksheet, plan: Plan) -> None:
    lang, s = plan.lang, plan.settings
    row = write_title(book, ws, label("title_calendar", lang), s.name)
    for c, w in enumerate((14, 12, 12, 8, 60)):
        ws.set_column(c, c, w)
    write_header(book, ws, row, [label(k, lang) for k in ("cal_phase", "cal_start", "cal_end", "cal_days", "cal_goal")])
    header = row
    for p in sorted(plan.phases, key=lambda p: p.start):
        row += 1
        sale = p.start <= s.sale_day <= p.end
        extra = {"bold": True, "bg_color": "#FCE4D6"} if sale else {}
        ws.write_string(row, 0, p.phase, book.fmt("text", **extra))
        ws.write_datetime(row, 1, p.start, book.fmt("center", "date", **extra))
        ws.write_datetime(row, 2, p.end, book.fmt("center", "date", **extra))
        ws.write_formula(
            row, 3, f"={cell(row, 2)}-{cell(row, 1)}+1", book.fmt("center", "int", **extra), (p.end - p.start).days + 1
        )
        ws.write_string(row, 4, p.goal, book.fmt("wrap", **extra))
    row += 2
    write_header(
        book, ws, row, [label(k, lang) for k in ("cal_window", "cal_start", "cal_end", "cal_minutes", "cal_focus")]
    )
    for w in sorted(plan.windows, key=lambda w: minutes_of(w.start)):
        row += 1
        ws.write_string(row, 0, w.window, book.fmt("text"))
        ws.write_datetime(row, 1, w.start, book.fmt("center", "time"))
        ws.write_datetime(row, 2, w.end, book.fmt("center", "time"))
        minutes = minutes_of(w.end, is_end=True) - minutes_of(w.start)
        ws.write_formula(
            row,
            3,
            f"=ROUND((IF({cell(row, 2)}=0,1,{cell(row, 2)})-{cell(row, 1)})*1440,0)",
            book.fmt("center", "int"),
            minutes,
        )
        ws.write_string(row, 4, w.focus, book.fmt("wrap"))
    issues = check_phases([(p.phase, p.start, p.end) for p in plan.phases]) + (
        check_windows([(w.window, w.start, w.end) for w in plan.windows]) if plan.windows else []
    )
    row += 2
    if not issues:
        ws.write_string(row, 0, "✓ " + label("cal_check_ok", lang), book.fmt("note"))
    for i in issues:
        ws.write_string(row, 0, f"⚠ {i.kind}: {i.a} / {i.b} {i.start}–{i.end}", book.fmt("text", font_color="#9C0006"))
        row += 1
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, footer=page_footer(lang, s.name))
