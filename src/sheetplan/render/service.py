"""客服排班: parameters, per-day overview, the optimal shift plan and the per-interval audit.

Scheduled agents per interval are a live SUMPRODUCT over the shift plan, so a planner who
edits a head count in the plan sees cover, over and short update in Excel or WPS.
"""

from __future__ import annotations

import datetime as dt

from xlsxwriter.worksheet import Worksheet

from ..calc.calendar import minutes_of
from ..calc.campaign_service import ServicePlan
from ..calc.service import concurrency_factor
from ..plan.model import Plan, Window
from .book import Book, print_setup, write_header, write_title
from .labels import label
from .refs import cell
from .styles import CHART_COLOURS, FONT

WIDTHS = (16, 12, 12, 10, 12, 12, 10, 10, 12, 12)


def write_service(book: Book, ws: Worksheet, plan: Plan, sp: ServicePlan) -> dict[str, str]:
    lang, s = plan.lang, plan.settings
    p = sp.params
    name = ws.get_name()
    row = write_title(book, ws, label("title_service", lang), s.name)
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    # parameters
    ws.write_string(row, 0, label("cs_params", lang), book.fmt("section"))
    params = [
        (label("cs_aht", lang), p.aht_seconds, "int"),
        (label("cs_target", lang), p.target_sl, "percent0"),
        (label("cs_answer", lang), p.answer_seconds, "int"),
        (label("cs_interval", lang), p.interval_minutes, "int"),
        (label("cs_concurrency", lang, factor=concurrency_factor(p.chats_at_once)), p.chats_at_once, "int"),
        (label("cs_occupancy", lang), p.max_occupancy, "percent0"),
        (label("cs_shrinkage", lang), p.shrinkage, "percent0"),
    ]
    for text, value, num in params:
        row += 1
        ws.merge_range(row, 0, row, 2, text, book.fmt("text", bold=True))
        ws.write_number(row, 3, value, book.fmt("center", num))
    short = [w for w in plan.windows if 0 < _window_minutes(w) < p.interval_minutes]
    if short and any(d.profile == "大促" for d in plan.service):
        w = min(short, key=_window_minutes)
        ws.write_string(row, 5, label("cs_short_window", lang, window=w.window, minutes=_window_minutes(w),
                                      interval=p.interval_minutes), book.fmt("note", font_color="#9C0006"))
    chart_row = row + 2
    row += 20  # room for the chart
    row = _days(book, ws, plan, sp, row)
    row += 2
    plan_first, plan_last, row = _shift_plan(book, ws, plan, sp, row)
    row_total = row
    row += 2
    refs = _intervals(book, ws, plan, sp, row, plan_first, plan_last, chart_row)
    refs["paid_hours"] = cell(row_total, 5, absolute=True)
    print_setup(ws, footer=label("page_footer", lang, name=s.name))
    return {k: f"'{name}'!{v}" for k, v in refs.items()}


def _days(book: Book, ws: Worksheet, plan: Plan, sp: ServicePlan, row: int) -> int:
    lang = plan.lang
    ws.write_string(row, 0, label("cs_days", lang), book.fmt("section"))
    row += 1
    keys = [
        "cs_date",
        "cs_chats",
        "cs_open",
        "cs_close",
        "cs_presales",
        "cs_reminders",
        "cs_aftersales",
        "cs_fixed_total",
        "cs_peak",
        "cs_day_hours",
    ]
    write_header(book, ws, row, [label(k, lang) for k in keys])
    per_day = sp.per_day
    hours_by_day: dict[int, float] = {}
    lengths = sp.shifts.shift_intervals
    for start, code, people in sp.shifts.starts:
        d = start // per_day
        hours_by_day[d] = hours_by_day.get(d, 0) + lengths[code] * people * sp.params.interval_minutes / 60
    for i, d in enumerate(sorted(plan.service, key=lambda x: x.date)):
        row += 1
        ws.write_datetime(row, 0, d.date, book.fmt("center", "date"))
        ws.write_number(row, 1, d.chats, book.fmt("text", "int"))
        ws.write_datetime(row, 2, d.open, book.fmt("center", "time"))
        if d.close == dt.time(0, 0):  # closing at midnight: show 24:00, not 00:00
            ws.write_number(row, 3, 1.0, book.fmt("center", num_format="[hh]:mm"))
        else:
            ws.write_datetime(row, 3, d.close, book.fmt("center", "time"))
        for c, v in zip((4, 5, 6), (d.presales, d.reminders, d.aftersales), strict=True):
            if v is None:
                ws.write_blank(row, c, None, book.fmt("center"))
            else:
                ws.write_number(row, c, v, book.fmt("center", "int"))
        fixed = sum(v or 0 for v in (d.presales, d.reminders, d.aftersales))
        ws.write_formula(row, 7, f"=SUM({cell(row, 4)}:{cell(row, 6)})", book.fmt("center", "int"), fixed)
        day_req = sp.requirement[i * per_day : (i + 1) * per_day]
        ws.write_number(row, 8, max(day_req, default=0), book.fmt("center", "int", bold=True))
        ws.write_number(row, 9, hours_by_day.get(i, 0), book.fmt("center", "int"))
    return row


