"""部门职责: a duty tracker — progress per department, every duty with its department on its own
row (so a filter by department shows all of them), due and overdue against the plan's 统计日期,
and a timeline of deadlines by week drawn with native conditional formatting (no pictures).

Everything a planner edits stays live: change a status or a deadline and the overdue flag, the
progress per department and the timeline follow. The 统计日期 cell can be replaced by =TODAY().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from ..plan.model import Duty, Plan
from ..plan.schema import STATUSES, choice_label
from . import formula as f
from .book import Book, page_footer, print_setup, text_height, write_header, write_title
from .labels import label
from .refs import cell, on

STATUS_STYLE = {"已完成": "good", "延期": "bad", "进行中": "warn"}
DONE = STATUSES[2]  # 已完成
DUTY_WIDTH = 44
WEEK_WIDTH = 3.2


def as_of(plan: Plan) -> dt.date:
    """The date overdue is judged by: the 统计日期 setting, else the campaign's first day."""
    return plan.settings.as_of or plan.settings.start


def weeks(plan: Plan, duties: Sequence[Duty]) -> list[dt.date]:
    """Mondays from the week of the earliest phase or deadline to the campaign's last week."""
    dates = [plan.settings.start, plan.settings.end, *(p.start for p in plan.phases),
             *(d.deadline for d in duties if d.deadline)]
    first, last = min(dates), max(dates)
    monday = first - dt.timedelta(days=first.weekday())
    n = (last - monday).days // 7 + 1
    return [monday + dt.timedelta(weeks=i) for i in range(min(n, 60))]


def write_duties(book: Book, ws: Worksheet, plan: Plan, duties: Sequence[Duty], department: str | None) -> str:
    """Write the tracker; returns a reference to the cell holding the duty count."""
    lang, s = plan.lang, plan.settings
    title = label("title_duties", lang, dept=department) if department else label("title_all_duties", lang)
    head = next((d.head for d in plan.departments if d.department == department), "")
    row = write_title(book, ws, title, f"{s.name}" + (f" · {label('duty_owner', lang)} {head}" if head else ""))
    keys = ["duty_department", "duty_no", "duty_duty", "duty_owner", "duty_deadline", "duty_phase", "duty_status",
            "duty_overdue"]
    widths = [12, 6, DUTY_WIDTH, 9, 11, 9, 9, 7]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    rank = {x.department: i for i, x in enumerate(plan.departments)}
    ordered = sorted(duties, key=lambda d: rank.get(d.department, len(rank)))
    depts = list(dict.fromkeys(d.department for d in ordered))
    # the date overdue is judged by (planner-editable: =TODAY() makes it follow the calendar)
    ws.merge_range(row, 0, row, 3, label("duty_as_of", lang), book.fmt("text", bold=True, align="right"))
    ws.write_datetime(row, 4, as_of(plan), book.fmt("center", "date", bg_color="#FFFFE0"))
    ws.write_string(row, 5, label("duty_as_of_note", lang), book.fmt("note"))
    as_of_cell = cell(row, 4, absolute=True)
    row += 2
    progress_row = row
    row += len(depts) + 3  # the progress block is written once the table's ranges are known
    write_header(book, ws, row, [label(k, lang) for k in keys])
    header = row
    first = header + 1
    last = first + max(len(ordered), 1) - 1
    rng = {k: f"{cell(first, c, absolute=True)}:{cell(last, c, absolute=True)}" for c, k in enumerate(keys)}
    done, overdue = choice_label(DONE, lang), label("duty_overdue_flag", lang)
    week_list = weeks(plan, ordered)
    tl0 = len(keys)
    for i, monday in enumerate(week_list):
        ws.set_column(tl0 + i, tl0 + i, WEEK_WIDTH)
        ws.write_datetime(header, tl0 + i, monday, book.fmt("header", num_format="m-d", font_size=7, rotation=90))
    for k, d in enumerate(ordered):
        r = first + k
        band = {"bg_color": "#F2F6FC"} if k % 2 else {}
        ws.write_string(r, 0, d.department, book.fmt("text", bold=True, **band))
        ws.write_number(r, 1, d.no, book.fmt("center", **band))
        ws.write_string(r, 2, d.duty, book.fmt("wrap", **band))
        ws.write_string(r, 3, d.owner, book.fmt("center", **band))
        if d.deadline:
            ws.write_datetime(r, 4, d.deadline, book.fmt("center", "date", **band))
        else:
            ws.write_blank(r, 4, None, book.fmt("center", **band))
        ws.write_string(r, 5, choice_label(d.phase, lang), book.fmt("center", **band))
        ws.write_string(r, 6, choice_label(d.status, lang), book.fmt("center", **band))
        late = bool(d.deadline and d.deadline < as_of(plan) and d.status != DONE)
        ws.write_formula(
            r, 7,
            f'=IF(AND({cell(r, 4)}<>"",{cell(r, 4)}<{as_of_cell},{cell(r, 6)}<>{f.text(done)}),{f.text(overdue)},"")',
            book.fmt("center", font_color="#9C0006", bold=True, **band), overdue if late else "",
        )
        for i in range(len(week_list)):
            ws.write_blank(r, tl0 + i, None, book.fmt("band", **band) if band else None)
        ws.set_row(r, text_height(d.duty, DUTY_WIDTH))
    if not ordered:
        ws.write_blank(first, 0, None, book.fmt("text"))
    _statuses(book, ws, first, last, 6, lang)
    _timeline(book, ws, header, first, last, tl0, len(week_list), as_of_cell, done)
    if ordered:
        ws.autofilter(header, 0, last, len(keys) - 1)
    _progress(book, ws, plan, progress_row, depts, rng, done, overdue)
    row = last + 2
    ws.write_string(row, 0, label("duty_count", lang), book.fmt("text", bold=True))
    ws.write_formula(row, 1, f"=COUNT({rng['duty_no']})", book.fmt("text", "int", bold=True, align="left"),
                     len(duties))
    ws.write_string(row + 1, 0, label("duty_timeline_note", lang), book.fmt("note"))
    ws.freeze_panes(header + 1, 3)
    print_setup(ws, landscape=True, repeat_rows=(header, header), footer=page_footer(lang, s.name))
    return on(ws.get_name(), row, 1)


