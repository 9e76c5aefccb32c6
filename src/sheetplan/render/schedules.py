"""The roster as people read it: one block per person (to photograph or forward), and one page
per day for the team's group chat and the wall — who is on which post and shift, how to reach
them and who leads the shift. Contacts come from the staff sheet's 工号, 手机 and 组长. A night shift
shows on the day it starts (running into the next day) and again on the next day's list, marked as
from the evening before (:mod:`sheetplan.calc.duty_lists`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from xlsxwriter.worksheet import Worksheet

from ..calc.department_roster import DepartmentRoster
from ..calc.duty_lists import DutyLine, by_day, by_person, duty_lines
from ..i18n import join
from ..plan.contacts import shift_leads
from ..plan.model import Plan
from .book import Book, page_footer, print_setup, text_height, write_header, write_title
from .labels import label
from .roster import WEEKDAYS, day_head
from .styles import number_format

Contacts = Mapping[str, Mapping[str, str]]  # name -> {"id", "phone", "lead"}


def _hm(hour: float, *, end: bool = False) -> str:
    minutes = round(hour * 60)
    if end and minutes > 0 and minutes % 1440 == 0:
        return "24:00"
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _time(start_h: float, hours: float, lang: str = "zh", *, overnight: bool = False, carried: bool = False) -> str:
    """'16:00–24:00'; a night shift '22:00–次日 02:00' on its own day and '22:00–02:00（前一晚起）'
    on the next day's list."""
    start, end = _hm(start_h), _hm(start_h + hours, end=True)
    if carried:
        return label("dd_time_carried", lang, start=start, end=end)
    if overnight:
        return label("dd_time_overnight", lang, start=start, end=end)
    return f"{start}–{end}"


def _line_time(line: DutyLine, lang: str) -> str:
    return _time(line.start_hour, line.hours, lang, overnight=line.overnight, carried=line.carried)


def write_person_schedules(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster, contacts: Contacts) -> None:
    """Per person: name, 工号, phone, team lead, department; every shift (date, day, shift,
    start–end, post, hours) and the total. A page break after each block: one person per A4 page."""
    lang, s = plan.lang, plan.settings
    wd = WEEKDAYS[lang]
    widths = (12, 7, 14, 22, 14, 8)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    row = write_title(book, ws, label("title_people", lang, dept=dr.department), s.name)
    mine = by_person(duty_lines(dr.result.assignments, dr.shifts, len(s.days)))
    breaks = []
    for k, p in enumerate(sorted(dr.people, key=lambda p: p.name)):
        if k:
            breaks.append(row)
        c = contacts.get(p.name, {})
        ws.merge_range(row, 0, row, len(widths) - 1, p.name, book.fmt("section"))
        row += 1
        facts = [("ps_dept", dr.department), ("ps_id", c.get("id", "")), ("ps_phone", c.get("phone", "")),
                 ("ps_lead", c.get("lead", ""))]
        for key, value in facts:
            ws.write_string(row, 0, label(key, lang), book.fmt("text", bold=True))
            ws.merge_range(row, 1, row, 3, value or "—", book.fmt("text"))
            row += 1
        row += 1
        write_header(book, ws, row, [label(x, lang) for x in
                                     ("ps_date", "ps_weekday", "ps_shift", "ps_time", "ps_post", "ps_hours")])
        lines = mine.get(p.name, [])
        templates = {t.code: t for t in dr.shifts}
        for line in lines:
            row += 1
            day = s.days[line.day]
            t = templates[line.shift_code]
            look = "carried" if line.carried else "center"
            ws.write_datetime(row, 0, dt.datetime.combine(day, dt.time()), book.fmt(look, "date"))
            ws.write_string(row, 1, wd[day.weekday()], book.fmt(look))
            ws.write_string(row, 2, f"{line.shift_code} {t.label}".strip(), book.fmt(look))
            when = _line_time(line, lang)
            ws.set_row(row, text_height(when, widths[3]))
            ws.write_string(row, 3, when, book.fmt(look, text_wrap=True))
            ws.write_string(row, 4, line.post, book.fmt(look))
            if line.carried:  # its hours count on the day it started
                ws.write_blank(row, 5, None, book.fmt(look))
            else:
                ws.write_number(row, 5, line.hours, book.fmt("center", number_format(line.hours)))
        row += 1
        shifts = [line for line in lines if not line.carried]
        total = sum(line.hours for line in shifts)
        text = label("ps_total", lang, n=len(shifts), hours=f"{total:g}") if shifts else label("ps_none", lang)
        ws.merge_range(row, 0, row, len(widths) - 1, text, book.fmt("subtotal"))
        row += 3
    ws.set_h_pagebreaks(breaks)
    print_setup(ws, footer=page_footer(lang, s.name))


def write_daily_duty(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster, contacts: Contacts) -> None:
    """Per day (one page each): post, shift, time, who, their phone, and the shift's team lead."""
    lang, s = plan.lang, plan.settings
    widths = (12, 10, 22, 12, 16, 12)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    templates = {t.code: t for t in dr.shifts}
    order = {t.code: k for k, t in enumerate(dr.shifts)}
    leads_of = {name: c.get("lead", "") for name, c in contacts.items()}
    days = by_day(duty_lines(dr.result.assignments, dr.shifts, len(s.days)))
    row = 0
    breaks = []
    for d, day in enumerate(s.days):
        if d:
            breaks.append(row)
            row += 1
        title = label("title_daily", lang, dept=dr.department, day=day_head(day, lang))
        ws.write_string(row, 0, title, book.fmt("title"))
        row += 2
        write_header(book, ws, row, [label(x, lang) for x in
                                     ("ps_post", "ps_shift", "ps_time", "dd_person", "ps_phone", "dd_shift_lead")])
        groups = days.get(d, {})
        if not groups:
            row += 1
            ws.merge_range(row, 0, row, len(widths) - 1, label("dd_nobody", lang), book.fmt("note"))
        posts = list(dr.requirement) + sorted({q for q, _, _ in groups} - set(dr.requirement))
        # per post: the night team from the evening before first (on duty from 00:00), then by start
        for (post, code, carried), names in sorted(groups.items(), key=lambda kv: (
                posts.index(kv[0][0]), not kv[0][2], templates[kv[0][1]].start_hour, order[kv[0][1]])):
            t = templates[code]
            lead = join(shift_leads(names, leads_of), lang)
            when = _time(t.start_hour, t.hours, lang, overnight=t.crosses_midnight, carried=carried)
            for k, name in enumerate(names):
                row += 1
                first = k == 0
                if first:
                    ws.set_row(row, text_height(when, widths[2]))
                ws.write_string(row, 0, post if first else "", book.fmt("text", bold=first))
                ws.write_string(row, 1, f"{code} {t.label}".strip() if first else "", book.fmt("center"))
                ws.write_string(row, 2, when if first else "",
                                book.fmt("carried" if carried else "center", text_wrap=True))
                ws.write_string(row, 3, name, book.fmt("center"))
                ws.write_string(row, 4, contacts.get(name, {}).get("phone", ""), book.fmt("center"))
                ws.write_string(row, 5, lead if first else "", book.fmt("center"))
        row += 2
    ws.set_h_pagebreaks(breaks)
    print_setup(ws, footer=page_footer(lang, s.name))
