"""Duty rosters: the grid a department head prints, the peak-day cover heatmap and the
long-format 排班明细 other systems import.

The hour totals, head counts and the heatmap's scheduled counts are live COUNTIF formulas over
the grid, so a planner's hand edit (a swap, 休 typed for leave, a shift added) shows at once in
Excel, WPS and LibreOffice; `sheetplan check-roster` re-checks the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ..calc.department_roster import DepartmentRoster
from ..calc.roster import ShiftTemplate, format_span, shift_instances
from ..i18n import join
from ..plan.model import Plan, day_label
from ..plan.schema import SEPARATOR
from . import formula as f
from .book import Book, column_width, page_footer, print_setup, text_height, write_header, write_title
from .labels import label
from .places import GridPlace
from .refs import cell, quote
from .styles import SHIFT_COLOURS, number_format

HIDE_ZERO = "0;-0;;@"  # a post with no demand and nobody scheduled reads as empty, not a wall of 0s
SIGNED = "+0;-0;;@"
WEEKDAYS = {"zh": "一二三四五六日", "en": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]}


def day_head(d: dt.date, lang: str) -> str:
    """A day's column or list heading: its label, a space, its weekday ('11-11 三')."""
    return f"{day_label(d)} {WEEKDAYS[lang][d.weekday()]}"
KIND_LABEL = {"fulltime": "全职", "student": "学生", "borrowed": "借调"}
KIND_EN = {"fulltime": "full-time", "student": "student", "borrowed": "borrowed"}


@dataclass(frozen=True)
class AssignmentRange:
    """Where 排班明细 keeps its rows, for formulas on other sheets."""

    sheet: str
    first: int
    last: int

    def col(self, c: int) -> str:
        return f"{quote(self.sheet)}!{cell(self.first, c, absolute=True)}:{cell(self.last, c, absolute=True)}"


def clock(hour: float, *, end: bool = False) -> str:
    """08:00 -> '8', 08:30 -> '8:30'; an end at midnight reads '24': short enough for a roster cell."""
    minutes = round(hour * 60)
    h, m = divmod(minutes % (24 * 60), 60)
    if end and minutes % (24 * 60) == 0:
        return "24"
    return f"{h}" if m == 0 else f"{h}:{m:02d}"


def cell_text(post: str, t: ShiftTemplate) -> str:
    """'售前·夜 0–8': post, shift code and its hours, on the day the shift starts (a night shift
    from 22:00 reads '22–2' on the evening it begins, never on the next day's column)."""
    return f"{post}{SEPARATOR}{t.code} {clock(t.start_hour)}–{clock(t.start_hour + t.hours, end=True)}"


def shift_criteria(code: str) -> str:
    """COUNTIF criteria matching the cells of one shift code (codes hold no spaces or ·)."""
    return f.criteria(f"*{SEPARATOR}{f.literal(code)} *")


def count_code(span: str, code: str, post: str | None = None) -> str:
    """COUNTIF terms counting a shift code's cells in ``span`` (of one post, or any): as written
    ('售前·夜 0–8') and as a planner types it by hand ('售前·夜')."""
    head = f.literal(post) if post is not None else "*"
    return "+".join(f"COUNTIF({span},{f.criteria(f'{head}{SEPARATOR}{f.literal(code)}{tail}')})"
                    for tail in ("", " *"))


def post_criteria(post: str) -> str:
    """COUNTIF criteria matching the cells of one post (posts hold no ·)."""
    return f.criteria(f"{f.literal(post)}{SEPARATOR}*")


def _origin(plan: Plan) -> dt.datetime:
    return dt.datetime.combine(plan.settings.start, dt.time())