def _progress(book: Book, ws: Worksheet, plan: Plan, row: int, depts: list[str], rng: dict[str, str],
              done: str, overdue: str) -> None:
    """Per department: duties, done, overdue and the share done, as COUNTIFS over the table."""
    lang = plan.lang
    ws.write_string(row, 0, label("duty_progress", lang), book.fmt("section"))
    row += 1
    heads = ["duty_total", "duty_done", "duty_overdue", "duty_share_done"]
    ws.merge_range(row, 0, row, 2, label("duty_department", lang), book.fmt("header"))
    for c, k in enumerate(heads, start=3):
        ws.write_string(row, c, label(k, lang), book.fmt("header"))
    first = row + 1
    for i, dept in enumerate(depts):
        r = first + i
        mine = [d for d in plan.duties if d.department == dept]
        is_dept = f"{rng['duty_department']},{f.criteria(f.literal(dept))}"
        n_done = sum(d.status == DONE for d in mine)
        n_late = sum(bool(d.deadline and d.deadline < as_of(plan) and d.status != DONE) for d in mine)
        ws.merge_range(r, 0, r, 2, dept, book.fmt("text", bold=True))
        ws.write_formula(r, 3, f"=COUNTIFS({is_dept})", book.fmt("center", "int"), len(mine))
        ws.write_formula(r, 4, f"=COUNTIFS({is_dept},{rng['duty_status']},{f.criteria(f.literal(done))})",
                         book.fmt("center", "int"), n_done)
        ws.write_formula(r, 5, f"=COUNTIFS({is_dept},{rng['duty_overdue']},{f.criteria(f.literal(overdue))})",
                         book.fmt("center", "int"), n_late)
        ws.write_formula(r, 6, f"=IF({cell(r, 3)}=0,0,{cell(r, 4)}/{cell(r, 3)})", book.fmt("center", "percent0"),
                         n_done / len(mine) if mine else 0)
    if depts:
        last = first + len(depts) - 1
        ws.conditional_format(first, 6, last, 6, {"type": "data_bar", "bar_color": "#70AD47", "bar_solid": True,
                                                  "min_type": "num", "min_value": 0, "max_type": "num",
                                                  "max_value": 1})
        ws.conditional_format(first, 5, last, 5, {"type": "cell", "criteria": ">", "value": 0,
                                                  "format": book.fmt("bad")})


def _statuses(book: Book, ws: Worksheet, first: int, last: int, col: int, lang: str) -> None:
    for status, style_name in STATUS_STYLE.items():
        ws.conditional_format(first, col, last, col, {
            "type": "cell", "criteria": "==", "value": f.text(choice_label(status, lang)),
            "format": book.fmt(style_name),
        })


def _timeline(book: Book, ws: Worksheet, header: int, first: int, last: int, c0: int, n: int, as_of_cell: str,
              done: str) -> None:
    """A deadline marker in the week that holds it: green when done, red when overdue, blue
    otherwise; a grey line marks the 统计日期's week. Live: edit a deadline and the marker moves."""
    if n == 0:
        return
    top = cell(header, c0)
    deadline = f"$E{first + 1}"
    status = f"$G{first + 1}"
    in_week = f"AND({deadline}<>\"\",{deadline}>={_col_abs(top)},{deadline}<{_col_abs(top)}+7)"
    rules = (
        (f"=AND({in_week},{status}={f.text(done)})", "good"),
        (f"=AND({in_week},{deadline}<{as_of_cell})", "bad"),
        (f"={in_week}", "over"),
        (f"=AND({as_of_cell}>={_col_abs(top)},{as_of_cell}<{_col_abs(top)}+7)", "today"),
    )
    for criteria, style_name in rules:
        ws.conditional_format(first, c0, last, c0 + n - 1, {
            "type": "formula", "criteria": criteria, "format": book.fmt(style_name), "stop_if_true": True,
        })


def _col_abs(ref: str) -> str:
    """'F5' -> 'F$5': the header row fixed, the column following the cell the rule is applied to."""
    col = "".join(ch for ch in ref if ch.isalpha())
    return f"{col}${ref[len(col):]}"