def _shift_plan(book: Book, ws: Worksheet, plan: Plan, sp: ServicePlan, row: int) -> tuple[int, int, int]:
    lang, s = plan.lang, plan.settings
    r = sp.shifts
    ws.write_string(
        row, 0, label("cs_plan", lang, status=label(f"status_{r.status}", lang), solver=r.solver), book.fmt("section")
    )
    row += 1
    keys = ["cs_start", "cs_start_idx", "cs_hours", "cs_len_idx", "cs_people", "cs_person_hours"]
    write_header(book, ws, row, [label(k, lang) for k in keys])
    first = row + 1
    origin = dt.datetime.combine(s.start, dt.time())
    minutes = sp.params.interval_minutes
    for start, code, people in sorted(r.starts):
        row += 1
        n = r.shift_intervals[code]
        ws.write_datetime(row, 0, origin + dt.timedelta(minutes=start * minutes), book.fmt("center", "datetime"))
        ws.write_number(row, 1, start, book.fmt("center", "int"))
        ws.write_number(row, 2, n * minutes / 60, book.fmt("center", "number"))
        ws.write_number(row, 3, n, book.fmt("center", "int"))
        ws.write_number(row, 4, people, book.fmt("center", "int", bg_color="#FFFFE0"))
        ws.write_formula(
            row, 5, f"={cell(row, 2)}*{cell(row, 4)}", book.fmt("center", "number"), n * minutes / 60 * people
        )
    last = max(row, first)
    if row < first:  # no shift at all: keep the ranges valid
        row = first
        for c in range(6):
            ws.write_blank(row, c, None, book.fmt("text"))
    row += 1
    ws.write_string(row, 0, label("cs_total", lang), book.fmt("total"))
    for c in (1, 2, 3):
        ws.write_blank(row, c, None, book.fmt("total"))
    ws.write_formula(
        row, 4, f"=SUM({cell(first, 4)}:{cell(last, 4)})", book.fmt("total", "int"), sum(p for _, _, p in r.starts)
    )
    ws.write_formula(row, 5, f"=SUM({cell(first, 5)}:{cell(last, 5)})", book.fmt("total", "number"), r.paid_hours)
    return first, last, row


