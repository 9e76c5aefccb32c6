"""The roster as people read it: one block per person (to photograph or forward), and one page
per day for the team's group chat and the wall — who is on which post and shift, how to reach
them and who leads the shift. Contacts come from the staff sheet's 工号, 手机 and 组长."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from xlsxwriter.worksheet import Worksheet

from ..calc.department_roster import DepartmentRoster
from ..i18n import join
from ..plan.contacts import shift_leads
from ..plan.model import Plan
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label
from .roster import WEEKDAYS
from .styles import number_format

Contacts = Mapping[str, Mapping[str, str]]  # name -> {"id", "phone", "lead"}


def _hm(hour: float, *, end: bool = False) -> str:
    minutes = round(hour * 60)
    if end and minutes > 0 and minutes % 1440 == 0:
        return "24:00"
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _time(start_h: float, hours: float) -> str:
    """'22:00–02:00', '16:00–24:00'."""
    return f"{_hm(start_h)}–{_hm(start_h + hours, end=True)}"


def write_person_schedules(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster, contacts: Contacts) -> None:
    """Per person: name, 工号, phone, team lead, department; every shift (date, day, shift,
    start–end, post, hours) and the total. A page break after each block: one person per A4 page."""
    lang, s = plan.lang, plan.settings
    wd = WEEKDAYS[lang]
    widths = (12, 7, 8, 14, 14, 8)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    row = write_title(book, ws, label("title_people", lang, dept=dr.department), s.name)
    mine: dict[str, list] = defaultdict(list)
    for a in dr.result.assignments:
        mine[a.person].append(a)
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
        shifts = sorted(mine.get(p.name, []), key=lambda a: a.start_hour_abs)
        templates = {t.code: t for t in dr.shifts}
        for a in shifts:
            row += 1
            day = s.days[a.day]
            t = templates[a.shift_code]
            ws.write_datetime(row, 0, dt.datetime.combine(day, dt.time()), book.fmt("center", "date"))
            ws.write_string(row, 1, wd[day.weekday()], book.fmt("center"))
            ws.write_string(row, 2, f"{a.shift_code} {t.label}".strip(), book.fmt("center"))
            ws.write_string(row, 3, _time(t.start_hour, t.hours), book.fmt("center"))
            ws.write_string(row, 4, a.post, book.fmt("center"))
            ws.write_number(row, 5, a.hours, book.fmt("center", number_format(a.hours)))
        row += 1
        total = sum(a.hours for a in shifts)
        text = label("ps_total", lang, n=len(shifts), hours=f"{total:g}") if shifts else label("ps_none", lang)
        ws.merge_range(row, 0, row, len(widths) - 1, text, book.fmt("subtotal"))
        row += 3
    ws.set_h_pagebreaks(breaks)
    print_setup(ws, footer=page_footer(lang, s.name))


def write_daily_duty(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster, contacts: Contacts) -> None:
    """Per day (one page each): post, shift, time, who, their phone, and the shift's team lead."""
    lang, s = plan.lang, plan.settings
    wd = WEEKDAYS[lang]
    widths = (12, 10, 14, 12, 16, 12)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    templates = {t.code: t for t in dr.shifts}
    order = {t.code: k for k, t in enumerate(dr.shifts)}
    leads_of = {name: c.get("lead", "") for name, c in contacts.items()}
    by_day: dict[int, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for a in dr.result.assignments:
        by_day[a.day][(a.post, a.shift_code)].append(a.person)
    row = 0
    breaks = []
    for d, day in enumerate(s.days):
        if d:
            breaks.append(row)
            row += 1
        title = label("title_daily", lang, dept=dr.department, day=f"{day:%m-%d} {wd[day.weekday()]}")
        ws.write_string(row, 0, title, book.fmt("title"))
        row += 2
        write_header(book, ws, row, [label(x, lang) for x in
                                     ("ps_post", "ps_shift", "ps_time", "dd_person", "ps_phone", "dd_shift_lead")])
        groups = by_day.get(d, {})
        if not groups:
            row += 1
            ws.merge_range(row, 0, row, len(widths) - 1, label("dd_nobody", lang), book.fmt("note"))
        posts = list(dr.requirement) + sorted({q for q, _ in groups} - set(dr.requirement))
        for (post, code), names in sorted(groups.items(), key=lambda kv: (
                posts.index(kv[0][0]), templates[kv[0][1]].start_hour, order[kv[0][1]])):
            t = templates[code]
            lead = join(shift_leads(sorted(names), leads_of), lang)
            for k, name in enumerate(sorted(names)):
                row += 1
                first = k == 0
                ws.write_string(row, 0, post if first else "", book.fmt("text", bold=first))
                ws.write_string(row, 1, f"{code} {t.label}".strip() if first else "", book.fmt("center"))
                ws.write_string(row, 2, _time(t.start_hour, t.hours) if first else "", book.fmt("center"))
                ws.write_string(row, 3, name, book.fmt("center"))
                ws.write_string(row, 4, contacts.get(name, {}).get("phone", ""), book.fmt("center"))
                ws.write_string(row, 5, lead if first else "", book.fmt("center"))
        row += 2
    ws.set_h_pagebreaks(breaks)
    print_setup(ws, footer=page_footer(lang, s.name))