def write_assignments(book: Book, ws: Worksheet, plan: Plan, rosters: Sequence[DepartmentRoster]) -> AssignmentRange:
    """One row per assignment: person, department, post, date, shift, start, end, hours."""
    lang = plan.lang
    row = write_title(book, ws, label("title_assignments", lang), plan.settings.name)
    keys = ["as_person", "as_department", "as_post", "as_date", "as_shift", "as_start", "as_end", "as_hours"]
    for c, w in enumerate((10, 12, 10, 11, 7, 17, 17, 7)):
        ws.set_column(c, c, w)
    write_header(book, ws, row, [label(k, lang) for k in keys])
    header = row
    origin = _origin(plan)
    rows = sorted(
        (a for r in rosters for a in r.result.assignments),
        key=lambda a: (a.department, a.start_hour_abs, a.post, a.person),
    )
    for a in rows:
        row += 1
        ws.write_string(row, 0, a.person, book.fmt("text"))
        ws.write_string(row, 1, a.department, book.fmt("text"))
        ws.write_string(row, 2, a.post, book.fmt("text"))
        ws.write_datetime(row, 3, plan.settings.days[a.day], book.fmt("center", "date"))
        ws.write_string(row, 4, a.shift_code, book.fmt("center"))
        ws.write_datetime(row, 5, origin + dt.timedelta(hours=a.start_hour_abs), book.fmt("center", "datetime"))
        ws.write_datetime(row, 6, origin + dt.timedelta(hours=a.end_hour_abs), book.fmt("center", "datetime"))
        ws.write_number(row, 7, a.hours, book.fmt("center", number_format(a.hours)))
    if row > header:
        ws.autofilter(header, 0, row, len(keys) - 1)
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, repeat_rows=(header, header), footer=page_footer(lang, plan.settings.name))
    return AssignmentRange(ws.get_name(), header + 1, max(row, header + 1))


def write_grid(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster,
               shifts: Sequence[ShiftTemplate]) -> GridPlace:
    """People × days with 班次·岗位 codes, colour per shift, live head counts and the legend."""
    lang, s = plan.lang, plan.settings
    days = s.days
    res = dr.result
    row = write_title(
        book, ws, label("title_roster", lang, dept=dr.department), dr.explanation[0] if dr.explanation else s.name
    )
    ws.write_string(row - 1, 0, label("ro_cell_hint", lang), book.fmt("note"))
    first_day_col = 3
    hours_col = first_day_col + len(days)
    # the type and posts columns as wide as their longest text (English lists are long; posts in 8 pt)
    widths = [9, column_width([_kind(p.kind, lang) for p in dr.people], least=6, most=12),
              column_width([join(p.posts, lang) for p in dr.people], least=14, most=40, points=8),
              *[13] * len(days), 7]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    heads = [label("ro_name", lang), label("ro_type", lang), label("ro_posts", lang)]
    heads += [day_head(d, lang) for d in days] + [label("ro_hours", lang)]
    write_header(book, ws, row, heads)
    header = row
    by_template = {t.code: t for t in shifts}
    by_cell = {(a.person, a.day): cell_text(a.post, by_template[a.shift_code]) for a in res.assignments}
    hours_of = {t.code: t.hours for t in shifts}
    off = label("ro_off", lang)
    people = sorted(dr.people, key=lambda p: (list(KIND_LABEL).index(p.kind), p.posts, p.name))
    place = GridPlace(ws.get_name(), header, first_day_col)
    for p in people:
        row += 1
        place.rows[p.name] = row
        words = dict(p.off_words)
        ws.write_string(row, 0, p.name, book.fmt("text", bold=True))
        ws.write_string(row, 1, _kind(p.kind, lang), book.fmt("center"))
        ws.write_string(row, 2, join(p.posts, lang), book.fmt("text", font_size=8))
        for i in range(len(days)):
            value = by_cell.get((p.name, i))
            if value:
                ws.write_string(row, first_day_col + i, value, book.fmt("center", font_size=9))
            elif i in p.unavailable_days or i in p.off_days:
                ws.write_string(  # a kept day off as the planner typed it (假 stays 假)
                    row, first_day_col + i, words.get(i, off) if i in p.off_days else off,
                    book.fmt("center", bg_color="#D9D9D9", font_color="#7F7F7F"))
            else:
                ws.write_blank(row, first_day_col + i, None, book.fmt("center"))
        span = f"{cell(row, first_day_col)}:{cell(row, hours_col - 1)}"
        terms = "+".join(f"({count_code(span, t.code)})*{t.hours:g}" for t in shifts)
        total = sum(hours_of[a.shift_code] for a in res.assignments if a.person == p.name)
        ws.write_formula(row, hours_col, f"={terms or 0}", book.fmt("center", number_format(total), bold=True), total)
    last = row
    for k, t in enumerate(shifts):
        first_cell = cell(header + 1, first_day_col)
        ws.conditional_format(
            header + 1,
            first_day_col,
            last,
            hours_col - 1,
            {
                "type": "formula",
                "criteria": f"=COUNTIF({first_cell},{shift_criteria(t.code)})>0",
                "format": book.fmt("band", bg_color=SHIFT_COLOURS[k % len(SHIFT_COLOURS)]),
            },
        )
    # live head counts under the grid
    row += 1
    counts = [(label("ro_count_post", lang, post=post), post_criteria(post), post, None) for post in dr.requirement]
    counts += [(label("ro_count_shift", lang, code=t.code), shift_criteria(t.code), None, t.code) for t in shifts]
    for text, crit, post, code in counts:
        row += 1
        ws.merge_range(row, 0, row, 2, text, book.fmt("subtotal"))
        for i in range(len(days)):
            col = first_day_col + i
            value = sum(1 for a in res.assignments if a.day == i and (a.post == post or a.shift_code == code))
            ws.write_formula(
                row,
                col,
                f"=COUNTIF({cell(header + 1, col)}:{cell(last, col)},{crit})",
                book.fmt("subtotal", "int", align="center"),
                value,
            )
        ws.write_blank(row, hours_col, None, book.fmt("subtotal"))
    row = _legend(book, ws, plan, shifts, row + 2)
    row = _explanation(book, ws, plan, dr, row + 1, widths)
    row = _days_table(book, ws, plan, dr, row + 1)
    ws.freeze_panes(header + 1, 1)
    print_setup(ws, landscape=True, repeat_rows=(header, header), footer=page_footer(lang, s.name))
    ws.repeat_columns(0, 0)
    return place


