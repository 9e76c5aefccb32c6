"""人数核对-<部门>: the warehouse department's heads on 仓库人员 reconciled with its roster, per day
and per post and day, each difference said in words (:mod:`sheetplan.calc.warehouse_check`);
and the stress test rostered as a what-if when the plan asks for it (排班压力测试)."""

from __future__ import annotations

import datetime as dt

from xlsxwriter.worksheet import Worksheet

from ..calc.roster import format_span
from ..calc.warehouse_check import DayTotal, PostDay, StressPost, WarehouseCheck
from ..plan.model import Plan
from .book import Book, page_footer, print_setup, text_height, write_header, write_title
from .labels import label
from .roster import day_head
from .styles import number_format


def _hm(t: dt.time, end: bool = False) -> str:
    return "24:00" if end and t == dt.time(0, 0) else f"{t:%H:%M}"


def _num(book: Book, ws: Worksheet, row: int, col: int, value: float, look: str = "center") -> None:
    ws.write_number(row, col, value, book.fmt(look, number_format(value)))


def day_text(d: DayTotal, lang: str) -> str:
    """'22 → 14 on duty at once → 28 with the relays + 2 typed = 30; rostered 30'."""
    extra = d.minimum - d.minimum_model
    typed = label("wc_plus_typed", lang, n=extra, total=d.minimum) if extra > 0 else ""
    text = label("wc_day", lang, heads=d.heads, on_duty=d.on_duty, model=d.minimum_model, typed=typed,
                 rostered=d.rostered)
    return text + _difference(d.rostered, d.minimum, d.short_hours, 0, lang)


def _difference(rostered: int, minimum: int, short: float, fixed: int, lang: str, guaranteed: int = 0) -> str:
    parts = []
    if rostered > minimum:
        parts.append(label("wc_more", lang, n=rostered - minimum)
                     + (label("wc_fixed", lang, n=fixed) if fixed else "")
                     + (label("wc_guaranteed", lang, n=guaranteed) if guaranteed else ""))
    if short > 0:
        parts.append(label("wc_short", lang, hours=f"{short:g}"))
    return "".join(label("wc_sep", lang) + p for p in parts)


def post_text(r: PostDay, plan: Plan) -> str:
    """Why the post has this many people that day, step by step."""
    lang, s = plan.lang, plan.settings
    parts = []
    if r.on_duty:
        key = "wc_peak" if r.peak else "wc_normal"
        parts.append(label(key, lang, heads=r.heads, n=r.on_duty))
        if r.relay > 1:
            window = f"{_hm(s.warehouse_open)}–{_hm(s.warehouse_close, end=True)}"
            parts.append(label("wc_relay", lang, window=window, relay=r.relay, n=r.minimum_model))
        if r.minimum_model > r.heads:
            parts.append(label("wc_rounding", lang, n=r.minimum_model - r.heads))
    if r.typed:
        parts.append(label("wc_typed", lang, n=r.typed, total=r.minimum))
    if not parts:
        parts.append(label("wc_no_need", lang))
    if r.over_hours > 0:
        parts.append(label("wc_over", lang, hours=f"{r.over_hours:g}"))
    if not r.staffed:
        parts.append(label("wc_unstaffed", lang, post=r.post))
    sep = label("wc_sep", lang)
    return sep.join(parts) + _difference(r.rostered, r.minimum, r.short_hours, r.fixed, lang, r.guaranteed)


def stress_text(p: StressPost, plan: Plan) -> str:
    lang = plan.lang
    if p.short_hours <= 0:
        return label("wc_stress_ok", lang)
    labels = plan.settings.day_labels
    minutes = plan.settings.interval_minutes
    text = label("wc_stress_short", lang, hours=f"{p.short_hours:g}")
    if p.worst:
        a, b, n = p.worst
        text += label("wc_stress_worst", lang, span=format_span(a, b, minutes, labels, lang), n=n)
    after = (label("wc_stress_closes", lang) if p.short_after <= 0
             else label("wc_stress_still", lang, hours=f"{p.short_after:g}"))
    return text + label("wc_stress_more", lang, n=p.more_people, post=p.post, after=after)


