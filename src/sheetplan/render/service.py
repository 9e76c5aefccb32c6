"""客服排班: parameters, per-day overview, the shift plan on the plan's own shift templates and
the per-interval audit.

One shift model: the plan's rows are the 班次 templates day by day, with the people the named
roster puts on the Erlang C posts (editable) beside the fewest a template plan needs. Scheduled
agents per interval are a live SUMPRODUCT over the editable column, so the sheet and the roster
agree on which intervals are short, and a planner who edits a head count sees cover, over and
short update in Excel or WPS. The free-start plan stays only as a labelled theoretical minimum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ..calc.calendar import minutes_of
from ..calc.campaign_service import ServicePlan
from ..calc.service import CONCURRENCY_FACTORS, concurrency_factor
from ..calc.shifts import CoverageAudit
from ..plan.model import Plan, ShiftTemplate, Window
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label
from .refs import cell, quote
from .styles import CHART_COLOURS, number_format

WIDTHS = (16, 16, 10, 10, 10, 10, 12, 12, 12, 12)


@dataclass(frozen=True)
class Staffed:
    """What the named roster puts on the Erlang C posts: people per (day, shift code), the cover
    per interval and its audit; None on the sheet when no roster was made."""

    people: dict[tuple[int, str], int]
    audit: CoverageAudit


def write_service(
    book: Book, ws: Worksheet, plan: Plan, sp: ServicePlan, templates: list[ShiftTemplate],
    staffed: Staffed | None = None,
) -> dict[str, str]:
    """The sheet; returns references (required, sl, paid_hours, minimum_hours) for the summary."""
    lang, s = plan.lang, plan.settings
    p = sp.params
    name = ws.get_name()
    row = write_title(book, ws, label("title_service", lang), s.name)
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
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
    pc: dict[str, str] = {}  # the parameter cells the live formulas below read
    for key, (text, value, num) in zip(PARAM_KEYS, params, strict=True):
        row += 1
        ws.merge_range(row, 0, row, 2, text, book.fmt("text", bold=True))
        ws.write_number(row, 3, value, book.fmt("center", num, bg_color="#FFFFE0"))
        pc[key] = cell(row, 3, absolute=True)
    ws.write_string(row + 1, 0, label("cs_params_note", lang), book.fmt("note"))
    short = [w for w in plan.windows if 0 < _window_minutes(w) < p.interval_minutes]
    if short and any(d.profile == "大促" for d in plan.service):
        w = min(short, key=_window_minutes)
        ws.write_string(row + 2, 0, label("cs_short_window", lang, window=w.window, minutes=_window_minutes(w),
                                          interval=p.interval_minutes), book.fmt("note", font_color="#9C0006"))
    chart_row = row + 4
    row += 22  # room for the chart
    rows = _instances(sp, templates, staffed)
    row = _days(book, ws, plan, sp, rows, staffed, row)
    row += 2
    plan_first, plan_last, row = _shift_plan(book, ws, plan, sp, rows, staffed, row)
    row_total = row
    row += 1
    if sp.minimum is not None:
        ws.write_string(row, 0, label("cs_minimum", lang, hours=f"{sp.minimum.paid_hours:,.0f}"), book.fmt("note"))
    minimum_cell = cell(row_total, 7, absolute=True)
    row += 2
    audit = staffed.audit if staffed is not None else sp.audit
    refs = _intervals(book, ws, plan, sp, audit, row, plan_first, plan_last, chart_row, pc)
    refs["paid_hours"] = cell(row_total, 8, absolute=True)
    refs["minimum_hours"] = minimum_cell
    print_setup(ws, footer=page_footer(lang, s.name))
    return {k: f"{quote(name)}!{v}" for k, v in refs.items()}


@dataclass(frozen=True)
class _Row:
    """One shift template on one day: its start interval, length, and people."""

    day: int
    template: ShiftTemplate
    start: int
    length: int
    staffed: int
    minimum: int


def _instances(sp: ServicePlan, templates: list[ShiftTemplate], staffed: Staffed | None) -> list[_Row]:
    """Every (day, template) that someone works or the template plan needs, in time order."""
    minutes = sp.params.interval_minutes
    per_day = sp.per_day
    horizon = len(sp.requirement)
    minimum = {(start, code): n for start, code, n in sp.shifts.starts}
    out = []
    for day in range(horizon // per_day):
        for t in templates:
            start = day * per_day + (t.start.hour * 60 + t.start.minute) // minutes
            length = round(t.hours * 60 / minutes)  # a last-day shift may run past the horizon, as rosters do
            n_staffed = staffed.people.get((day, t.code), 0) if staffed else 0
            n_min = minimum.get((start, t.code), 0)
            if n_staffed or n_min:
                out.append(_Row(day, t, start, length, n_staffed, n_min))
    return sorted(out, key=lambda r: (r.start, r.length))


def _days(
    book: Book, ws: Worksheet, plan: Plan, sp: ServicePlan, rows: list[_Row], staffed: Staffed | None, row: int
) -> int:
    lang = plan.lang
    ws.write_string(row, 0, label("cs_days", lang), book.fmt("section"))
    row += 1
    keys = ["cs_date", "cs_chats", "cs_open", "cs_close", "cs_presales", "cs_reminders", "cs_aftersales",
            "cs_peak", "cs_day_hours" if staffed else "cs_min_hours", "cs_min_hours"]
    write_header(book, ws, row, [label(k, lang) for k in keys])
    per_day = sp.per_day
    minutes = sp.params.interval_minutes
    staffed_h: dict[int, float] = {}
    minimum_h: dict[int, float] = {}
    for r in rows:
        hours = r.length * minutes / 60
        staffed_h[r.day] = staffed_h.get(r.day, 0) + hours * r.staffed
        minimum_h[r.day] = minimum_h.get(r.day, 0) + hours * r.minimum
    index = {d: i for i, d in enumerate(plan.settings.days)}
    for d in sorted(plan.service, key=lambda x: x.date):
        i = index.get(d.date)
        if i is None:
            continue
        row += 1
        chats = sum(sp.arrivals[i * per_day : (i + 1) * per_day])
        ws.write_datetime(row, 0, d.date, book.fmt("center", "date"))
        ws.write_number(row, 1, chats, book.fmt("text", "int"))
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
        day_req = sp.requirement[i * per_day : (i + 1) * per_day]
        ws.write_number(row, 7, max(day_req, default=0), book.fmt("center", "int", bold=True))
        ws.write_number(row, 8, (staffed_h if staffed else minimum_h).get(i, 0), book.fmt("center", "int"))
        ws.write_number(row, 9, minimum_h.get(i, 0), book.fmt("center", "int"))
    return row


def _shift_plan(
    book: Book, ws: Worksheet, plan: Plan, sp: ServicePlan, rows: list[_Row], staffed: Staffed | None, row: int
) -> tuple[int, int, int]:
    """Columns: start, end, shift, hours, start interval, intervals, people (editable), fewest needed, person-hours."""
    lang, s = plan.lang, plan.settings
    status = label(f"status_{sp.shifts.status}", lang)
    ws.write_string(row, 0, label("cs_plan" if staffed else "cs_plan_min", lang, status=status), book.fmt("section"))
    row += 1
    keys = ["cs_start", "cs_end", "cs_shift", "cs_hours", "cs_start_idx", "cs_len_idx",
            "cs_people" if staffed else "cs_people_min", "cs_min_people", "cs_person_hours"]
    write_header(book, ws, row, [label(k, lang) for k in keys])
    first = row + 1
    origin = dt.datetime.combine(s.start, dt.time())
    minutes = sp.params.interval_minutes
    for r in rows:
        row += 1
        hours = r.length * minutes / 60
        people = r.staffed if staffed else r.minimum
        begin = origin + dt.timedelta(minutes=r.start * minutes)
        ws.write_datetime(row, 0, begin, book.fmt("center", "datetime"))
        ws.write_datetime(row, 1, begin + dt.timedelta(hours=hours), book.fmt("center", "datetime"))
        ws.write_string(row, 2, r.template.code, book.fmt("center", bold=True))
        ws.write_number(row, 3, hours, book.fmt("center", number_format(hours)))
        ws.write_number(row, 4, r.start, book.fmt("center", "int"))
        ws.write_number(row, 5, r.length, book.fmt("center", "int"))
        ws.write_number(row, 6, people, book.fmt("center", "int", bg_color="#FFFFE0"))
        ws.write_number(row, 7, r.minimum, book.fmt("center", "int"))
        ws.write_formula(row, 8, f"={cell(row, 3)}*{cell(row, 6)}", book.fmt("center", number_format(hours * people)),
                         hours * people)
    last = max(row, first)
    if row < first:  # no shift at all: keep the ranges valid
        row = first
        for c in range(9):
            ws.write_blank(row, c, None, book.fmt("text"))
    row += 1
    ws.write_string(row, 0, label("cs_total", lang), book.fmt("total"))
    for c in range(1, 6):
        ws.write_blank(row, c, None, book.fmt("total"))
    for c, value in ((6, sum(r.staffed if staffed else r.minimum for r in rows)), (7, sum(r.minimum for r in rows))):
        ws.write_formula(row, c, f"=SUM({cell(first, c)}:{cell(last, c)})", book.fmt("total", "int"), value)
    paid = sum((r.staffed if staffed else r.minimum) * r.length * minutes / 60 for r in rows)
    ws.write_formula(row, 8, f"=SUM({cell(first, 8)}:{cell(last, 8)})", book.fmt("total", number_format(paid)), paid)
    return first, last, row


def _intervals(
    book: Book, ws: Worksheet, plan: Plan, sp: ServicePlan, audit: CoverageAudit, row: int, pf: int, pl: int,
    chart_row: int, pc: dict[str, str],
) -> dict[str, str]:
    lang, s = plan.lang, plan.settings
    name = ws.get_name()
    minutes = sp.params.interval_minutes
    ws.write_string(row, 0, label("cs_intervals", lang), book.fmt("section"))
    row += 1
    keys = ["cs_time", "cs_idx", "cs_arrivals", "cs_is_open", "cs_required", "cs_cover", "cs_over", "cs_under",
            "cs_fixed", "cs_sl"]
    write_header(book, ws, row, [label(k, lang) for k in keys])
    header = row
    first = row + 1
    origin = dt.datetime.combine(s.start, dt.time())
    starts = f"{cell(pf, 4, absolute=True)}:{cell(pl, 4, absolute=True)}"
    lens = f"{cell(pf, 5, absolute=True)}:{cell(pl, 5, absolute=True)}"
    people = f"{cell(pf, 6, absolute=True)}:{cell(pl, 6, absolute=True)}"
    yes, no = label("yes", lang), label("no", lang)
    for a in audit.rows:
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
        if not sp.open_mask[t]:
            ws.write_blank(row, 9, None, book.fmt("center"))
        else:  # live: the service level the people in column F reach, by Erlang C in native functions
            sl = 1.0 if a.service_level is None else a.service_level
            ws.write_formula(row, 9, service_level_formula(cell(row, 2), cell(row, 5), pc),
                             book.fmt("center", "percent"), sl)
    last = row
    ws.conditional_format(first, 7, last, 7, {"type": "cell", "criteria": ">", "value": 0, "format": book.fmt("bad")})
    sl = cell(first, 9)
    ws.conditional_format(
        first,
        9,
        last,
        9,
        {"type": "formula", "criteria": f'=AND({sl}<>"",{sl}<{pc["target"]})', "format": book.fmt("warn")},
    )
    ws.conditional_format(first, 4, last, 4, {"type": "data_bar", "bar_color": "#9DC3E6", "bar_solid": True})
    row += 1
    hours = minutes / 60
    ws.merge_range(
        row, 0, row, 5, label("cs_over_hours", lang) + " / " + label("cs_under_hours", lang), book.fmt("total")
    )
    for c, value in ((6, audit.over_hours), (7, audit.under_hours)):
        fmt = book.fmt("total", number_format(value))
        ws.write_formula(row, c, f"=SUM({cell(first, c)}:{cell(last, c)})*{hours:g}", fmt, value)
    for c in (8, 9):
        ws.write_blank(row, c, None, book.fmt("total"))
    ws.freeze_panes(header + 1, 0)
    ws.repeat_rows(header, header)
    _chart(book, ws, name, lang, first, last, chart_row)
    rng = {"required": 4, "sl": 9}
    out = {k: f"{cell(first, c, absolute=True)}:{cell(last, c, absolute=True)}" for k, c in rng.items()}
    return {**out, "under_hours": cell(row, 7, absolute=True)}


PARAM_KEYS = ("aht", "target", "answer", "interval", "chats", "occupancy", "shrinkage")


def service_level_formula(arrivals: str, people: str, pc: dict[str, str]) -> str:
    """The share answered within the target time by the people on duty, as a native formula
    (Excel, WPS and LibreOffice alike): agents N = ⌊people × (1 − shrinkage)⌋, load
    A = arrivals × AHT ÷ concurrency ÷ interval, P(wait) = POISSON(N) ÷ (POISSON(N) + (1 − A/N) ×
    POISSON_CDF(N − 1)), SL = 1 − P(wait) × e^(−(N − A) × T ÷ (AHT ÷ concurrency)); none short of
    the load (N ≤ A) is 0, no chats is 100 %. The parameters are the cells above."""
    factor = f"CHOOSE({pc['chats']},{','.join(f'{CONCURRENCY_FACTORS[k]:g}' for k in (1, 2, 3, 4))})"
    handle = f"({pc['aht']}/{factor})"
    n = f"INT({people}*(1-{pc['shrinkage']})+1E-9)"
    load = f"({arrivals}*{handle}/({pc['interval']}*60))"
    pn = f"_xlfn.POISSON.DIST({n},{load},FALSE)"  # stored with Excel's prefix for 2010+ functions
    wait = f"{pn}/({pn}+(1-{load}/{n})*_xlfn.POISSON.DIST({n}-1,{load},TRUE))"
    sl = f"1-{wait}*EXP(-({n}-{load})*{pc['answer']}/{handle})"
    return f"=IF({arrivals}<=0,1,IF({n}<={load},0,MAX(0,MIN(1,{sl}))))"


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
    chart.set_title({"name": label("cs_chart", lang), "name_font": {"name": book.font, "size": 12}})
    chart.set_x_axis(
        {
            "text_axis": True,
            "num_format": "m-d hh:mm",
            "num_font": {"name": book.font, "size": 8, "rotation": -45},
            "interval_unit": max(1, (last - first + 1) // 16),
            "interval_tick": max(1, (last - first + 1) // 16),
        }
    )
    chart.set_y_axis(
        {"num_font": {"name": book.font, "size": 9}, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}}
    )
    chart.set_legend({"position": "top", "font": {"name": book.font, "size": 9}})
    chart.set_size({"width": 860, "height": 340})
    ws.insert_chart(at_row, 0, chart)


def _window_minutes(w: Window) -> int:
    return minutes_of(w.end, is_end=True) - minutes_of(w.start)
