"""A department's labour cost: per person the hours by how they are paid and the cost, a live
formula of the rates (change a rate or an hour and the cost follows), the department's total,
and the budget line next to the requirement it buys. The cost is always base + premium
(:mod:`sheetplan.calc.labour`); "其中加班" is the premium alone."""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from ..calc.department_roster import DepartmentRoster
from ..calc.labour import Pay, PayRules, total
from ..plan.model import Plan
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label
from .refs import cell


def currency(plan: Plan) -> str:
    return plan.settings.currency or ("元" if plan.lang == "zh" else "CNY")


def budget_line(plan: Plan, dr: DepartmentRoster, pays: Sequence[Pay]) -> str:
    t = total(pays)
    pct = dr.covered_text() if dr.result.required_hours + sum(dr.unstaffed.values()) > 0 else "—"
    return label("lc_budget", plan.lang, cost=f"{t.cost:,.2f}", cur=currency(plan), ot=f"{t.premium:,.2f}",
                 pct=pct)


def write_labour(book: Book, ws: Worksheet, plan: Plan, dr: DepartmentRoster, pays: Sequence[Pay],
                 rules: PayRules) -> None:
    lang = plan.lang
    row = write_title(book, ws, label("title_labour", lang, dept=dr.department), budget_line(plan, dr, pays))
    r1, r2, r3 = rules.weekday_overtime, rules.rest_day, rules.holiday
    heads = [label("dd_person", lang), label("lc_rate", lang), label("lc_regular", lang),
             label("lc_overtime", lang, r=f"{r1:g}"), label("lc_rest", lang, r=f"{r2:g}"),
             label("lc_holiday", lang, r=f"{r3:g}"), label("lc_hours", lang),
             label("lc_cost", lang, cur=currency(plan))]
    for c, w in enumerate((10, 8, 10, 14, 13, 15, 9, 14)):
        ws.set_column(c, c, w)
    write_header(book, ws, row, heads)
    header = row
    num = book.fmt("center", "one")
    money = book.fmt("text", "price")
    for p in pays:
        row += 1
        r = row
        ws.write_string(r, 0, p.person, book.fmt("text"))
        ws.write_number(r, 1, p.rate, book.fmt("center", "price"))
        for c, v in ((2, p.regular), (3, p.overtime), (4, p.rest), (5, p.holiday)):
            ws.write_number(r, c, v, num)
        ws.write_formula(r, 6, f"=SUM({cell(r, 2)}:{cell(r, 5)})", num, p.hours)
        formula = (f"={cell(r, 1)}*({cell(r, 2)}+{r1:g}*{cell(r, 3)}+{r2:g}*{cell(r, 4)}"
                   f"+{r3:g}*{cell(r, 5)})")
        ws.write_formula(r, 7, formula, money, p.cost)
    t = total(pays)
    row += 1
    ws.write_string(row, 0, label("lc_total", lang), book.fmt("subtotal"))
    ws.write_blank(row, 1, None, book.fmt("subtotal"))
    for c, v in ((2, t.regular), (3, t.overtime), (4, t.rest), (5, t.holiday), (6, t.hours), (7, t.cost)):
        span = f"{cell(header + 1, c)}:{cell(max(header + 1, row - 1), c)}"
        ws.write_formula(row, c, f"=SUM({span})", book.fmt("subtotal", "price" if c == 7 else "one"), v)
    row += 2
    ws.merge_range(row, 0, row, 7, label("lc_note", lang, day=f"{rules.day_limit:g}", week=f"{rules.week_limit:g}",
                                         r1=f"{r1:g}", r2=f"{r2:g}", r3=f"{r3:g}"), book.fmt("note", text_wrap=True))
    ws.set_row(row, 45)
    row += 1
    system = "lc_lieu" if rules.system == "lieu" else "lc_standard"
    ws.merge_range(row, 0, row, 7, label(system, lang, h=f"{t.lieu:g}", r2=f"{r2:g}"), book.fmt("note", text_wrap=True))
    ws.set_row(row, 30)
    ws.freeze_panes(header + 1, 1)
    print_setup(ws, repeat_rows=(header, header), footer=page_footer(lang, plan.settings.name))