def _covering(dr: DepartmentRoster, n: int, minutes: int) -> list[list[tuple[int, str]]]:
    """Per interval: the (day, shift code) instances whose hours include it."""
    out: list[list[tuple[int, str]]] = [[] for _ in range(n)]
    for inst in shift_instances(dr.shifts, n * minutes // (24 * 60), minutes):
        for t in range(max(0, inst.start_i), min(n, inst.end_i)):
            out[t].append((inst.day, inst.template.code))
    return out


def _legend(book: Book, ws: Worksheet, plan: Plan, shifts: Sequence[ShiftTemplate], row: int) -> int:
    """Code | name (2 columns) | start | end | hours | who (2 columns), under the grid."""
    lang = plan.lang
    ws.write_string(row, 0, label("ro_legend", lang), book.fmt("section"))
    row += 1
    layout = (
        (0, 0, "ro_code"),
        (1, 2, "ro_shift_name"),
        (3, 3, "ro_start"),
        (4, 4, "ro_end"),
        (5, 5, "ro_len"),
        (6, 7, "ro_who"),
    )
    ws.set_row(row, 30)
    for a, b, key in layout:
        _span(ws, row, a, b, label(key, lang), book.fmt("header"))
    for k, t in enumerate(shifts):
        row += 1
        start = dt.time(int(t.start_hour), round(t.start_hour % 1 * 60))
        end_h = (t.start_hour + t.hours) % 24
        end = dt.time(int(end_h), round(end_h % 1 * 60))
        colour = SHIFT_COLOURS[k % len(SHIFT_COLOURS)]
        kinds = sorted(t.kinds, key=list(KIND_LABEL).index)
        who = join((KIND_LABEL[x] if lang == "zh" else KIND_EN[x] for x in kinds), lang)
        ws.write_string(row, 0, t.code, book.fmt("center", bold=True, bg_color=colour))
        _span(ws, row, 1, 2, t.label, book.fmt("text"))
        ws.write_datetime(row, 3, start, book.fmt("center", "time"))
        ws.write_string(row, 4, f"{end:%H:%M}" + (" (+1)" if t.crosses_midnight else ""), book.fmt("center"))
        ws.write_number(row, 5, t.hours, book.fmt("center", number_format(t.hours)))
        _span(ws, row, 6, 7, who, book.fmt("text"))
    return row + 1


def _kind(kind: str, lang: str) -> str:
    return KIND_LABEL[kind] if lang == "zh" else KIND_EN[kind]


def _span(ws: Worksheet, row: int, first: int, last: int, text: str, fmt: object) -> None:
    if first == last:
        ws.write_string(row, first, text, fmt)
    else:
        ws.merge_range(row, first, row, last, text, fmt)


def _explanation(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster, row: int,
                 widths: Sequence[float]) -> int:
    """The roster's explanation, each line across the grid's columns (``widths``, in characters)."""
    lang = plan.lang
    ws.write_string(row, 0, label("ro_explain", lang), book.fmt("section"))
    lines = list(dr.explanation)
    if dr.unrostered_posts:
        lines.append(label("ro_unrostered", lang, posts=join(dr.unrostered_posts, lang)))
    last, width = len(widths) - 1, sum(widths)  # lines wrap within the grid's width
    for k, line in enumerate(lines):  # the first line sums up; the others are gaps, in red
        row += 1
        short = k > 0 and bool(dr.result.gaps or dr.unrostered_posts)
        fmt = (book.fmt("note", text_wrap=True, valign="top") if not short else
               book.fmt("text", font_color="#9C0006", border=0, text_wrap=True, valign="top"))
        ws.merge_range(row, 0, row, last, line, fmt)  # printed whole: never cut at the page's edge
        tall = text_height(line, width)
        if tall > 15:
            ws.set_row(row, tall)
    return row + 1


def _days_table(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster, row: int) -> int:
    """每日最差时段: each day judged by its worst interval, with the service level reached there and
    the day's chat-weighted service level against the target (see calc.roster_days)."""
    if not dr.days:
        return row
    lang = plan.lang
    labels = plan.settings.day_labels
    ws.write_string(row, 0, label("ro_days", lang), book.fmt("section"))
    row += 1
    heads = [label(k, lang) if k else "" for k in ("ro_day", "ro_day_post", "", "ro_day_time", "ro_day_req",
                                                 "ro_day_on", "ro_day_short", "ro_day_sl", "ro_day_sl_day",
                                                 "ro_day_target")]
    write_header(book, ws, row, heads)
    ws.merge_range(row, 1, row, 2, heads[1], book.fmt("header"))
    minutes = dr.result.interval_minutes
    for d in dr.days:
        row += 1
        red = {"font_color": "#9C0006", "bold": True} if d.short else {}
        ws.write_string(row, 0, labels[d.day], book.fmt("center", **red))
        ws.merge_range(row, 1, row, 2, d.post, book.fmt("text", **red))
        span = format_span(d.interval, d.interval + 1, minutes, labels, lang)[len(labels[d.day]) + 1:]
        mark = label("ro_day_must", lang) if d.must_cover else ""
        ws.write_string(row, 3, span + mark, book.fmt("center", **red))
        ws.write_number(row, 4, d.required, book.fmt("center", "int"))
        ws.write_number(row, 5, d.rostered, book.fmt("center", "int"))
        # rostered - required, as the heatmap's difference row (+3 for 8 on 5, not 0)
        ws.write_number(row, 6, d.rostered - d.required, book.fmt("center", num_format="+0;-0;0", **red))
        for col, value in ((7, d.service_level), (8, d.day_service_level), (9, d.target)):
            if value is None:
                ws.write_string(row, col, "—", book.fmt("center"))
            else:
                low = col in (7, 8) and d.target is not None and value < d.target - 1e-9
                ws.write_number(row, col, value, book.fmt("center", "percent", **({"font_color": "#9C0006"}
                                                                                   if low else {})))
    return row + 1


def write_heatmap(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster, grid: GridPlace) -> None:
    """Per peak day: posts × hours with required, scheduled (live from the roster grid: edit a
    cell there and the heatmap follows) and difference."""
    lang, s = plan.lang, plan.settings
    minutes = dr.result.interval_minutes
    per_day = 24 * 60 // minutes
    row = write_title(book, ws, label("title_heatmap", lang, dept=dr.department), s.name)
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 7)
    ws.set_column(2, 2 + per_day - 1, 3.6)
    sale = s.days.index(s.sale_day) if s.sale_day in s.days else 0
    peak = [d for d in (sale - 1, sale, sale + 1) if 0 <= d < len(s.days)]
    origin = _origin(plan)
    # posts no one holds too (their row reads 0 rostered): a heatmap without them shows every
    # post covered at hours a post has nobody (a helper's attack)
    needs = {**{q: v for q, v in dr.vacant.items() if q not in dr.requirement}, **dr.requirement}
    posts = [*dr.requirement, *(q for q in dr.vacant if q not in dr.requirement)]
    book.fmt("header", font_size=8)
    covering = _covering(dr, per_day * len(s.days), minutes)
    rows = sorted(grid.rows.values())
    first_row, last_row = (rows[0], rows[-1]) if rows else (grid.header + 1, grid.header + 1)

    def day_span(day: int) -> str:
        col = grid.first_col + day
        return f"{quote(grid.sheet)}!{cell(first_row, col, absolute=True)}:{cell(last_row, col, absolute=True)}"

    breaks = []
    for d in peak:
        if d != peak[0]:
            breaks.append(row)  # each day on a page of its own, with its own hour header
        ws.merge_range(row, 0, row, 1, day_label(s.days[d]), book.fmt("header"))
        for i in range(per_day):
            t = origin + dt.timedelta(minutes=(d * per_day + i) * minutes)
            ws.write_datetime(row, 2 + i, t, book.fmt("header", num_format="h", font_size=8))
        row += 1
        for post in posts:
            req = needs[post]
            cover = dr.result.cover.get(post, [0] * len(req))
            # one post, three rows: the name only on the first (no merge across rows: the goods
            # workbook may be written in constant-memory mode, where rows go strictly in order)
            ws.write_string(row, 0, post, book.fmt("center", bold=True, bottom=0))
            ws.write_string(row, 1, label("hm_required", lang), book.fmt("text", font_size=8))
            for i in range(per_day):
                t = d * per_day + i
                c = 2 + i
                ws.write_number(row, c, req[t], book.fmt("center", num_format=HIDE_ZERO, font_size=8))
            cells = {1: book.fmt("center", top=0, bottom=0), 2: book.fmt("center", top=0)}
            for k, key in ((1, "hm_scheduled"), (2, "hm_diff")):  # row by row: constant-memory safe
                ws.write_blank(row + k, 0, None, cells[k])
                ws.write_string(row + k, 1, label(key, lang), book.fmt("text", font_size=8))
                for i in range(per_day):
                    t = d * per_day + i
                    c = 2 + i
                    if k == 1:
                        terms = [count_code(day_span(day), code, post) for day, code in covering[t]]
                        formula = "=" + ("+".join(terms) or "0")
                        fmt = book.fmt("center", num_format=HIDE_ZERO, font_size=8)
                        ws.write_formula(row + 1, c, formula, fmt, cover[t])
                    else:
                        fmt = book.fmt("center", num_format=SIGNED, font_size=8, bold=True)
                        ws.write_formula(row + 2, c, f"={cell(row + 1, c)}-{cell(row, c)}", fmt, cover[t] - req[t])
            ws.conditional_format(
                row + 2,
                2,
                row + 2,
                1 + per_day,
                {"type": "cell", "criteria": "<", "value": 0, "format": book.fmt("bad")},
            )
            ws.conditional_format(
                row + 2,
                2,
                row + 2,
                1 + per_day,
                {"type": "cell", "criteria": ">", "value": 0, "format": book.fmt("over")},
            )
            ws.conditional_format(
                row + 2,
                2,
                row + 2,
                1 + per_day,
                {
                    "type": "formula",
                    "criteria": f"=AND({cell(row + 2, 2)}=0,{cell(row, 2)}>0)",
                    "format": book.fmt("good"),
                },
            )
            row += 3
        row += 1
    ws.set_h_pagebreaks(breaks)
    print_setup(ws, landscape=True, footer=page_footer(lang, s.name))
