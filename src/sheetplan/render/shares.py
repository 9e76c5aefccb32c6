"""库存占比: units, value, shares and implied unit price as live formulas, with a chart."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ..calc.shares import ShareTable
from ..plan.model import Plan
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label
from .refs import cell, on
from .styles import CHART_COLOURS


@dataclass(frozen=True)
class ShareRefs:
    units: str
    amount: str


def share_formula(col: int, row: int, first: int, last: int, total_row: int, method: str, decimals: int) -> str:
    """Exact share, or the largest-remainder share as one self-contained formula.

    Largest remainder: floor every share to 10^-d %, then give one unit to each row whose
    remainder ranks (ties: earlier row first) within the units left over — the same rule as
    `calc.shares.largest_remainder_shares`.
    """
    v, tot = cell(row, col), cell(total_row, col, absolute=True)
    if method != "largest_remainder":
        return f"=IF({tot}=0,0,{v}/{tot})"
    units = 100 * 10**decimals
    rng = f"{cell(first, col, absolute=True)}:{cell(last, col, absolute=True)}"
    scaled_all = f"{rng}/{tot}*{units}"
    rem_all = f"({scaled_all}-ROUNDDOWN({scaled_all},0))"
    rem_me = f"({v}/{tot}*{units}-ROUNDDOWN({v}/{tot}*{units},0))"
    left = f"({units}-SUMPRODUCT(ROUNDDOWN({scaled_all},0)))"
    rank = f"(SUMPRODUCT(--({rem_all}>{rem_me}))+SUMPRODUCT(--({rem_all}={rem_me}),--(ROW({rng})<ROW({v}))))"
    return f"=IF({tot}=0,0,(ROUNDDOWN({v}/{tot}*{units},0)+IF({rank}<{left},1,0))/{units})"


def write_shares(book: Book, ws: Worksheet, plan: Plan, table: ShareTable) -> ShareRefs:
    lang, s = plan.lang, plan.settings
    name = ws.get_name()
    row = write_title(book, ws, label("title_shares", lang), s.name)
    widths = (16, 10, 14, 14, 14, 12, 8)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    heads = ["sh_category", "sh_quantity", "sh_amount", "sh_qshare", "sh_ashare", "sh_price", "sh_abc"]
    write_header(book, ws, row, [label(h, lang) for h in heads])
    header = row
    first, last = header + 1, header + len(table.rows)
    total = last + 1
    pct = "0." + "0" * s.share_decimals + "%" if s.share_decimals else "0%"
    pct_fmt = book.fmt("text", num_format=pct)
    for i, r in enumerate(table.rows):
        rr = first + i
        band = {"bg_color": "#F2F6FC"} if i % 2 else {}
        ws.write_string(rr, 0, r.label, book.fmt("text", **band))
        ws.write_number(rr, 1, r.quantity, book.fmt("text", "int", **band))
        ws.write_number(rr, 2, r.amount, book.fmt("text", "money", **band))
        ws.write_formula(
            rr, 3, share_formula(1, rr, first, last, total, s.share_method, s.share_decimals), pct_fmt, r.quantity_share
        )
        ws.write_formula(
            rr, 4, share_formula(2, rr, first, last, total, s.share_method, s.share_decimals), pct_fmt, r.amount_share
        )
        ws.write_formula(
            rr,
            5,
            f'=IF({cell(rr, 1)}>0,{cell(rr, 2)}/{cell(rr, 1)},"")',
            book.fmt("text", "price", **band),
            r.unit_price if r.unit_price is not None else "",
        )
        ws.write_string(rr, 6, r.abc, book.fmt("center", **band))
    ws.write_string(total, 0, label("sh_total", lang), book.fmt("total"))
    sums = (
        table.total_quantity,
        table.total_amount,
        sum(r.quantity_share for r in table.rows),
        sum(r.amount_share for r in table.rows),
    )
    total_fmts = (
        book.fmt("total", "int"),
        book.fmt("total", "money"),
        book.fmt("total", num_format=pct),
        book.fmt("total", num_format=pct),
    )
    for c, val, fmt in zip((1, 2, 3, 4), sums, total_fmts, strict=True):
        ws.write_formula(total, c, f"=SUM({cell(first, c)}:{cell(last, c)})", fmt, val)
    price = table.total_unit_price
    ws.write_formula(
        total,
        5,
        f'=IF({cell(total, 1)}>0,{cell(total, 2)}/{cell(total, 1)},"")',
        book.fmt("total", "price"),
        price if price is not None else "",
    )
    ws.write_blank(total, 6, None, book.fmt("total"))
    note = "sh_method_lr" if s.share_method == "largest_remainder" else "sh_method_exact"
    ws.write_string(total + 1, 0, label(note, lang), book.fmt("note"))
    ws.write_string(total + 2, 0, label("sh_abc_rule", lang), book.fmt("note"))
    _chart(book, ws, name, lang, first, last, total + 4)
    ws.freeze_panes(header + 1, 1)
    print_setup(ws, repeat_rows=(header, header), footer=page_footer(lang, s.name))
    return ShareRefs(on(name, total, 1), on(name, total, 2))


def _chart(book: Book, ws: Worksheet, name: str, lang: str, first: int, last: int, at_row: int) -> None:
    chart = book.wb.add_chart({"type": "column"})
    for col, key, colour in ((3, "sh_qshare", CHART_COLOURS[0]), (4, "sh_ashare", CHART_COLOURS[1])):
        chart.add_series(
            {
                "name": label(key, lang),
                "categories": [name, first, 0, last, 0],
                "values": [name, first, col, last, col],
                "fill": {"color": colour},
                "data_labels": {"value": True, "num_format": "0.0%", "font": {"name": book.font, "size": 8}},
                "gap": 60,
            }
        )
    chart.set_title({"name": label("sh_chart", lang), "name_font": {"name": book.font, "size": 12}})
    chart.set_x_axis({"num_font": {"name": book.font, "size": 9}})
    chart.set_y_axis(
        {
            "num_format": "0%",
            "num_font": {"name": book.font, "size": 9},
            "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}},
        }
    )
    chart.set_legend({"position": "top", "font": {"name": book.font, "size": 9}})
    chart.set_size({"width": 620, "height": 300})
    ws.insert_chart(at_row, 0, chart)