def write_warehouse_check(book: Book, ws: Worksheet, plan: Plan, check: WarehouseCheck) -> None:
    lang, s = plan.lang, plan.settings
    widths = (12, 11, 10, 10, 9, 11, 9, 9, 9, 90)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    row = write_title(book, ws, label("title_wh_check", lang, dept=check.department), s.name)
    rule = label("wc_rule", lang, open=_hm(s.warehouse_open), close=_hm(s.warehouse_close, end=True),
                 backlog=s.backlog_days)
    ws.merge_range(row - 1, 0, row - 1, len(widths) - 1, rule, book.fmt("note"))

    def day_label(d: int) -> str:
        return day_head(s.days[d], lang)

    ws.write_string(row, 0, label("wc_by_day", lang), book.fmt("section"))
    row += 1
    write_header(book, ws, row, [label(k, lang) for k in (
        "wc_date", "wc_heads", "wc_on_duty", "wc_typed_col", "wc_minimum", "wc_rostered", "wc_short_col")])
    ws.merge_range(row, 7, row, 9, label("wc_why", lang), book.fmt("header"))
    header = row
    sale = s.days.index(s.sale_day) if s.sale_day in s.days else -1
    for d in check.days:
        row += 1
        look = "wc_sale" if d.day == sale else "center"
        ws.write_string(row, 0, day_label(d.day), book.fmt(look))
        for c, v in enumerate((d.heads, d.on_duty, d.typed, d.minimum, d.rostered, d.short_hours), start=1):
            _num(book, ws, row, c, v, look)
        text = day_text(d, lang)
        ws.set_row(row, text_height(text, sum(widths[7:])))
        ws.merge_range(row, 7, row, 9, text, book.fmt("wrap"))
    row += 2
    ws.write_string(row, 0, label("wc_by_post", lang), book.fmt("section"))
    row += 1
    write_header(book, ws, row, [label(k, lang) for k in (
        "wc_post", "wc_date", "wc_heads", "wc_on_duty", "wc_typed_col", "wc_minimum", "wc_rostered",
        "wc_short_col", "wc_over_col", "wc_why")])
    for r in check.rows:
        row += 1
        ws.write_string(row, 0, r.post, book.fmt("text", bold=r.day == 0))
        ws.write_string(row, 1, day_label(r.day), book.fmt("wc_sale" if r.day == sale else "center"))
        for c, v in enumerate((r.heads, r.on_duty, r.typed, r.minimum, r.rostered, r.short_hours, r.over_hours),
                              start=2):
            _num(book, ws, row, c, v)
        text = post_text(r, plan)
        ws.set_row(row, text_height(text, widths[9]))
        ws.write_string(row, 9, text, book.fmt("wrap"))
    row += 2
    if check.stress is None:
        ws.merge_range(row, 0, row, len(widths) - 1, label("wc_stress_off", lang, factor=s.stress_factor),
                       book.fmt("note"))
    else:
        ws.write_string(row, 0, label("wc_stress_title", lang, factor=check.factor), book.fmt("section"))
        row += 1
        write_header(book, ws, row, [label(k, lang, factor=check.factor) for k in (
            "wc_post", "wc_stress_heads", "wc_req_hours", "wc_short_col", "wc_more_col", "wc_after_col")])
        ws.merge_range(row, 6, row, 9, label("wc_why", lang), book.fmt("header"))
        for p in check.stress:
            row += 1
            ws.write_string(row, 0, p.post, book.fmt("text", bold=True))
            for c, v in enumerate((p.heads, p.required_hours, p.short_hours, p.more_people, p.short_after), start=1):
                _num(book, ws, row, c, v, "wc_short" if c == 3 and v > 0 else "center")
            text = stress_text(p, plan)
            ws.set_row(row, text_height(text, sum(widths[6:])))
            ws.merge_range(row, 6, row, 9, text, book.fmt("wrap"))
        row += 1
        totals = [sum(p.heads for p in check.stress), sum(p.required_hours for p in check.stress),
                  sum(p.short_hours for p in check.stress), sum(p.more_people for p in check.stress),
                  sum(p.short_after for p in check.stress)]
        ws.write_string(row, 0, label("wc_total", lang), book.fmt("total"))
        for c, v in enumerate(totals, start=1):
            _num(book, ws, row, c, v, "total")
        ws.merge_range(row, 6, row, 9, "", book.fmt("total"))
    ws.freeze_panes(header + 1, 1)
    print_setup(ws, landscape=True, footer=page_footer(lang, s.name))