def _intervals(
    book: Book, ws: Worksheet, plan: Plan, sp: ServicePlan, row: int, pf: int, pl: int, chart_row: int
) -> dict[str, str]:
    lang, s = plan.lang, plan.settings
    name = ws.get_name()
    minutes = sp.params.interval_minutes
    ws.write_string(row, 0, label("cs_intervals", lang), book.fmt("section"))
    row += 1
    keys = [
        "cs_time",
        "cs_idx",
        "cs_arrivals",
        "cs_is_open",
        "cs_required",
        "cs_cover",
        "cs_over",
        "cs_under",
        "cs_fixed",
        "cs_sl",
    ]
    write_header(book, ws, row, [label(k, lang) for k in keys])
    header = row
    first = row + 1
    origin = dt.datetime.combine(s.start, dt.time())
    starts = f"{cell(pf, 1, absolute=True)}:{cell(pl, 1, absolute=True)}"
    lens = f"{cell(pf, 3, absolute=True)}:{cell(pl, 3, absolute=True)}"
    people = f"{cell(pf, 4, absolute=True)}:{cell(pl, 4, absolute=True)}"
    yes, no = label("yes", lang), label("no", lang)
    for a in sp.audit.rows:
        row += 1
        t = a.interval
        ws.write_datetime(row, 0, origin + dt.timedelta(minutes=t * minutes), book.fmt("center", "datetime"))
        ws.write_number(row, 1, t, book.fmt("center", "int"))
        ws.write_number(row, 2, sp.arrivals[t], book.fmt("center", "one"))
        ws.write_string(row, 3, yes if sp.open_mask[t] else no, book.fmt("center"))
        ws.write_number(row, 4, a.requirement, book.fmt("center", "int"))
        idx = cell(row, 1)
        ws.write_formula(
            row,
            5,
            f"=SUMPRODUCT(({starts}<={idx})*({starts}+{lens}>{idx})*{people})",
            book.fmt("center", "int", bold=True),
            a.cover,
        )
        ws.write_formula(row, 6, f"=MAX(0,{cell(row, 5)}-{cell(row, 4)})", book.fmt("center", "int"), a.over)
        ws.write_formula(row, 7, f"=MAX(0,{cell(row, 4)}-{cell(row, 5)})", book.fmt("center", "int"), a.under)
        ws.write_number(row, 8, sp.fixed[t], book.fmt("center", "int"))
        if a.service_level is None or not sp.open_mask[t]:
            ws.write_blank(row, 9, None, book.fmt("center"))
        else:
            ws.write_number(row, 9, a.service_level, book.fmt("center", "percent"))
    last = row
    ws.conditional_format(first, 7, last, 7, {"type": "cell", "criteria": ">", "value": 0, "format": book.fmt("bad")})
    sl = cell(first, 9)
    ws.conditional_format(
        first,
        9,
        last,
        9,
        {"type": "formula", "criteria": f'=AND({sl}<>"",{sl}<{sp.params.target_sl})', "format": book.fmt("warn")},
    )
    ws.conditional_format(first, 4, last, 4, {"type": "data_bar", "bar_color": "#9DC3E6", "bar_solid": True})
    row += 1
    hours = minutes / 60
    ws.merge_range(
        row, 0, row, 5, label("cs_over_hours", lang) + " / " + label("cs_under_hours", lang), book.fmt("total")
    )
    ws.write_formula(
        row, 6, f"=SUM({cell(first, 6)}:{cell(last, 6)})*{hours:g}", book.fmt("total", "number"), sp.audit.over_hours
    )
    ws.write_formula(
        row, 7, f"=SUM({cell(first, 7)}:{cell(last, 7)})*{hours:g}", book.fmt("total", "number"), sp.audit.under_hours
    )
    for c in (8, 9):
        ws.write_blank(row, c, None, book.fmt("total"))
    ws.freeze_panes(header + 1, 0)
    ws.repeat_rows(header, header)
    _chart(book, ws, name, lang, first, last, chart_row)
    rng = {"required": 4, "sl": 9}
    out = {k: f"{cell(first, c, absolute=True)}:{cell(last, c, absolute=True)}" for k, c in rng.items()}
    return {**out, "under_hours": cell(row, 7, absolute=True)}


def _chart(book: Book, ws: Worksheet, name: str, lang: str, first: int, last: int, at_row: int) -> None:
    chart = book.wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": label("cs_cover", lang),
            "categories": [name, first, 0, last, 0],
            "values": [name, first, 5, last, 5],
            "fill": {"color": "#9DC3E6"},
            "gap": 10,
        }
    )
    line = book.wb.add_chart({"type": "line"})
    line.add_series(
        {
            "name": label("cs_required", lang),
            "categories": [name, first, 0, last, 0],
            "values": [name, first, 4, last, 4],
            "line": {"color": CHART_COLOURS[1], "width": 1.5},
        }
    )
    chart.combine(line)
    chart.set_title({"name": label("cs_chart", lang), "name_font": {"name": FONT, "size": 12}})
    chart.set_x_axis(
        {
            "text_axis": True,
            "num_format": "m-d hh:mm",
            "num_font": {"name": FONT, "size": 8, "rotation": -45},
            "interval_unit": max(1, (last - first + 1) // 16),
            "interval_tick": max(1, (last - first + 1) // 16),
        }
    )
    chart.set_y_axis(
        {"num_font": {"name": FONT, "size": 9}, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}}
    )
    chart.set_legend({"position": "top", "font": {"name": FONT, "size": 9}})
    chart.set_size({"width": 860, "height": 340})
    ws.insert_chart(at_row, 0, chart)


def _window_minutes(w: Window) -> int:
    return minutes_of(w.end, is_end=True) - minutes_of(w.start)
