"""活动日历: the phases by date and the sale-day windows by time, with live day/minute counts."""

from __future__ import annotations

import datetime as dt

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from ..calc.calendar import check_phases, check_windows, minutes_of
from ..messages import msg
from ..plan.model import Plan, day_label
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
    windows = check_windows([(w.window, w.start, w.end) for w in plan.windows]) if plan.windows else []
    issues = [("phase", i) for i in check_phases([(p.phase, p.start, p.end) for p in plan.phases])]
    issues += [("window", i) for i in windows]
    row += 2
    if not plan.windows:  # nothing was checked: never a tick for an empty sheet
        ws.write_string(row, 0, "⚠ " + label("cal_no_windows", lang), book.fmt("text", font_color="#9C0006"))
        row += 1
    elif not issues:
        ws.write_string(row, 0, "✓ " + label("cal_check_ok", lang), book.fmt("note"))
    for what, i in issues:
        text = msg(f"{what}_{i.kind}", lang, a=i.a, b=i.b, start=i.start, end=i.end)
        ws.write_string(row, 0, f"⚠ {text}", book.fmt("text", font_color="#9C0006"))
        row += 1
    _timeline(book, ws, plan, row + 2, header)
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, landscape=True, footer=page_footer(lang, s.name))


def _timeline(book: Book, ws: Worksheet, plan: Plan, row: int, header: int) -> None:
    """Phases by week, drawn by conditional formatting on the phase table's own dates (edit a
    date above and the bar moves); the sale day's week is marked."""
    lang, s = plan.lang, plan.settings
    phases = sorted(plan.phases, key=lambda p: p.start)
    if not phases:
        return
    first_day = min(p.start for p in phases)
    last_day = max([s.end, *(p.end for p in phases)])
    monday = first_day - dt.timedelta(days=first_day.weekday())
    n = min(60, (last_day - monday).days // 7 + 1)
    ws.write_string(row, 0, label("cal_timeline", lang), book.fmt("section"))
    row += 1
    c0 = 5
    ws.set_row(row, 34)
    for i in range(n):
        ws.set_column(c0 + i, c0 + i, 3.2)
        ws.write_datetime(row, c0 + i, monday + dt.timedelta(weeks=i),
                          book.fmt("header", num_format="m-d", font_size=7, rotation=90))
    top = row
    for k, p in enumerate(phases):
        r = row + 1 + k
        src = header + 1 + k  # the phase's row in the table above: its dates drive the bar
        ws.merge_range(r, 0, r, 4, p.phase, book.fmt("text", bold=True))
        for i in range(n):
            ws.write_blank(r, c0 + i, None, book.fmt("text", border_color="#E0E0E0"))
        week = f"{_col(c0)}${top + 1}"
        ws.conditional_format(r, c0, r, c0 + n - 1, {
            "type": "formula",
            "criteria": f"=AND({week}<=$C${src + 1},{week}+6>=$B${src + 1})",
            "format": book.fmt("sale" if p.start <= s.sale_day <= p.end else "phase"),
        })
    sale_week = (s.sale_day - monday).days // 7
    if 0 <= sale_week < n:
        ws.write_string(row + len(phases) + 1, c0 + sale_week, "▲", book.fmt("center", font_color="#C00000"))
        ws.write_string(row + len(phases) + 1, 0, label("cal_sale_marker", lang, day=day_label(s.sale_day)),
                        book.fmt("note"))


def _col(c: int) -> str:
    return xl_col_to_name(c)
